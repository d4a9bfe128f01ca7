// The GitHub workflows parse, run only commands that exist, pin their actions, take secrets only from the
// repository's secret store, and their github-script helpers do what the workflows rely on.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { parseDocument } from "yaml";
import { isSecretName } from "../../policy/rules/secrets";
import { repoRoot } from "../../tools/root";
import { liveDeploy } from "./liveDeploy";
import { Step, WORKFLOWS, Workflow, loadWorkflow, workflowFiles } from "./workflowFiles";

const ROOT = repoRoot();
const SCRIPTS = (
    JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }
).scripts;

const files = workflowFiles();
const workflows = Object.fromEntries(files.map((f) => [f, loadWorkflow(f)]));
const steps = (wf: Workflow): Step[] => Object.values(wf.jobs).flatMap((j) => j.steps);

/** npm's own commands; anything else after `npm` must be a package.json script. */
const NPM_BUILTINS = new Set([
    "ci",
    "install",
    "i",
    "exec",
    "audit",
    "ls",
    "pack",
    "version",
    "config",
    "cache",
]);
const NPM_SCRIPT_ALIASES = new Set(["test", "start", "stop", "restart"]);

/** The npm commands of a shell snippet: `npm run <x>` / `npm run-script <x>` / `npm test` name scripts. */
export function npmScripts(script: string): { name: string; builtin: boolean }[] {
    const found: { name: string; builtin: boolean }[] = [];
    for (const command of script.split(/[\n;&|()]+/)) {
        const words = command.trim().split(/\s+/);
        const afterFlags = (i: number): number => {
            while (i < words.length && words[i].startsWith("-")) i++;
            return i;
        };
        for (let i = 0; i < words.length; i++) {
            if (words[i] !== "npm") continue;
            const c = afterFlags(i + 1);
            const sub = words[c];
            if (sub === undefined) break;
            if (sub === "run" || sub === "run-script")
                found.push({ name: words[afterFlags(c + 1)], builtin: false });
            else found.push({ name: sub, builtin: !NPM_SCRIPT_ALIASES.has(sub) });
            break;
        }
    }
    return found;
}

