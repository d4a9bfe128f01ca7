import * as pulumi from "@pulumi/pulumi";
import { parseArgs } from "node:util";
import { installRecorder, settle } from "../mocks/recorder";

class Bare extends pulumi.CustomResource {
    constructor(name: string) {
        super("bench:index:Bare", name, {});
    }
}

// The SDK's floor for a plan of N resources: the same runtime and recording mocks with a program that registers N
// bare custom resources (no inputs, no components, no config). What a plan costs above it is the program's own.
async function main(): Promise<void> {
    const { values } = parseArgs({ options: { resources: { type: "string", default: "0" } } });
    const count = Number(values.resources);
    const recorder = installRecorder("bench");
    for (let i = 0; i < count; i++) {
        new Bare(`bare-${i}`);
    }
    await settle();
    process.stdout.write(`registered ${recorder.resources.length}\n`);
}

void main();
