import * as assert from "node:assert/strict";
import fc from "fast-check";
import { DesiredObject, KubeObject } from "../../adopt/model";
import { exitCode, renderReport } from "../../adopt/report";
import { urlEndpoints } from "../../adopt/flows";
import { fixEdits } from "../../../test/configEdits";
import { serviceOfHost } from "../../adopt/serviceHost";
import { FakeCluster, liveReport } from "./fixtures";
import { buildReport } from "../../adopt/report";
import { inspectCluster } from "../../adopt/run";
import { PROW_TODAY, pluginsYaml } from "../../../test/fixtures/live/prowToday";
import { inNamespaces, systemObjects } from "../../../test/fixtures/live/program";
import { LiveSystem, liveObjects } from "../../../test/fixtures/live/types";
import { declaredTakeover } from "../../../test/fixtures/live/takeovers";
import { deniedFlows } from "../../../test/fixtures/live/checks";

// What the report leaves running keeps its flows (issue 68 item 2, tools/adopt/flows.ts): today's KubeVirt Prow
// (kubevirt/project-infra@2c863fd) under the program's planned policies of kubevirt-prow and kubevirt-prow-jobs, a
// control that plants the whole-namespace deny the issue found, and generated plugin layouts and policies whose
// cuts follow from the rule alone.

const NS = "kubevirt-prow";

/** The external plugins production runs beside Prow: workload, its Service, the Service port hook calls. */
const PLUGINS = [
    { workload: "coverage", app: "prow-coverage", service: "prow-coverage", port: 9901 },
    { workload: "phased", app: "prow-phased", service: "prow-phased", port: 9900 },
    { workload: "referee", app: "referee", service: "referee", port: 9900 },
    { workload: "test-subset", app: "test-subset", service: "test-subset", port: 9900 },
] as const;

function policy(name: string, spec: Record<string, unknown>): DesiredObject {
    return {
        cluster: "ibmcloud-prow",
        system: "prow",
        object: {
            apiVersion: "networking.k8s.io/v1",
            kind: "NetworkPolicy",
            metadata: { name, namespace: NS },
            spec,
        } as KubeObject,
    };
}

/** The prod plan of Prow's two namespaces after the operator pasted `fix` (its `pulumi config set` edits). */
async function followed(fix: string): Promise<DesiredObject[]> {
    const edits = fixEdits(fix);
    assert.ok(edits, `not a fix the operator can paste: ${fix}`);
    const desired = await systemObjects("prod", "prow", (values) => {
        for (const e of edits) {
            let node = values as Record<string | number, unknown>;
            const path = [e.head, ...e.path];
            for (const k of path.slice(0, -1)) node = (node[k] ??= {}) as Record<string | number, unknown>;
            node[path[path.length - 1]] = e.value;
        }
    });
    return inNamespaces(desired, [NS, "kubevirt-prow-jobs"]);
}

const cuts = (r: { flows: { from: string; to: string; cutBy: string[] }[] }) =>
    r.flows.map((f) => `${f.from} -> ${f.to} | ${f.cutBy.join(", ")}`);

