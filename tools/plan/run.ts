import {
    existsSync,
    mkdirSync,
    mkdtempSync,
    readFileSync,
    readdirSync,
    renameSync,
    rmSync,
    rmdirSync,
    statSync,
    writeFileSync,
} from "fs";
import * as path from "path";
import { ProgramConfig, loadProgramConfig } from "../../components/config/load";
import { LoadOptions } from "../../components/config/loadOptions";
import { ConfigSource } from "../../components/config/source";
import { deployProgram } from "../../components/program";
import { SYSTEMS } from "../../components/systems";
import { RecordedResource, SECRET_MASK, installRecorder, settle } from "../mocks/recorder";
import {
    Plan,
    buildPlan,
    renderManifests,
    renderResourcesJson,
    nameOfUrn,
    renderStaged,
    renderUnsetSecrets,
} from "./render";
import { renderNotices } from "./notices";
import { checkSize } from "./size";
import { withQuietStacks } from "./stacks";
import { StackFileError, readStackFile, stackFileSource } from "./stackfile";
import { ConfigError } from "../../components/config/problems";
import { StaleBuildError, assertFreshBuild } from "../../components/shared/buildFreshness";

/**
 * Runs the whole program for a stack under the recording mocks and returns what it registered (secrets in plain
 * text in `inputs`, masked in `masked`). Without `placeholderSecret`, every required secret must be in `source`.
 */
export async function recordProgram(
    stack: string,
    source: ConfigSource,
    options: LoadOptions = {},
): Promise<RecordedResource[]> {
    return recordConfig(stack, loadProgramConfig(source, SYSTEMS, options));
}

/**
 * {@link recordProgram} of a configuration that is already validated (validation runs once per plan), with stack
 * capture off (the SDK takes a trace per promise; every caller, the plan and the adoption report, shows none).
 */
export function recordConfig(stack: string, config: ProgramConfig): Promise<RecordedResource[]> {
    return withQuietStacks(async () => {
        const recorder = installRecorder(stack);
        deployProgram(config);
        await settle();
        if (recorder.errors.length > 0) throw new Error(recorder.errors.join("\n"));
        return recorder.resources;
    });
}

/**
 * What an in-process caller of a plan may also read of its evaluation, beyond what the plan shows (the tests read
 * each resource's recorded dependencies from the plan they share, instead of evaluating the stack again).
 */
export interface PlanObserver {
    recorded?(resources: readonly RecordedResource[]): void;
}

/**
 * Evaluates the program for `Pulumi.<stack>.yaml` under the recording mocks: no cloud, no credentials, no CLI.
 * Secrets that are set (encrypted) or missing are replaced by a placeholder; the missing ones are listed in the
 * plan, because `pulumi up` stops on them. Runs once per process.
 */
export async function planStack(
    stack: string,
    root = process.cwd(),
    observer: PlanObserver = {},
): Promise<Plan> {
    // A plan of stale compiled code would show what `pulumi up` refuses to deploy.
    assertFreshBuild();
    const file = readStackFile(stack, root);
    checkSize(stack, file.values);
    // Configuration mistakes stop the plan before the recording mocks replace the process's Pulumi runtime.
    const unset = new Set<string>();
    const config = loadProgramConfig(stackFileSource(file, SECRET_MASK), SYSTEMS, {
        placeholderSecret: (spec) => {
            unset.add(spec.key);
            return SECRET_MASK;
        },
        // Other stacks' grants and the file lines of messages come from the checkout planned, not the cwd.
        root,
    });
    const todo = new Set(config.todo.map((p) => p.key));
    const recorded = await recordConfig(stack, config);
    observer.recorded?.(recorded);
    return {
        ...buildPlan(
            recorded,
            SYSTEMS.map((s) => s.section),
        ),
        unsetSecrets: [...unset].sort(),
        // Every planned system's placeholders; those of staged systems are also in `todo` (`pulumi up` goes past them).
        operatorValues: [
            ...config.operatorValues.map((p) => p.key),
            ...[...todo].filter((k) => !unset.has(k.slice("runbooks:".length))),
        ].sort(),
        notices: config.notices,
        staged: config.staged,
        todo: [...todo].sort(),
    };
}