/** A `pulumi` command at the start of a shell command (not `pulumi/actions`, not a word inside a message). */
const PULUMI_COMMAND = /(^|[\n;&|(`!]|\b(?:then|do|else|if|exec|time))\s*pulumi\s/;

/** The repository scripts a step runs (`bash .github/scripts/x.sh`): what they run counts as the step's. */
function scriptsRun(run: string): string[] {
    return [...run.matchAll(/(?:^|\s)(\.github\/scripts\/[\w.-]+\.sh)\b/g)].map((m) => m[1]);
}

/** Whether a step runs Pulumi: the Pulumi action, a `pulumi` command, or a repository script that runs one. */
export function runsPulumi(step: Step): boolean {
    if (step.uses?.startsWith("pulumi/actions@")) return true;
    const run = step.run ?? "";
    return (
        PULUMI_COMMAND.test(run) ||
        scriptsRun(run).some((s) => PULUMI_COMMAND.test(readFileSync(path.join(ROOT, s), "utf8")))
    );
}

/** Whether a step builds the compiled program Pulumi.yaml runs: `npm run build`. */
function buildsProgram(step: Step): boolean {
    return npmScripts(step.run ?? "").some((s) => !s.builtin && s.name === "build");
}

describe("GitHub workflows", () => {
    it("has the pull-request, deploy and drift workflows, each valid YAML with jobs and steps", () => {
        assert.deepEqual(files.sort(), ["deploy.yml", "drift.yml", "pull-request.yml"]);
        for (const [file, wf] of Object.entries(workflows)) {
            assert.ok(wf.name && wf.on && Object.keys(wf.jobs).length > 0, file);
            for (const [id, job] of Object.entries(wf.jobs)) {
                assert.ok(job["runs-on"] && job.steps.length > 0, `${file} ${id}`);
                for (const step of job.steps)
                    assert.ok(
                        Boolean(step.uses) !== Boolean(step.run),
                        `${file} ${id}: a step either uses or runs`,
                    );
            }
        }
    });

    it("runs only npm scripts that exist in package.json", () => {
        let checked = 0;
        for (const [file, wf] of Object.entries(workflows)) {
            for (const step of steps(wf)) {
                for (const { name, builtin } of npmScripts(step.run ?? "")) {
                    if (builtin) {
                        assert.ok(
                            NPM_BUILTINS.has(name),
                            `${file}: npm ${name} is neither an npm command nor a script`,
                        );
                    } else {
                        assert.ok(
                            name in SCRIPTS,
                            `${file}: npm run ${name} is not a script in package.json`,
                        );
                    }
                    checked++;
                }
            }
        }
        assert.ok(checked >= 8, `${checked} npm commands found`);
    });

    it("finds npm commands the way a shell runs them", () => {
        assert.deepEqual(npmScripts("npm ci\nnpm run lint && npm test"), [
            { name: "ci", builtin: true },
            { name: "lint", builtin: false },
            { name: "test", builtin: false },
        ]);
        assert.deepEqual(npmScripts('npm run --silent plan -- --stack "$S"'), [
            { name: "plan", builtin: false },
        ]);
        assert.deepEqual(npmScripts("echo npmrc; npm run-script docs"), [{ name: "docs", builtin: false }]);
    });

    it("every job that runs Pulumi builds the program (npm run build) after npm ci, whenever Pulumi runs", () => {
        const jobs: string[] = [];
        const problems: string[] = [];
        for (const [file, wf] of Object.entries(workflows)) {
            for (const [id, job] of Object.entries(wf.jobs)) {
                const first = job.steps.findIndex(runsPulumi);
                if (first < 0) continue;
                jobs.push(`${file} ${id}`);
                const pulumi = job.steps[first];
                // npm ci builds nothing (.npmrc ignore-scripts): without the build, Pulumi.yaml's main does not exist.
                const build = job.steps.findIndex(buildsProgram);
                const ci = job.steps.findIndex((s) => npmScripts(s.run ?? "").some((n) => n.name === "ci"));
                if (build < 0 || build > first) {
                    problems.push(
                        `${file} ${id}: "${pulumi.name ?? pulumi.uses}" runs before any npm run build`,
                    );
                } else if (ci > build) {
                    problems.push(`${file} ${id}: npm run build runs before npm ci`);
                } else if (job.steps[build].if !== undefined && job.steps[build].if !== pulumi.if) {
                    problems.push(
                        `${file} ${id}: the build is skipped (if: ${job.steps[build].if}) when Pulumi runs`,
                    );
                }
            }
        }
        assert.deepEqual(problems, []);
        assert.deepEqual(jobs.sort(), [
            "deploy.yml callysto-prod",
            "deploy.yml callysto-stage",
            "deploy.yml prod",
            "deploy.yml stage",
            "drift.yml drift",
            "drift.yml drift-callysto",
            "pull-request.yml preview",
        ]);
    });

    it("recognises a step that runs Pulumi however it is written", () => {
        assert.ok(runsPulumi({ uses: "pulumi/actions@v6.6.1" }));
        assert.ok(runsPulumi({ run: "pulumi preview --stack prod" }));
        assert.ok(runsPulumi({ run: "set -e\nif true; then pulumi up -y; fi" }));
        assert.ok(runsPulumi({ run: "if ! pulumi config get --stack s clusters; then exit 1; fi" }));
        assert.ok(runsPulumi({ run: "v=$(pulumi stack output x)" }));
        assert.ok(runsPulumi({ run: 'bash .github/scripts/check-clusters-reachable.sh "$STACK"' }));
        assert.ok(!runsPulumi({ run: 'echo "::error::pulumi preview failed"' }));
        assert.ok(!runsPulumi({ run: "npm run plan -- --stack prod" }));
    });

    it("a failed pull-request preview says what it needed from the network (github.com for the Thoth catalog)", () => {
        const job = workflows["pull-request.yml"].jobs.preview;
        const preview = job.steps.findIndex((s) => s.with?.command === "preview");
        const explain = job.steps.findIndex((s, i) => i > preview && s.if?.includes("failure()"));
        assert.ok(explain > preview, "no step after the preview explains its failure");
        assert.equal(job.steps[preview].id, "preview");
        assert.equal(job.steps[explain].if, "failure() && steps.preview.outcome == 'failure'");
        const text = job.steps[explain].run!;
        assert.match(text, /::error::/);
        assert.match(text, /github\.com/);
        assert.match(text, /Thoth workflow catalog/);
        assert.match(text, /runbooks:thoth\.catalog\.repository/);
        assert.match(text, /offline plan .*needs no network/);
    });

    it("pins every action to a version", () => {
        for (const [file, wf] of Object.entries(workflows)) {
            for (const { uses } of steps(wf).filter((s) => s.uses)) {
                assert.match(uses!, /^[\w.-]+\/[\w./-]+@(v\d+\.\d+\.\d+|[0-9a-f]{40})$/, `${file}: ${uses}`);
            }
        }
    });

    it("takes secrets only from the repository's secret store", () => {
        for (const [file, wf] of Object.entries(workflows)) {
            const envs = [
                wf.env,
                ...Object.values(wf.jobs).flatMap((j) => [j.env, ...j.steps.map((s) => s.env)]),
            ];
            for (const env of envs) {
                for (const [name, value] of Object.entries(env ?? {})) {
                    if (isSecretName(name) || /^(AWS_ACCESS_KEY_ID|PULUMI_BACKEND_URL)$/.test(name)) {
                        assert.match(String(value), /^\$\{\{ secrets\.[A-Z0-9_]+ \}\}$/, `${file}: ${name}`);
                    }
                }
            }
            const text = readFileSync(path.join(WORKFLOWS, file), "utf8");
            assert.ok(
                !/pul-[0-9a-f]{20,}|ghp_[A-Za-z0-9]{20,}|-----BEGIN/.test(text),
                `${file} holds a literal credential`,
            );
        }
    });

    it("pull requests: lint and tests (stale committed plans fail them), previews with the policy pack", () => {
        const wf = workflows["pull-request.yml"];
        assert.ok("pull_request" in wf.on);
        const runs = steps(wf).map((s) => s.run ?? "");
        assert.ok(runs.includes("npm run lint") && runs.includes("npm test"));
        // The committed plans' diff is the pull request's own: no job renders or comments another one.
        assert.deepEqual(Object.keys(wf.jobs).sort(), ["checks", "preview"]);

        const preview = wf.jobs.preview;
        assert.deepEqual(preview.strategy?.matrix?.stack, ["stage", "prod"]);
        const pulumi = preview.steps.find((s) => s.uses?.startsWith("pulumi/actions@") && s.with?.command)!;
        assert.equal(pulumi.with?.command, "preview");
        assert.equal(pulumi.with?.policyPacks, "policy");
        assert.equal(pulumi.with?.["comment-on-pr"], true);
        assert.equal(pulumi.with?.["edit-pr-comment"], true);
        assert.equal(pulumi.if, "steps.secrets.outputs.available == 'true'");
    });

    it("merges deploy stage, then prod in the protected production environment", () => {
        const wf = workflows["deploy.yml"];
        assert.deepEqual((wf.on.push as { branches: string[] }).branches, ["main"]);
        const { stage, prod } = wf.jobs;
        assert.equal(prod.needs, "stage");
        assert.equal(prod.environment, "production");
        for (const [job, stack] of [
            [stage, "stage"],
            [prod, "prod"],
        ] as const) {
            const up = job.steps.find((s) => s.uses?.startsWith("pulumi/actions@"))!;
            assert.deepEqual(
                [up.with?.command, up.with?.["stack-name"], up.with?.policyPacks],
                ["up", stack, "policy"],
            );
        }
    });

    it("runs npm run verify after every pulumi up of the deploy jobs, on the systems that job deployed", () => {
        const wf = workflows["deploy.yml"];
        const expected = {
            stage: "npm run verify -- --stack stage --exclude-system callysto",
            prod: "npm run verify -- --stack prod --exclude-system callysto",
            "callysto-stage": "npm run verify -- --stack stage --system callysto",
            "callysto-prod": "npm run verify -- --stack prod --system callysto",
        };
        assert.deepEqual(Object.keys(wf.jobs).sort(), Object.keys(expected).sort());
        for (const [name, command] of Object.entries(expected)) {
            const job = wf.jobs[name];
            const up = job.steps.findIndex(
                (s) => s.uses?.startsWith("pulumi/actions@") && s.with?.command === "up",
            );
            const verify = job.steps.findIndex((s) => s.run?.trim() === command);
            assert.ok(up >= 0, `${name}: no pulumi up`);
            assert.ok(verify > up, `${name}: ${command} must run after pulumi up`);
            // Not allowed to fail quietly: a failed check fails the deploy job.
            assert.equal(
                (job.steps[verify] as Record<string, unknown>)["continue-on-error"],
                undefined,
                name,
            );
        }
    });

    it("deploys the live systems only: each deploy job prints them (step live) before pulumi up; Callysto's jobs run only when it is live", () => {
        const wf = workflows["deploy.yml"];
        for (const [name, job] of Object.entries(wf.jobs)) {
            const stack = name.endsWith("prod") ? "prod" : "stage";
            const live = job.steps.findIndex((s) => s.id === "live");
            const up = job.steps.findIndex(
                (s) => s.uses?.startsWith("pulumi/actions@") && s.with?.command === "up",
            );
            assert.ok(live >= 0 && live < up, `${name}: no live step before pulumi up`);
            assert.equal(job.steps[live].run?.trim(), `npm run live -- --stack ${stack}`);
            const gated = name.startsWith("callysto-") ? "steps.live.outputs.callysto == 'true'" : undefined;
            assert.equal(job.steps[up].if, gated, `${name}: pulumi up`);
            const verify = job.steps.find((s) => s.run?.trim().startsWith("npm run verify "));
            assert.equal(verify?.if, gated, `${name}: verify`);
        }
    });

    it("what pulumi up registers is the stack file's live systems (the run test's check), and a staged system nothing", function () {
        this.timeout(120_000);
        // A checkout whose prod file has DIALS live: the compiled program and facts of this one, its own stack files.
        const dir = mkdtempSync(path.join(tmpdir(), "live-deploy-"));
        try {
            for (const f of [
                "dist",
                "node_modules",
                "facts",
                "Pulumi.yaml",
                "Pulumi.stage.yaml",
                "Pulumi.local.yaml",
            ])
                symlinkSync(path.join(ROOT, f), path.join(dir, f));
            const prod = readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8");
            writeFileSync(path.join(dir, "Pulumi.prod.yaml"), prod);
            const staged = liveDeploy(dir, "prod");
            assert.deepEqual([staged.registered, staged.liveSystems], [[], []]);
            const dialsLive = prod.replace(
                /^( {2}runbooks:dials:\n {4}enabled: true\n {4}status:) staged$/m,
                "$1 live",
            );
            assert.notEqual(dialsLive, prod);
            writeFileSync(path.join(dir, "Pulumi.prod.yaml"), dialsLive);
            const dials = liveDeploy(dir, "prod");
            assert.deepEqual([dials.registered, dials.liveSystems], [["dials"], ["dials"]]);
            assert.ok(dials.staged.includes("thoth") && !dials.staged.includes("dials"));
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });

    it("the README installs the Pulumi CLI at the version every workflow uses", () => {
        const readme = readFileSync(path.join(ROOT, "README.md"), "utf8");
        const installed = /get\.pulumi\.com \| sh -s -- --version (\S+?)`/.exec(readme)?.[1];
        assert.ok(installed, "the README does not install the Pulumi CLI");
        for (const [file, wf] of Object.entries(workflows))
            if (wf.env?.PULUMI_VERSION !== undefined) assert.equal(wf.env.PULUMI_VERSION, installed, file);
    });

    it("runs npm run verify nightly in each drift job, and a failed check fails the job", () => {
        const wf = workflows["drift.yml"];
        for (const [name, selection] of [
            ["drift", "--exclude-system callysto"],
            ["drift-callysto", "--system callysto"],
        ] as const) {
            const job = wf.jobs[name];
            const verify = job.steps.find((s) => s.id === "verify")!;
            assert.equal(verify.run?.trim(), `npm run verify -- --stack "$STACK" ${selection}`);
            assert.ok(
                job.steps.some(
                    (s) => s.if === "steps.verify.outcome == 'failure'" && s.run?.includes("exit 1"),
                ),
            );
        }
    });

    it("checks drift nightly with a refresh preview that expects no changes, and reports it in an issue", () => {
        const wf = workflows["drift.yml"];
        assert.ok(Array.isArray(wf.on.schedule));
        const job = wf.jobs.drift;
        assert.deepEqual(job.strategy?.matrix?.stack, ["stage", "prod"]);
        const preview = job.steps.find((s) => s.uses?.startsWith("pulumi/actions@") && s.with?.command)!;
        assert.equal(preview.with?.command, "preview");
        assert.equal(preview.with?.refresh, true);
        assert.equal(preview.with?.["expect-no-changes"], true);
        assert.ok(job.steps.some((s) => String(s.with?.script ?? "").includes("reportDrift")));
        // npm run drift sees what the preview cannot (fields and objects other managers added); its report goes into
        // the issue, and its failure fails the job like the preview's.
        const drift = job.steps.find((s) => s.run?.includes("npm run drift -- --stack"))!;
        assert.equal(drift.id, "drift");
        assert.ok(job.steps.indexOf(drift) > job.steps.indexOf(preview));
        const either = "steps.preview.outcome == 'failure' || steps.drift.outcome == 'failure'";
        assert.ok(job.steps.some((s) => s.run?.includes("exit 1") && s.if === either));
        const issue = job.steps.find((s) => String(s.with?.script ?? "").includes("reportDrift"))!;
        assert.equal(issue.if, either);
        assert.match(String(issue.with?.script), /reportFile: "drift-report\.md"/);
        assert.match(drift.run!, /--markdown drift-report\.md/);
    });

    it("moves all @pulumi/* packages together in one dependency update", () => {
        const doc = parseDocument(readFileSync(path.join(ROOT, ".github", "dependabot.yml"), "utf8"));
        assert.deepEqual(doc.errors, []);
        const config = doc.toJSON() as {
            updates: { "package-ecosystem": string; groups?: Record<string, { patterns: string[] }> }[];
        };
        const npm = config.updates.find((u) => u["package-ecosystem"] === "npm")!;
        assert.deepEqual(npm.groups?.pulumi.patterns, ["@pulumi/*"]);
        assert.ok(config.updates.some((u) => u["package-ecosystem"] === "github-actions"));
    });
});

