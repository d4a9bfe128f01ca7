import { parseFlags, printResult, runTool } from "../../../tools/cli/args";
import { renderShape, sourceShape } from "./report";
import { readSources } from "./sources";

const USAGE = "usage: npm run shape -- [--stack <stack>]... [--json]";

/**
 * `npm run shape`: the counts of issue 40 (hand `dependsOn`, string-placed objects, complexity, constructors, handle
 * classes, template deviations) and of issue 53 (volumes and mounts paired by a literal name), measured on the
 * checkout and on each stack's offline plan. It prints; the tests assert (test/shape/).
 */
async function main(argv: string[]): Promise<number> {
    const flags = parseFlags(
        argv,
        { stack: { type: "string", multiple: true }, json: { type: "boolean" } },
        USAGE,
    );
    const stacks = flags.stack ?? ["stage", "prod"];
    const shape = await sourceShape(readSources());
    // Loaded only now: planning loads the program and the SDK.
    const { planStack } = await import("../../../tools/plan/run");
    const { inForeignNamespaces, stringPlaced } = await import("./placement");
    const placed: Record<string, { string: number; foreign: number }> = {};
    for (const stack of stacks) {
        let recorded: Parameters<typeof stringPlaced>[0] = [];
        await planStack(stack, undefined, { recorded: (r) => (recorded = r) });
        placed[stack] = { string: stringPlaced(recorded).length, foreign: inForeignNamespaces(recorded) };
    }
    const text = flags.json
        ? `${JSON.stringify({ ...shape, placed }, null, 2)}\n`
        : renderShape(shape, placed);
    return printResult({ code: 0, stdout: text, stderr: "" });
}

if (require.main === module) runTool("shape", () => main(process.argv.slice(2)));
