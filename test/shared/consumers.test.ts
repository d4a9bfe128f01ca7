import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import fc from "fast-check";
import {
    CONSUMER_ATTEMPTS,
    CONSUMER_DELAY_SECONDS,
    consumersScript,
} from "../../components/shared/consumers";
import { RecordedResource } from "../../tools/mocks/recorder";
import { runSystem } from "../fixtures/system";
import { DIALS, runDials } from "../dials/fixtures";
import { PACKIT, everyComponentOn, packitSections } from "../packit/fixtures";
import { queuesIn, shortened } from "./consumersScript";

// The consumers Job `pulumi up` waits for after the workers roll out (runbooks 001 and 003: consumers back on their
// queues): which queues it waits for, after what, with which broker, and what its script decides. The script runs
// here against a stand-in `celery` that prints a given reply; e2e/consumers.e2e.ts runs it against real Celery.

type Container = {
    command?: string[];
    args?: string[];
    env?: { name: string; value?: unknown; valueFrom?: unknown }[];
};
const podOf = (r: RecordedResource) =>
    (r.inputs.spec as { template: { spec: { containers: Container[] } } }).template.spec;
const nameOf = (r: RecordedResource) => (r.inputs.metadata as { name: string }).name;
const namespaceOf = (r: RecordedResource) => (r.inputs.metadata as { namespace: string }).namespace;
const jobs = (rs: RecordedResource[]) =>
    rs.filter((r) => r.type === "kubernetes:batch/v1:Job" && /-consumers-/.test(nameOf(r)));

/** The queues the program's workers consume: DIALS' `--queues=` flags, Packit's `QUEUES` of a running StatefulSet. */
function consumed(rs: RecordedResource[], namespace: string): string[] {
    const out = new Set<string>();
    for (const r of rs) {
        if (!/:(Deployment|StatefulSet)$/.test(r.type) || namespaceOf(r) !== namespace) continue;
        if ((r.inputs.spec as { replicas?: number }).replicas === 0) continue;
        for (const c of podOf(r).containers) {
            const flag = [...(c.command ?? []), ...(c.args ?? [])].find((a) => a.startsWith("--queues="));
            const env = c.env?.find((e) => e.name === "QUEUES")?.value;
            const list = flag?.slice("--queues=".length) ?? (typeof env === "string" ? env : undefined);
            for (const q of list?.split(",") ?? []) out.add(q);
        }
    }
    return [...out].sort();
}