describe("adopt: what is left running keeps its flows (Prow as kubevirt/project-infra@2c863fd runs it)", function () {
    this.timeout(300_000);
    /** The committed prod plan of Prow's two namespaces. */
    let raw: DesiredObject[];
    /** The report's fixes for the GitHub clients left running (each admitted to ghproxy), joined as printed. */
    let callersFix: string;
    /** The plan after the operator followed them: the base of the checks below, whose cuts are the others. */
    let committed: DesiredObject[];

    before(async () => {
        raw = inNamespaces(await systemObjects("prod", "prow"), [NS, "kubevirt-prow-jobs"]);
        const r = await liveReport("ibmcloud-prow", PROW_TODAY, raw, {});
        callersFix = r.flows
            .filter((f) => f.to.startsWith("Service kubevirt-prow/ghproxy:80 "))
            .map((f) => f.fix ?? "")
            .join(" && ");
        committed = await followed(callersFix);
    });

    it("the GitHub clients production runs beside Prow (its external plugins) lose ghproxy to its policy: each blocks with the setting that admits it, proved; following them all admits every one", async () => {
        const r = await liveReport("ibmcloud-prow", PROW_TODAY, raw, {});
        const ghproxy = r.flows.filter((f) => f.to.startsWith("Service kubevirt-prow/ghproxy:80 "));
        assert.deepEqual(
            ghproxy.map((f) => f.workload.split("/").pop()),
            // prow-controller-manager is the program's own at today's release: its pods are admitted as ghproxy's client.
            ["coverage", "phased", "referee", "test-subset"],
            renderReport(r),
        );
        for (const f of ghproxy) {
            const name = f.workload.split("/").pop()!;
            const app = PROW_TODAY.workloads.find((w) => w.name === name)!.selector.app;
            assert.deepEqual(f.cutBy, [
                "kubevirt-prow/allow-to-ghproxy (ingress of Deployment kubevirt-prow/ghproxy)",
            ]);
            assert.equal(f.namedIn, `Deployment kubevirt-prow/${name} names http://ghproxy`);
            assert.equal(
                f.fix,
                `pulumi config set --path --type string 'prow.liveCallers["${name}"].selector["app"]' '${app}' && ` +
                    `pulumi config set --path 'prow.liveCallers["${name}"].calls["ghproxy"]' 80`,
            );
        }
        const after = await liveReport("ibmcloud-prow", PROW_TODAY, committed, {});
        assert.deepEqual(
            after.flows.filter((f) => f.to.startsWith("Service kubevirt-prow/ghproxy")),
            [],
            renderReport(after),
        );
        // Control: one caller's selector naming other pods admits nothing for it.
        const wrong = await followed(callersFix.replace(`'prow-coverage'`, `'prow-coverage-old'`));
        const still = await liveReport("ibmcloud-prow", PROW_TODAY, wrong, {});
        assert.deepEqual(
            still.flows.filter((f) => f.to.startsWith("Service kubevirt-prow/ghproxy")).map((f) => f.from),
            ["Deployment kubevirt-prow/coverage"],
        );
    });

    it("generated: a live caller of any selector and any of Prow's Service ports is admitted by exactly the setting the report prints", async () => {
        await fc.assert(
            fc.asyncProperty(
                fc.stringMatching(/^[a-z]([-a-z0-9]{0,8}[a-z0-9])?$/),
                fc.dictionary(
                    fc.constantFrom("app", "app.kubernetes.io/name", "example.org/role", "tier"),
                    fc.constantFrom("true", "1234", "plugin", "a.b_c-d"),
                    { minKeys: 1 },
                ),
                fc.constantFrom("ghproxy", "hook", "deck"),
                async (name, labels, target) => {
                    const live: LiveSystem = structuredClone(PROW_TODAY);
                    const port = live.services.find((x) => x.name === target)!.ports[0].port;
                    live.workloads.push({
                        ...structuredClone(live.workloads.find((w) => w.name === "referee")!),
                        name: `caller-${name}`,
                        selector: labels,
                        podLabels: labels,
                        containers: [
                            {
                                name: "caller",
                                image: "quay.io/example/caller:1",
                                ports: [],
                                args: [`--to=http://${target}:${port}`],
                            },
                        ],
                    });
                    const before = await liveReport("ibmcloud-prow", live, committed, {});
                    const [cut, ...more] = before.flows.filter(
                        (f) => f.from === `Deployment kubevirt-prow/caller-${name}`,
                    );
                    assert.equal(more.length, 0, renderReport(before));
                    assert.ok(cut?.fix, renderReport(before));
                    const fixed = await followed(`${callersFix} && ${cut.fix}`);
                    const after = await liveReport("ibmcloud-prow", live, fixed, {});
                    assert.deepEqual(
                        after.flows.filter((f) => f.from === `Deployment kubevirt-prow/caller-${name}`),
                        [],
                    );
                },
            ),
            { numRuns: 6, seed: 6802 },
        );
    });

    /** The plan with its default deny of kubevirt-prow widened to every pod of the namespace. */
    const withWholeNamespaceDeny = () => [
        ...committed.filter(
            (d) =>
                !(
                    d.object.kind === "NetworkPolicy" &&
                    d.object.metadata.name === "default-deny-ingress" &&
                    d.object.metadata.namespace === NS
                ),
        ),
        policy("default-deny-ingress", { podSelector: {}, policyTypes: ["Ingress"] }),
    ];

    it("admits hook's calls to every external plugin and every Service's callers; blocks on the jobs' docker-mirror-proxy, which the jobs' egress lock cuts", async () => {
        const r = await liveReport("ibmcloud-prow", PROW_TODAY, committed, {});
        const text = renderReport(r);
        // The one flow cut: the preset's job pods to docker-mirror-proxy:3128 (config.yaml's preset), by the jobs'
        // egress lock, which admits the program's Services only.
        assert.deepEqual(
            r.flows.map((f) => [f.workload, f.from]),
            [
                [
                    "apps/v1/Deployment/kubevirt-prow/docker-mirror-proxy",
                    "ProwJob pods of preset-docker-mirror-proxy=true in kubevirt-prow-jobs",
                ],
            ],
            text,
        );
        assert.match(r.flows[0].to, /^Service kubevirt-prow\/docker-mirror-proxy:3128 .*port 3128$/);
        assert.ok(
            r.flows[0].cutBy.some((c) => c.startsWith("kubevirt-prow-jobs/egress-internet-and-dns-only")),
        );
        assert.match(text, /\[BLOCKING: the up would cut a flow of a workload left running\] ProwJob pods/);
        // The one setting that admits it, from the live Service, proved before it is printed.
        assert.equal(
            r.flows[0].fix,
            [
                `pulumi config set --path 'prow.jobsReach["kubevirt-prow/docker-mirror-proxy"].port' 3128`,
                `pulumi config set --path 'prow.jobsReach["kubevirt-prow/docker-mirror-proxy"].targetPort' 3128`,
                `pulumi config set --path --type string 'prow.jobsReach["kubevirt-prow/docker-mirror-proxy"].selector["app"]' 'docker-mirror-proxy'`,
            ].join(" && "),
        );
        assert.match(text, /to keep it, let the program admit it .*--stack prod/);
        assert.doesNotMatch(text, /report the line above as a bug/);
        assert.equal(exitCode(r), 2);
    });

    it("every flow of today's fixture (hook to each external plugin, the GitHub clients to ghproxy, the jobs to the proxy) is admitted by the committed plan after the report's fixes; control: the whole-namespace deny cuts hook's calls to every plugin", async () => {
        const r = await liveReport("ibmcloud-prow", PROW_TODAY, committed, {});
        const proxyFix = r.flows.find((f) =>
            f.to.startsWith("Service kubevirt-prow/docker-mirror-proxy:3128 "),
        )?.fix;
        assert.ok(proxyFix, renderReport(r));
        // Before the proxy's fix, the jobs' flow is the one denied, by their egress lock.
        assert.deepEqual(
            deniedFlows(PROW_TODAY, committed).map((d) => d.split(" (")[0]),
            ["ProwJob pods of preset-docker-mirror-proxy"],
        );
        assert.deepEqual(deniedFlows(PROW_TODAY, await followed(`${callersFix} && ${proxyFix}`)), []);
        const cut = deniedFlows(PROW_TODAY, withWholeNamespaceDeny());
        for (const p of PLUGINS)
            assert.ok(
                cut.some((d) => d.startsWith(`hook ({"app":"hook"}) → ${p.service}:${p.port} `)),
                `hook → ${p.service} not denied:\n${cut.join("\n")}`,
            );
    });

    it("following the printed setting admits the jobs' flow: the plan gains the egress policy, no flow is cut; a wrong selector still blocks (generated Services)", async () => {
        await fc.assert(
            fc.asyncProperty(
                fc.integer({ min: 1, max: 65535 }),
                fc.integer({ min: 1, max: 65535 }),
                fc.constantFrom("docker-mirror-proxy", "true", "1234", "mirror.proxy_2"),
                async (port, targetPort, app) => {
                    const live: LiveSystem = structuredClone(PROW_TODAY);
                    const proxy = live.workloads.find((w) => w.name === "docker-mirror-proxy")!;
                    proxy.selector = { app };
                    proxy.podLabels = { app };
                    proxy.containers[0].ports = [targetPort];
                    const service = live.services.find((x) => x.name === "docker-mirror-proxy")!;
                    service.selector = { app };
                    service.ports = [{ port, targetPort }];
                    const config = live.configMaps.find((c) => c.name === "config")!;
                    config.data = {
                        "config.yaml": config.data!["config.yaml"].replace(/:3128/g, `:${port}`),
                    };
                    const before = await liveReport("ibmcloud-prow", live, committed, {});
                    const [cut, ...more] = before.flows;
                    assert.equal(more.length, 0);
                    assert.ok(cut?.fix, renderReport(before));
                    const fixed = await followed(`${callersFix} && ${cut.fix}`);
                    const admitting = fixed.filter(
                        (d) =>
                            d.object.kind === "NetworkPolicy" &&
                            d.object.metadata.name === "egress-to-docker-mirror-proxy",
                    );
                    assert.equal(admitting.length, 1);
                    assert.equal(admitting[0].object.metadata.namespace, "kubevirt-prow-jobs");
                    const after = await liveReport("ibmcloud-prow", live, fixed, {});
                    assert.deepEqual(after.flows, [], renderReport(after));
                    // Control: the same setting naming pods the Service does not select admits nothing.
                    const wrong = await followed(
                        `${callersFix} && ${cut.fix.replace(/ '[^']*'$/, " 'another-proxy'")}`,
                    );
                    const still = await liveReport("ibmcloud-prow", live, wrong, {});
                    assert.equal(still.flows.length, 1);
                },
            ),
            { numRuns: 6, seed: 6801 },
        );
    });

    it("control: a whole-namespace default deny in kubevirt-prow blocks, naming hook's call to each plugin, the Service's callers and the policy", async () => {
        const planted = withWholeNamespaceDeny();
        const r = await liveReport("ibmcloud-prow", PROW_TODAY, planted, {});
        const lines = cuts(r);
        for (const p of PLUGINS) {
            for (const from of [
                "Deployment kubevirt-prow/hook",
                "Deployment kubevirt-prow/hook (the program's)",
            ])
                assert.ok(
                    lines.includes(
                        `${from} -> Service kubevirt-prow/${p.service}:${p.port} (pods of Deployment kubevirt-prow/${p.workload}), port ${p.port} | kubevirt-prow/default-deny-ingress (ingress of Deployment kubevirt-prow/${p.workload})`,
                    ),
                    `${from} -> ${p.service} not named:\n${lines.join("\n")}`,
                );
        }
        assert.ok(
            lines.some((l) =>
                l.startsWith("a pod of another namespace -> Service kubevirt-prow/docker-mirror-proxy:3128"),
            ),
        );
        const hookToCoverage = r.flows.find(
            (f) => f.from === "Deployment kubevirt-prow/hook" && f.to.includes("prow-coverage"),
        );
        assert.match(
            hookToCoverage?.namedIn ?? "",
            /ConfigMap kubevirt-prow\/plugins plugins\.yaml: external_plugins\.kubevirt\/(project-infra|ci-health) coverage \(http:\/\/prow-coverage:9901\)/,
        );
        assert.equal(exitCode(r), 2);
    });

    it("a flow today's own policies already deny is no flow to keep: a live policy that isolates referee stays, and only the others are named", async () => {
        const planted = withWholeNamespaceDeny();
        const isolateReferee = {
            ...policy("deny-referee", {
                podSelector: { matchLabels: { app: "referee" } },
                policyTypes: ["Ingress"],
            }).object,
        };
        const api = new FakeCluster([...liveObjects(PROW_TODAY), isolateReferee]);
        const result = await inspectCluster("ibmcloud-prow", planted, api, 8, new Map(), {
            stack: "prod",
            lists: { prow: declaredTakeover(PROW_TODAY) },
        });
        const r = buildReport("prod", result.findings, result.leftBehind, [], result);
        const named = r.flows.map((f) => f.workload.split("/").pop());
        assert.ok(!named.includes("referee"), cuts(r).join("\n"));
        assert.ok(named.includes("coverage") && named.includes("test-subset"));
    });

    it("control: a live Route to a workload left running: a planned policy admitting only its namespace cuts the router, named", async () => {
        const live: LiveSystem = structuredClone(PROW_TODAY);
        live.routes.push({
            name: "referee",
            host: "referee.example.org",
            service: "referee",
            targetPort: "default",
            src: "control: a Route of production's own",
        });
        const planted = [
            ...committed,
            policy("same-namespace-only", {
                podSelector: { matchLabels: { app: "referee" } },
                policyTypes: ["Ingress"],
                ingress: [{ from: [{ podSelector: {} }] }],
            }),
        ];
        const lines = cuts(await liveReport("ibmcloud-prow", live, planted, { openshift: true }));
        assert.ok(
            lines.some((l) =>
                l.startsWith(
                    "the router -> Service kubevirt-prow/referee:9900 (pods of Deployment kubevirt-prow/referee), port 9900 | kubevirt-prow/same-namespace-only",
                ),
            ),
            lines.join("\n"),
        );
        // Without the Route, the router is no caller: only the other namespaces' probe is cut.
        const without = cuts(await liveReport("ibmcloud-prow", PROW_TODAY, planted, { openshift: true }));
        assert.ok(!without.some((l) => l.startsWith("the router")));
        assert.ok(
            without.some((l) =>
                l.startsWith("a pod of another namespace -> Service kubevirt-prow/referee:9900"),
            ),
        );
    });

    it("control: an egress policy that selects a workload left running blocks, naming it and the policy", async () => {
        const planted = [
            ...committed,
            policy("egress-lock-referee", {
                podSelector: { matchLabels: { app: "referee" } },
                policyTypes: ["Egress"],
                egress: [],
            }),
        ];
        const r = await liveReport("ibmcloud-prow", PROW_TODAY, planted, {});
        const own = r.flows.filter((f) => f.workload === "apps/v1/Deployment/kubevirt-prow/referee");
        // Its own egress, and its call to ghproxy that the egress lock cuts now too.
        assert.deepEqual(
            own.map((f) => [f.to.split(" (")[0], f.cutBy]),
            [
                [
                    "anything its egress reaches today beyond what these policies admit",
                    ["kubevirt-prow/egress-lock-referee (egress of Deployment kubevirt-prow/referee)"],
                ],
                [
                    "Service kubevirt-prow/ghproxy:80",
                    ["kubevirt-prow/egress-lock-referee (egress of Deployment kubevirt-prow/referee)"],
                ],
            ],
        );
    });

    it("generated: plugin layouts and policies cut exactly the flows the rule says", async () => {
        const apps = PLUGINS.map((p) => p.app);
        await fc.assert(
            fc.asyncProperty(
                fc.subarray([...PLUGINS], { minLength: 1 }),
                fc.subarray(apps),
                fc.subarray([9900, 9901]),
                fc.boolean(),
                async (listed, isolated, admittedPorts, fromHookOnly) => {
                    const live: LiveSystem = structuredClone(PROW_TODAY);
                    // plugins.yaml names only `listed`; the policy isolates `isolated` and admits `admittedPorts`
                    // from every pod of the namespace, or from hook's pods only (the program's and today's).
                    live.configMaps.find((c) => c.name === "plugins")!.data = {
                        "plugins.yaml": pluginsYaml(
                            listed.map((p) => [
                                "kubevirt/kubevirt",
                                p.workload,
                                `http://${p.service}:${p.port}`,
                            ]),
                        ),
                    };
                    const planted = [
                        ...committed,
                        policy("generated", {
                            podSelector: {
                                matchExpressions: [
                                    {
                                        key: "app",
                                        operator: "In",
                                        values: isolated.length ? isolated : ["none"],
                                    },
                                ],
                            },
                            policyTypes: ["Ingress"],
                            ingress: admittedPorts.length
                                ? [
                                      {
                                          from: [
                                              fromHookOnly
                                                  ? {
                                                        podSelector: {
                                                            matchExpressions: [
                                                                {
                                                                    key: "app",
                                                                    operator: "In",
                                                                    values: ["hook"],
                                                                },
                                                            ],
                                                        },
                                                    }
                                                  : { podSelector: {} },
                                          ],
                                          ports: admittedPorts.map((port) => ({ port, protocol: "TCP" })),
                                      },
                                  ]
                                : [],
                        }),
                    ];
                    const r = await liveReport("ibmcloud-prow", live, planted, {});
                    const got = new Set(
                        r.flows
                            .filter((f) => f.cutBy.some((c) => c.startsWith("kubevirt-prow/generated ")))
                            .map(
                                (f) =>
                                    `${f.from.replace(/^Deployment kubevirt-prow\/hook.*/, "hook")} ${f.to.split(" ")[1]}`,
                            ),
                    );
                    // The rule: a plugin's pods isolated by the policy lose every caller the policy does not admit.
                    const want = new Set<string>();
                    for (const p of PLUGINS.filter((x) => (isolated as string[]).includes(x.app))) {
                        const to = `kubevirt-prow/${p.service}:${p.port}`;
                        const portOk = admittedPorts.includes(p.port);
                        if (listed.some((l) => l.workload === p.workload) && !portOk) want.add(`hook ${to}`);
                        if (!portOk || fromHookOnly) want.add(`a pod of kubevirt-prow ${to}`);
                        want.add(`a pod of another namespace ${to}`);
                    }
                    assert.deepEqual([...got].sort(), [...want].sort());
                },
            ),
            { numRuns: 20, seed: 68 },
        );
    });
});

