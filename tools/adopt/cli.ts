import { writeFileSync } from "fs";
import { keyValues, parseFlags, required, runTool } from "../cli/args";
import { readStackFile } from "../plan/stackfile";
import { Cluster } from "./kube";
import { kubeconfigOf } from "./kubeconfig";
import { Finding, LeftBehind } from "./model";
import { stackObjects } from "./program";
import { buildReport, exitCode, renderReport } from "./report";
import { inspectCluster } from "./run";

// `npm run adopt -- --stack <stack>`: what the first `pulumi up` would do to what runs today. Read-only: it
// reads, lists and dry-runs; it never writes to a cluster.

const USAGE = "usage: npm run adopt -- --stack <stack> [--kubeconfig <cluster>=<path>]... [--json <file>]\n";

interface Args {
    stack: string;
    /** Kubeconfig file per cluster name. */
    kubeconfigs: Map<string, string>;
    json?: string;
}

function parseArgs(argv: string[]): Args {
    const values = parseFlags(
        argv,
        {
            stack: { type: "string" },
            kubeconfig: { type: "string", multiple: true },
            json: { type: "string" },
        },
        USAGE,
    );
    return {
        stack: required(values.stack, "--stack", USAGE),
        kubeconfigs: keyValues(values.kubeconfig ?? [], "--kubeconfig", "<cluster>=<path>", USAGE),
        json: values.json,
    };
}

async function main(): Promise<number> {
    const args = parseArgs(process.argv.slice(2));
    const started = Date.now();
    const program = await stackObjects(args.stack);
    const clusterConfig = (readStackFile(args.stack).values.clusters ?? {}) as Record<
        string,
        { context?: string }
    >;
    const findings: Finding[] = [];
    const left: LeftBehind[] = [];
    for (const cluster of [...new Set(program.kubernetes.map((d) => d.cluster))].sort()) {
        const api = new Cluster(
            kubeconfigOf(args.stack, cluster, args.kubeconfigs),
            clusterConfig[cluster]?.context,
        );
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

// 2 means "blocking items": a command line it cannot read is an error (1) like any other.
runTool("adopt", main, 1);
