import { writeFileSync } from "fs";
import { ConfigError } from "../../components/config/problems";
import { readStackFile } from "../plan/stackfile";
import { Cluster } from "./kube";
import { kubeconfigOf, parseKubeconfigArgs } from "./kubeconfig";
import { Finding, LeftBehind } from "./model";
import { stackObjects } from "./program";
import { buildReport, exitCode, renderReport } from "./report";
import { inspectCluster } from "./run";

// `npm run adopt -- --stack <stack>`: what the first `pulumi up` would do to what runs today. Read-only: it
// reads, lists and dry-runs; it never writes to a cluster.

const USAGE = "usage: npm run adopt -- --stack <stack> [--kubeconfig <cluster>=<path>]... [--json <file>]\n";

interface Args {
    stack: string;
    kubeconfigs: string[];
    json?: string;
}

function parseArgs(argv: string[]): Args {
    const args: Partial<Args> & { kubeconfigs: string[] } = { kubeconfigs: [] };
    for (let i = 0; i < argv.length; i++) {
        const value = argv[i + 1];
        if (value === undefined || !["--stack", "--kubeconfig", "--json"].includes(argv[i])) {
            process.stderr.write(USAGE);
            process.exit(1);
        }
        if (argv[i] === "--stack") args.stack = value;
        else if (argv[i] === "--kubeconfig") args.kubeconfigs.push(value);
        else args.json = value;
        i++;
    }
    if (!args.stack) {
        process.stderr.write(USAGE);
        process.exit(1);
    }
    return args as Args;
}

async function main(): Promise<number> {
    const args = parseArgs(process.argv.slice(2));
    const started = Date.now();
    const files = parseKubeconfigArgs(args.kubeconfigs);
    const program = await stackObjects(args.stack);
    const clusterConfig = (readStackFile(args.stack).values.clusters ?? {}) as Record<
        string,
        { context?: string }
    >;
    const findings: Finding[] = [];
    const left: LeftBehind[] = [];
    for (const cluster of [...new Set(program.kubernetes.map((d) => d.cluster))].sort()) {
        const api = new Cluster(kubeconfigOf(args.stack, cluster, files), clusterConfig[cluster]?.context);
        const result = await inspectCluster(
            cluster,
            program.kubernetes.filter((d) => d.cluster === cluster),
            api,
        ).catch((err: unknown) => {
            throw new Error(`cluster ${cluster}: ${err instanceof Error ? err.message : String(err)}`);
        });
        findings.push(...result.findings);
        left.push(...result.leftBehind);
    }
    const report = buildReport(args.stack, findings, left, program.openstack);
    process.stdout.write(`${renderReport(report)}\n(${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
    if (args.json) writeFileSync(args.json, `${JSON.stringify(report, null, 2)}\n`);
    return exitCode(report);
}

main().then(
    (code) => process.exit(code),
    (err: unknown) => {
        // A configuration mistake is the user's to fix: the list of fixes, not a stack trace.
        if (err instanceof ConfigError) process.stderr.write(`${err.message}\n`);
        else process.stderr.write(`adopt failed: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(1);
    },
);
