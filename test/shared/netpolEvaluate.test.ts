import { strict as assert } from "assert";
import fc from "fast-check";
import {
    Cluster,
    NetworkPolicy,
    PodEndpoint,
    connectionAllowed,
    egressAllowed,
    ingressAllowed,
} from "../../components/shared/netpolEvaluate";
import { labelSelectorMatches as selects } from "../../components/shared/labelSelector";

// The examples of the Kubernetes documentation, "Network Policies" (concepts/services-networking/network-policies),
// written as fixtures with what the page says each admits.

/** A policy of namespace `default`, where the page's examples live. */
function policy(name: string, spec: NetworkPolicy["spec"]): NetworkPolicy {
    return { metadata: { name, namespace: "default" }, spec };
}

/** The page's first example, `test-network-policy`. */
const TEST_NETWORK_POLICY = policy("test-network-policy", {
    podSelector: { matchLabels: { role: "db" } },
    policyTypes: ["Ingress", "Egress"],
    ingress: [
        {
            from: [
                { ipBlock: { cidr: "172.17.0.0/16", except: ["172.17.1.0/24"] } },
                { namespaceSelector: { matchLabels: { project: "myproject" } } },
                { podSelector: { matchLabels: { role: "frontend" } } },
            ],
            ports: [{ protocol: "TCP", port: 6379 }],
        },
    ],
    egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0/24" } }], ports: [{ protocol: "TCP", port: 5978 }] }],
});

type Direction = "Ingress" | "Egress";

/** A policy that selects every pod of `default` for one direction, with these rules of it (none: it admits nothing). */
function everyPod(
    name: string,
    direction: Direction,
    spec: Partial<NetworkPolicy["spec"]> = {},
): NetworkPolicy {
    return policy(name, { podSelector: {}, policyTypes: [direction], ...spec });
}

/** {@link everyPod} for ingress, with these ingress rules. */
function everyPodIngress(
    name: string,
    ...ingress: NonNullable<NetworkPolicy["spec"]["ingress"]>
): NetworkPolicy {
    return everyPod(name, "Ingress", { ingress });
}

/**
 * The page's `default-deny-<direction>` (no rule: admits nothing) and `allow-all-<direction>` (one empty rule: admits
 * everything).
 */
function denyAndAllowAll(direction: Direction): [deny: NetworkPolicy, allowAll: NetworkPolicy] {
    const name = direction.toLowerCase();
    return [
        everyPod(`default-deny-${name}`, direction),
        everyPod(
            `allow-all-${name}`,
            direction,
            direction === "Ingress" ? { ingress: [{}] } : { egress: [{}] },
        ),
    ];
}

const db: PodEndpoint = { namespace: "default", labels: { role: "db" } };
const namespaces = { default: {}, myproject: { project: "myproject" }, other: {} };
const cluster = (...policies: NetworkPolicy[]): Cluster => ({ namespaces, policies });

