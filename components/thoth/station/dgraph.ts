import * as pulumi from "@pulumi/pulumi";
import { KubernetesContext, SecretStore } from "../../config/system";
import { ContainerSpec } from "../../shared/container";
import { selectorLabels } from "../../shared/labels";
import { ExposureSpec } from "../../shared/exposure";
import { statefulOptions } from "../../shared/protect";
import { tcpProbe } from "../../shared/probes";
import { Sizing, fixedSize, sized } from "../../shared/resources";
import { ConfigSecret } from "../../shared/secret";
import { ChecksumKey } from "../../shared/startupReads";
import { SystemArgs, SystemPart } from "../../config/systemComponent";
import { ClaimTemplateMount, claimTemplate } from "../../shared/volumes";
import { ServicePort, ServiceSpec, Workload, WorkloadArgs, spreadOverNodes } from "../../shared/workload";
import { CheckedStation, DgraphHosts, ThothSection } from "../config";
import {
    DGRAPH_TLS_DIR,
    HA_ZERO_ADDRESS,
    SINGLE_ZERO_ADDRESS,
    alphaScript,
    zeroHaScript,
    zeroSingleScript,
} from "./dgraphCommands";
import { thothApp } from "../identity";
import { SECRET_KEYS } from "../secrets";

/** Dgraph's section as the check refined it (hosts resolved). */
type CheckedDgraph = NonNullable<CheckedStation["dgraph"]>;

export interface DgraphArgs extends SystemArgs<ThothSection, KubernetesContext> {
    /** The `thoth.station.dgraph` section as its check refined it. */
    dgraph: CheckedDgraph;
    /** The dgraph tier's namespace, from its Namespace component: Dgraph's objects are made after it. */
    namespace: pulumi.Output<string>;
    /** The system's secret store: the certificates of the ansible vault. */
    secrets: SecretStore;
    /** Production: the StatefulSets (whose volume claims hold the graph) are protected and retained. */
    protectStateful: boolean;
    /** Key of the checksums that roll the alphas when the certificates are rotated (the system's `checksumKey`). */
    restartKey: ChecksumKey;
}

const ZERO_PORTS = [
    { name: "zero-grpc", containerPort: 5080 },
    { name: "zero-rest", containerPort: 6080 },
];
const ALPHA_PORTS = [
    { name: "alpha-grpc-int", containerPort: 7080 },
    { name: "alpha-rest", containerPort: 8080 },
    { name: "alpha-grpc", containerPort: 9080 },
];
const ZERO_PUBLIC: ServiceSpec & { name: string } = {
    name: "zero-public",
    ports: [
        { name: "zero-grpc", port: 5080 },
        { name: "zero-rest", port: 6080, purpose: "admin" },
    ],
};
const ALPHA_PUBLIC: ServiceSpec & { name: string } = {
    name: "alpha-public",
    ports: [
        { name: "alpha-rest", port: 8080 },
        { name: "alpha-grpc", port: 9080 },
    ],
};
/** The headless Service members find each other through, ready or not: that is how the quorum forms. */
const peerService = (...ports: ServicePort[]): ServiceSpec => ({
    ports,
    headless: true,
    publishNotReadyAddresses: true,
});
const POD_NAMESPACE = { fieldRef: { fieldPath: "metadata.namespace" } };
/**
 * POD_NAMESPACE for a script that expands it (the HA layout's zero-0 address); Dgraph itself reads no variable
 * (dgraph-io/dgraph v1.0.15), so the single-pod scripts get none.
 */
const namespaceEnvOf = (script: string) =>
    script.includes("${POD_NAMESPACE}") ? { env: { POD_NAMESPACE } } : {};

/**
 * Routes: alpha's REST and gRPC passed through to alpha's own TLS. Zero's HTTP port gets none: it is Dgraph's
 * unauthenticated admin API (dgraph-io/dgraph v1.0.15 dgraph/cmd/zero/http.go: /assign, /removeNode, /moveTablet),
 * which no runbook asks to publish; the alphas reach it inside the cluster.
 */
