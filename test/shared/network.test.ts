import { strict as assert } from "assert";
import fc from "fast-check";
import "../harness";
import { ServiceEndpoint, joinRefs, refText, renderWithEndpoints } from "../../components/shared/endpoints";
import { ConfigMapHandle, handlesIn } from "../../components/shared/handles";
import {
    NetworkGraph,
    deriveNetworkPolicies,
    endpointsReadBy,
    routerPeers,
} from "../../components/shared/network";
import { ingressAllowed } from "../../components/shared/netpolEvaluate";
import { unwrap } from "../harness";

const value = (o: Parameters<typeof unwrap>[0]) => unwrap(o);

describe("typed in-cluster endpoints", () => {
    const redis = ServiceEndpoint.of("redis", "packit-prod", 6379);
    const graph = ServiceEndpoint.of("pgbouncer", "thoth-graph", 5432);

    it("write the hosts the systems wrote by hand, and carry the endpoint through every text made of them", async () => {
        assert.equal(await value(redis.localHost), "redis");
        assert.equal(await value(redis.host), "redis.packit-prod.svc");
        assert.equal(
            await value(redis.url({ scheme: "redis", local: true, path: "/0" })),
            "redis://redis:6379/0",
        );
        assert.equal(
            await value(ServiceEndpoint.of("pushgateway", "p", 80).url({ local: true })),
            "http://pushgateway",
        );
        const text = refText`${graph.address({ local: true })}/thoth and ${redis.host}`;
        assert.equal(await value(text), "pgbouncer:5432/thoth and redis.packit-prod.svc");
        assert.deepEqual(handlesIn(text), [graph, redis]);
        assert.deepEqual(handlesIn(joinRefs(["a", redis.host], "\n")), [redis]);
        const doc = renderWithEndpoints(
            { upstream: graph.url() },
            ({ upstream }) => `proxy_pass ${upstream};`,
        );
        assert.equal(await value(doc), "proxy_pass http://pgbouncer.thoth-graph.svc:5432;");
        assert.deepEqual(handlesIn(doc), [graph]);
    });

    it("a pod reaches what its env, args and the keys it reads name, and nothing else", () => {
        const configMap = ConfigMapHandle.existing("thoth", "packit-prod");
        configMap.reaches = new Map([
            ["postgresql-host", [graph]],
            ["other", [redis]],
        ]);
        assert.deepEqual(
            endpointsReadBy({ containers: [{ env: { H: configMap.env("postgresql-host") } }] }),
            [graph],
        );
        assert.deepEqual(endpointsReadBy({ containers: [{ envFrom: [configMap.envFrom()] }] }), [
            graph,
            redis,
        ]);
        assert.deepEqual(
            endpointsReadBy({
                containers: [],
                volumes: [configMap.volume("v", { items: [{ key: "other", path: "o" }] })],
            }),
            [redis],
        );
        assert.deepEqual(
            endpointsReadBy({ containers: [{ env: { A: { computed: redis.localHost }, B: "redis" } }] }),
            [redis],
        );
        assert.deepEqual(endpointsReadBy({ containers: [{ args: ["--x", refText`--db=${graph.host}`] }] }), [
            graph,
        ]);
        assert.deepEqual(endpointsReadBy({ containers: [{ env: { B: "redis.packit-prod.svc" } }] }), []);
    });
});

