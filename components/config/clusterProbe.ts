import { ClusterMarks, provenDistinct } from "./clusterIdentity";
import { uidCommand } from "./clusterPin";
import { ConfigError, ConfigProblem, STACK_FILE, fullKey, specSecretFix } from "./problems";
import type { ClustersConfig } from "./program";
import { OtherStack, sameClusterElsewhere } from "./stacks";
import { ActsAs, accountNamespaces, accountProblems } from "./credentialAccounts";
import { isLocalStack } from "./identity";
import { kubeconfigSecret } from "./passes/secrets";

// The engine's check, before anything is written, of which cluster each credential reaches: the live kube-system uid
// (and OpenShift's clusterID), read-only, against the committed pin. A uid is made once, when the cluster is installed.

/** What a live cluster says it is. */
export interface LiveIdentity {
    /** metadata.uid of the kube-system namespace. */
    uid: string;
    /** OpenShift: spec.clusterID of ClusterVersion `version`, when the cluster has one. */
    clusterID?: string;
    /**
     * Whom the API server takes the credential for (SelfSubjectReview, after impersonation and exec plugins); unset
     * where the server has no such API.
     */
    actsAs?: ActsAs;
}

/** Reads a live cluster's identity through a kubeconfig; rejects with a {@link ProbeError} when it cannot. */
export type ReadLiveIdentity = (
    kubeconfig: string,
    context: string | undefined,
    openshift: boolean,
) => Promise<LiveIdentity>;

/** Why a live identity could not be read, in words that quote nothing of the credential. */
export class ProbeError extends Error {}

const TIMEOUT_MS = 30_000;

type ClientNode = typeof import("@kubernetes/client-node");

