// Every shell script the committed plans run, read by its tools: the `sh -c`/`bash -c` scripts of containers, probes,
// lifecycle hooks and Jobs in plans/<stack>/kubernetes/, and the scripts of the local commands (@pulumi/command) in
// plans/<stack>/resources.yaml, across all five systems. Each parses with the shell that runs it (`-n`) and passes
// shellcheck at warning severity; a finding fails naming the stack, the object, the container and shellcheck's line.
// The plans are the commit's own (test/plan/committed.test.ts), so a script any system adds is read here without a
// list to keep. Where shellcheck is not installed (.ci/run installs it from Debian), one SKIPPED line says so.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import { readFileSync, readdirSync } from "fs";
import * as path from "path";
import { parse, parseAllDocuments } from "yaml";
import { COMMITTED_STACKS, PLANS_DIR } from "../../tools/plan/committed";
import { repoRoot } from "../../tools/root";

interface Script {
    shell: "sh" | "bash";
    text: string;
    /** Every place it runs: `<stack>: <kind> <namespace>/<name>: <container or resource>`. */
    where: string[];
}

/**
 * Checks no script passes: each with the reason. Every container runtime (containerd, CRI-O) sets HOSTNAME in the
 * environment of a container's processes, its exec probes and hooks included, so `$HOSTNAME` under /bin/sh is defined.
 */
const EXCLUDED = ["SC3028"];

/**
 * Findings left in place, each matched by the script's text: fixing them changes a pod template, which rolls every
 * pod that runs it in production for no change of behaviour. Each must still be found (a stale entry fails).
 */