function alphaRoutes(hosts: DgraphHosts): ExposureSpec[] {
    return (["alpha-rest", "alpha-grpc"] as const).map((port) => ({
        name: port,
        host: port === "alpha-rest" ? hosts.alphaRest : hosts.alphaGrpc,
        servicePort: port,
        service: "alpha-public",
        tls: { termination: "passthrough" },
    }));
}

/**
 * Dgraph, the station's graph database (thoth-station/dgraph-thoth-config). `ha`: StatefulSets `zero` and `alpha`
 * with headless services for peer discovery, public services and Routes; `single`: one pod running zero and
 * alpha side by side on one volume, for the test environment.
 */
export class Dgraph extends SystemPart<ThothSection, KubernetesContext> {
    /** Public URLs: alpha REST and alpha gRPC (host:443). */
    public readonly urls: { alphaRest: string; alphaGrpc: string };
    readonly #args: DgraphArgs;

    constructor(name: string, args: DgraphArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:thoth:Dgraph", name, args, opts);
        this.#args = args;
        const hosts = args.dgraph.hosts;
        const tls = this.tlsSecret();
        if (args.dgraph.layout === "ha") this.ha(tls);
        else this.single(tls);
        this.urls = {
            alphaRest: `https://${hosts.alphaRest}`,
            alphaGrpc: `${hosts.alphaGrpc}:443`,
        };
        this.registerOutputs({ urls: this.urls });
    }