describe("NetworkPolicies derived from references", () => {
    const router = () => routerPeers("openshift");

    it("admit OpenShift's router by either ingress label, host-network routers included", () => {
        const g = new NetworkGraph();
        g.namespaces.set("a", { name: "a", created: true, programPods: {}, writePolicy: () => undefined });
        const service = {
            namespace: "a",
            name: "web",
            selector: { app: "web" },
            ports: [{ name: "http", port: 80, targetPort: 8080, protocol: "TCP" as const }],
        };
        g.services.push(service);
        g.exposures.push({ namespace: "a", service: "web", port: 80 });
        const policies = deriveNetworkPolicies(g, router).map((p) => ({
            metadata: { name: p.name, namespace: p.namespace },
            spec: p.spec,
        }));
        const target = { namespace: "a", labels: { app: "web" } };
        const labelSets: Record<string, string>[] = [
            { "policy-group.network.openshift.io/ingress": "" }, // 4.6+/4.7+: cluster- and host-network routers
            { "network.openshift.io/policy-group": "ingress" }, // the older label
        ];
        for (const labels of labelSets) {
            const cluster = { namespaces: { "openshift-ingress": labels, other: {} }, policies };
            assert.ok(ingressAllowed(cluster, { namespace: "openshift-ingress", labels: {} }, target, 8080));
            assert.ok(!ingressAllowed(cluster, { namespace: "other", labels: {} }, target, 8080));
        }
        // A namespace selector without `podSelector: {}` leaves out host-network pods (a host-network router).
        const peers = policies.flatMap((p) => (p.spec.ingress ?? []).flatMap((r) => r.from ?? []));
        assert.ok(peers.length > 0);
        for (const peer of peers) assert.deepEqual((peer as { podSelector?: unknown }).podSelector, {});
    });

    it("isolate only the program's pods, in a namespace it creates as in one it does not (pods it leaves running stay reachable)", () => {
        const g = new NetworkGraph();
        const own = {
            "app.kubernetes.io/managed-by": "pulumi",
            "app.kubernetes.io/part-of": "thoth-station",
        };
        g.namespaces.set("shared", {
            name: "shared",
            created: false,
            programPods: own,
            writePolicy: () => undefined,
        });
        g.namespaces.set("mine", {
            name: "mine",
            created: true,
            programPods: own,
            writePolicy: () => undefined,
        });
        const policies = deriveNetworkPolicies(g, router).map((p) => ({
            metadata: { name: p.name, namespace: p.namespace },
            spec: p.spec,
        }));
        const cluster = { namespaces: { shared: {}, mine: {}, other: {} }, policies };
        const from = { namespace: "other", labels: {} };
        assert.ok(!ingressAllowed(cluster, from, { namespace: "shared", labels: { ...own, app: "x" } }, 80));
        assert.ok(
            ingressAllowed(cluster, from, { namespace: "shared", labels: { app: "another-team" } }, 80),
        );
        assert.ok(!ingressAllowed(cluster, from, { namespace: "mine", labels: { ...own, app: "x" } }, 80));
        // Issue 68: production's own plugins and proxies, left running in a namespace the program creates, keep
        // their callers.
        assert.ok(ingressAllowed(cluster, from, { namespace: "mine", labels: { app: "prow-coverage" } }, 80));
    });

    it("stop on an endpoint whose Service the program does not make, naming reader and Service", () => {
        const g = new NetworkGraph();
        g.namespaces.set("a", { name: "a", created: true, programPods: {}, writePolicy: () => undefined });
        g.pods.push({
            what: "Deployment web",
            namespace: "a",
            selector: { matchLabels: { app: "web" } },
            reaches: [ServiceEndpoint.of("redsi", "a", 6379)],
        });
        assert.throws(
            () => deriveNetworkPolicies(g, router),
            /Deployment web \(namespace a\) reaches Service a\/redsi:6379, which the program does not make/,
        );
        g.pods[0] = { ...g.pods[0], reaches: [ServiceEndpoint.existing("dbod.cern.ch", 6600)] };
        assert.equal(deriveNetworkPolicies(g, router).length, 1, "an existing endpoint opens nothing");
    });

    it("admit exactly the referenced pod-to-Service paths and the router to exactly the exposed ports (generated)", () => {
        const namespaces = ["n1", "n2"];
        const services = ["s1", "s2", "s3"].map((name, i) => ({
            namespace: namespaces[i % 2],
            name,
            selector: { app: name },
            ports: [
                { name: "main", port: 80, targetPort: 8080 + i, protocol: "TCP" as const },
                { name: "admin", port: 81, targetPort: 9090 + i, protocol: "TCP" as const },
            ],
        }));
        const clients = ["c1", "c2", "c3"].map((name, i) => ({ name, namespace: namespaces[(i + 1) % 2] }));
        const reference = fc.record({ client: fc.nat(2), service: fc.nat(2), port: fc.constantFrom(80, 81) });
        const exposure = fc.record({
            service: fc.nat(2),
            port: fc.constantFrom<string | number>("main", 81),
        });
        fc.assert(
            fc.property(
                fc.array(reference, { maxLength: 6 }),
                fc.array(exposure, { maxLength: 3 }),
                (refs, exposures) => {
                    const g = new NetworkGraph();
                    for (const ns of namespaces)
                        g.namespaces.set(ns, {
                            name: ns,
                            created: true,
                            programPods: {},
                            writePolicy: () => undefined,
                        });
                    g.services.push(...services);
                    clients.forEach((c, i) =>
                        g.pods.push({
                            what: c.name,
                            namespace: c.namespace,
                            selector: { matchLabels: { app: c.name } },
                            reaches: refs
                                .filter((r) => r.client === i)
                                .map((r) =>
                                    ServiceEndpoint.of(
                                        services[r.service].name,
                                        services[r.service].namespace,
                                        r.port,
                                    ),
                                ),
                        }),
                    );
                    for (const e of exposures)
                        g.exposures.push({
                            namespace: services[e.service].namespace,
                            service: services[e.service].name,
                            port: e.port,
                        });
                    const policies = deriveNetworkPolicies(g, router).map((p) => ({
                        metadata: { name: p.name, namespace: p.namespace },
                        spec: p.spec,
                    }));
                    const cluster = {
                        namespaces: {
                            "openshift-ingress": { "network.openshift.io/policy-group": "ingress" },
                            other: {},
                        },
                        policies,
                    };
                    services.forEach((s, si) => {
                        const target = { namespace: s.namespace, labels: s.selector };
                        for (const port of s.ports) {
                            clients.forEach((c, ci) => {
                                const source = { namespace: c.namespace, labels: { app: c.name } };
                                const referenced = refs.some(
                                    (r) => r.client === ci && r.service === si && r.port === port.port,
                                );
                                assert.equal(
                                    ingressAllowed(cluster, source, target, port.targetPort),
                                    referenced,
                                    `${c.name} → ${s.name}:${port.port}`,
                                );
                                assert.equal(
                                    ingressAllowed(
                                        cluster,
                                        { ...source, namespace: "other" },
                                        target,
                                        port.targetPort,
                                    ),
                                    false,
                                );
                            });
                            const exposed = exposures.some(
                                (e) => e.service === si && (e.port === port.name || e.port === port.port),
                            );
                            assert.equal(
                                ingressAllowed(
                                    cluster,
                                    { namespace: "openshift-ingress", labels: {} },
                                    target,
                                    port.targetPort,
                                ),
                                exposed,
                            );
                        }
                    });
                },
            ),
        );
    });
});