describe("NetworkPolicy evaluator: the Kubernetes documentation's examples", () => {
    it("test-network-policy admits frontend pods of its namespace, pods of project=myproject and 172.17.0.0/16 except 172.17.1.0/24, on TCP 6379 only", () => {
        const c = cluster(TEST_NETWORK_POLICY);
        const frontend = { namespace: "default", labels: { role: "frontend" } };
        assert.equal(ingressAllowed(c, frontend, db, 6379), true);
        assert.equal(ingressAllowed(c, frontend, db, 6380), false, "another port");
        assert.equal(ingressAllowed(c, frontend, db, 6379, "UDP"), false, "another protocol");
        assert.equal(ingressAllowed(c, { namespace: "myproject", labels: {} }, db, 6379), true);
        assert.equal(
            ingressAllowed(c, { namespace: "other", labels: { role: "frontend" } }, db, 6379),
            false,
            "a podSelector peer selects pods of the policy's own namespace only",
        );
        assert.equal(ingressAllowed(c, { ip: "172.17.2.9" }, db, 6379), true);
        assert.equal(ingressAllowed(c, { ip: "172.17.1.9" }, db, 6379), false, "the except block");
        assert.equal(ingressAllowed(c, { ip: "10.0.0.1" }, db, 6379), false);
        // A pod the policy does not select stays non-isolated.
        assert.equal(
            ingressAllowed(c, { ip: "10.0.0.1" }, { namespace: "default", labels: { role: "web" } }, 80),
            true,
        );
    });

    it("namespaceSelector and podSelector in one element are AND; in two elements OR (the alice/client example)", () => {
        const and = everyPodIngress("and", {
            from: [
                {
                    namespaceSelector: { matchLabels: { user: "alice" } },
                    podSelector: { matchLabels: { role: "client" } },
                },
            ],
        });
        const or = everyPodIngress("or", {
            from: [
                { namespaceSelector: { matchLabels: { user: "alice" } } },
                { podSelector: { matchLabels: { role: "client" } } },
            ],
        });
        const ns = { default: {}, alice: { user: "alice" } };
        const target = { namespace: "default", labels: {} };
        const aliceClient = { namespace: "alice", labels: { role: "client" } };
        const aliceOther = { namespace: "alice", labels: {} };
        const localClient = { namespace: "default", labels: { role: "client" } };
        assert.equal(ingressAllowed({ namespaces: ns, policies: [and] }, aliceClient, target, 80), true);
        assert.equal(ingressAllowed({ namespaces: ns, policies: [and] }, aliceOther, target, 80), false);
        assert.equal(ingressAllowed({ namespaces: ns, policies: [and] }, localClient, target, 80), false);
        assert.equal(ingressAllowed({ namespaces: ns, policies: [or] }, aliceOther, target, 80), true);
        assert.equal(ingressAllowed({ namespaces: ns, policies: [or] }, localClient, target, 80), true);
    });

    it("default-deny-ingress isolates every pod of its namespace and admits nothing; allow-all-ingress admits everything", () => {
        const [deny, allowAll] = denyAndAllowAll("Ingress");
        const anyone = { namespace: "other", labels: {} };
        assert.equal(ingressAllowed(cluster(deny), anyone, db, 80), false);
        assert.equal(
            ingressAllowed(cluster(deny), anyone, { namespace: "other", labels: {} }, 80),
            true,
            "another namespace's pods are not isolated by it",
        );
        assert.equal(ingressAllowed(cluster(deny, allowAll), anyone, db, 80), true, "policies are a union");
    });

    it("test-network-policy lets its db pods send to 10.0.0.0/24 on TCP 5978 only; pods it does not select send anywhere", () => {
        const c = cluster(TEST_NETWORK_POLICY);
        assert.equal(egressAllowed(c, db, { ip: "10.0.0.7" }, 5978), true);
        assert.equal(egressAllowed(c, db, { ip: "10.0.0.7" }, 5979), false, "another port");
        assert.equal(egressAllowed(c, db, { ip: "10.0.1.7" }, 5978), false, "outside the block");
        assert.equal(egressAllowed(c, db, { ip: "10.0.0.7" }, 5978, "UDP"), false, "another protocol");
        const web = { namespace: "default", labels: { role: "web" } };
        assert.equal(egressAllowed(c, web, { ip: "8.8.8.8" }, 53, "UDP"), true);
    });

    it("default-deny-egress closes every destination; allow-all-egress reopens it; a connection needs both sides", () => {
        const [deny, allowAll] = denyAndAllowAll("Egress");
        const web = { namespace: "default", labels: { role: "web" } };
        assert.equal(egressAllowed(cluster(deny), web, { ip: "8.8.8.8" }, 443), false);
        assert.equal(
            egressAllowed(cluster(deny), { ...web, namespace: "other" }, { ip: "8.8.8.8" }, 443),
            true,
        );
        assert.equal(egressAllowed(cluster(deny, allowAll), web, { ip: "8.8.8.8" }, 443), true);
        // Egress open, the destination's ingress closed by test-network-policy: no connection.
        assert.equal(connectionAllowed(cluster(TEST_NETWORK_POLICY), web, db, 6379), false);
        assert.equal(
            connectionAllowed(
                cluster(TEST_NETWORK_POLICY),
                { ...web, labels: { role: "frontend" } },
                db,
                6379,
            ),
            true,
        );
        // Ingress open, the source's egress closed: no connection either.
        assert.equal(
            connectionAllowed(cluster(TEST_NETWORK_POLICY), db, { namespace: "default", labels: {} }, 80),
            false,
        );
    });

    it("an empty from, to or ports list admits anything, as an unset one does (the API reference)", () => {
        const emptyLists = policy("empty-lists", {
            podSelector: { matchLabels: { role: "db" } },
            policyTypes: ["Ingress", "Egress"],
            ingress: [{ from: [], ports: [] }],
            egress: [{ to: [], ports: [] }],
        });
        const c = cluster(emptyLists);
        assert.equal(ingressAllowed(c, { ip: "203.0.113.7" }, db, 9999, "UDP"), true);
        assert.equal(ingressAllowed(c, { namespace: "other", labels: {} }, db, 80), true);
        assert.equal(egressAllowed(c, db, { ip: "8.8.8.8" }, 53, "UDP"), true);
    });

    it("a policy with egress rules and no policyTypes isolates for egress (the API's default)", () => {
        const unset = policy("unset", {
            podSelector: {},
            egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0/8" } }] }],
        });
        const web = { namespace: "default", labels: {} };
        assert.equal(egressAllowed(cluster(unset), web, { ip: "10.1.1.1" }, 80), true);
        assert.equal(egressAllowed(cluster(unset), web, { ip: "8.8.8.8" }, 80), false);
        const ingressOnly = policy("i", { podSelector: {} });
        assert.equal(egressAllowed(cluster(ingressOnly), web, { ip: "8.8.8.8" }, 80), true);
    });

    it("a policy with policyTypes [Egress] only does not isolate for ingress; unset policyTypes does", () => {
        const [egressOnly] = denyAndAllowAll("Egress");
        const unset = policy("unset", { podSelector: {} });
        assert.equal(ingressAllowed(cluster(egressOnly), { ip: "1.2.3.4" }, db, 80), true);
        assert.equal(ingressAllowed(cluster(unset), { ip: "1.2.3.4" }, db, 80), false);
    });

    it("endPort admits the range 32000-32768 (the multi-port example) and a named port matches the pod's port of that name", () => {
        const range = everyPodIngress("multi-port-egress", {
            ports: [{ protocol: "TCP", port: 32000, endPort: 32768 }],
        });
        const named = everyPodIngress("named", { ports: [{ port: "http" }] });
        const web = { namespace: "default", labels: {}, namedPorts: { http: 8080 } };
        assert.equal(ingressAllowed(cluster(range), { ip: "1.1.1.1" }, web, 32000), true);
        assert.equal(ingressAllowed(cluster(range), { ip: "1.1.1.1" }, web, 32768), true);
        assert.equal(ingressAllowed(cluster(range), { ip: "1.1.1.1" }, web, 32769), false);
        assert.equal(ingressAllowed(cluster(named), { ip: "1.1.1.1" }, web, 8080), true);
        assert.equal(ingressAllowed(cluster(named), { ip: "1.1.1.1" }, web, 80), false);
        assert.equal(
            ingressAllowed(cluster(named), { ip: "1.1.1.1" }, { ...web, namedPorts: {} }, 8080),
            false,
        );
    });

    it("targets a namespace by name through kubernetes.io/metadata.name, which every namespace carries", () => {
        const byName = everyPodIngress("by-name", {
            from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "myproject" } } }],
        });
        assert.equal(ingressAllowed(cluster(byName), { namespace: "myproject", labels: {} }, db, 1), true);
        assert.equal(ingressAllowed(cluster(byName), { namespace: "other", labels: {} }, db, 1), false);
    });
});

