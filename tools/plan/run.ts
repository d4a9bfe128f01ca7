import { mkdirSync, rmSync, writeFileSync } from "fs";
import * as path from "path";
import { runProgram } from "../../components/program";
import { SYSTEMS } from "../../components/systems";
import { installRecorder, settle } from "../mocks/recorder";
import { SECRET_MASK } from "../mocks/recorder";
import { Plan, buildPlan, renderManifests, renderResourcesJson } from "./render";
import { readStackFile, stackFileSource } from "./stackfile";

/**
 * Evaluates the program for `Pulumi.<stack>.yaml` under the recording mocks: no cloud, no credentials, no CLI.
 * Secrets that are set (encrypted) or missing are replaced by a placeholder. Runs once per process.
 */
export async function planStack(stack: string, root = process.cwd()): Promise<Plan> {
    const file = readStackFile(stack, root);
    const recorder = installRecorder(stack);
    runProgram(stackFileSource(file, SECRET_MASK), SYSTEMS, { placeholderSecret: () => SECRET_MASK });
    await settle();
    if (recorder.errors.length > 0) {
        throw new Error(recorder.errors.join("\n"));
    }
    return buildPlan(
        recorder.resources,
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
