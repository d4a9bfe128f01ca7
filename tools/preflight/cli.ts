import { UsageError, keyValues, parseFlags, required, runTool } from "../cli/args";
import { pool } from "../cli/pool";
import { stackObjects } from "../adopt/program";
import { ImageResult, preflightExit, renderPreflight } from "./check";
import { formatImage, groupByImage, imageUses, mirrored, parseImage } from "./images";
import { inspect, skopeoAvailable, writeAuthFile } from "./skopeo";

// `npm run preflight -- --stack <stack>`: every image the stack would run exists in its registry, before deploying.

const USAGE =
    "usage: npm run preflight -- --stack <stack> [--mirror <registry|*>=<host[/prefix]>]... [--concurrency N]\n";

function parseArgs(argv: string[]): { stack: string; mirrors: Map<string, string>; concurrency: number } {
    const values = parseFlags(
        argv,
        {
            stack: { type: "string" },
            mirror: { type: "string", multiple: true },
            concurrency: { type: "string", default: "8" },
        },
        USAGE,
    );
    const mirrors = keyValues(values.mirror ?? [], "--mirror", "<registry|*>=<host[/prefix]>", USAGE);
    const concurrency = Number(values.concurrency);
    if (!Number.isInteger(concurrency) || concurrency <= 0)
        throw new UsageError(`--concurrency ${values.concurrency}: expected a positive whole number`, USAGE);
    return { stack: required(values.stack, "--stack", USAGE), mirrors, concurrency };
}

async function main(): Promise<number> {
    const { stack, mirrors, concurrency } = parseArgs(process.argv.slice(2));
    if (!skopeoAvailable()) {
        process.stderr.write("preflight needs skopeo (Debian/Ubuntu: apt-get install -y skopeo)\n");
        return 1;
    }
    const started = Date.now();
    const program = await stackObjects(stack);
    const groups = [...groupByImage(imageUses(program.kubernetes.map((d) => d.object)))];
    const targets = groups.map(([image, users]) => ({
        image,
        users,
        ref: mirrored(parseImage(image), mirrors),
    }));
    const auth = writeAuthFile([...new Set(targets.map((t) => t.ref.registry))], process.env);
    let results: ImageResult[];
    try {
        results = await pool(targets, concurrency, async (t) => {
            const checked = formatImage(t.ref);
            const answer = await inspect(checked, t.ref.registry, auth?.file);
            return { image: t.image, checked, users: t.users, ...answer };
        });
    } finally {
        auth?.dispose();
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    process.stdout.write(`${renderPreflight(stack, results)}\n(${seconds} s)\n`);
    return preflightExit(results);
}

// 2 means "an image is missing": a command line it cannot read is an error (1) like any other.
runTool("preflight", main, 1);
