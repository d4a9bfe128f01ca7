import { spawnSync } from "child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { otherStacks, sameClusterElsewhere } from "../../components/config/stacks";
import { writtenMarks } from "../../components/config/clusterIdentity";
import { isLocalStack } from "../../components/config/identity";
import { keyValues, parseFlags, required, runTool } from "../cli/args";
import { kubeconfigOf, loadKubeconfig } from "../adopt/kubeconfig";
import { readStackFile } from "../plan/stackfile";
import { KubeCluster } from "./kube";
import { exitCode, renderReport } from "./report";
import { checkDrift } from "./run";
import { Checkpoint, managedObjects } from "./state";

// `npm run drift -- --stack <stack>`: which objects of the stack someone changed outside the program, and which
// objects in its namespaces it does not manage. Read-only: it exports the state (secrets encrypted) and reads the
// clusters. Exit 0: no drift; 2: drift; 1: it could not tell (a cluster unreachable, no kubeconfig, no state).

const USAGE =
    "usage: npm run drift -- --stack <stack> [--kubeconfig <cluster>=<path>]... [--json <file>] [--markdown <file>]\n";

/** The stack's checkpoint through the Pulumi CLI, secrets encrypted (the file is deleted once read). */
function exportState(stack: string): Checkpoint {
    const dir = mkdtempSync(path.join(tmpdir(), "drift-"));
    try {
        const file = path.join(dir, "state.json");
        const r = spawnSync(
            "pulumi",
            ["--non-interactive", "stack", "export", "--stack", stack, "--file", file],
            { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
        );
        if (r.error) throw new Error(`cannot run pulumi (${r.error.message}): is the Pulumi CLI on PATH?`);
        if (r.status !== 0)
            throw new Error(
                `pulumi stack export --stack ${stack} failed: ${r.stderr.trim().split("\n").pop()}`,
            );
        return JSON.parse(readFileSync(file, "utf8")) as Checkpoint;
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

async function main(): Promise<number> {
    const flags = parseFlags(
        process.argv.slice(2),
        {
            stack: { type: "string" },
            kubeconfig: { type: "string", multiple: true },
            json: { type: "string" },
            markdown: { type: "string" },
        },
        USAGE,
    );
    const stack = required(flags.stack, "--stack", USAGE);
    const files = keyValues(flags.kubeconfig ?? [], "--kubeconfig", "<cluster>=<path>", USAGE);
    const clusters = (readStackFile(stack).values.clusters ?? {}) as Record<
        string,
        {
            context?: string;
            credentialCommand?: string;
            credentialEnv?: Record<string, string>;
            proxyUrl?: string;
            tlsServerName?: string;
            apiServer?: string;
            identity?: unknown;
            namespaces?: Record<string, string>;
        }
    >;
    // Loaded here: the systems pull in every component (a second of start-up) that a usage error need not wait for.
    const { SYSTEMS } = await import("../../components/systems");
    const { runbookTables } = await import("../conformance/load");
    const checkpoint = exportState(stack);
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
    const report = await checkDrift({
        stack,
        objects,
        ownedNamespaces: owned,
        tables: runbookTables(),
        resources: checkpoint.deployment?.resources ?? [],
        connect: (cluster) =>
            new KubeCluster(
                loadKubeconfig(
                    stack,
                    cluster,
                    kubeconfigOf(stack, cluster, files),
                    clusters[cluster]?.context,
                    clusters[cluster]?.credentialCommand,
                    clusters[cluster]?.credentialEnv,
                    {
                        proxyUrl: clusters[cluster]?.proxyUrl,
                        tlsServerName: clusters[cluster]?.tlsServerName,
                    },
                ),
            ),
    });
    const text = renderReport(report);
    process.stdout.write(`${text}\n`);
    if (flags.json) writeFileSync(flags.json, `${JSON.stringify(report, null, 2)}\n`);
    if (flags.markdown) writeFileSync(flags.markdown, `\`\`\`\n${text}\n\`\`\`\n`);
    return exitCode(report);
}

// 2 means drift: a command line it cannot read is an error (1) like any other.
if (require.main === module) runTool("drift", main, 1);