/** Whom the API server takes a client's credential for (a SelfSubjectReview); undefined when it does not say. */
async function selfReview(
    k8s: ClientNode,
    kc: InstanceType<ClientNode["KubeConfig"]>,
): Promise<ActsAs | undefined> {
    const review = await kc.makeApiClient(k8s.AuthenticationV1Api).createSelfSubjectReview({
        body: { apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" },
    });
    const info = review.status?.userInfo;
    return info ? { users: info.username ? [info.username] : [], groups: info.groups ?? [] } : undefined;
}

/** The real probe, with @kubernetes/client-node (loaded only here: only an engine run reads a live cluster). */
export const readLiveIdentity: ReadLiveIdentity = async (kubeconfig, context, openshift) => {
    const k8s = await import("@kubernetes/client-node");
    const kc = new k8s.KubeConfig();
    try {
        kc.loadFromString(kubeconfig);
        if (context !== undefined) kc.setCurrentContext(context);
    } catch {
        throw new ProbeError("the kubeconfig cannot be loaded by the Kubernetes client");
    }
    const within = <T>(p: Promise<T>) =>
        Promise.race([
            p,
            new Promise<never>((_, reject) =>
                setTimeout(
                    () => reject(new ProbeError(`no answer within ${TIMEOUT_MS / 1000} s`)),
                    TIMEOUT_MS,
                ).unref(),
            ),
        ]);
    const why = (err: unknown) => {
        if (err instanceof ProbeError) return err;
        const code = (err as { code?: unknown }).code;
        if (typeof code === "number") return new ProbeError(`the API server answered HTTP ${code}`);
        const cause = (err as { cause?: { code?: unknown } }).cause?.code;
        return new ProbeError(
            `the API server could not be reached${typeof cause === "string" ? ` (${cause})` : ""}`,
        );
    };
    const ns = await within(kc.makeApiClient(k8s.CoreV1Api).readNamespace({ name: "kube-system" })).catch(
        (err: unknown) => Promise.reject(why(err)),
    );
    const uid = ns.metadata?.uid;
    if (!uid) throw new ProbeError("the kube-system namespace has no uid");
    const actsAs = await within(selfReview(k8s, kc)).catch((err: unknown) => {
        // A server before Kubernetes 1.28 has no SelfSubjectReview: the offline reading of the credential stands.
        if ([403, 404].includes((err as { code?: unknown }).code as number)) return undefined;
        throw why(err);
    });
    const base = actsAs ? { uid, actsAs } : { uid };
    if (!openshift) return base;
    try {
        const cv = (await within(
            kc.makeApiClient(k8s.CustomObjectsApi).getClusterCustomObject({
                group: "config.openshift.io",
                version: "v1",
                plural: "clusterversions",
                name: "version",
            }),
        )) as { spec?: { clusterID?: unknown } };
        const id = cv?.spec?.clusterID;
        return typeof id === "string" && id !== "" ? { ...base, clusterID: id } : base;
    } catch (err) {
        // A cluster without ClusterVersion (not OpenShift 4, or no right to read it) says nothing more.
        if ([403, 404].includes((err as { code?: unknown }).code as number)) return base;
        throw why(err);
    }
};

/**
 * Of `namespaces`, those where a context's user may write something and those the server could not answer for, and
 * whom the server takes that user for (SelfSubjectReview; unset where it has no such API).
 */
export type ReadWritable = (
    kubeconfig: string,
    context: string,
    namespaces: readonly string[],
) => Promise<{ writable: string[]; unknown: string[]; actsAs?: ActsAs }>;

/** Verbs that change something (RBAC's, with `*`); `escalate`, `bind` and `impersonate` lead to changes. */
const WRITE_VERBS = new Set([
    "*",
    "create",
    "update",
    "patch",
    "delete",
    "deletecollection",
    "escalate",
    "bind",
    "impersonate",
]);

/**
 * Reviews are created and answered, never stored: every authenticated user may create its own (system:basic-user), so
 * they are no write.
 */
const REVIEWS = new Set([
    "selfsubjectreviews",
    "selfsubjectaccessreviews",
    "selfsubjectrulesreviews",
    "localsubjectaccessreviews",
    "subjectaccessreviews",
    "tokenreviews",
]);

/** Whether a rule lets its user change something. */
export const ruleWrites = (r: { verbs: string[]; resources?: string[] }) =>
    r.verbs.some((v) => WRITE_VERBS.has(v)) && (r.resources ?? ["*"]).some((res) => !REVIEWS.has(res));

/** The real reader: a SelfSubjectRulesReview per namespace (what the user may do there, as the API server says). */
export const readWritable: ReadWritable = async (kubeconfig, context, namespaces) => {
    const k8s = await import("@kubernetes/client-node");
    const kc = new k8s.KubeConfig();
    kc.loadFromString(kubeconfig);
    kc.setCurrentContext(context);
    const api = kc.makeApiClient(k8s.AuthorizationV1Api);
    const out: Awaited<ReturnType<ReadWritable>> = { writable: [], unknown: [] };
    const actsAs = await selfReview(k8s, kc).catch(() => undefined);
    if (actsAs) out.actsAs = actsAs;
    for (const namespace of namespaces) {
        const review = await api
            .createSelfSubjectRulesReview({
                body: {
                    apiVersion: "authorization.k8s.io/v1",
                    kind: "SelfSubjectRulesReview",
                    spec: { namespace },
                },
            })
            .catch(() => undefined);
        const status = review?.status;
        if (status?.resourceRules.some(ruleWrites)) out.writable.push(namespace);
        else if (!status || status.incomplete) out.unknown.push(namespace);
    }
    return out;
};

export interface ProbeInput {
    stack?: string;
    clusters: ClustersConfig;
    /** The clusters the run writes to. */
    used: readonly string[];
    /** What the offline checks knew of each (components/config/passes/clusterIdentities.ts). */
    marks: Record<string, ClusterMarks>;
    /** The decrypted kubeconfig of a cluster (`kubeconfig-<name>`). */
    kubeconfig: (cluster: string) => string | undefined;
    otherStacks: () => readonly OtherStack[];
}

/** Every cluster the run writes to, read live and compared with its pin: one ConfigError for all that differ. */
export async function verifyClusterIdentities(
    input: ProbeInput,
    read: ReadLiveIdentity = readLiveIdentity,
    writable: ReadWritable = readWritable,
): Promise<void> {
    const problems = (
        await Promise.all(
            input.used.map(async (cluster) => [
                ...(await clusterProblems(input, cluster, read)),
                ...(await readOnlyProblems(input, cluster, writable)),
            ]),
        )
    ).flat();
    if (problems.length > 0) throw new ConfigError(problems, input.stack);
}

/** The other committed stacks' entries on this cluster, by what the offline checks knew of it. */
function foreignOn(input: ProbeInput, cluster: string) {
    return sameClusterElsewhere(input.otherStacks(), input.marks[cluster] ?? {}, isLocalStack(input.stack));
}

async function clusterProblems(
    input: ProbeInput,
    cluster: string,
    read: ReadLiveIdentity,
): Promise<ConfigProblem[]> {
    const entry = input.clusters[cluster];
    const spec = kubeconfigSecret(cluster);
    const text = input.kubeconfig(cluster);
    if (text === undefined) return [];
    let live: LiveIdentity;
    try {
        live = await read(text, entry?.context, entry?.platform === "openshift");
    } catch (err) {
        const reason = err instanceof ProbeError ? err.message : "the probe failed";
        return [
            {
                key: fullKey(spec.key),
                message: `could not be checked: reading the identity of the cluster it reaches (GET namespace kube-system, then a SelfSubjectReview of whom it acts as) failed: ${reason}. The engine checks which cluster a credential reaches, and as whom, before anything is written, so nothing was; the credential needs read access to namespace kube-system`,
                fix: specSecretFix(spec),
            },
        ];
    }
    const acting = live.actsAs
        ? accountProblems(
              cluster,
              accountNamespaces(live.actsAs),
              foreignOn(input, cluster),
              "reaches the API server as",
          )
        : [];
    const pin = entry?.identity;
    const ask = uidCommand(cluster, entry?.context);
    if (pin === undefined) return [...unpinnedProblems(input, cluster, live, ask), ...acting];
    const problems: ConfigProblem[] = [...acting];
    if (pin.uid.toLowerCase() !== live.uid.toLowerCase()) {
        problems.push({
            key: fullKey(`clusters.${cluster}.identity.uid`),
            message: `pins cluster ${pin.uid}, but kubeconfig-${cluster} reaches a cluster whose kube-system namespace has uid ${live.uid}: the credential is for another cluster than the one the committed ${STACK_FILE} pins, so nothing was written: store the kubeconfig of the pinned cluster; only if this entry is meant to be the other cluster, set it to what ${ask} prints, after review`,
            fix: specSecretFix(spec),
        });
    }
    if (pin.clusterID !== undefined && pin.clusterID.toLowerCase() !== live.clusterID?.toLowerCase()) {
        problems.push({
            key: fullKey(`clusters.${cluster}.identity.clusterID`),
            message: `pins OpenShift cluster ${pin.clusterID}, but kubeconfig-${cluster} reaches ${live.clusterID ? `cluster ${live.clusterID}` : "a cluster without a ClusterVersion clusterID"}: the credential is for another cluster, so nothing was written: store the kubeconfig of the pinned cluster`,
            fix: specSecretFix(spec),
        });
    }
    return problems;
}

/** An unpinned entry reaching a cluster another stack pins, which the offline checks took it not to be: asks a pin. */
function unpinnedProblems(
    input: ProbeInput,
    cluster: string,
    live: LiveIdentity,
    ask: string,
): ConfigProblem[] {
    const mine = input.marks[cluster] ?? {};
    const reached = { uid: live.uid.toLowerCase() };
    for (const other of input.otherStacks()) {
        const entry = other.clusters.find((c) => c.marks.uid === reached.uid);
        if (!entry || !provenDistinct(mine, entry.marks)) continue;
        return [
            {
                key: fullKey(`clusters.${cluster}.identity.uid`),
                message: `is not pinned, and kubeconfig-${cluster} reaches the cluster Pulumi.${other.stack}.yaml pins as "${entry.name}", which this file's entry was taken not to be: its grants were not checked against that stack's, so nothing was written: pin it, after review, so this entry's grants are checked against every stack on that cluster`,
                fix: ask,
            },
        ];
    }
    return [];
}

/**
 * A context the stack file declares read-only that may write in a namespace of this stack or of another stack on the
 * cluster (SelfSubjectRulesReview), or whose rights the server cannot tell: its declaration is not true, so nothing is
 * written. Another stack's namespace is not named.
 */
async function readOnlyProblems(
    input: ProbeInput,
    cluster: string,
    writable: ReadWritable,
): Promise<ConfigProblem[]> {
    const entry = input.clusters[cluster];
    const text = input.kubeconfig(cluster);
    const contexts = entry?.readOnlyContexts ?? [];
    if (text === undefined || contexts.length === 0) return [];
    const own = Object.keys(entry?.namespaces ?? {});
    const foreign = foreignOn(input, cluster);
    const owner = new Map<string, string>();
    for (const f of foreign) for (const ns of Object.keys(f.grants.namespaces)) owner.set(ns, f.stack);
    const namespaces = [...new Set([...own, ...owner.keys()])].sort();
    const named = (ns: string) =>
        own.includes(ns) ? `namespace "${ns}"` : `a namespace stack "${owner.get(ns)}" grants`;
    const problems: ConfigProblem[] = [];
    for (const [i, context] of contexts.entries()) {
        const found: Awaited<ReturnType<ReadWritable>> = await writable(text, context, namespaces).catch(
            () => ({ writable: [], unknown: [...namespaces] }),
        );
        const says = [
            ...found.writable.map((ns) => `may write in ${named(ns)}`),
            ...found.unknown.map((ns) => `has rights the API server could not list in ${named(ns)}`),
        ];
        // Whom the server takes it for: an exec plugin's or OAuth credential says nothing offline.
        if (found.actsAs) {
            const how = `context "${context}" reaches the API server as`;
            problems.push(...accountProblems(cluster, accountNamespaces(found.actsAs), foreign, how));
        }
        if (says.length === 0) continue;
        problems.push({
            key: fullKey(`clusters.${cluster}.readOnlyContexts[${i}]`),
            message: `is declared read-only, but its user ${[...new Set(says)].join("; ")} (SelfSubjectRulesReview): a second credential in the secret is there to read, so nothing was written: bind its user to a role that only reads (get, list, watch), or remove the context from the kubeconfig and from this list`,
        });
    }
    return problems;
}