describe("adopt flows: the Service a URL names", () => {
    it("reads bare, namespaced and cluster-local hosts, default ports by scheme, and skips hosts outside the cluster", () => {
        assert.deepEqual(urlEndpoints("http://referee:9900", "ns"), [
            { namespace: "ns", name: "referee", port: 9900, url: "http://referee:9900" },
        ]);
        assert.deepEqual(
            urlEndpoints("export http_proxy=http://docker-mirror-proxy.kubevirt-prow.svc:3128", "jobs").map(
                (u) => [u.namespace, u.name, u.port],
            ),
            [["kubevirt-prow", "docker-mirror-proxy", 3128]],
        );
        assert.deepEqual(urlEndpoints("https://api.github.com", "ns"), []);
        assert.deepEqual(urlEndpoints("http://needs-rebase", "ns")[0].port, 80);
        assert.deepEqual(
            urlEndpoints(
                "redis://:pw@redict.packit--prod.svc:6380/0 amqp://broker postgresql://u@db foo://x",
                "ns",
            ).map((u) => [u.namespace, u.name, u.port]),
            [
                ["packit--prod", "redict", 6380],
                ["ns", "broker", 5672],
                ["ns", "db", 5432],
            ],
        );
    });

    it("generated: a host of a DNS label and an optional namespace and cluster suffix is that Service; any other suffix is none", () => {
        const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}[a-z0-9]$/);
        fc.assert(
            fc.property(
                label,
                label,
                fc.constantFrom("", ".svc", ".svc.cluster.local", ".com", ".example.org"),
                (name, ns, suffix) => {
                    const got = serviceOfHost(`${name}.${ns}${suffix}`, "caller");
                    const inCluster = ["", ".svc", ".svc.cluster.local"].includes(suffix);
                    assert.deepEqual(got, inCluster ? { namespace: ns, name } : undefined);
                    assert.deepEqual(serviceOfHost(name, "caller"), { namespace: "caller", name });
                },
            ),
            { numRuns: 200, seed: 68 },
        );
    });
});
