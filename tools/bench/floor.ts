import * as pulumi from "@pulumi/pulumi";
import { readFileSync } from "fs";
import { UsageError, parseFlags, runTool } from "../cli/args";
import { installRecorder, settle } from "../mocks/recorder";
import type { PlanResource } from "../plan/render";

class Bare extends pulumi.CustomResource {
    constructor(name: string, type = "bench:index:Bare", inputs: pulumi.Inputs = {}) {
        super(type, name, inputs);
    }
}

// The SDK's floor for a plan of N resources: the same runtime and recording mocks with a program that registers N
// bare custom resources (no inputs, no components, no config). What a plan costs above it is the program's own.
// With --replay <resources.json>, the floor of that plan's own inputs: each recorded resource registered again with
// its type and inputs, flat (no components, parents, dependencies or config): what the SDK costs for the same data.
const USAGE = "usage: node dist/tools/bench/floor.js [--resources <count>] [--replay <resources.json>]";

async function main(): Promise<number> {
    const values = parseFlags(
        process.argv.slice(2),
        { resources: { type: "string", default: "0" }, replay: { type: "string" } },
        USAGE,
    );
    if (!/^\d+$/.test(values.resources))
        throw new UsageError(`--resources ${values.resources}: a whole number`, USAGE);
    const recorder = installRecorder("bench");
    if (values.replay) {
        const plan = JSON.parse(readFileSync(values.replay, "utf8")) as PlanResource[];
        plan.forEach((r, i) => new Bare(`replay-${i}`, r.type, r.inputs as pulumi.Inputs));
    } else {
        const count = Number(values.resources);
        for (let i = 0; i < count; i++) new Bare(`bare-${i}`);
    }
    await settle();
    process.stdout.write(`registered ${recorder.resources.length}\n`);
    return 0;
}

runTool("floor", main);