describe("the consumers Job of each Celery system", function () {
    for (const stack of ["stage", "prod"] as const)
        it(`${stack}: one Job per workers' namespace waits for exactly the queues they consume, after them, with no secret in its spec`, async () => {
            const rs = [...(await runSystem(DIALS, stack)), ...(await runSystem(PACKIT, stack))];
            const found = jobs(rs);
            assert.deepEqual(
                found.map(namespaceOf).sort(),
                [
                    `cms-dials-${stack}`,
                    `packit-${stack === "stage" ? "stg" : "prod"}`,
                    `stream-${stack === "stage" ? "stg" : "prod"}`,
                ].sort(),
            );
            for (const job of found) {
                const ns = namespaceOf(job);
                const script = podOf(job).containers[0].command![2];
                assert.deepEqual([...queuesIn(script)].sort(), consumed(rs, ns), ns);
                // After every worker of the namespace: the Job's dependencies hold each worker's component.
                const workers = rs.filter(
                    (r) =>
                        /:(Deployment|StatefulSet)$/.test(r.type) &&
                        namespaceOf(r) === ns &&
                        consumed([r], ns).length > 0,
                );
                assert.ok(workers.length > 0, ns);
                for (const w of workers)
                    assert.ok(
                        job.dependencies.some((d) => w.urn.startsWith(d) || d === w.parent),
                        `${nameOf(job)} does not wait for ${nameOf(w)}`,
                    );
                // The broker's URL and password stay in the workers' own references: a value is a host, never a URL.
                for (const e of podOf(job).containers[0].env ?? [])
                    assert.ok(e.valueFrom !== undefined || !/redis:\/\//.test(String(e.value)), e.name);
                assert.doesNotMatch(JSON.stringify(job.inputs), /redis:\/\/:[^$]/);
            }
        });

    it("a new release is a new Job, so each release checks its consumers again; the same release keeps it", async () => {
        const name = async (tag?: string) =>
            nameOf(jobs(await runDials("stage", (d) => tag && ((d.images as { tag: string }).tag = tag)))[0]);
        assert.equal(await name(), await name());
        assert.notEqual(await name("v1.12.1"), await name());
    });

    it("none while Packit's writers are paused for a database upgrade (no worker runs): the up would fail on it", async () => {
        const rs = await runSystem(PACKIT, "stage", (values) =>
            everyComponentOn(packitSections(values), { upgrade: true }),
        );
        assert.deepEqual(
            jobs(rs).map(namespaceOf),
            ["stream-stg"],
            "packit's writers are paused, stream's are not",
        );
        assert.deepEqual(consumed(rs, "packit-stg"), []);
    });
});

describe("the consumers script", () => {
    /** Runs the script with a `celery` on PATH that prints `reply` (and exits `code`); no sleep. */
    function decide(queues: string[], reply: string, code = 0): { status: number; out: string } {
        const dir = mkdtempSync(path.join(tmpdir(), "consumers-"));
        try {
            writeFileSync(path.join(dir, "reply"), reply);
            writeFileSync(path.join(dir, "celery"), `#!/bin/sh\ncat "${dir}/reply"\nexit ${code}\n`);
            writeFileSync(path.join(dir, "sleep"), "#!/bin/sh\n");
            chmodSync(path.join(dir, "celery"), 0o755);
            chmodSync(path.join(dir, "sleep"), 0o755);
            // Two attempts instead of thirty: the same decision, sooner (the count is asserted below).
            const script = shortened(consumersScript("$BROKER", queues), 2);
            const r = spawnSync("/bin/sh", ["-c", script], {
                env: { PATH: `${dir}:/usr/bin:/bin`, BROKER: "redis://broker:6379/0" },
                encoding: "utf8",
            });
            return { status: r.status ?? -1, out: `${r.stdout}${r.stderr}` };
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    }
    /** celery's `inspect active_queues --json` reply: each worker with the queues it consumes. */
    const reply = (workers: string[][]) =>
        JSON.stringify(
            Object.fromEntries(
                workers.map((qs, i) => [
                    `w${i}@pod`,
                    qs.map((name) => ({ name, exchange: { name }, routing_key: name })),
                ]),
            ),
        )
            .replace(/":/g, '": ')
            .replace(/,"/g, ', "');

    it("generated: passes exactly when every queue has a consumer, else names the ones without, in order", function () {
        this.timeout(120_000);
        const queue = fc.stringMatching(/^[a-z][a-z0-9._-]{0,14}$/);
        fc.assert(
            fc.property(
                fc.uniqueArray(queue, { minLength: 1, maxLength: 6 }),
                fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }),
                fc.uniqueArray(queue, { maxLength: 3 }),
                (queues, served, others) => {
                    const consumedNow = queues.filter((_, i) => served[i]);
                    const missing = queues.filter((q) => !consumedNow.includes(q));
                    // Other queues, and names that only start like one of ours, never stand in for it.
                    const noise = others
                        .filter((o) => !queues.includes(o))
                        .concat(queues.map((q) => `${q}x`));
                    const r = decide(queues, reply([consumedNow, noise.filter((n) => !queues.includes(n))]));
                    if (missing.length === 0) {
                        assert.equal(r.status, 0, r.out);
                        assert.match(r.out, /every queue has a consumer/);
                    } else {
                        assert.equal(r.status, 1, r.out);
                        assert.ok(r.out.includes(`no consumer on: ${missing.join(" ")}\n`), r.out);
                    }
                },
            ),
            { numRuns: 40 },
        );
    });

    it("no worker answering (celery's exit 69, 'No nodes replied') fails with every queue named", () => {
        const r = decide(["a", "b"], "Error: No nodes replied within time constraint", 69);
        assert.equal(r.status, 1);
        assert.match(r.out, /no consumer on: a b\n/);
        assert.match(r.out, /No nodes replied/, "the last reply is in the log");
    });

    it("waits as long as its attempts say, within the Job's deadline", () => {
        const script = consumersScript("$B", ["q"]);
        assert.match(script, new RegExp(`-ge ${CONSUMER_ATTEMPTS}\\b`));
        assert.match(script, new RegExp(`sleep ${CONSUMER_DELAY_SECONDS}\\b`));
        // A queue name is data to the shell, whatever it holds: sh reads the quoted word back as the name.
        const word = /for queue in (.*); do/.exec(consumersScript("$B", ["it's $HOME"]))![1];
        const read = spawnSync("/bin/sh", ["-c", `printf %s ${word}`], { encoding: "utf8" });
        assert.equal(read.stdout, "it's $HOME");
    });
});