const KNOWN: { script: RegExp; code: string; why: string }[] = [
    {
        script: /^celery --app=python control cancel_consumer /,
        code: "SC2034",
        why: "DIALS' preStop hook (components/dials/workers.ts preStopScript) counts its six waits with an unused `i`; renaming it rolls every DIALS worker Deployment",
    },
    {
        script: /^set -ex\n(\[\[ `hostname`|exec dgraph (zero|alpha) )/,
        code: "SC2046",
        why: "Dgraph's commands (components/thoth/station/dgraphCommands.ts) pass $(hostname -f), a DNS name without spaces or globs, unquoted as Dgraph's own manifests do; quoting it rolls the Dgraph StatefulSets",
    },
    {
        script: /^set -u\nstamp=.*\npatch=.*\nfailed=0\nfor deployment in [\w-]+; do/,
        code: "SC2043",
        why: "watcher-restart's loop (components/thoth/station/modules/restartPlan.ts restartScript) is generated per tier and runs once where a tier has one watcher",
    },
];

function shellOf(word: unknown): Script["shell"] | undefined {
    const base = path.basename(String(word));
    return base === "sh" || base === "bash" ? base : undefined;
}

/** The script of a command (`sh -c <script>`, `bash -ec <script>`, or `-c` last and the script in args). */
function scriptOf(
    command: unknown[],
    args: unknown[] = [],
): { shell: Script["shell"]; text: string } | undefined {
    const shell = shellOf(command[0]);
    if (shell === undefined) return undefined;
    const words = [...command, ...args];
    const flag = words.findIndex((w, i) => i > 0 && /^-[a-z]*c$/.test(String(w)));
    const text = flag > 0 ? words[flag + 1] : undefined;
    return typeof text === "string" ? { shell, text } : undefined;
}

/** Every script of the committed plans, once per text and shell, with every place it runs. */
function plannedScripts(): Script[] {
    const scripts = new Map<string, Script>();
    const add = (found: { shell: Script["shell"]; text: string } | undefined, where: string) => {
        if (found === undefined) return;
        const key = `${found.shell}\0${found.text}`;
        const entry = scripts.get(key) ?? { ...found, where: [] };
        entry.where.push(where);
        scripts.set(key, entry);
    };
    /** Commands anywhere under `node` (containers, init containers, probes, hooks, templates of templates). */
    const walk = (node: unknown, where: string): void => {
        if (Array.isArray(node)) return node.forEach((n) => walk(n, where));
        if (node === null || typeof node !== "object") return;
        const o = node as Record<string, unknown>;
        const here = typeof o.name === "string" && "image" in o ? `${where}: ${o.name}` : where;
        if (Array.isArray(o.command)) add(scriptOf(o.command, Array.isArray(o.args) ? o.args : []), here);
        for (const v of Object.values(o)) walk(v, here);
    };
    for (const stack of COMMITTED_STACKS) {
        const dir = path.join(repoRoot(), PLANS_DIR, stack);
        for (const file of readdirSync(path.join(dir, "kubernetes")).sort()) {
            for (const doc of parseAllDocuments(readFileSync(path.join(dir, "kubernetes", file), "utf8"))) {
                const o = doc.toJS() as { kind?: string; metadata?: { name?: string; namespace?: string } };
                walk(o, `${stack}: ${o.kind} ${o.metadata?.namespace ?? ""}/${o.metadata?.name}`);
            }
        }
        // resources.yaml: components hold resources by "<type> <name>", a resource its inputs.
        const resources = (node: unknown): void => {
            if (node === null || typeof node !== "object") return;
            for (const [name, value] of Object.entries(node as Record<string, unknown>)) {
                const inputs = (value as { inputs?: { create?: unknown; interpreter?: unknown[] } } | null)
                    ?.inputs;
                if (typeof inputs?.create === "string" && Array.isArray(inputs.interpreter)) {
                    add(scriptOf([...inputs.interpreter, inputs.create]), `${stack}: ${name}`);
                } else resources(value);
            }
        };
        resources(parse(readFileSync(path.join(dir, "resources.yaml"), "utf8")));
    }
    return [...scripts.values()];
}

/** shellcheck's findings of one script at warning severity, one `line:col: level: message [SCnnnn]` each. */
function shellcheck(s: { shell: string; text: string }): string[] {
    const r = spawnSync(
        "shellcheck",
        ["-s", s.shell, "-S", "warning", "-f", "gcc", "-e", EXCLUDED.join(","), "-"],
        {
            input: s.text,
            encoding: "utf8",
        },
    );
    return r.stdout
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => l.replace(/^-:/, ""));
}

function installed(tool: string): boolean {
    return spawnSync(tool, ["--version"], { stdio: "ignore" }).status === 0;
}

describe("the shell scripts the committed plans run, read by their tools", function () {
    this.timeout(120_000);
    const scripts = plannedScripts();

    it("finds the scripts of every system that runs one", () => {
        const places = scripts.flatMap((s) => s.where).join("\n");
        for (const [system, where] of [
            ["dials", / cms-dials-prod\/\S+: (?!redis)/],
            ["packit", / stream-prod\/packit-worker: /],
            ["thoth", /CronJob thoth-\w+-stage\/watcher-restart: /],
            ["callysto", /command:local:Command callysto-provisioning-/],
            ["shared redis", /: redis/],
        ] as const) {
            assert.match(places, where, system);
        }
    });

    it("parse with the shell that runs each (-n)", () => {
        const problems = scripts
            .map((s) => ({ s, r: spawnSync(s.shell, ["-n"], { input: s.text, encoding: "utf8" }) }))
            .filter(({ r }) => r.status !== 0)
            .map(({ s, r }) => `${s.where[0]}: ${s.shell} -n: ${r.stderr.trim()}`);
        assert.deepEqual(problems, []);
        const broken = spawnSync("sh", ["-n"], { input: "if true; then\n", encoding: "utf8" });
        assert.notEqual(broken.status, 0, "control: an unclosed if is refused");
    });

    describe("shellcheck", () => {
        before(function () {
            if (!installed("shellcheck")) {
                console.log(
                    "    planned scripts shellcheck SKIPPED: shellcheck is not on PATH (.ci/run installs it)",
                );
                this.skip();
            }
        });

        it("passes every script, but for the findings recorded with their reason", () => {
            const problems: string[] = [];
            const used = new Set<number>();
            for (const s of scripts) {
                for (const finding of shellcheck(s)) {
                    const known = KNOWN.findIndex(
                        (k) => k.script.test(s.text) && finding.endsWith(`[${k.code}]`),
                    );
                    if (known >= 0) used.add(known);
                    else problems.push(`${s.where.join(", ")}: ${finding}\n${s.text}`);
                }
            }
            assert.deepEqual(problems, []);
            assert.deepEqual(
                KNOWN.filter((_, i) => !used.has(i)).map((k) => k.why),
                [],
                "a recorded finding no script has any more",
            );
        });

        it("passes the repository's own scripts (.ci/, e2e/): what CI runs to fetch and check them", () => {
            const files = spawnSync("git", ["ls-files", "*.sh", ".ci/run"], {
                cwd: repoRoot(),
                encoding: "utf8",
            })
                .stdout.split("\n")
                .filter((f) => f !== "");
            assert.ok(files.includes(".ci/trees.sh") && files.includes(".ci/run"), files.join(", "));
            const problems: string[] = [];
            for (const file of files) {
                const text = readFileSync(path.join(repoRoot(), file), "utf8");
                const n = spawnSync("bash", ["-n"], { input: text, encoding: "utf8" });
                if (n.status !== 0) problems.push(`${file}: bash -n: ${n.stderr.trim()}`);
                const r = spawnSync("shellcheck", ["-x", "-S", "warning", "-f", "gcc", file], {
                    cwd: repoRoot(),
                    encoding: "utf8",
                });
                if (r.status !== 0) problems.push(`${r.stdout}${r.stderr}`.trim());
            }
            assert.deepEqual(problems, []);
        });

        it("control: an unquoted command substitution appended to a planned script is found", () => {
            const s = scripts.find((x) => x.where.some((w) => w.includes("watcher-restart")))!;
            const findings = shellcheck({ ...s, text: `${s.text}\nrm -rf $(cat "$list")\n` });
            assert.ok(
                findings.some((f) => f.endsWith("[SC2046]")),
                findings.join("\n"),
            );
        });
    });
});
