import { appendFileSync } from "node:fs";
import { parseFlags, required, runTool } from "../cli/args";
import { readStackFile } from "../plan/stackfile";
import { SYSTEMS } from "../../components/systems";
import { verifiedSystems } from "./systems";

// `npm run live -- --stack <stack>`: which systems of the stack file are live (what `pulumi up` deploys and `verify`
// checks) and which are staged, by the program's one rule (components/config/system.ts isLive). Offline, reads only
// the stack file. In a GitHub Actions step it also writes `systems` (comma-separated) and `callysto` (true/false) to
// $GITHUB_OUTPUT: the deploy workflow runs Callysto's jobs on clavius only when Callysto is live.

const USAGE = "usage: npm run live -- --stack <stack>\n";

/** The live and staged sections of a stack file's values, in deployment order. */
export function liveAndStaged(values: Record<string, unknown>): { live: string[]; staged: string[] } {
    const sections = SYSTEMS.map((s) => s.section);
    const live = verifiedSystems(values, sections);
    const staged = sections.filter(
        (s) => !live.includes(s) && (values[s] as { enabled?: unknown } | undefined)?.enabled === true,
    );
    return { live, staged };
}

async function main(): Promise<number> {
    const flags = parseFlags(process.argv.slice(2), { stack: { type: "string" } }, USAGE);
    const stack = required(flags.stack, "--stack", USAGE);
    const { live, staged } = liveAndStaged(readStackFile(stack, process.cwd()).values);
    process.stdout.write(
        `stack ${stack}: live (pulumi up deploys, verify checks): ${live.join(", ") || "none"}; staged (planned only): ${staged.join(", ") || "none"}\n`,
    );
    const output = process.env.GITHUB_OUTPUT;
    if (output) appendFileSync(output, `systems=${live.join(",")}\ncallysto=${live.includes("callysto")}\n`);
    return 0;
}

if (require.main === module) runTool("live", main);
