import { mkdirSync, rmSync, writeFileSync } from "fs";
import * as path from "path";
import { LoadOptions } from "../../components/config/load";
import { ConfigSource } from "../../components/config/source";
import { runProgram } from "../../components/program";
import { SYSTEMS } from "../../components/systems";
import { RecordedResource, SECRET_MASK, installRecorder, settle } from "../mocks/recorder";
import { Plan, buildPlan, renderManifests, renderResourcesJson } from "./render";
import { readStackFile, stackFileSource } from "./stackfile";

/**
 * Runs the whole program for a stack under the recording mocks and returns what it registered (secrets in plain
 * text in `inputs`, masked in `masked`). Without `placeholderSecret`, every required secret must be in `source`.
 */
export async function recordProgram(
    stack: string,
    source: ConfigSource,
    options: LoadOptions = {},
): Promise<RecordedResource[]> {
    const recorder = installRecorder(stack);
    runProgram(source, SYSTEMS, options);
    await settle();
    if (recorder.errors.length > 0) {
        throw new Error(recorder.errors.join("\n"));
    }
    return recorder.resources;
}

/**
 * Evaluates the program for `Pulumi.<stack>.yaml` under the recording mocks: no cloud, no credentials, no CLI.
 * Secrets that are set (encrypted) or missing are replaced by a placeholder. Runs once per process.
 */
export async function planStack(stack: string, root = process.cwd()): Promise<Plan> {
    const file = readStackFile(stack, root);
    const recorded = await recordProgram(stack, stackFileSource(file, SECRET_MASK), {
        placeholderSecret: () => SECRET_MASK,
    });
    return buildPlan(
        recorded,
        SYSTEMS.map((s) => s.section),
    );
}

/** Writes `resources.json` and one manifest file per cluster; the directory is replaced, so stale files never linger. */
export function writePlan(plan: Plan, dir: string): string[] {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(path.join(dir, "kubernetes"), { recursive: true });
    const written = [path.join(dir, "resources.json")];
    writeFileSync(written[0], renderResourcesJson(plan));
    for (const cluster of Object.keys(plan.kubernetes).sort()) {
        const file = path.join(dir, "kubernetes", `${cluster}.yaml`);
        writeFileSync(file, renderManifests(plan.kubernetes[cluster]));
        written.push(file);
    }
    return written;
}