describe("NetworkPolicy evaluator: generated cases", () => {
    const labelKey = fc.constantFrom("app", "role", "tier");
    const labelValue = fc.constantFrom("a", "b", "c");
    const labels = fc.dictionary(labelKey, labelValue, { maxKeys: 3 });
    const selector = fc.record(
        {
            matchLabels: fc.dictionary(labelKey, labelValue, { maxKeys: 2 }),
            matchExpressions: fc.array(
                fc.record({
                    key: labelKey,
                    operator: fc.constantFrom(
                        "In" as const,
                        "NotIn" as const,
                        "Exists" as const,
                        "DoesNotExist" as const,
                    ),
                    values: fc.array(labelValue, { maxLength: 2 }),
                }),
                { maxLength: 2 },
            ),
        },
        { requiredKeys: [] },
    );
    const pod = fc.record({ namespace: fc.constantFrom("n1", "n2"), labels });
    const policy = fc.record({
        metadata: fc.record({ name: fc.constant("p"), namespace: fc.constantFrom("n1", "n2") }),
        spec: fc.record({
            podSelector: selector,
            policyTypes: fc.constant<("Ingress" | "Egress")[]>(["Ingress"]),
            ingress: fc.array(
                fc.record(
                    {
                        from: fc.array(
                            fc.record(
                                { podSelector: selector, namespaceSelector: selector },
                                { requiredKeys: [] },
                            ),
                            { maxLength: 2 },
                        ),
                        ports: fc.array(fc.record({ port: fc.constantFrom(80, 443) }), { maxLength: 2 }),
                    },
                    { requiredKeys: [] },
                ),
                { maxLength: 2 },
            ),
        }),
    });

    it("a pod no policy selects admits everything; one a policy selects admits only what some selecting policy's rule admits", () => {
        fc.assert(
            fc.property(
                fc.array(policy, { maxLength: 3 }),
                pod,
                pod,
                fc.constantFrom(80, 443),
                (policies, from, to, port) => {
                    const c: Cluster = { namespaces: { n1: {}, n2: {} }, policies };
                    const selecting = policies.filter(
                        (p) =>
                            p.metadata.namespace === to.namespace && selects(p.spec.podSelector, to.labels),
                    );
                    const allowed = ingressAllowed(c, from, to, port);
                    if (selecting.length === 0) assert.equal(allowed, true);
                    // The union: each selecting policy alone admits a subset of what all of them admit together.
                    for (const p of selecting)
                        if (ingressAllowed({ ...c, policies: [p] }, from, to, port))
                            assert.equal(allowed, true);
                    if (allowed && selecting.length > 0)
                        assert.ok(
                            selecting.some((p) => ingressAllowed({ ...c, policies: [p] }, from, to, port)),
                        );
                },
            ),
        );
    });

    it("an In requirement and the same pair in matchLabels select alike; NotIn is its complement", () => {
        fc.assert(
            fc.property(labels, labelKey, labelValue, (l, key, value) => {
                const inSel = selects({ matchExpressions: [{ key, operator: "In", values: [value] }] }, l);
                assert.equal(inSel, selects({ matchLabels: { [key]: value } }, l));
                assert.equal(
                    selects({ matchExpressions: [{ key, operator: "NotIn", values: [value] }] }, l),
                    !inSel,
                );
            }),
        );
    });
});
