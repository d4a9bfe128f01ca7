import { keyValues, parseFlags, required, runTool, UsageError } from "../cli/args";
import { readStackFile } from "../plan/stackfile";
import type { ClusterSettings } from "../adopt/kubeconfig";
import type { ProwJobSeen, ProwJobTarget } from "./model";

// `npm run verify -- --stack <stack>`: the runbooks' post-deploy checks over the systems the stack deploys, read-only:
// a GET to each public host, the certificate it serves against the one deployed, its DNS answer, Packit's /metrics
// refusing a push, Prow's hook taking a signed ping and refusing a wrong HMAC, a ProwJob Prow started after the deploy
// succeeding (listed through the stack's kubeconfig of Prow's cluster), Callysto's hub API and announcement.
// One line per check (PASS/FAIL, UP for one `pulumi up` makes, SKIP; what it saw, the runbook step); exit 1 on any failure, naming the steps to take.
// Secrets are read by key from the stack config (the certificates and the HMAC) and never printed.

const USAGE =
    "usage: npm run verify -- --stack <stack> [--system <system>]... [--exclude-system <system>]... [--dns-server <ip[:port]>] [--expiry-days <n>] [--timeout <ms>] [--kubeconfig <cluster>=<path>]... [--since <ISO time>] [--prowjob-wait <minutes>]\n";

async function main(): Promise<number> {
    const flags = parseFlags(
        process.argv.slice(2),
        {
            stack: { type: "string" },
            system: { type: "string", multiple: true },
            "exclude-system": { type: "string", multiple: true },
            "dns-server": { type: "string" },
            "expiry-days": { type: "string" },
            timeout: { type: "string" },
            kubeconfig: { type: "string", multiple: true },
            since: { type: "string" },
            "prowjob-wait": { type: "string" },
        },
        USAGE,
    );
    const stack = required(flags.stack, "--stack", USAGE);
    const number = (flag: string, v: string | undefined, otherwise: number) => {
        if (v === undefined) return otherwise;
        if (!/^[0-9]+$/.test(v)) throw new UsageError(`--${flag} ${v}: expected a whole number`, USAGE);
        return Number(v);
    };
    const expiryDays = number("expiry-days", flags["expiry-days"], 14);
    const timeoutMs = number("timeout", flags.timeout, 10_000);
    const prowJobWaitMs = number("prowjob-wait", flags["prowjob-wait"], 20) * 60_000;
    const since = flags.since === undefined ? undefined : new Date(flags.since);
    if (since && Number.isNaN(since.getTime()))
        throw new UsageError(`--since ${flags.since}: expected a time such as 2026-11-29T18:00:00Z`, USAGE);
    const files = keyValues(flags.kubeconfig ?? [], "--kubeconfig", "<cluster>=<path>", USAGE);
    const root = process.cwd();
    const values = readStackFile(stack, root).values;
    // Loaded here: the program and the engine take seconds to load, which a usage error need not wait for.
    const { assertFreshBuild } = await import("../../components/shared/buildFreshness");
    assertFreshBuild();
    const { recordWithMarkers, targetsOf } = await import("./stack");
    const { configValue, generatedValue, automationStack } = await import("../engine/automation");
    const { network } = await import("./net");
    const { verify } = await import("./run");
    const { exitCode, renderResults } = await import("./report");
    const { connectKubeconfig, kubeconfigOf } = await import("../adopt/kubeconfig");
    const { prowJobsOf } = await import("./prowJobs");
    const recorded = await recordWithMarkers(stack, root);
    let state: { type: string; urn: string; outputs?: Record<string, unknown> }[] | undefined;
    // When the stack was last deployed: the engine stamps each write of the state with its manifest's time (an up's or
    // a refresh's; pulumi/pulumi@a05d88f pkg/backend/snapshot.go:768-769, journal.go:413-414); a preview writes none.
    let deployedAt = since;
    try {
        const exported = (await (await automationStack(stack, root)).exportState()) as {
            deployment?: {
                manifest?: { time?: string };
                resources?: { type: string; urn: string; outputs?: Record<string, unknown> }[];
            };
        };
        state = exported.deployment?.resources ?? [];
        const stamped = exported.deployment?.manifest?.time;
        if (!deployedAt && stamped && !Number.isNaN(Date.parse(stamped))) deployedAt = new Date(stamped);
    } catch (err) {
        process.stderr.write(
            `verify: the stack's state cannot be read (${(err as Error).message.split("\n")[0]}): records it wrote are not checked\n`,
        );
    }
    const targets = await targetsOf({
        stack,
        values,
        recorded,
        state,
        // The hosted runner verifies what it deployed; Callysto is verified from clavius, where it deploys from.
        only: flags.system,
        except: flags["exclude-system"],
        reader: async (ref) => {
            try {
                return {
                    value:
                        "configKey" in ref
                            ? await configValue(stack, root, ref.configKey)
                            : await generatedValue(stack, root, ref.generated),
                };
            } catch {
                // The engine's message may quote the key's context, never its value; still, say only which key.
                return {
                    none:
                        "configKey" in ref
                            ? `secret ${ref.configKey} cannot be read from the stack config`
                            : `the password ${ref.generated} the stack generated cannot be read from its state`,
                };
            }
        },
    });
    const clusters = (values.clusters ?? {}) as Record<string, ClusterSettings>;
    // The stack's kubeconfig of a cluster (or the file given), checked as the other tools check it; read once.
    const listers = new Map<string, Promise<(t: ProwJobTarget) => Promise<ProwJobSeen[]>>>();
    const listerOf = (cluster: string) => {
        if (!listers.has(cluster))
            listers.set(
                cluster,
                connectKubeconfig(
                    stack,
                    cluster,
                    kubeconfigOf(stack, cluster, files),
                    clusters[cluster],
                ).then(prowJobsOf),
            );
        return listers.get(cluster)!;
    };
    const results = await verify(targets, network({ dnsServer: flags["dns-server"], timeoutMs }), {
        expiryDays,
        prowJobs: {
            deployedAt,
            waitMs: prowJobWaitMs,
            pollMs: 30_000,
            list: async (t) => (await listerOf(t.cluster))(t),
        },
    });
    process.stdout.write(renderResults(stack, results));
    return exitCode(results);
}

if (require.main === module) runTool("verify", main);
