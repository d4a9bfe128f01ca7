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
import { LoadOptions, ProgramConfig, loadProgramConfig } from "../../components/config/load";
import { ConfigSource } from "../../components/config/source";
import { deployProgram } from "../../components/program";
import { SYSTEMS } from "../../components/systems";
import { RecordedResource, SECRET_MASK, installRecorder, settle } from "../mocks/recorder";
import { Plan, buildPlan, renderManifests, renderResourcesJson, renderUnsetSecrets } from "./render";
import { checkSize } from "./size";
import { StackFileError, readStackFile, stackFileSource } from "./stackfile";
import { ConfigError } from "../../components/config/problems";
import { StaleBuildError, assertFreshBuild } from "../build/fresh";

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

/** {@link recordProgram} of a configuration that is already validated (validation runs once per plan). */
async function recordConfig(stack: string, config: ProgramConfig): Promise<RecordedResource[]> {
    const recorder = installRecorder(stack);
    deployProgram(config);
    await settle();
    if (recorder.errors.length > 0) {
        throw new Error(recorder.errors.join("\n"));
    }
    return recorder.resources;
}

/**
 * Evaluates the program for `Pulumi.<stack>.yaml` under the recording mocks: no cloud, no credentials, no CLI.
 * Secrets that are set (encrypted) or missing are replaced by a placeholder; the missing ones are listed in the
 * plan, because `pulumi up` stops on them. Runs once per process.
 */
export async function planStack(stack: string, root = process.cwd()): Promise<Plan> {
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
    });
    const recorded = await recordConfig(stack, config);
    return {
        ...buildPlan(
            recorded,
            SYSTEMS.map((s) => s.section),
        ),
        unsetSecrets: [...unset].sort(),
        operatorValues: config.operatorValues.map((p) => p.key).sort(),
    };
}

/** Marks a directory as the plan output of one stack: only such a directory is ever replaced. */
export const PLAN_MARKER = ".runbooks-plan";

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
 * A plan written before the marker existed: nothing but `resources.json` and `kubernetes/*.yaml`. Replacing it loses
 * only output the plan can write again, so it is not refused (a checkout or any other directory never looks so).
 */
function isUnmarkedPlan(dir: string): boolean {
    const entries = readdirSync(dir);
    if (
        !entries.includes("resources.json") ||
        entries.some((e) => e !== "resources.json" && e !== "kubernetes")
    ) {
        return false;
    }
    const k8sDir = path.join(dir, "kubernetes");
    return (
        statSync(path.join(dir, "resources.json")).isFile() &&
        (!existsSync(k8sDir) ||
            (statSync(k8sDir).isDirectory() && readdirSync(k8sDir).every((f) => f.endsWith(".yaml"))))
    );
}

/**
 * Refuses a directory the plan does not own: one that exists and is not a directory, or holds files without being
 * an earlier plan output of this same stack. Returns whether there is an earlier plan to replace.
 */
export function checkOutputDir(dir: string, stack: string): boolean {
    if (!existsSync(dir)) return false;
    if (!statSync(dir).isDirectory()) {
        throw new PlanOutputError(`--out ${dir} is a file, not a directory; nothing was written`);
    }
    if (readdirSync(dir).length === 0) return false;
    const owner = markerStack(dir);
    if (owner === undefined && isUnmarkedPlan(dir)) return true;
    if (owner !== stack) {
        throw new PlanOutputError(
            owner
                ? `--out ${dir} holds the plan of stack ${owner}, not ${stack}; choose another directory. Nothing was written`
                : `--out ${dir} is not empty and is not a plan output (no ${PLAN_MARKER}); choose a new or empty directory. Nothing was written or deleted`,
        );
    }
    return true;
}

/** Removes an earlier plan of `stack` in `dir` (only when the marker proves it is one), so it cannot pass for current. */
export function removeStalePlan(dir: string, stack: string): boolean {
    if (!existsSync(dir) || markerStack(dir) !== stack) return false;
    rmSync(dir, { recursive: true, force: true });
    return true;
}

/**
 * Writes `resources.json`, `unset-secrets.txt` and one manifest file per cluster into a new directory beside `dir`,
 * then swaps it in: a failure leaves no half-written plan, and only an earlier plan of the same stack is replaced.
 */
export function writePlan(plan: Plan, dir: string, stack: string): string[] {
    const hadPlan = checkOutputDir(dir, stack);
    const parent = path.dirname(path.resolve(dir));
    mkdirSync(parent, { recursive: true });
    const tmp = mkdtempSync(path.join(parent, `.${path.basename(dir)}.tmp-`));
    try {
        mkdirSync(path.join(tmp, "kubernetes"));
        const files: [string, string][] = [
            ["resources.json", renderResourcesJson(plan)],
            ["unset-secrets.txt", renderUnsetSecrets(stack, plan)],
        ];
        for (const cluster of Object.keys(plan.kubernetes).sort()) {
            files.push([
                path.join("kubernetes", `${cluster}.yaml`),
                renderManifests(plan.kubernetes[cluster]),
            ]);
        }
        for (const [name, text] of files) writeFileSync(path.join(tmp, name), text);
        writeFileSync(path.join(tmp, PLAN_MARKER), `stack: ${stack}\n`);
        if (hadPlan) {
            const old = `${tmp}.old`;
            renameSync(dir, old);
            renameSync(tmp, dir);
            rmSync(old, { recursive: true, force: true });
        } else {
            if (existsSync(dir)) rmdirSync(dir);
            renameSync(tmp, dir);
        }
        return files.map(([name]) => path.join(dir, name));
    } catch (err) {
        rmSync(tmp, { recursive: true, force: true });
        throw err;
    }
}
