import { writeFileSync } from "fs";
import { UsageError, keyValues, parseFlags, required, runTool } from "../cli/args";
import { readStackFile } from "../plan/stackfile";
import { Cluster } from "./kube";
import { kubeconfigOf, loadKubeconfig } from "./kubeconfig";
import { stackObjects } from "./program";
import { buildReport, exitCode, renderReport } from "./report";
import { inspectClusters } from "./run";

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
    const clusterConfig = (readStackFile(args.stack).values.clusters ?? {}) as Record<
        string,
        { context?: string; credentialCommand?: string }
    >;
    const unknown = [...args.kubeconfigs.keys()].filter((c) => !(c in clusterConfig));
    if (unknown.length > 0) {
        throw new UsageError(
            `--kubeconfig ${unknown.join(", ")}: stack ${args.stack} has no such cluster (its clusters: ` +
                `${Object.keys(clusterConfig).sort().join(", ") || "none"})`,
            USAGE,
        );
    }
    const program = await stackObjects(args.stack);
    const result = await inspectClusters(
        program.kubernetes,
        (cluster) =>
            new Cluster(
                loadKubeconfig(
                    args.stack,
                    cluster,
                    kubeconfigOf(args.stack, cluster, args.kubeconfigs),
                    clusterConfig[cluster]?.context,
                    clusterConfig[cluster]?.credentialCommand,
                ),
            ),
    );
    const report = buildReport(args.stack, result.findings, result.leftBehind, program.openstack, result);
    process.stdout.write(`${renderReport(report)}\n(${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
    if (args.json) writeFileSync(args.json, `${JSON.stringify(report, null, 2)}\n`);
    for (const u of report.unreachable)
        process.stderr.write(`adopt: cluster ${u.cluster} not inspected: ${u.reason}\n`);
    return exitCode(report);
}

// 2 means "blocking items": a command line it cannot read is an error (1) like any other.
runTool("adopt", main, 1);
