// `npm run recover`'s Automation API side (tools/engine/automation.ts), offline: the SDK spawns the CLI, so it is
// handed a stand-in through its own seam (`PulumiCommand.get({ root })`, `<root>/bin/pulumi`) rather than through
// PATH, which every other test of the worker shares. The stand-in keeps a stack's state and answers as the CLI does;
// it records each call with the config file the call read.
import { strict as assert } from "assert";
import { chmodSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "fs";
import * as path from "path";
import { PulumiCommand } from "@pulumi/pulumi/automation";
import { parse } from "yaml";
import { PulumiFailure, automationStack, fileBackendLocks } from "../../engine/automation";
import { scratchDir } from "../../../test/fixtures/scratch";

const STACK_FILE = "config:\n  runbooks:clusters:\n    psi:\n      context: psi # the operator's comment\n";

const STAND_IN = (dir: string, yamlModule: string) => `#!${process.execPath}
const fs = require("fs"), path = require("path"), YAML = require(${JSON.stringify(yamlModule)});
const dir = ${JSON.stringify(dir)};
const args = process.argv.slice(2), state = JSON.parse(fs.readFileSync(path.join(dir, "state.json"), "utf8"));
const flag = (f) => (args.includes(f) ? args[args.indexOf(f) + 1] : undefined);
const configFile = flag("--config-file");
fs.appendFileSync(path.join(dir, "calls.log"), JSON.stringify({ args, config: configFile && fs.readFileSync(configFile, "utf8") }) + "\\n");
const out = (s) => process.stdout.write(s);
if (args[0] === "version") out("v3.259.0\\n");
else if (args[0] === "whoami") out(JSON.stringify({ user: "op", url: "file://" + path.join(dir, "backend") }));
else if (args[0] === "stack" && args[1] === "export") out(JSON.stringify(state));
else if (args[0] === "stack" && args[1] === "history") out("[]");
else if (args[0] === "stack" && args[1] === "output") out("{}");
else if (args[0] === "config" && args[1] === "set") {
    const file = "Pulumi." + flag("--stack") + ".yaml";
    const doc = YAML.parse(fs.readFileSync(file, "utf8"));
    const [top, ...rest] = args[3].split(".");
    let node = (doc.config["runbooks:" + top] ??= {});
    for (const k of rest.slice(0, -1)) node = node[k] ??= {};
    node[rest.at(-1)] = args.at(-1) === "true";
    fs.writeFileSync(file, YAML.stringify(doc));
} else if (["up", "refresh", "preview", "cancel"].includes(args[0]) && state.locked) {
    process.stderr.write("error: the stack is currently locked by 1 lock(s). Either wait or delete the lock file with \`pulumi cancel\`.\\n");
    process.exit(255);
} else if (args[0] === "preview" && state.changes) {
    out("~ 1 to update\\n");
    process.exit(1);
} else if (args[0] === "refresh" && args.includes("--clear-pending-creates")) {
    state.deployment.pending_operations = [];
    fs.writeFileSync(path.join(dir, "state.json"), JSON.stringify(state));
}
`;

/** A project directory with the committed stack file, and a stand-in CLI whose stack is in `state`. */
async function standIn(state: object) {
    const dir = scratchDir("recover-automation-");
    const project = path.join(dir, "project");
    mkdirSync(path.join(dir, "bin"));
    mkdirSync(project);
    writeFileSync(path.join(project, "Pulumi.yaml"), "name: runbooks\nruntime: nodejs\n");
    writeFileSync(path.join(project, "Pulumi.prod.yaml"), STACK_FILE);
    writeFileSync(path.join(dir, "state.json"), JSON.stringify(state));
    writeFileSync(path.join(dir, "bin", "pulumi"), STAND_IN(dir, require.resolve("yaml")));
    chmodSync(path.join(dir, "bin", "pulumi"), 0o755);
    const ops = await automationStack("prod", project, await PulumiCommand.get({ root: dir }));
    const calls = () =>
        readFileSync(path.join(dir, "calls.log"), "utf8")
            .trim()
            .split("\n")
            .map((l) => JSON.parse(l) as { args: string[]; config?: string });
    return { dir, project, ops, calls };
}

const verb = (args: string[]) => args.slice(0, args[0] === "stack" ? 2 : 1).join(" ");

describe("npm run recover on the Automation API (stand-in CLI)", () => {
    it("runs the adoption up on a copy of the stack file with adoptExisting on, and never writes the committed file", async () => {
        const { project, ops, calls } = await standIn({ deployment: {} });
        await ops.up(["psi"]);
        await ops.up([]);
        const ups = calls().filter((c) => c.args[0] === "up");
        assert.equal(ups.length, 2);
        const adopted = parse(ups[0].config!) as { config: Record<string, Record<string, object>> };
        assert.deepEqual(adopted.config["runbooks:clusters"].psi, { context: "psi", adoptExisting: true });
        // Control: the up without adoption reads the stack file the CLI finds itself, so no copy is handed to it.
        assert.equal(ups[1].config, undefined);
        assert.equal(readFileSync(path.join(project, "Pulumi.prod.yaml"), "utf8"), STACK_FILE);
        assert.deepEqual(readdirSync(project).sort(), ["Pulumi.prod.yaml", "Pulumi.yaml"]);
    });

    it("reads the pending operations through exportStack, clears them with refresh's clearPendingCreates, and removes a lock with cancel", async () => {
        const pending = [{ type: "creating", resource: { urn: "urn:pulumi:prod::runbooks::x::y" } }];
        const { ops, calls } = await standIn({ deployment: { pending_operations: pending } });
        assert.deepEqual((await ops.exportState()).deployment?.pending_operations, pending);
        await ops.refresh({ clearPendingCreates: true });
        assert.deepEqual((await ops.exportState()).deployment?.pending_operations, []);
        await ops.cancel();
        const used = calls().map((c) => c.args);
        assert.deepEqual(used.filter((a) => ["refresh", "cancel"].includes(a[0])).map(verb), [
            "refresh",
            "cancel",
        ]);
        assert.ok(used.some((a) => a[0] === "refresh" && a.includes("--clear-pending-creates")));
    });

    it("reports a locked stack as locked, and another failure as not locked", async () => {
        const locked = await standIn({ deployment: {}, locked: true });
        await assert.rejects(
            locked.ops.refresh({ clearPendingCreates: false }),
            (e: PulumiFailure) => e instanceof PulumiFailure && e.locked && e.code === 255,
        );
        const free = await standIn({ deployment: {}, changes: true });
        // Control: a stack that is not locked refreshes.
        await free.ops.refresh({ clearPendingCreates: false });
        await assert.rejects(
            free.ops.previewNoChanges(),
            (e: PulumiFailure) =>
                e instanceof PulumiFailure && !e.locked && e.code === 1 && /1 to update/.test(e.output),
        );
    });

    it("reads a file backend's locks of this project and stack from their files, and none of another stack", async () => {
        const { dir, ops } = await standIn({ deployment: {} });
        const locks = path.join(dir, "backend", ".pulumi", "locks", "organization", "runbooks");
        const lock = { pid: 4242, username: "ci", hostname: "runner-1", timestamp: "2026-11-24T10:00:00Z" };
        mkdirSync(path.join(locks, "prod"), { recursive: true });
        mkdirSync(path.join(locks, "stage"), { recursive: true });
        writeFileSync(path.join(locks, "prod", "a.json"), JSON.stringify(lock));
        writeFileSync(path.join(locks, "stage", "b.json"), JSON.stringify({ ...lock, pid: 7 }));
        assert.deepEqual(
            (await ops.locks())?.map((l) => [l.user, l.host, l.pid, l.time]),
            [["ci", "runner-1", 4242, "2026-11-24T10:00:00Z"]],
        );
        assert.equal(fileBackendLocks("https://api.pulumi.com", "runbooks", "prod"), undefined);
    });
});