/**
 * The comment a cluster's manifests start with when only staged systems write to it (`pulumi up` applies none of
 * them); empty for any other cluster, whose file is exactly its objects.
 */
function stagedClusterHeader(plan: Plan, cluster: string): string {
    const staged = plan.staged ?? [];
    const on = plan.resources.filter(
        (r) =>
            r.provider.includes(":providers:kubernetes::") && nameOfUrn(r.provider) === `cluster-${cluster}`,
    );
    const systems = [...new Set(on.map((r) => r.system))].sort();
    if (staged.length === 0 || systems.length === 0 || !systems.every((s) => staged.includes(s))) return "";
    return `# staged: every object below is of ${systems.join(", ")} (status: staged): planned, applied by no \`pulumi up\`\n`;
}

/** Marks a directory as the plan output of one stack: only such a directory is ever written into. */
export const PLAN_MARKER = ".runbooks-plan";

/**
 * The files the last plan wrote into its directory, one relative path a line: the only files a later plan replaces
 * or removes. Anything else in the directory (a reviewer's notes) is the user's and stays.
 */
export const PLAN_FILES = ".runbooks-plan-files";

/** A plan output directory that is not this program's to write (not empty and not a plan of this stack). */
export class PlanOutputError extends Error {}

/** Errors that are the user's to fix: their message is the whole story, a stack trace would only hide it. */
export function isUserError(err: unknown): err is Error {
    return (
        err instanceof ConfigError ||
        err instanceof StackFileError ||
        err instanceof PlanOutputError ||
        err instanceof StaleBuildError
    );
}

function markerStack(dir: string): string | undefined {
    const marker = path.join(dir, PLAN_MARKER);
    if (!existsSync(marker)) return undefined;
    return /^stack: (.+)$/m.exec(readFileSync(marker, "utf8"))?.[1];
}

/**
 * What the earlier plan in `dir` wrote: its {@link PLAN_FILES} list, or for a plan from before the list existed, the
 * files that version always wrote (resources.json, unset-secrets.txt, kubernetes/*.yaml). The marker files included.
 */
function planFiles(dir: string): string[] {
    const list = path.join(dir, PLAN_FILES);
    let files: string[];
    if (existsSync(list)) {
        files = readFileSync(list, "utf8")
            .split("\n")
            .filter((l) => l !== "" && !l.startsWith("#"));
    } else {
        const k8s = path.join(dir, "kubernetes");
        const manifests =
            existsSync(k8s) && statSync(k8s).isDirectory()
                ? readdirSync(k8s)
                      .filter((f) => f.endsWith(".yaml"))
                      .map((f) => path.join("kubernetes", f))
                : [];
        files = ["resources.json", "unset-secrets.txt", ...manifests];
    }
    // A list edited to point outside the directory must not make the plan delete there.
    const inside = files.filter((f) => !path.isAbsolute(f) && !f.split(/[\\/]/).includes(".."));
    return [...inside, PLAN_FILES, PLAN_MARKER];
}

/** Every file below `dir` by relative path (what a user would lose if the directory went). */
function filesBelow(dir: string, rel = ""): string[] {
    return readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? filesBelow(dir, path.join(rel, e.name)) : [path.join(rel, e.name)],
    );
}

/**
 * Refuses a directory the plan does not own: one that exists and is not a directory, or holds files without being
 * an earlier plan output of this same stack (its marker). Returns whether there is an earlier plan to replace.
 */
export function checkOutputDir(dir: string, stack: string): boolean {
    if (!existsSync(dir)) return false;
    if (!statSync(dir).isDirectory())
        throw new PlanOutputError(`--out ${dir} is a file, not a directory; nothing was written`);
    if (readdirSync(dir).length === 0) return false;
    const owner = markerStack(dir);
    if (owner !== stack) {
        throw new PlanOutputError(
            owner
                ? `--out ${dir} holds the plan of stack ${owner}, not ${stack}; choose another directory. Nothing was written`
                : `--out ${dir} is not empty and is not a plan output (no ${PLAN_MARKER}); choose a new or empty directory. Nothing was written or deleted`,
        );
    }
    return true;
}

