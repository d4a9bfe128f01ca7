import { execFileSync, spawnSync } from "child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "fs";
import * as path from "path";
import { parse, stringify } from "yaml";
import { z } from "zod";
import { callystoTrees } from "../../components/callysto/upstream";
import { pathIn } from "../../components/shared/trees/load";
import { RecordedResource } from "../../tools/mocks/recorder";
import { repoRoot } from "../../tools/root";
import { scratchDir } from "../fixtures/scratch";
import { upstreamTree } from "../fixtures/upstreamTrees";

// Ansible itself judges what the playbooks of a Callysto run require (facts/trees/callysto-infrastructure-requires.yaml)
// against the inventory and extra variables of that run as the plan holds them. Every play runs with the local
// connection and only `assert` tasks, which open no connection: nothing reaches a host.

const requirement = z.strictObject({
    that: z.string().min(1),
    msg: z.string().min(1),
    at: z.string().regex(/^callysto\/infrastructure@[0-9a-f]{40}:ansible\/\S+:\d+(-\d+)?$/),
});
export type Requirement = z.infer<typeof requirement>;

const requiresSchema = z.strictObject({
    repository: z.literal("callysto/infrastructure"),
    commit: z.string().regex(/^[0-9a-f]{40}$/),
    workdir: z.literal("ansible"),
    playbooks: z.array(
        z.strictObject({
            path: z.string().min(1),
            /** The `hosts:` of the play, verbatim. */
            hosts: z.string().min(1),
            /** The first play's assertions, in order. */
            asserts: z.array(requirement).default([]),
            /** What later plays read without asserting it. */
            reads: z.array(requirement).default([]),
        }),
    ),
});
export type Requires = z.infer<typeof requiresSchema>;
export type PlaybookRequires = Requires["playbooks"][number];

export const REQUIRES_FILE = path.join("facts", "trees", "callysto-infrastructure-requires.yaml");

export function loadRequires(): Requires {
    return requiresSchema.parse(parse(readFileSync(path.join(repoRoot(), REQUIRES_FILE), "utf8")));
}

/** One host's provisioning run as the plan holds it: what ansible-playbook is given. */
export interface PlannedRun {
    /** The command's name in the plan. */
    command: string;
    limit: string;
    playbooks: string[];
    inventory: string;
    /** The plain and the secret extra variables, merged as the run's script merges them. */
    vars: Record<string, unknown>;
}

/** Every playbook run of a plan (commands running ansible-playbook), its secrets revealed as the run sees them. */
export function plannedRuns(resources: readonly RecordedResource[]): PlannedRun[] {
    return resources
        .filter((r) => r.type === "command:local:Command")
        .map((r) => ({ name: r.name, env: (r.inputs.environment ?? {}) as Record<string, string> }))
        .filter(({ env }) => env.ANSIBLE_PLAYBOOKS !== undefined)
        .map(({ name, env }) => ({
            command: name,
            limit: env.ANSIBLE_LIMIT,
            playbooks: env.ANSIBLE_PLAYBOOKS.split(" "),
            inventory: env.ANSIBLE_INVENTORY_YAML,
            vars: {
                ...(JSON.parse(env.ANSIBLE_EXTRA_VARS) as Record<string, unknown>),
                ...(JSON.parse(env.ANSIBLE_SECRET_EXTRA_VARS ?? "{}") as Record<string, unknown>),
            },
        }));
}

/** `file` and every playbook it imports, in the order they run (the record of the tree's `imports`). */
export function playbookChain(file: string): string[] {
    const tree = callystoTrees().trees[0];
    const entry = pathIn(tree, file);
    return [file, ...(entry?.imports ?? []).flatMap(playbookChain)];
}

