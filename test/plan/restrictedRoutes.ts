import type { PlanResource } from "../../tools/plan/render";

/**
 * Container ports that serve an admin API or metrics, by image repository, each a fact of the image's own source
 * (independent of the purposes the program declares, so a port the program mislabels is still found):
 */
const ADMIN_OR_METRICS: readonly { repository: RegExp; port: number; why: string }[] = [
    // dgraph-io/dgraph v1.0.15 dgraph/cmd/zero/http.go: zero's HTTP port (5080 + 1000) serves /state, /assign,
    // /removeNode, /moveTablet without authentication.
    { repository: /\/dgraph\/dgraph$/, port: 6080, why: "Dgraph zero's admin HTTP port" },
    // argoproj/argo-workflows v2.12 manifests/base/workflow-controller: the controller's metrics server.
    { repository: /\/workflow-controller$/, port: 8080, why: "Argo workflow-controller's metrics" },
    // prometheus-community/postgres_exporter: web.listen-address :9187 serves /metrics.
    { repository: /postgres[-_]exporter$/, port: 9187, why: "postgres_exporter's metrics" },
    // thoth-station/metrics-exporter v0.21.4 app.py: the exporter's one HTTP port serves /metrics.
    { repository: /\/thoth-station\/metrics-exporter$/, port: 8080, why: "Thoth metrics-exporter's metrics" },
    // prometheus/pushgateway: :9091 serves /metrics and accepts pushes and deletes (PUT/POST/DELETE /metrics/job).
    { repository: /\/pushgateway$/, port: 9091, why: "Pushgateway's metrics and push API" },
    // runbook 001 "Pushgateway": Packit's nginx serves only GET /metrics of the pushgateway.
    { repository: /(^|\/)nginx$/, port: 8443, why: "Packit's nginx in front of the Pushgateway's /metrics" },
];

/** The annotations that name who may reach a Route or Ingress. */
const ALLOW_LIST = [
    "haproxy.router.openshift.io/ip_whitelist",
    "nginx.ingress.kubernetes.io/whitelist-source-range",
];
const PUBLIC_BY = "runbooks.io/public-by";

interface Meta {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
}
interface Port {
    name?: string;
    port: number;
    targetPort?: number | string;
    containerPort?: number;
}
interface Container {
    image: string;
    ports?: Port[];
}

const meta = (r: PlanResource) => r.inputs.metadata as Meta;
const spec = (r: PlanResource) => r.inputs.spec as Record<string, unknown>;
const kindOf = (r: PlanResource) => r.type.split(":").pop();

/** A Route or Ingress of the plan: its Service and port (name or number). */
function backendOf(r: PlanResource): { service: string; port: string | number } | undefined {
    const s = spec(r) as {
        to?: { name: string };
        port?: { targetPort: string | number };
        rules?: {
            http: {
                paths: { backend: { service: { name: string; port: { name?: string; number?: number } } } }[];
            };
        }[];
    };
    if (kindOf(r) === "Route" && s.to && s.port) return { service: s.to.name, port: s.port.targetPort };
    const b = s.rules?.[0]?.http.paths[0]?.backend.service;
    if (kindOf(r) === "Ingress" && b) return { service: b.name, port: b.port.name ?? b.port.number! };
    return undefined;
}

/** The pods' containers (image and ports) of every workload of a namespace whose pod labels match `selector`. */
function selectedContainers(
    resources: readonly PlanResource[],
    namespace: string,
    selector: Record<string, string>,
) {
    return resources
        .filter(
            (r) => ["Deployment", "StatefulSet"].includes(kindOf(r) ?? "") && meta(r).namespace === namespace,
        )
        .filter((r) => {
            const labels = ((spec(r).template as { metadata: Meta }).metadata.labels ?? {}) as Record<
                string,
                string
            >;
            return Object.entries(selector).every(([k, v]) => labels[k] === v);
        })
        .flatMap((r) => (spec(r).template as { spec: { containers: Container[] } }).spec.containers ?? []);
}

/** Each Route/Ingress that reaches an admin or metrics container port with no allow-list and no runbook's word. */
export function unrestrictedAdminRoutes(resources: readonly PlanResource[]): string[] {
    const found: string[] = [];
    for (const r of resources.filter((x) => ["Route", "Ingress"].includes(kindOf(x) ?? ""))) {
        const { name, namespace = "", annotations = {} } = meta(r);
        const backend = backendOf(r);
        if (!backend) continue;
        const service = resources.find(
            (x) =>
                kindOf(x) === "Service" &&
                meta(x).name === backend.service &&
                meta(x).namespace === namespace,
        );
        if (!service) continue;
        const s = spec(service) as { selector?: Record<string, string>; ports?: Port[] };
        const port = (s.ports ?? []).find((p) => p.name === backend.port || p.port === backend.port);
        if (!port || !s.selector) continue;
        const target = port.targetPort ?? port.port;
        for (const c of selectedContainers(resources, namespace, s.selector)) {
            const containerPort =
                typeof target === "number" ? target : c.ports?.find((p) => p.name === target)?.containerPort;
            const repository = c.image.replace(/[:@].*$/, "");
            const hit = ADMIN_OR_METRICS.find(
                (a) => a.repository.test(repository) && a.port === containerPort,
            );
            if (!hit) continue;
            const named =
                ALLOW_LIST.some((k) => (annotations[k] ?? "").trim() !== "") ||
                (annotations[PUBLIC_BY] ?? "") !== "";
            if (!named)
                found.push(
                    `${kindOf(r)} ${namespace}/${name} → ${c.image} port ${containerPort} (${hit.why})`,
                );
        }
    }
    return [...new Set(found)].sort();
}
