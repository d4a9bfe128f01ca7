import { writeFileSync } from "fs";
import { shellQuote } from "../../components/config/problems";
import { otherStacks, sameClusterElsewhere } from "../../components/config/stacks";
import { writtenMarks } from "../../components/config/clusterIdentity";
import { isLocalStack } from "../../components/config/identity";
import { keyValues, parseFlags, required, runTool } from "../cli/args";
import { ClusterSettings, KubeconfigSource, connectKubeconfig, kubeconfigOf } from "../adopt/kubeconfig";
import { readStackFile } from "../plan/stackfile";
import { automationStack } from "../engine/automation";
import { previewPast } from "./engine";
import { KubeCluster } from "./kube";
import { exitCode, renderReport } from "./report";
import { checkDrift } from "./run";
import { Checkpoint, managedObjects } from "./state";

// `npm run drift -- --stack <stack>`: which objects of the stack someone changed outside the program, and which
// objects in its namespaces it does not manage. Read-only: it exports the state (secrets encrypted) and reads the
// clusters, and asks the engine for its preview of the refreshed stack (nothing written) for what the next
// `pulumi up --refresh` does, again past each object it stops on. Exit 0: no drift; 2: drift; 1: it could not tell (a cluster unreachable, no
// kubeconfig, no state, the preview failed).

const USAGE =
    "usage: npm run drift -- --stack <stack> [--kubeconfig <cluster>=<path>]... [--exclude <urn>]... [--json <file>] [--markdown <file>]\n";

async function main(): Promise<number> {
    const flags = parseFlags(
        process.argv.slice(2),
        {
            stack: { type: "string" },
            kubeconfig: { type: "string", multiple: true },
            exclude: { type: "string", multiple: true },
            json: { type: "string" },
            markdown: { type: "string" },
        },
        USAGE,
    );
    const stack = required(flags.stack, "--stack", USAGE);
    const files = keyValues(flags.kubeconfig ?? [], "--kubeconfig", "<cluster>=<path>", USAGE);
    const clusters = (readStackFile(stack).values.clusters ?? {}) as Record<
        string,
        ClusterSettings & {
            apiServer?: string;
            identity?: unknown;
            namespaces?: Record<string, string>;
        }
    >;
    // Loaded here: the systems pull in every component (a second of start-up) that a usage error need not wait for.
    const { SYSTEMS } = await import("../../components/systems");
    const { runbookTables } = await import("../conformance/load");
    const engine = await automationStack(stack, process.cwd());
    const checkpoint = (await engine.exportState()) as Checkpoint;
    // Read past every object the preview stops on, so that one round names every edit.
    const preview = await previewPast((exclude) => engine.previewRefreshed(exclude), flags.exclude ?? []);
    const objects = managedObjects(
        checkpoint,
        SYSTEMS.map((s) => s.section),
    );
    const others = otherStacks(stack);
    const owned = new Map(
        Object.entries(clusters).map(([name, c]) => {
            const elsewhere = new Set(
                sameClusterElsewhere(others, writtenMarks(c), isLocalStack(stack)).flatMap((f) =>
                    Object.keys(f.grants.namespaces),
                ),
            );
            return [
                name,
                Object.keys(c.namespaces ?? {})
                    .filter((ns) => !elsewhere.has(ns))
                    .sort(),
            ];
        }),
    );
    // Read per cluster as it is connected: a cluster whose kubeconfig cannot be read is reported, not fatal.
    const kubeconfigs = new Map<string, KubeconfigSource>();
    const contexts = new Map<string, string>();
    const report = await checkDrift({
        stack,
        objects,
        ownedNamespaces: owned,
        tables: runbookTables(),
        preview,
        // The kubeconfig file given, or the stack's secret read into a pipe (bash): never written to disk.
        kubectl: (cluster) => {
            const source = kubeconfigs.get(cluster);
            const file =
                source && "file" in source
                    ? shellQuote(source.file)
                    : `<(pulumi config get --stack ${shellQuote(stack)} kubeconfig-${cluster})`;
            const context = contexts.get(cluster);
            return `kubectl --kubeconfig ${file}${context ? ` --context ${shellQuote(context)}` : ""}`;
        },
        connect: async (cluster) => {
            const source = await kubeconfigOf(stack, cluster, files);
            kubeconfigs.set(cluster, source);
            const kc = await connectKubeconfig(stack, cluster, source, clusters[cluster]);
            contexts.set(cluster, kc.getCurrentContext());
            return new KubeCluster(kc);
        },
    });
    const text = renderReport(report);
    process.stdout.write(`${text}\n`);
    if (flags.json) writeFileSync(flags.json, `${JSON.stringify(report, null, 2)}\n`);
    if (flags.markdown) writeFileSync(flags.markdown, `\`\`\`\n${text}\n\`\`\`\n`);
    return exitCode(report);
}

// 2 means drift: a command line it cannot read is an error (1) like any other.
if (require.main === module) runTool("drift", main, 1);
