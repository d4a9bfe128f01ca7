import { ClusterMarks, writtenMarks } from "../clusterIdentity";
import { missingPinProblem, pinRequired, sharedLocalPinProblems } from "../clusterPin";
import { KubeconfigIdentity, kubeconfigReading } from "../kubeconfig";
import { KindedNotice, notice } from "../notices";
import { ConfigProblem, STACK_FILE, fullKey, secretFixCommand } from "../problems";
import { ClustersConfig } from "../program";
import { ConfigSource } from "../source";
import { OtherStack } from "../stacks";
import { Placement, usedClusters } from "./clusterReferences";
import { Passed } from "./pass";
import { kubeconfigSecret } from "./secrets";

// Which cluster each entry of the stack is, from its credential: the kubeconfig the stack holds decides (its
// context's server and CA), the file's `apiServer` and pinned CA are checked against it. Ownership compares these
// marks, so another spelling of a server, or an `apiServer` the credential does not reach, makes no other cluster.

export interface ClusterIdentities {
    /** What is known of each cluster the stack writes to (by the stack's name for it). */
    marks: Record<string, ClusterMarks>;
    /** What the kubeconfig policy warns about in a kubeconfig it accepts (a TLS check off outside production). */
    warnings: KindedNotice[];
    /** Pins only the operator can supply: the offline plan lists them, a real run stops on them. */
    operatorValues: ConfigProblem[];
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
    const state: ClusterIdentities = { marks: {}, warnings: [], operatorValues: [] };
    for (const cluster of usedClusters(input.placements)) {
        const entry = input.clusters[cluster];
        const written = writtenMarks(entry);
        const spec = kubeconfigSecret(cluster);
        // The real source hands out a secret's decrypted text here (pulumi.Config.get); the offline plan's
        // placeholders are not values, so the plan is never stopped by this check.
        const text = source.isSecret(spec.key) ? source.getValue(spec.key) : undefined;
        const reading =
            text === undefined
                ? { warnings: [] as string[], identity: undefined as KubeconfigIdentity | undefined }
                : kubeconfigReading(text, entry?.context, {
                      production: input.production,
                      credentialCommand: entry?.credentialCommand,
                      credentialEnv: entry?.credentialEnv,
                      cluster,
                  });
        state.warnings.push(...reading.warnings.map((w) => notice("KUBECONFIG POLICY", `${spec.key}: ${w}`)));
        if ("problem" in reading && reading.problem) {
            problems.push({
                key: fullKey(spec.key),
                message: `${reading.problem}: the provider of cluster "${cluster}" would fail or reach the wrong cluster. Set the kubeconfig file of that cluster`,
                fix: secretFixCommand(spec),
            });
        }
        const reached = reading.identity;
        problems.push(...credentialMismatches(cluster, written, reached));
        state.marks[cluster] = {
            server: reached?.server ?? written.server,
            ca: reached?.ca ?? written.ca,
            uid: written.uid,
        };
        if (input.stack !== undefined && pinRequired(input.stack) && written.uid === undefined) {
            const missing = missingPinProblem(input.stack, cluster, entry?.context);
            if (input.placeholders) state.operatorValues.push(missing);
            else problems.push(missing);
        }
    }
    if (input.stack !== undefined) {
        problems.push(...sharedLocalPinProblems(input.stack, input.clusters, input.otherStacks()));
    }
    return { state, problems };
}

/**
 * What the stack file says of a cluster that its credential contradicts: the credential is what the run uses, so the
 * file is wrong or the kubeconfig is another cluster's. Which one is the operator's to say: the fix asks.
 */
function credentialMismatches(
    cluster: string,
    written: ClusterMarks,
    reached: KubeconfigIdentity | undefined,
): ConfigProblem[] {
    if (!reached) return [];
    const problems: ConfigProblem[] = [];
    const store = `or store the kubeconfig of the cluster this entry is (pulumi config set --secret kubeconfig-${cluster} < kubeconfig.yaml)`;
    if (written.server !== undefined && written.server !== reached.server) {
        problems.push({
            key: fullKey(`clusters.${cluster}.apiServer`),
            message: `names API server ${written.server}, but kubeconfig-${cluster} reaches ${reached.server}: a cluster is what its credential reaches, and the stack file's apiServer is checked against it, never trusted instead of it`,
            fix: `edit ${STACK_FILE}: set ${fullKey(`clusters.${cluster}.apiServer`)} to the server of the cluster this entry is, ${store}`,
        });
    }
    if (written.ca !== undefined && reached.ca !== undefined && written.ca !== reached.ca) {
        problems.push({
            key: fullKey(`clusters.${cluster}.identity.ca`),
            message: `pins another CA certificate than the one kubeconfig-${cluster} trusts: the credential is for another cluster than the one this file pins`,
            fix: `edit ${STACK_FILE}: ${store.replace(/^or /, "")}; re-pin only after review`,
        });
    }
    return problems;
}
