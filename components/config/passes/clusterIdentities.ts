import { ClusterMarks, writtenMarks } from "../clusterIdentity";
import { accountNamespaces } from "../credentialAccounts";
import { missingPinProblem, pinRequired, sharedLocalPinProblems } from "../clusterPin";
import {
    KubeconfigIdentity,
    KubeconfigReading,
    UnreviewedSetting,
    kubeconfigReading,
    noReading,
    strayText,
    unreviewedText,
} from "../kubeconfig";
import { KindedNotice, notice } from "../notices";
import { ConfigProblem, fullKey, secretFix, shellQuote, specSecretFix } from "../problems";
import { ClustersConfig } from "../program";
import { ConfigSource } from "../source";
import { OtherStack } from "../stacks";
import { Placement, usedClusters } from "./clusterReferences";
import { stagedOnlyCluster } from "./secrets";
import { Passed } from "./pass";
import { kubeconfigSecret } from "./secrets";

// Which cluster each entry of the stack is, from its credential: the kubeconfig the stack holds decides (its
// context's server and CA), the file's `apiServer` and pinned CA are checked against it. Ownership compares these
// marks, so another spelling of a server, or an `apiServer` the credential does not reach, makes no other cluster.

export interface ClusterIdentities {
    /** What is known of each cluster the stack writes to (by the stack's name for it). */
    marks: Record<string, ClusterMarks>;
    /** Namespaces of the service accounts each cluster's credential says it acts as (credentialAccounts.ts). */
    accounts: Record<string, string[]>;
    /** What the kubeconfig policy warns about in a kubeconfig it accepts (a TLS check off outside production). */
    warnings: KindedNotice[];
    /** Pins only the operator can supply: the offline plan lists them, a real run stops on them. */
    operatorValues: ConfigProblem[];
    /** Pins of clusters only staged systems write to: their to-do, never a problem. */
    todo: ConfigProblem[];
}

export interface ClusterIdentitiesInput {
    stack?: string;
    production: boolean;
    clusters: ClustersConfig;
    placements: readonly Placement[];
    /** Offline plan: a missing pin is listed, not a problem. */
    placeholders: boolean;
    otherStacks: () => readonly OtherStack[];
}

export function clusterIdentities(
    source: ConfigSource,
    input: ClusterIdentitiesInput,
): Passed<ClusterIdentities> {
    const problems: ConfigProblem[] = [];
    const state: ClusterIdentities = {
        marks: {},
        accounts: {},
        warnings: [],
        operatorValues: [],
        todo: [],
    };
    for (const cluster of usedClusters(input.placements)) {
        const entry = input.clusters[cluster];
        const written = writtenMarks(entry);
        const spec = kubeconfigSecret(cluster);
        // The real source hands out a secret's decrypted text here (pulumi.Config.get); the offline plan's
        // placeholders are not values, so the plan is never stopped by this check.
        const text = source.isSecret(spec.key) ? source.getValue(spec.key) : undefined;
        const reading: KubeconfigReading =
            text === undefined
                ? noReading()
                : kubeconfigReading(text, entry?.context, {
                      production: input.production,
                      credentialCommand: entry?.credentialCommand,
                      credentialEnv: entry?.credentialEnv,
                      proxyUrl: entry?.proxyUrl,
                      tlsServerName: entry?.tlsServerName,
                      readOnlyContexts: entry?.readOnlyContexts,
                      cluster,
                  });
        state.warnings.push(...reading.warnings.map((w) => notice("KUBECONFIG POLICY", `${spec.key}: ${w}`)));
        if (reading.problem) {
            problems.push({
                key: fullKey(spec.key),
                message: `${reading.problem}: the provider of cluster "${cluster}" would fail or reach the wrong cluster. Set the kubeconfig file of that cluster`,
                fix: specSecretFix(spec),
            });
        }
        problems.push(...contentProblems(cluster, reading));
        const reached = reading.identity;
        problems.push(...credentialMismatches(cluster, written, reached));
        if (reached) state.accounts[cluster] = accountNamespaces(reached.actsAs);
        state.marks[cluster] = {
            server: reached?.server ?? written.server,
            ca: written.ca ?? reached?.cas?.[0],
            ...(reached?.cas !== undefined ? { cas: reached.cas } : {}),
            uid: written.uid,
        };
        if (input.stack !== undefined && pinRequired(input.stack) && written.uid === undefined) {
            const missing = missingPinProblem(input.stack, cluster, entry?.context);
            if (stagedOnlyCluster(cluster, input.placements)) state.todo.push(missing);
            else if (input.placeholders) state.operatorValues.push(missing);
            else problems.push(missing);
        }
    }
    if (input.stack !== undefined) {
        problems.push(...sharedLocalPinProblems(input.stack, input.clusters, input.otherStacks()));
    }
    return { state, problems };
}