/** A fake of the Octokit calls the github-script helpers make, recording what they do. */
function fakeGithub(issues: { number: number; title: string }[]) {
    const calls: string[] = [];
    const github = {
        paginate: async (fn: (args: unknown) => Promise<unknown[]>, args: unknown) => fn(args),
        rest: {
            issues: {
                listForRepo: async () => issues,
                createComment: async (a: { issue_number: number; body: string }) =>
                    calls.push(`comment #${a.issue_number}: ${a.body.split("\n")[0]}`),
                create: async (a: { title: string; labels: string[] }) => {
                    calls.push(`open "${a.title}" [${a.labels.join()}]`);
                    return { data: { number: 9 } };
                },
            },
        },
    };
    return { calls, api: { github, context: { repo: { owner: "o", repo: "r" }, issue: { number: 7 } } } };
}

const REACH_SCRIPT = path.join(ROOT, ".github", "scripts", "check-clusters-reachable.sh");

describe("cluster reachability before a preview (an unreachable cluster previews as empty, silently green)", () => {
    for (const [file, job] of [
        ["pull-request.yml", "preview"],
        ["drift.yml", "drift"],
    ] as const) {
        it(`${file}: every stack's clusters are checked with the stack's kubeconfig before the preview`, () => {
            const jobSteps = workflows[file].jobs[job].steps;
            const check = jobSteps.findIndex((s) =>
                s.run?.includes(".github/scripts/check-clusters-reachable.sh"),
            );
            const preview = jobSteps.findIndex((s) => s.with?.command === "preview");
            const install = jobSteps.findIndex(
                (s) => s.uses?.startsWith("pulumi/actions@") && !s.with?.command,
            );
            assert.ok(check >= 0, "no reachability step");
            assert.ok(install >= 0 && install < check, "the CLI is installed before the check");
            assert.ok(check < preview, "the reachability check runs before the preview");
            assert.match(jobSteps[check].run!, /"\$STACK"/);
            assert.equal(jobSteps[check].env?.STACK, "${{ matrix.stack }}");
            assert.equal(jobSteps[check].if, jobSteps[preview].if, "checked whenever the preview runs");
        });
    }

    /** Runs the script with stand-ins for pulumi and kubectl; `down` clusters fail /readyz like a dead endpoint. */
    function reach(
        clusters: Record<string, { context?: string }>,
        down: string[],
        noKubeconfig: string[] = [],
    ) {
        const dir = mkdtempSync(path.join(tmpdir(), "reach-"));
        try {
            const entry = JSON.stringify({
                value: JSON.stringify(clusters),
                objectValue: clusters,
                secret: false,
            });
            writeFileSync(path.join(dir, "clusters.json"), entry);
            writeFileSync(
                path.join(dir, "pulumi"),
                `#!/usr/bin/env bash
# pulumi config get --stack S KEY [--json]: the key is $5
key=$5
if [[ $key == clusters ]]; then cat "${dir}/clusters.json"; exit 0; fi
case " ${noKubeconfig.join(" ")} " in *" \${key#kubeconfig-} "*) echo "error: configuration key '\$key' not found" >&2; exit 255;; esac
echo "SECRET-KUBECONFIG-OF-\${key#kubeconfig-}"
`,
            );
            writeFileSync(
                path.join(dir, "kubectl"),
                `#!/usr/bin/env bash
# kubectl --kubeconfig FILE --request-timeout=T [--context C] get --raw /readyz
content=$(cat "$2")
echo "$*" >> "${dir}/kubectl.calls"
case " ${down.join(" ")} " in *" \${content#SECRET-KUBECONFIG-OF-} "*) echo "Unable to connect to the server: dial tcp 10.0.0.1:6443: i/o timeout" >&2; exit 1;; esac
echo ok
`,
            );
            chmodSync(path.join(dir, "pulumi"), 0o755);
            chmodSync(path.join(dir, "kubectl"), 0o755);
            const res = spawnSync("bash", [REACH_SCRIPT, "prod"], {
                encoding: "utf8",
                env: { ...process.env, PATH: `${dir}${path.delimiter}${process.env.PATH}` },
            });
            let calls = "";
            try {
                calls = readFileSync(path.join(dir, "kubectl.calls"), "utf8");
            } catch {
                calls = "";
            }
            return { status: res.status, out: res.stdout + res.stderr, calls };
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    }

    it("passes when every cluster answers, using each cluster's context", () => {
        const res = reach({ psi: { context: "ctx-psi" }, "ci-cluster": {} }, []);
        assert.equal(res.status, 0, res.out);
        assert.match(res.out, /cluster psi of stack prod: reachable/);
        assert.match(res.out, /cluster ci-cluster of stack prod: reachable/);
        assert.match(res.calls, /--context ctx-psi get --raw \/readyz/);
    });

    it("fails naming each unreachable cluster (and one without a kubeconfig), never printing a kubeconfig", () => {
        const res = reach({ psi: {}, "ci-cluster": {}, other: {} }, ["psi"], ["other"]);
        assert.equal(res.status, 1);
        assert.match(
            res.out,
            /cluster psi of stack prod is not reachable with its kubeconfig \(kubeconfig-psi\)/,
        );
        assert.match(res.out, /i\/o timeout/);
        assert.match(res.out, /pulumi config set --stack prod --secret kubeconfig-psi < kubeconfig.yaml/);
        assert.match(res.out, /cluster other of stack prod: no kubeconfig \(secret kubeconfig-other\)/);
        assert.match(res.out, /not reachable: psi other; the preview was not run/);
        assert.doesNotMatch(res.out, /ci-cluster of stack prod is not/);
        assert.doesNotMatch(res.out, /SECRET-KUBECONFIG/);
    });
});

describe("github-script helpers", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { reportDrift } = require(path.join(ROOT, ".github", "scripts", "drift-issue.js")) as {
        reportDrift(
            api: unknown,
            drift: { stack: string; runUrl: string; reportFile?: string },
        ): Promise<string>;
    };
    it("opens one drift issue per stack and comments on it while the drift lasts", async () => {
        const none = fakeGithub([{ number: 4, title: "Drift in stack stage" }]);
        assert.equal(await reportDrift(none.api, { stack: "prod", runUrl: "https://run/1" }), "opened");
        assert.deepEqual(none.calls, ['open "Drift in stack prod" [drift]']);
        assert.equal(await reportDrift(none.api, { stack: "stage", runUrl: "https://run/2" }), "commented");
        assert.deepEqual(none.calls.slice(1), [
            "comment #4: Still drifting (or the preview still fails): https://run/2",
        ]);
    });

    it("carries the npm run drift report in the issue and in each comment", async () => {
        const dir = mkdtempSync(path.join(tmpdir(), "drift-report-"));
        try {
            const file = path.join(dir, "drift-report.md");
            writeFileSync(
                file,
                "```\nDeployment cms-dials-prod/backend on cluster paas: changed outside the program\n```\n",
            );
            const bodies: string[] = [];
            const gh = fakeGithub([{ number: 4, title: "Drift in stack stage" }]);
            const api = gh.api as unknown as {
                github: { rest: { issues: Record<string, (a: { body: string }) => unknown> } };
            };
            for (const name of ["create", "createComment"]) {
                const original = api.github.rest.issues[name];
                api.github.rest.issues[name] = (a) => {
                    bodies.push(a.body);
                    return original(a);
                };
            }
            await reportDrift(gh.api, { stack: "prod", runUrl: "https://run/1", reportFile: file });
            await reportDrift(gh.api, { stack: "stage", runUrl: "https://run/2", reportFile: file });
            assert.equal(bodies.length, 2);
            for (const b of bodies)
                assert.match(b, /### npm run drift\n\n```\nDeployment cms-dials-prod\/backend/);
            // Control: without the file, no report section.
            await reportDrift(gh.api, {
                stack: "prod",
                runUrl: "https://run/3",
                reportFile: path.join(dir, "none.md"),
            });
            assert.doesNotMatch(bodies[2], /npm run drift\n/);
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });
});
