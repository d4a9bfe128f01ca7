import { strict as assert } from "assert";
import { alphaScript, zeroHaScript } from "../../components/thoth/station/dgraphCommands";
import { k8sObject, k8sObjects } from "../harness";
import {
    Json,
    KIND,
    SECRETS,
    containerOf,
    isSecretAt,
    podOf,
    runThoth,
    secretValue,
    stationCore,
} from "./fixtures";
import { plannedBefore, sharedEvaluation } from "./parts";
import { runWithStubs } from "./shellStub";

/** Stage's namespaces and Dgraph, evaluated: the plan records no secret in plain text. */
const stageCore = sharedEvaluation(() => runThoth("stage", stationCore));

const HA_NS = "thoth-dgraph-stage";
const TEST_NS = "thoth-test-core";
const DOMAIN = "apps.ocp4.prod.psi.redhat.com";

function script(resource: Parameters<typeof containerOf>[0], container?: string): string {
    const command = containerOf(resource, container).command as string[];
    assert.deepEqual(command.slice(0, 2), ["bash", "-c"]);
    return command[2];
}

function routeSpec(name: string, ns: string): Record<string, Json> {
    return k8sObject(KIND.route, name, ns).inputs.spec as Record<string, Json>;
}

describe("thoth Dgraph", function () {
    // Each run plans the whole station (~400 objects); on a loaded machine that takes longer than the default.
    this.timeout(60_000);
    describe("pure commands", () => {
        it("derives zero's Raft index from the pod ordinal and joins later members through zero-0", () => {
            const s = zeroHaScript(5);
            assert.match(s, /idx=\$\(\(\$ordinal \+ 1\)\)/);
            assert.match(s, /--idx \$idx --replicas 5\n/);
            assert.match(s, /--peer zero-0\.zero\.\$\{POD_NAMESPACE\}\.svc\.cluster\.local:5080/);
        });

        it("starts zero with the right index and peer from inside the pod", () => {
            const start = (host: string) =>
                runWithStubs(
                    zeroHaScript(3),
                    {
                        hostname: `if [ "$1" = -f ]; then echo ${host}.zero.ns1.svc.cluster.local; else echo ${host}; fi`,
                        dgraph: "exit 0",
                    },
                    { POD_NAMESPACE: "ns1" },
                )
                    .calls.filter((c) => c[0] === "dgraph")[0]
                    .join(" ");
            assert.equal(
                start("zero-0"),
                "dgraph zero --my=zero-0.zero.ns1.svc.cluster.local:5080 --idx 1 --replicas 3",
            );
            assert.equal(
                start("zero-2"),
                "dgraph zero --my=zero-2.zero.ns1.svc.cluster.local:5080 --peer zero-0.zero.ns1.svc.cluster.local:5080 --idx 3 --replicas 3",
            );
        });

        it("adds --whitelist only when configured", () => {
            assert.ok(!alphaScript({ zero: "z:5080", lruMb: 1024 }).includes("--whitelist"));
            assert.match(
                alphaScript({ zero: "z:5080", lruMb: 1024, whitelist: "1.2.3.4:1.2.3.5" }),
                /--whitelist 1\.2\.3\.4:1\.2\.3\.5$/,
            );
        });
    });

    describe("HA layout (stage)", () => {
        plannedBefore("stage");

        it("runs zero and alpha as StatefulSets of three, spread over nodes, each with a datadir volume claim", () => {
            for (const name of ["zero", "alpha"]) {
                const set = k8sObject(KIND.statefulSet, name, HA_NS);
                const spec = set.inputs.spec as Record<string, Json>;
                assert.equal(spec.replicas, 3);
                assert.equal(spec.serviceName, name);
                assert.deepEqual(
                    spec.volumeClaimTemplates.map((t: Json) => [
                        t.metadata.name,
                        t.spec.resources.requests.storage,
                        t.spec.storageClassName,
                        t.spec.accessModes,
                    ]),
                    [["datadir", "5Gi", "ceph-dyn-thoth-paas-prod-psi", ["ReadWriteOnce"]]],
                );
                assert.deepEqual(containerOf(set).volumeMounts[0], { name: "datadir", mountPath: "/dgraph" });
                const anti =
                    podOf(set).affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0]
                        .podAffinityTerm;
                assert.deepEqual(
                    anti.labelSelector.matchLabels,
                    spec.selector.matchLabels,
                    "anti-affinity selects its own pods",
                );
                // Stage keeps its long-lived data (issue 39): the claims' StatefulSets are protected and retained.
                assert.equal(set.protect, true);
                assert.equal(set.retainOnDelete, true);
            }
            assert.match(script(k8sObject(KIND.statefulSet, "zero", HA_NS)), /--replicas 3/);
            const alpha = script(k8sObject(KIND.statefulSet, "alpha", HA_NS));
            assert.match(
                alpha,
                /--lru_mb 2048 --zero zero-0\.zero\.\$\{POD_NAMESPACE\}\.svc\.cluster\.local:5080 --tls_dir \/var\/run\/secrets\/dgraph --whitelist 172\.54\.0\.0:172\.54\.255\.255/,
            );
            assert.deepEqual(
                containerOf(k8sObject(KIND.statefulSet, "alpha", HA_NS)).ports.map((p: Json) => [
                    p.name,
                    p.containerPort,
                ]),
                [
                    ["alpha-grpc-int", 7080],
                    ["alpha-rest", 8080],
                    ["alpha-grpc", 9080],
                ],
            );
        });

        it("has headless services for peer discovery and ClusterIP public services", () => {
            const svc = (name: string) =>
                k8sObject(KIND.service, name, HA_NS).inputs.spec as Record<string, Json>;
            assert.equal(svc("zero").clusterIP, "None");
            assert.equal(svc("zero").publishNotReadyAddresses, true);
            assert.deepEqual(
                svc("zero").ports.map((p: Json) => p.port),
                [5080],
            );
            assert.equal(svc("alpha").clusterIP, "None");
            assert.deepEqual(
                svc("alpha").ports.map((p: Json) => p.port),
                [7080],
            );
            assert.equal(svc("zero-public").clusterIP, undefined);
            assert.deepEqual(
                svc("zero-public").ports.map((p: Json) => [p.name, p.port]),
                [
                    ["zero-grpc", 5080],
                    ["zero-rest", 6080],
                ],
            );
            assert.deepEqual(
                svc("alpha-public").ports.map((p: Json) => [p.name, p.port]),
                [
                    ["alpha-rest", 8080],
                    ["alpha-grpc", 9080],
                ],
            );
            assert.deepEqual(
                svc("alpha-public").selector,
                (k8sObject(KIND.statefulSet, "alpha", HA_NS).inputs.spec as Json).selector.matchLabels,
            );
        });

        it("routes alpha's REST and gRPC with TLS passthrough, and never zero's unauthenticated admin port", () => {
            assert.deepEqual(
                k8sObjects(KIND.route, HA_NS)
                    .map((r) => (r.inputs.metadata as Json).name)
                    .sort(),
                ["alpha-grpc", "alpha-rest"],
            );
            for (const [name, port] of [
                ["alpha-rest", "alpha-rest"],
                ["alpha-grpc", "alpha-grpc"],
            ]) {
                const spec = routeSpec(name, HA_NS);
                assert.equal(spec.tls.termination, "passthrough");
                assert.equal(spec.to.name, "alpha-public");
                assert.deepEqual(spec.port, { targetPort: port });
                assert.equal(spec.host, `${name}-${HA_NS}.${DOMAIN}`);
            }
        });

        it("takes its TLS material from secret config into Secret dgraph-tls, mounted into alpha", () =>
            stageCore(() => {
                const secret = k8sObject(KIND.secret, "dgraph-tls", HA_NS);
                const data = secret.inputs.stringData as Record<string, string>;
                assert.deepEqual(Object.keys(data).sort(), [
                    "ca.crt",
                    "client.user.crt",
                    "client.user.key",
                    "node.crt",
                    "node.key",
                ]);
                // Stage reads its own certificates (thoth-stage-...), never production's.
                assert.equal(data["node.key"], secretValue("thoth-stage-dgraph-tls-node-key"));
                assert.notEqual(data["node.key"], SECRETS["thoth-dgraph-tls-node-key"]);
                for (const key of Object.keys(data))
                    assert.ok(isSecretAt(secret.secretPaths, `stringData.${key}`));
                const alpha = k8sObject(KIND.statefulSet, "alpha", HA_NS);
                assert.deepEqual(containerOf(alpha).volumeMounts[1], {
                    name: "dgraph-tls",
                    mountPath: "/var/run/secrets/dgraph",
                    readOnly: true,
                });
                assert.deepEqual(podOf(alpha).volumes, [
                    { name: "dgraph-tls", secret: { secretName: "dgraph-tls" } },
                ]);
            }));

        it("waits for its namespace before creating anything in it", () => {
            const ns = k8sObject(KIND.namespace, HA_NS).urn;
            for (const [kind, name] of [
                [KIND.secret, "dgraph-tls"],
                [KIND.statefulSet, "zero"],
                [KIND.statefulSet, "alpha"],
                [KIND.service, "alpha-public"],
            ] as const) {
                assert.ok(
                    k8sObject(kind, name, HA_NS).dependencies.includes(ns),
                    `${name} waits for ${HA_NS}`,
                );
            }
        });

        it("follows the configured member count and hosts", async () => {
            // Only Dgraph is inspected: the rest of the stack is off (a tenth of the evaluation).
            await runThoth("stage", (t) => {
                stationCore(t);
                t.station.dgraph.replicas = 5;
                t.station.dgraph.hosts = { alphaGrpc: "dgraph.thoth-station.ninja" };
            });
            assert.equal((k8sObject(KIND.statefulSet, "alpha", HA_NS).inputs.spec as Json).replicas, 5);
            assert.match(script(k8sObject(KIND.statefulSet, "zero", HA_NS)), /--replicas 5/);
            assert.equal(routeSpec("alpha-grpc", HA_NS).host, "dgraph.thoth-station.ninja");
            assert.equal(routeSpec("alpha-rest", HA_NS).host, `alpha-rest-${HA_NS}.${DOMAIN}`);
        });
    });

    describe("single-pod layout (test environment, prod stack)", () => {
        plannedBefore("prod");

        it("runs zero and alpha side by side in one pod on one volume", () => {
            const set = k8sObject(KIND.statefulSet, "dgraph", TEST_NS);
            assert.equal((set.inputs.spec as Json).replicas, 1);
            assert.deepEqual(
                podOf(set).containers.map((c: Json) => c.name),
                ["zero", "alpha"],
            );
            assert.match(script(set, "zero"), /exec dgraph zero --my=\$\(hostname -f\):5080$/);
            assert.match(script(set, "alpha"), /--zero \$\(hostname -f\):5080/);
            assert.deepEqual(containerOf(set, "zero").resources, {
                requests: { cpu: "500m", memory: "1Gi" },
                limits: { cpu: "500m", memory: "1Gi" },
            });
            assert.deepEqual(containerOf(set, "alpha").resources, {
                requests: { cpu: "1", memory: "1Gi" },
                limits: { cpu: "2", memory: "4Gi" },
            });
            assert.throws(() => k8sObject(KIND.statefulSet, "alpha", TEST_NS));
            assert.deepEqual(
                k8sObjects(KIND.service, TEST_NS)
                    .map((s) => (s.inputs.metadata as Json).name)
                    .filter((n: string) => /dgraph|alpha|zero/.test(n))
                    .sort(),
                ["alpha-public", "dgraph", "zero-public"],
            );
            assert.equal(routeSpec("alpha-grpc", TEST_NS).tls.termination, "passthrough");
        });

        it("protects and retains the StatefulSet holding the graph in production", () => {
            const set = k8sObject(KIND.statefulSet, "dgraph", TEST_NS);
            assert.equal(set.protect, true);
            assert.equal(set.retainOnDelete, true);
        });
    });
});