/** What happened to an earlier plan's directory: the plan's files that went, the user's files that stayed. */
export interface Removal {
    removed: string[];
    kept: string[];
}

/** Removes the files an earlier plan wrote (and directories they leave empty); every other file stays. */
function removePlanFiles(dir: string): Removal {
    const removed: string[] = [];
    for (const rel of planFiles(dir)) {
        const file = path.join(dir, rel);
        if (existsSync(file) && statSync(file).isFile()) {
            rmSync(file);
            if (rel !== PLAN_MARKER && rel !== PLAN_FILES) removed.push(rel);
        }
    }
    const k8s = path.join(dir, "kubernetes");
    if (existsSync(k8s) && statSync(k8s).isDirectory() && readdirSync(k8s).length === 0) rmdirSync(k8s);
    const kept = filesBelow(dir).sort();
    if (kept.length === 0) rmdirSync(dir);
    return { removed: removed.sort(), kept };
}

/**
 * Removes an earlier plan of `stack` in `dir` (only when the marker proves it is one), so it cannot pass for
 * current: only the files it wrote. Undefined when there was none.
 */
export function removeStalePlan(dir: string, stack: string): Removal | undefined {
    if (!existsSync(dir) || markerStack(dir) !== stack) return undefined;
    return removePlanFiles(dir);
}

/** One line naming the user's files a plan left in its directory, or "" when there are none. */
export function keptLine(dir: string, kept: readonly string[]): string {
    return kept.length === 0
        ? ""
        : `Kept ${kept.join(", ")} in ${dir}: not written by the plan, so the plan never replaces or deletes ${kept.length === 1 ? "it" : "them"}.`;
}

/**
 * Writes `resources.json`, `unset-secrets.txt`, `notices.txt` and one manifest file per cluster into a new directory beside `dir`,
 * then moves them in place of the files the earlier plan of the same stack wrote (its {@link PLAN_FILES}): a failure
 * while rendering leaves the earlier plan untouched, and a file the plan did not write is never replaced or deleted.
 */
export function writePlan(plan: Plan, dir: string, stack: string): { files: string[]; kept: string[] } {
    const hadPlan = checkOutputDir(dir, stack);
    const parent = path.dirname(path.resolve(dir));
    mkdirSync(parent, { recursive: true });
    const tmp = mkdtempSync(path.join(parent, `.${path.basename(dir)}.tmp-`));
    try {
        const files: [string, string][] = [
            ["resources.json", renderResourcesJson(plan)],
            ["unset-secrets.txt", renderUnsetSecrets(stack, plan)],
            ["notices.txt", renderNotices(stack, plan.notices ?? [])],
            ["staged.txt", renderStaged(stack, plan)],
        ];
        for (const cluster of Object.keys(plan.kubernetes).sort()) {
            files.push([
                path.join("kubernetes", `${cluster}.yaml`),
                stagedClusterHeader(plan, cluster) + renderManifests(plan.kubernetes[cluster]),
            ]);
        }
        mkdirSync(path.join(tmp, "kubernetes"));
        for (const [name, text] of files) writeFileSync(path.join(tmp, name), text);
        const names = files.map(([name]) => name);
        writeFileSync(
            path.join(tmp, PLAN_FILES),
            `# Written by npm run plan; only these files are replaced or removed by the next plan.\n${names.join("\n")}\n`,
        );
        writeFileSync(path.join(tmp, PLAN_MARKER), `stack: ${stack}\n`);
        if (hadPlan) {
            removePlanFiles(dir);
            mkdirSync(dir, { recursive: true });
        } else if (!existsSync(dir)) {
            mkdirSync(dir);
        }
        mkdirSync(path.join(dir, "kubernetes"), { recursive: true });
        // The marker last: until it is there, the directory is not taken for a complete plan.
        for (const name of [...names, PLAN_FILES, PLAN_MARKER])
            renameSync(path.join(tmp, name), path.join(dir, name));
        const written = new Set([...names, PLAN_FILES, PLAN_MARKER]);
        return {
            files: names.map((name) => path.join(dir, name)),
            kept: filesBelow(dir)
                .filter((f) => !written.has(f))
                .sort(),
        };
    } finally {
        rmSync(tmp, { recursive: true, force: true });
    }
}
