import { writeFileSync } from "fs";
import { UsageError, keyValues, parseFlags, required, runTool } from "../cli/args";
import { takeoverSchema } from "../../components/config/takeover";
import { runningReleasesSchema } from "../../components/config/releaseGate";
import { readStackFile } from "../plan/stackfile";
import { databaseNamespaces } from "./databases";
import { Cluster } from "./kube";
import { ClusterSettings, connectKubeconfig, kubeconfigOf } from "./kubeconfig";
import { stackProgram } from "./program";
import { buildReport, exitCode, renderReport } from "./report";
import { inspectClusters } from "./run";

// `npm run adopt -- --stack <stack>`: what the first `pulumi up` would do to what runs today. Read-only: it
// reads, lists and dry-runs; it never writes to a cluster.

const USAGE =
    "usage: npm run adopt -- --stack <stack> [--kubeconfig <cluster>=<path>]... [--dump <namespace>=<path>]... " +
    "[--json <file>]\n";

interface Args {
    stack: string;
    /** Kubeconfig file per cluster name. */
    kubeconfigs: Map<string, string>;
    /** The dump (pg_dump -Fc) of the database taken over in a namespace, per namespace (./databases). */
    dumps: Map<string, string>;
    json?: string;
}

function parseArgs(argv: string[]): Args {
    const values = parseFlags(
        argv,
        {
            stack: { type: "string" },
            kubeconfig: { type: "string", multiple: true },
            dump: { type: "string", multiple: true },
            json: { type: "string" },
        },
        USAGE,
    );
    return {
        stack: required(values.stack, "--stack", USAGE),
        kubeconfigs: keyValues(values.kubeconfig ?? [], "--kubeconfig", "<cluster>=<path>", USAGE),
        dumps: keyValues(values.dump ?? [], "--dump", "<namespace>=<path>", USAGE),
        json: values.json,
    };
}

async function main(): Promise<number> {
    const args = parseArgs(process.argv.slice(2));
    const started = Date.now();
    const clusterConfig = (readStackFile(args.stack).values.clusters ?? {}) as Record<
        string,
        ClusterSettings
    >;
    const unknown = [...args.kubeconfigs.keys()].filter((c) => !(c in clusterConfig));
    if (unknown.length > 0) {
        throw new UsageError(
            `--kubeconfig ${unknown.join(", ")}: stack ${args.stack} has no such cluster (its clusters: ` +
                `${Object.keys(clusterConfig).sort().join(", ") || "none"})`,
            USAGE,
        );
    }
    const { objects: program, records } = await stackProgram(args.stack);
    // Each system's declared takeover list; one the schema refuses counts as none (pulumi up names what is wrong).
    const values = readStackFile(args.stack).values as Record<string, { takeover?: unknown } | undefined>;
    const lists = Object.fromEntries(
        [...new Set(program.kubernetes.map((d) => d.system))].map((system) => [
            system,
            takeoverSchema.safeParse(values[system]?.takeover).data,
        ]),
    );
    const withDatabase = databaseNamespaces(program.kubernetes);
    const stray = [...args.dumps.keys()].filter((ns) => !withDatabase.includes(ns));
    if (stray.length > 0) {
        throw new UsageError(
            `--dump ${stray.join(", ")}: stack ${args.stack} runs no PostgreSQL there (its database namespaces: ` +
                `${withDatabase.join(", ") || "none"})`,
            USAGE,
        );
    }
    const result = await inspectClusters(
        program.kubernetes,
        async (cluster) =>
            new Cluster(
                await connectKubeconfig(
                    args.stack,
                    cluster,
                    kubeconfigOf(args.stack, cluster, args.kubeconfigs),
                    clusterConfig[cluster],
                ),
            ),
        8,
        args.dumps,
        { stack: args.stack, lists },
    );
    // The running releases the operator recorded: the report reads them where a live tag names no release.
    const running = Object.fromEntries(
        Object.entries(clusterConfig).map(([name, c]) => [
            name,
            // A record the schema refuses counts as none: pulumi up names what is wrong with it.
            runningReleasesSchema.safeParse((c as { running?: unknown }).running).data,
        ]),
    );
    const report = buildReport(args.stack, result.findings, result.leftBehind, program.openstack, {
        ...result,
        running,
        records,
    });
    process.stdout.write(`${renderReport(report)}\n(${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
    if (args.json) writeFileSync(args.json, `${JSON.stringify(report, null, 2)}\n`);
    for (const u of report.unreachable)
        process.stderr.write(`adopt: cluster ${u.cluster} not inspected: ${u.reason}\n`);
    return exitCode(report);
}

// 2 means "blocking items": a command line it cannot read is an error (1) like any other.
runTool("adopt", main, 1);
