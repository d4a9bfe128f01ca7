import { Document } from "yaml";
import { PlanResource, kindLabel, nameOfUrn } from "./render";

/** The Kubernetes object a resource is, as `<cluster> <namespace>/<name>`; undefined for any other resource. */
function objectOf(r: PlanResource): string | undefined {
    if (!r.type.startsWith("kubernetes:") || r.type === "kubernetes:kustomize:Directory") return undefined;
    const provider = nameOfUrn(r.provider);
    const cluster = provider.startsWith("cluster-") ? provider.slice("cluster-".length) : "_default-provider";
    const meta = (r.inputs.metadata ?? {}) as { name?: string; namespace?: string };
    return `${cluster} ${meta.namespace ?? ""}/${meta.name ?? ""}`;
}

/**
 * A resource's key in the list, `<kind> <name>`: a Kubernetes kind with its API version, a component or provider as
 * the summary names it, any other type whole (`openstack:compute/keypair:Keypair`, which says whose it is).
 */
function keyOf(r: PlanResource): string {
    const short = /^(kubernetes|runbooks|pulumi):/.test(r.type);
    return `${short ? kindLabel(r.type) : r.type} ${r.name}`;
}

/**
 * One resource as the list shows it: where a Kubernetes object is rendered (its fields are in that manifest file,
 * not repeated here), what `pulumi up` refuses (protect), keeps (retainOnDelete) or leaves alone (ignoreChanges), and
 * any other resource's provider and inputs, secrets masked as in resources.json. Then its children, each keyed by
 * `<kind> <name>`: the keys above never hold a space, so they cannot be taken for a child.
 */
function entry(
    r: PlanResource,
    children: Map<string, PlanResource[]>,
    staged = false,
): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if (staged) out.staged = STAGED_MARK;
    const object = objectOf(r);
    if (object !== undefined) out.object = object;
    else if (r.provider !== "") out.provider = nameOfUrn(r.provider);
    if (r.protect) out.protect = true;
    if (r.retainOnDelete) out.retainOnDelete = true;
    if (r.ignoreChanges.length > 0) out.ignoreChanges = r.ignoreChanges;
    if (object === undefined && Object.keys(r.inputs).length > 0) out.inputs = r.inputs;
    for (const child of children.get(r.urn) ?? []) out[keyOf(child)] = entry(child, children);
    return out;
}

/** What a staged system's top-level resources say in the list. */
export const STAGED_MARK = "planned only: its system is status staged, pulumi up registers nothing of it";

/**
 * Whether a top-level resource is a staged system's: its component (by its system), or a provider only staged
 * systems' resources use (the program makes a cluster's provider only for a system it deploys).
 */
function stagedRoots(
    resources: readonly PlanResource[],
    staged: readonly string[],
): (r: PlanResource) => boolean {
    if (staged.length === 0) return () => false;
    return (r) => {
        if (!r.type.startsWith("pulumi:providers:")) return staged.includes(r.system);
        const users = resources.filter((u) => u.provider === r.urn);
        return users.length > 0 && users.every((u) => staged.includes(u.system));
    };
}

/**
 * Every resource of a plan as the tree `pulumi up` registers (children under their parent, siblings by kind and
 * name), in YAML: what a pull request adds, removes, moves (a new parent is a new URN) or protects reads as lines of
 * its diff. Deterministic: the same plan gives the same bytes on every machine.
 */
export function renderResourceList(
    stack: string,
    resources: readonly PlanResource[],
    staged: readonly string[] = [],
): string {
    const urns = new Set(resources.map((r) => r.urn));
    const children = new Map<string, PlanResource[]>();
    // Code-unit order, not a locale's: the same on every machine.
    const sorted = [...resources].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
    for (const r of sorted) {
        const parent = urns.has(r.parent) ? r.parent : "";
        const siblings = children.get(parent);
        if (siblings) siblings.push(r);
        else children.set(parent, [r]);
    }
    const roots = children.get("") ?? [];
    const isStagedRoot = stagedRoots(resources, staged);
    const tree = Object.fromEntries(roots.map((r) => [keyOf(r), entry(r, children, isStagedRoot(r))]));
    const doc = new Document(tree, { aliasDuplicateObjects: false });
    doc.commentBefore = [
        ` Stack ${stack}: the ${resources.length} resources \`pulumi up\` registers, each under its parent (written by`,
        " `npm run plans:write`; CI fails when it is stale). A Kubernetes object names its cluster and namespace/name:",
        " its fields are in kubernetes/<cluster>.yaml. Any other resource shows its inputs, secret values masked.",
        ...(staged.length > 0
            ? [
                  ` Staged (status: staged, planned in full here but registered by no \`pulumi up\`): ${staged.join(", ")};`,
                  ` each top-level resource of theirs says \`staged\`, and so do their objects' files in kubernetes/.`,
              ]
            : []),
    ].join("\n");
    return doc.toString({ lineWidth: 0 });
}