    /** Secret dgraph-tls: the certificates of the ansible vault, made by `dgraph cert -n <hosts> -c user`. */
    private tlsSecret(): ConfigSecret {
        const { secrets } = this.#args;
        return new ConfigSecret(
            this.childName("tls"),
            {
                namespace: this.#args.namespace,
                name: "dgraph-tls",
                app: thothApp("dgraph", "database"),
                data: {
                    "ca.crt": secrets.require(SECRET_KEYS.dgraphCaCrt),
                    "node.crt": secrets.require(SECRET_KEYS.dgraphNodeCrt),
                    "node.key": secrets.require(SECRET_KEYS.dgraphNodeKey),
                    "client.user.crt": secrets.require(SECRET_KEYS.dgraphClientCrt),
                    "client.user.key": secrets.require(SECRET_KEYS.dgraphClientKey),
                },
            },
            // The retained StatefulSet mounts it: a forced destroy must not leave Dgraph without its certificates.
            this.child(statefulOptions(this.#args.protectStateful)),
        );
    }

    /**
     * What every Dgraph workload shares: a StatefulSet (its data volume comes with its containers' mounts, see
     * {@link datadir}), rolled when the certificates change.
     */
    private common(tls: ConfigSecret) {
        return {
            cluster: this.context.cluster,
            namespace: this.#args.namespace,
            kind: "StatefulSet" as const,
            automountServiceAccountToken: false,
            // Dgraph flushes its write-ahead log on SIGTERM; give it the source's minute.
            terminationGracePeriodSeconds: 60,
            workloadOptions: statefulOptions(this.#args.protectStateful),
            // Alpha loads its TLS files at start: rotated certificates are seen only by a new pod.
            restartOnChange: { key: this.#args.restartKey, candidates: [tls] },
        };
    }

    /** Each pod's data volume at /dgraph: the live StatefulSets' claim template `datadir` (templates cannot change). */
    private datadir(): ClaimTemplateMount {
        const config = this.#args.dgraph;
        return claimTemplate({
            name: "datadir",
            size: config.storageSize,
            ...(config.storageClassName ? { storageClassName: config.storageClassName } : {}),
        }).mount("/dgraph");
    }

    /** Zero's container: the cluster membership service. */
    private zero(script: string, resources: Sizing): ContainerSpec {
        return {
            name: "zero",
            image: this.#args.dgraph.image,
            command: ["bash", "-c", script],
            ports: ZERO_PORTS,
            ...namespaceEnvOf(script),
            mounts: [this.datadir()],
            readinessProbe: tcpProbe("zero-grpc"),
            resources,
        };
    }

    /** Alpha's container: the data server, on the TLS files. */
    private alpha(zeroAddress: string, resources: Sizing, tls: ConfigSecret): ContainerSpec {
        const config = this.#args.dgraph;
        const script = alphaScript({
            zero: zeroAddress,
            lruMb: config.lruMb,
            whitelist: config.adminWhitelist,
        });
        return {
            name: "alpha",
            image: config.image,
            command: ["bash", "-c", script],
            ports: ALPHA_PORTS,
            ...namespaceEnvOf(script),
            mounts: [
                this.datadir(),
                tls.handle.mount(DGRAPH_TLS_DIR, { volume: "dgraph-tls", readOnly: true }),
            ],
            readinessProbe: tcpProbe("alpha-grpc"),
            resources,
        };
    }

    /**
     * One StatefulSet of `ha`'s members (`zero` or `alpha`): the configured replicas of its one container, spread
     * over nodes, with its headless peer service and its public services.
     */
    private members(
        role: "zero" | "alpha",
        container: ContainerSpec,
        services: Pick<WorkloadArgs, "service" | "extraServices" | "expose">,
        tls: ConfigSecret,
        extra: pulumi.CustomResourceOptions = {},
    ): Workload {
        const config = this.#args.dgraph;
        const app = thothApp(role, "database", config.image);
        return new Workload(
            this.childName(role),
            {
                ...this.common(tls),
                app,
                replicas: config.replicas,
                // Losing one node must not lose the quorum's majority: the members prefer distinct nodes, as every
                // workload's replicas do, and so does a lone member (as the StatefulSets always had it).
                affinity: spreadOverNodes(Math.max(config.replicas, 2), selectorLabels(app)),
                containers: [container],
                ...services,
            },
            this.child(extra),
        );
    }

    /** `ha`: StatefulSets `zero` and `alpha` with headless services for peer discovery, public services and Routes. */
    private ha(tls: ConfigSecret): void {
        const config = this.#args.dgraph;
        const zeroSet = this.members(
            "zero",
            this.zero(zeroHaScript(config.replicas), config.zeroResources ?? fixedSize("1", "1Gi")),
            { service: peerService({ name: "zero-grpc", port: 5080 }), extraServices: [ZERO_PUBLIC] },
            tls,
        );
        const alphaSet = this.members(
            "alpha",
            this.alpha(HA_ZERO_ADDRESS, config.alphaResources ?? fixedSize("4", "8Gi"), tls),
            {
                service: peerService({ name: "alpha-grpc-int", port: 7080 }),
                extraServices: [ALPHA_PUBLIC],
                expose: alphaRoutes(config.hosts),
            },
            tls,
            // order: an alpha joins the cluster through zero-0, so the zeros are up before the alphas start.
            { dependsOn: [zeroSet] },
        );
        // Dgraph's ports (docs "Ports Usage"): zero's 5080 serves the other zeros and the alphas, alpha's 7080 the
        // other alphas and zero. The scripts name these peers through the pod's own namespace variable, which no
        // reference can carry: the paths are opened here.
        const zeroPeers = zeroSet.endpoint("zero-grpc");
        const alphaPeers = alphaSet.endpoint("alpha-grpc-int");
        zeroSet.reaches(zeroPeers, "members join through zero-0");
        alphaSet.reaches(zeroPeers, "--zero names zero-0");
        alphaSet.reaches(alphaPeers, "group members replicate to each other");
        zeroSet.reaches(alphaPeers, "zero calls each alpha at the address it advertises");
    }

    /** `single`: one pod running zero and alpha side by side on one volume, for the test environment. */
    private single(tls: ConfigSecret): void {
        const config = this.#args.dgraph;
        new Workload(
            this.childName("single"),
            {
                ...this.common(tls),
                app: thothApp("dgraph", "database", config.image),
                replicas: 1,
                containers: [
                    this.zero(zeroSingleScript(), config.zeroResources ?? fixedSize("500m", "1Gi")),
                    this.alpha(
                        SINGLE_ZERO_ADDRESS,
                        config.alphaResources ?? sized("1", "1Gi", "2", "4Gi"),
                        tls,
                    ),
                ],
                service: peerService(
                    { name: "zero-grpc", port: 5080 },
                    { name: "alpha-grpc-int", port: 7080 },
                ),
                extraServices: [ZERO_PUBLIC, ALPHA_PUBLIC],
                expose: alphaRoutes(config.hosts),
            },
            this.child(),
        );
    }
}
