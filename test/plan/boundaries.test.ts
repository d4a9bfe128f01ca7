// What the committed stacks create against what their files grant (#25): every object's namespace, every host
// and every cluster-scoped object of both plans lies within its cluster's grants to its system, so a declaration
// (SystemDefinition.namespaces/hosts/clusterScoped) cannot drift from what is created; and no public Route or
// Ingress leads to a control plane that serves unauthenticated.
import { strict as assert } from "assert";
import { hostCovers, scopedCovers } from "../../components/config/ownership";
import { serviceSelects } from "../../components/shared/labelSelector";
import { containersOf, kindOf, podSpecOf } from "../../policy/rules/k8s";
import { unauthenticatedControlPlane } from "../../policy/rules/controlPlanes";
import { Obj, isObj, objectsOf } from "../../policy/rules/types";
import type { PlanResource } from "../../tools/plan/render";
import { readStackFile } from "../../tools/plan/stackfile";
import { repoRoot } from "../../tools/root";
import { stackPlan } from "../fixtures/plans";

type Grants = Record<"namespaces" | "hosts" | "clusterScoped", Record<string, string>>;

/** Kinds the API server keeps outside namespaces, among those the program could create. */
const CLUSTER_SCOPED = new Set([
    "Namespace",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleBinding",
    "PersistentVolume",
    "StorageClass",
    "PriorityClass",
    "IngressClass",
    "ValidatingWebhookConfiguration",
    "MutatingWebhookConfiguration",
]);

const meta = (r: PlanResource): Obj => (isObj(r.inputs.metadata) ? r.inputs.metadata : {});
const kind = (r: PlanResource) => (typeof r.inputs.kind === "string" ? r.inputs.kind : kindOf(r.type));
const clusterOf = (r: PlanResource) => /::cluster-([^:]+)$/.exec(r.provider)?.[1];

/** Hosts a Route or Ingress serves. */
function hostsOf(r: PlanResource): string[] {
    const spec = isObj(r.inputs.spec) ? r.inputs.spec : {};
    if (kind(r) === "Route") return typeof spec.host === "string" ? [spec.host] : [];
    if (kind(r) === "Ingress") {
        return objectsOf(spec.rules).flatMap((rule) => (typeof rule.host === "string" ? [rule.host] : []));
    }
    return [];
}

/** Every way an object of `r` steps outside its cluster's grants to its system. */
function outsideGrants(r: PlanResource, grants: Record<string, Grants>): string[] {
    const cluster = clusterOf(r);
    const k = kind(r);
    if (!cluster || !k || !r.type.startsWith("kubernetes:") || r.type.startsWith("kubernetes:kustomize"))
        return [];
    const g = grants[cluster];
    const name = String(meta(r).name);
    const ns = meta(r).namespace;
    const out: string[] = [];
    const where = `${r.system} ${k} ${typeof ns === "string" ? `${ns}/` : ""}${name} on ${cluster}`;
    if (!g) return [`${where}: cluster has no entry`];
    if (k === "Namespace") {
        if (g.namespaces[name] !== r.system) out.push(`${where}: namespace not granted to ${r.system}`);
    } else if (typeof ns === "string") {
        if (g.namespaces[ns] !== r.system) out.push(`${where}: namespace ${ns} not granted to ${r.system}`);
    } else if (CLUSTER_SCOPED.has(k)) {
        const ok = Object.entries(g.clusterScoped).some(
            ([e, s]) => s === r.system && scopedCovers(e, `${k}/${name}`),
        );
        if (!ok) out.push(`${where}: cluster-scoped ${k}/${name} not granted to ${r.system}`);
    } else {
        out.push(`${where}: namespaced kind without a namespace (it would land in the kubeconfig's default)`);
    }
    for (const host of hostsOf(r)) {
        const ok = Object.entries(g.hosts).some(([e, s]) => s === r.system && hostCovers(e, host));
        if (!ok) out.push(`${where}: host ${host} not granted to ${r.system}`);
    }
    return out;
}

