import { strict as assert } from "assert";
import { readFileSync, readdirSync } from "fs";
import * as path from "path";
import { parseDocument } from "yaml";
import { repoRoot } from "../../tools/root";

// The GitHub Actions workflow files as both workflow tests read them: parsed, never grepped.

export const WORKFLOWS = path.join(repoRoot(), ".github", "workflows");

export interface Step {
    id?: string;
    name?: string;
    uses?: string;
    run?: string;
    if?: string;
    with?: Record<string, unknown>;
    env?: Record<string, string>;
}

export interface Job {
    "runs-on": string;
    needs?: string | string[];
    environment?: string | { name: string };
    env?: Record<string, string>;
    steps: Step[];
    strategy?: { matrix?: Record<string, unknown> };
}

export interface Workflow {
    name: string;
    on: Record<string, unknown>;
    env?: Record<string, string>;
    jobs: Record<string, Job>;
}

/** One workflow file, parsed; a YAML error fails the test that reads it. */
export function loadWorkflow(file: string, dir = WORKFLOWS): Workflow {
    const doc = parseDocument(readFileSync(path.join(dir, file), "utf8"));
    assert.deepEqual(doc.errors.map(String), [], file);
    return doc.toJSON() as Workflow;
}

/** The workflow files of a directory (`*.yml`, `*.yaml`). */
export function workflowFiles(dir = WORKFLOWS): string[] {
    return readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
}
