import fc from "fast-check";
import { parseFlags, usageExit } from "../../../tools/cli/args";
import { violations } from "./invariants";
import { mutants } from "./mutations";

// `npm run battery:generative -- [--runs N] [--seed S]`: the generative battery, longer than npm test's run. Prints
// how many cases it tried, every failure (its mutations and what fell short) and the seed to replay it with.

const USAGE = "usage: npm run battery:generative -- [--runs <n>] [--seed <n>]";
let flags: { runs?: string; seed?: string } = {};
try {
    flags = parseFlags(process.argv.slice(2), { runs: { type: "string" }, seed: { type: "string" } }, USAGE);
} catch (err) {
    process.exit(usageExit(err) ?? 1);
}
const runs = flags.runs === undefined ? 500 : Number(flags.runs);
const seed = flags.seed === undefined ? Date.now() % 2 ** 31 : Number(flags.seed);
let tried = 0;
const failures: { steps: string; faults: string[] }[] = [];
fc.check(
    fc.property(mutants, (m) => {
        tried++;
        const faults = violations(m);
        if (faults.length > 0) failures.push({ steps: `${m.stack}: ${m.steps.join("; ")}`, faults });
        return true;
    }),
    { seed, numRuns: runs },
);
for (const f of failures)
    console.log(`FAIL ${f.steps}\n    ${f.faults.map((x) => x.slice(0, 800)).join("\n    ")}`);
console.log(
    `cases tried: ${tried}, failures: ${failures.length}, seed: ${seed} (replay: npm run battery:generative -- --runs ${runs} --seed ${seed})`,
);
process.exitCode = failures.length > 0 ? 1 : 0;
