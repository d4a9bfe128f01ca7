import { ClusterApi, KubeError } from "./kube";
import { DesiredObject, KubeObject, PrerequisiteCheck, apiGroup, at, objectId } from "./model";
import { CLUSTER_PREREQUISITES, ClusterPrerequisite } from "./prerequisites";

function refOf(p: ClusterPrerequisite) {
    return { apiVersion: p.apiVersion, kind: p.kind, metadata: { name: p.name } };
}
const prerequisiteId = (p: ClusterPrerequisite) => objectId(refOf(p));

/**
 * Whether an object needs one of `list`: an object of a group a listed CRD serves, a Role granting on that group (its
 * pods use the kind), or a binding to a listed ClusterRole.
 */
function uses(o: KubeObject, list: readonly ClusterPrerequisite[]): boolean {
    const groups = new Set(list.filter((p) => p.serves).map((p) => apiGroup(p.serves!.apiVersion)));
    if (groups.has(apiGroup(o.apiVersion))) return true;
    if (o.kind === "Role" || o.kind === "ClusterRole") {
        const rules = (at(o, "rules") ?? []) as { apiGroups?: string[] }[];
        if (rules.some((r) => (r.apiGroups ?? []).some((g) => groups.has(g)))) return true;
    }
    if (o.kind !== "RoleBinding" && o.kind !== "ClusterRoleBinding") return false;
    const ref = (at(o, "roleRef") ?? {}) as { kind?: string; name?: string };
    return list.some((p) => p.kind === "ClusterRole" && ref.kind === "ClusterRole" && ref.name === p.name);
}

/**
 * The prerequisites one cluster's objects need: all of a system's, as soon as one of its objects there uses one of
 * them (Argo's controllers watch every Argo kind, also those the program has no object of). What the program itself
 * creates on that cluster is its own object, not a prerequisite. A disabled system has no objects, so needs none.
 */
export function neededPrerequisites(
    desired: readonly DesiredObject[],
    list: readonly ClusterPrerequisite[] = CLUSTER_PREREQUISITES,
): ClusterPrerequisite[] {
    const own = new Set(desired.map((d) => objectId(d.object)));
    const systems = new Set(list.map((p) => p.system));
    const needing = [...systems].filter((s) => {
        const ofSystem = list.filter((p) => p.system === s);
        return desired.some((d) => d.system === s && uses(d.object, ofSystem));
    });
    return list.filter((p) => needing.includes(p.system) && !own.has(prerequisiteId(p)));
}

/** The prerequisite whose CRD serves `apiVersion` `kind`, if any. */
export function servingPrerequisite(
    apiVersion: string,
    kind: string,
    list: readonly ClusterPrerequisite[] = CLUSTER_PREREQUISITES,
): ClusterPrerequisite | undefined {
    return list.find((p) => p.serves?.apiVersion === apiVersion && p.serves.kind === kind);
}

/**
 * Checks each prerequisite on the cluster (read-only). A CRD is looked up through API discovery, which every user
 * may read; another object by GET, where a 403 leaves it not verified rather than missing.
 */
export async function checkPrerequisites(
    cluster: string,
    needed: readonly ClusterPrerequisite[],
    api: Pick<ClusterApi, "scope" | "get">,
): Promise<PrerequisiteCheck[]> {
    return Promise.all(
        needed.map(async (p): Promise<PrerequisiteCheck> => {
            const base = {
                cluster,
                system: p.system,
                id: prerequisiteId(p),
                neededBy: p.neededBy,
                providedBy: p.providedBy,
                source: p.source,
            };
            if (p.serves) {
                const scope = await api.scope(p.serves.apiVersion, p.serves.kind);
                return { ...base, state: scope === "absent" ? "missing" : "present" };
            }
            try {
                const live = await api.get(refOf(p));
                return { ...base, state: live ? "present" : "missing" };
            } catch (err) {
                if (err instanceof KubeError && err.code === 403) {
                    return {
                        ...base,
                        state: "not-verified",
                        detail: `the kubeconfig's user may not read ${p.kind} objects (403: ${err.message})`,
                    };
                }
                throw err;
            }
        }),
    );
}