/**
 * What a usable kubeconfig secret holds beyond the one credential the stack uses (other entries, runner files: one
 * problem at the secret's key), and settings needing review (each at its key). No value is quoted.
 */
function contentProblems(cluster: string, reading: KubeconfigReading): ConfigProblem[] {
    const context = reading.context;
    const key = `kubeconfig-${cluster}`;
    const problems: ConfigProblem[] = [];
    const found: string[] = [];
    const edits: string[] = [];
    if (reading.strays.length > 0) {
        found.push(strayText(reading.strays, context));
        edits.push(
            `delete ${reading.strays.join(", ")}, keeping only the context in use, its cluster and its user (kubectl --kubeconfig kubeconfig.yaml config view --raw --flatten --minify${context !== undefined ? ` --context ${shellQuote(context)}` : ""} prints just those)`,
        );
    }
    if (reading.runnerFiles.length > 0) {
        found.push(
            `${reading.runnerFiles.map((f) => f.finding).join("; ")}: the run would use whatever that machine's file holds that day, not the credential reviewed and encrypted in this secret`,
        );
        edits.push(...reading.runnerFiles.map((f) => f.instead));
    }
    if (found.length > 0) {
        problems.push({
            key: fullKey(key),
            message: `${found.join("; ")}. In kubeconfig.yaml, the kubeconfig stored as ${key}: ${edits.join("; ")}; then store it again`,
            fix: secretFix(key, "kubeconfig.yaml"),
        });
    }
    for (const u of reading.unreviewed) problems.push(reviewProblem(cluster, key, u));
    return problems;
}

/** A setting needing the stack file's review: the reviewed value, or a kubeconfig without it. */
function reviewProblem(cluster: string, secret: string, u: UnreviewedSetting): ConfigProblem {
    const reviewKey = fullKey(`clusters.${cluster}.${u.key}`);
    return {
        key: reviewKey,
        message: `${secret}: ${unreviewedText(u, cluster)}. ${u.differs ? "The kubeconfig is not the one that was reviewed" : "A production stack trusts nothing on the way to its API server that its committed file does not name"}: set it to the ${u.setting} that ${secret} names, after review of it, or remove ${u.setting} from the kubeconfig and store it again`,
    };
}

/** What the stack file says of a cluster that its credential contradicts: which is wrong is the operator's to say. */
function credentialMismatches(
    cluster: string,
    written: ClusterMarks,
    reached: KubeconfigIdentity | undefined,
): ConfigProblem[] {
    if (!reached) return [];
    const problems: ConfigProblem[] = [];
    if (written.server !== undefined && written.server !== reached.server) {
        problems.push({
            key: fullKey(`clusters.${cluster}.apiServer`),
            message: `names API server ${written.server}, but kubeconfig-${cluster} reaches ${reached.server}: a cluster is what its credential reaches, and the stack file's apiServer is checked against it, never trusted instead of it: set it to the server of the cluster this entry is, or store the kubeconfig of the cluster this entry is`,
        });
    }
    // Every certificate of the kubeconfig's bundle is read: the pin must be one of them.
    if (written.ca !== undefined && reached.cas !== undefined && !reached.cas.includes(written.ca)) {
        const count = reached.cas.length;
        problems.push({
            key: fullKey(`clusters.${cluster}.identity.ca`),
            message: `pins another CA certificate than ${count === 1 ? "the one" : `any of the ${count}`} kubeconfig-${cluster} trusts: the credential is for another cluster than the one this file pins: store the kubeconfig of the cluster this entry is; re-pin only after review`,
        });
    }
    return problems;
}