/** A task asserting `r`, its name the run's playbook, the file and lines it was read from. */
function assertTask(r: Requirement, via: string) {
    const where = r.at.replace(/^[^:]+:ansible\//, "");
    return {
        name: `${via}: ${where}`,
        "ansible.builtin.assert": { that: r.that, fail_msg: r.msg, quiet: true },
        // Every requirement is judged, not only those before the first that fails.
        ignore_errors: true,
    };
}

/** A play that only checks: local connection, no facts gathered, no privilege. */
export function checkingPlay(name: string, hosts: string, tasks: unknown[]) {
    return { name, hosts, gather_facts: false, become: false, connection: "local", tasks };
}

/** The recorded requirements of a run's playbooks as plays, one per playbook that requires anything. */
export function recordedPlays(run: PlannedRun, requires: Requires = loadRequires()): unknown[] {
    const plays: unknown[] = [];
    for (const playbook of run.playbooks) {
        for (const file of playbookChain(playbook)) {
            const entry = requires.playbooks.find((p) => p.path === file);
            if (!entry) continue;
            const tasks = [...entry.asserts, ...entry.reads].map((r) => assertTask(r, playbook));
            if (tasks.length > 0) plays.push(checkingPlay(`${playbook} (${file})`, entry.hosts, tasks));
        }
    }
    return plays;
}

/** A failed requirement: the host, the run's playbook with the file and lines, and Ansible's message. */
export interface Failure {
    host: string;
    task: string;
    msg: string;
}

export function describeFailure(f: Failure): string {
    return `${f.host}: ${f.task}: ${f.msg}`;
}

export const ANSIBLE_PLAYBOOK = "ansible-playbook";

/** Whether `tool` runs here. */
export function installed(tool: string, versionFlag = "--version"): boolean {
    return spawnSync(tool, [versionFlag], { stdio: "ignore" }).status === 0;
}

/**
 * An environment for ansible-playbook that reads no configuration but what it is given: no ansible.cfg, a home of its
 * own, the merge of dictionaries callysto/infrastructure's ansible.cfg sets (ansible/ansible.cfg:9).
 */
function ansibleEnv(dir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("ANSIBLE_")));
    return {
        ...base,
        HOME: dir,
        ANSIBLE_CONFIG: path.join(dir, "ansible.cfg"),
        ANSIBLE_HOME: path.join(dir, ".ansible"),
        ANSIBLE_LOCAL_TEMP: path.join(dir, ".ansible", "tmp"),
        ANSIBLE_HASH_BEHAVIOUR: "merge",
        ANSIBLE_STDOUT_CALLBACK: "json",
        ANSIBLE_NOCOLOR: "1",
        ANSIBLE_DEPRECATION_WARNINGS: "false",
        ANSIBLE_LOCALHOST_WARNING: "false",
        ANSIBLE_RETRY_FILES_ENABLED: "false",
        ...extra,
    };
}

interface JsonResult {
    plays: {
        tasks: { task: { name: string }; hosts: Record<string, { failed?: boolean; msg?: string }> }[];
    }[];
}

/**
 * Runs `plays` with ansible-playbook against the run's inventory (written beside `groupVars`, a copy of the
 * repository's group_vars, when given) and extra variables, limited as the run is; returns every failed requirement.
 */
export function runChecks(run: PlannedRun, plays: unknown[], groupVars?: string): Failure[] {
    if (plays.length === 0) return [];
    const dir = scratchDir("callysto-asserts-");
    writeFileSync(path.join(dir, "ansible.cfg"), "[defaults]\n");
    writeFileSync(path.join(dir, "inventory.yml"), run.inventory);
    if (groupVars) execFileSync("cp", ["-r", groupVars, path.join(dir, "group_vars")]);
    writeFileSync(path.join(dir, "vars.json"), JSON.stringify(run.vars), { mode: 0o600 });
    writeFileSync(path.join(dir, "checks.yml"), stringify(plays));
    mkdirSync(path.join(dir, ".ansible", "tmp"), { recursive: true });
    const args = ["-i", "inventory.yml", "-e", "@vars.json", "-e", "ansible_connection=local"];
    const result = spawnSync(ANSIBLE_PLAYBOOK, [...args, "--limit", run.limit, "checks.yml"], {
        cwd: dir,
        env: ansibleEnv(dir),
        encoding: "utf8",
    });
    let json: JsonResult;
    try {
        json = JSON.parse(result.stdout) as JsonResult;
    } catch {
        throw new Error(
            `${run.command}: ansible-playbook exited ${result.status}: ${result.stderr}${result.stdout}`,
        );
    }
    const failures: Failure[] = [];
    for (const play of json.plays) {
        for (const task of play.tasks) {
            for (const [host, r] of Object.entries(task.hosts)) {
                if (r.failed) failures.push({ host, task: task.task.name, msg: r.msg ?? "failed" });
            }
        }
    }
    return failures;
}

/** `ansible-playbook --syntax-check` of `playbook` in `workdir`; the output when it fails, else undefined. */
export function syntaxCheck(
    workdir: string,
    playbook: string,
    inventory: string,
    env: Record<string, string>,
): string | undefined {
    const dir = scratchDir("callysto-syntax-");
    writeFileSync(path.join(dir, "ansible.cfg"), "[defaults]\n");
    writeFileSync(path.join(dir, "inventory.yml"), inventory);
    const result = spawnSync(
        ANSIBLE_PLAYBOOK,
        ["--syntax-check", "-i", path.join(dir, "inventory.yml"), playbook],
        {
            cwd: workdir,
            env: ansibleEnv(dir, { ANSIBLE_STDOUT_CALLBACK: "default", ...env }),
            encoding: "utf8",
        },
    );
    return result.status === 0 ? undefined : `${result.stderr}${result.stdout}`;
}

/**
 * The checkout of the pinned tree: CALLYSTO_INFRA_DIR when set, else the one .ci/trees.sh made at the recorded commit;
 * undefined when neither holds the playbooks.
 */
export function pinnedCheckout(): string | undefined {
    const requires = loadRequires();
    const dir = process.env.CALLYSTO_INFRA_DIR ?? upstreamTree(requires.repository, requires.commit);
    return dir && existsSync(path.join(dir, "ansible", "plays")) ? dir : undefined;
}