/** Public Routes/Ingresses whose Service selects a container that is an unauthenticated control plane. */
function unauthenticatedBehindRoutes(resources: readonly PlanResource[]): string[] {
    const key = (r: PlanResource, name: string) => `${clusterOf(r)}/${String(meta(r).namespace)}/${name}`;
    const services = new Map(
        resources.filter((r) => kind(r) === "Service").map((r) => [key(r, String(meta(r).name)), r]),
    );
    const workloads = resources.filter((r) => podSpecOf(r.type, r.inputs));
    const found: string[] = [];
    for (const route of resources.filter((r) => hostsOf(r).length > 0)) {
        const spec = route.inputs.spec as Obj;
        const backends =
            kind(route) === "Route"
                ? [String((spec.to as Obj).name)]
                : objectsOf(spec.rules).flatMap((rule) =>
                      objectsOf((rule.http as Obj | undefined)?.paths).map((p) =>
                          String(((p.backend as Obj).service as Obj).name),
                      ),
                  );
        for (const backend of backends) {
            const service = services.get(key(route, backend));
            assert.ok(service, `${route.name}: Service ${backend} exists in the plan`);
            const selector = (service.inputs.spec as Obj).selector;
            for (const w of workloads) {
                if (key(w, "") !== key(route, "")) continue;
                const template = (w.inputs.spec as Obj | undefined)?.template as Obj | undefined;
                const labels = ((template?.metadata as Obj | undefined)?.labels ?? {}) as Record<
                    string,
                    string
                >;
                if (!serviceSelects(selector, labels)) continue;
                for (const c of containersOf(podSpecOf(w.type, w.inputs)!)) {
                    const why = unauthenticatedControlPlane(c.container);
                    if (why) found.push(`${route.name} (${hostsOf(route).join(", ")}) → ${w.name}: ${why}`);
                }
            }
        }
    }
    return found;
}

for (const stack of ["stage", "prod"] as const) {
    describe(`boundaries of the ${stack} plan`, function () {
        this.timeout(180000);
        let resources: PlanResource[];
        let grants: Record<string, Grants>;

        before(async () => {
            resources = (await stackPlan(stack)).resources;
            const clusters = readStackFile(stack, repoRoot()).values.clusters as Record<
                string,
                Partial<Grants>
            >;
            grants = Object.fromEntries(
                Object.entries(clusters).map(([name, c]) => [
                    name,
                    {
                        namespaces: c.namespaces ?? {},
                        hosts: c.hosts ?? {},
                        clusterScoped: c.clusterScoped ?? {},
                    },
                ]),
            );
        });

        it("creates nothing outside its clusters' grants to each system (namespaces, hosts, cluster-scoped)", () => {
            const k8s = resources.filter((r) => clusterOf(r) && kindOf(r.type));
            assert.ok(k8s.length > 100, "the plan has Kubernetes objects");
            assert.deepEqual(
                k8s.flatMap((r) => outsideGrants(r, grants)),
                [],
            );
        });

        it("creates no Argo CRD or ClusterRole on PSI: the cluster setup provides them", () => {
            const onPsi = resources.filter(
                (r) =>
                    clusterOf(r) === "psi" &&
                    ["CustomResourceDefinition", "ClusterRole"].includes(kind(r) ?? ""),
            );
            assert.deepEqual(
                onPsi.map((r) => meta(r).name),
                [],
            );
        });

        it("exposes no control plane that serves unauthenticated", () => {
            const argo = resources.filter((r) => kind(r) === "Deployment" && meta(r).name === "argo-server");
            assert.ok(argo.length > 0, "the plan runs argo-server behind a public Route");
            assert.deepEqual(unauthenticatedBehindRoutes(resources), []);
        });
    });
}

describe("unauthenticated control planes", () => {
    it("knows argo-server's v2 default, and client or sso as authenticated", () => {
        const argo = (args: string[]) => ({ image: "quay.io/argoproj/argocli:v2.12.5", args });
        assert.match(
            unauthenticatedControlPlane(argo(["server", "--namespaced"]))!,
            /server \(the v2 default\)/,
        );
        assert.match(
            unauthenticatedControlPlane(argo(["server", "--auth-mode", "server"]))!,
            /--auth-mode server/,
        );
        assert.equal(unauthenticatedControlPlane(argo(["server", "--auth-mode=client"])), undefined);
        assert.equal(unauthenticatedControlPlane(argo(["server", "--auth-mode", "sso"])), undefined);
        assert.match(unauthenticatedControlPlane({ image: "docker.io/mher/flower:2.0.1" })!, /flower/);
        assert.equal(unauthenticatedControlPlane({ image: "quay.io/thoth-station/user-api:v1" }), undefined);
    });
});
