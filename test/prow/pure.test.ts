import { TODAY_RELEASE } from "../../components/prow/release";
import { readStackFile } from "../../tools/plan/stackfile";
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import fc from "fast-check";
import { parse } from "yaml";
import { validateObject } from "../oracles/validate/k8s";
import { COMPONENTS } from "../../components/prow/catalog";
import { ProwConfig, prowSchema } from "../../components/prow/config";
import { PROWJOB_CRD_ANNOTATIONS, prowJobCrdSpec } from "../../components/prow/crd";
import { renderConfigMaps, renderYaml } from "../../components/prow/documents";
import { ENVIRONMENTS, EnvironmentName } from "../../components/prow/environments";
import { ingressPlan } from "../../components/prow/ingress";
import { Doc, deepMerge } from "../../components/prow/merge";
import { CRONJOB_NAME_MAX, invalidNames, prowNaming } from "../../components/prow/naming";
import { resolveEnvironment } from "../../components/prow/resolve";
import { PROW_SECRETS, prowSecretSpecs, secretEntries } from "../../components/prow/secrets";
import { baseDocuments, prowDocuments } from "./helpers";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const minimal = (environment: EnvironmentName, extra: Record<string, unknown> = {}): ProwConfig =>
    prowSchema.parse({
        enabled: true,
        cluster: "ibmcloud-prow",
        environment,
        release: TODAY_RELEASE,
        ...extra,
    });

describe("prow deepMerge", () => {
    it("merges objects key by key, keeping the base's key order and appending new keys", () => {
        const merged = deepMerge({ a: 1, b: { c: 2, d: 3 }, e: 4 }, { b: { d: 30, f: 5 }, g: 6 });
        assert.deepEqual(merged, { a: 1, b: { c: 2, d: 30, f: 5 }, e: 4, g: 6 });
        assert.deepEqual(Object.keys(merged), ["a", "b", "e", "g"]);
        assert.deepEqual(Object.keys(merged.b as Doc), ["c", "d", "f"]);
    });

    it("replaces arrays and scalars instead of merging them, and lets an object replace a scalar", () => {
        assert.deepEqual(deepMerge({ l: [1, 2, 3], s: "x", o: { k: 1 } }, { l: [9], s: "y", o: "flat" }), {
            l: [9],
            s: "y",
            o: "flat",
        });
        assert.deepEqual(deepMerge({ s: "x" }, { s: { k: 1 } }), { s: { k: 1 } });
    });

    it("removes a key overridden with null, at any depth", () => {
        assert.deepEqual(deepMerge({ a: { b: 1, c: 2 }, d: 3 }, { a: { b: null }, d: null }), {
            a: { c: 2 },
        });
        assert.deepEqual(deepMerge({ a: 1 }, { missing: null }), { a: 1 });
    });

    it("applies layers in order and skips absent ones", () => {
        assert.deepEqual(deepMerge({ a: 1 }, { a: 2 }, undefined, { a: 3, b: 1 }), { a: 3, b: 1 });
    });

    it("modifies no input and shares no object with them", () => {
        const base: Doc = { a: { b: [1, { c: 1 }] } };
        const override: Doc = { x: { y: [2] } };
        const snapshot = JSON.stringify([base, override]);
        const merged = deepMerge(base, override) as Obj;
        merged.a.b[1].c = 99;
        merged.x.y.push(3);
        assert.equal(JSON.stringify([base, override]), snapshot);
    });

    it("refuses prototype keys instead of polluting every object", () => {
        const evil = JSON.parse('{"a": {"__proto__": {"polluted": true}}}') as Doc;
        assert.throws(() => deepMerge({ a: {} }, evil), /"__proto__" at a is not allowed/);
        assert.equal(({} as Obj).polluted, undefined);
    });
});

describe("prow naming", () => {
    it("applies the prefix, and nothing without one", () => {
        assert.equal(prowNaming("staging-").name("deck"), "staging-deck");
        assert.equal(prowNaming("").name("deck"), "deck");
    });

    it("reports names a prefix makes invalid, with CronJobs held to 52 characters", () => {
        const rules = [
            { base: "deck", max: 63 },
            { base: "branch-protector", max: CRONJOB_NAME_MAX },
        ];
        assert.deepEqual(invalidNames(prowNaming("staging-"), rules), []);
        assert.match(invalidNames(prowNaming("Staging_"), rules)[0], /"Staging_deck" is not a DNS label/);
        const long = `${"a".repeat(39)}-`;
        assert.deepEqual(invalidNames(prowNaming(long), rules), [
            `"${long}branch-protector" is longer than 52 characters`,
        ]);
    });
});

describe("prow environments (typed defaults)", () => {
    it("derives both namespaces and the prefix per environment", () => {
        const got = (["kubevirtci-testing", "ibmcloud-staging", "ibmcloud-production"] as const).map((e) => {
            const env = resolveEnvironment(minimal(e));
            return [env.names.prefix, env.namespaces.prow, env.namespaces.jobs, env.bucket];
        });
        assert.deepEqual(got, [
            ["", "kubernetes-prow", "kubernetes-prow-jobs", "kubernetes-prow"],
            ["staging-", "staging-kubevirt-prow", "staging-kubevirt-prow-jobs", "staging-kubevirt-prow"],
            ["", "kubevirt-prow", "kubevirt-prow-jobs", "kubevirt-prow"],
        ]);
    });

    it("has each environment's volumes, replicas and routes", () => {
        const testing = resolveEnvironment(minimal("kubevirtci-testing"));
        assert.deepEqual(testing.storage, {
            ghproxy: { size: "1Gi", storageClass: "local" },
            greenhouse: { size: "30Gi", storageClass: "local" },
        });
        assert.deepEqual(
            [testing.replicas.deck, testing.replicas.hook, testing.replicas["prow-controller-manager"]],
            [1, 1, 1],
        );
        assert.equal(testing.generateSecrets, true);
        const staging = resolveEnvironment(minimal("ibmcloud-staging"));
        assert.deepEqual([staging.replicas.deck, staging.replicas.hook, staging.replicas.gcsweb], [3, 4, 2]);
        assert.equal(staging.ingress.routes.hook.path, "/staging-hook");
        assert.equal(staging.ingress.routes.gcsweb.path, "/staging-gcsweb");
        assert.equal(staging.generateSecrets, false);
        const production = resolveEnvironment(minimal("ibmcloud-production"));
        assert.deepEqual(production.storage.greenhouse, {
            size: "450Gi",
            storageClass: "ibmc-vpc-block-general-purpose",
        });
        assert.deepEqual(production.refs.urls, {
            deck: "https://prow.ci.kubevirt.io",
            hook: "https://prow.ci.kubevirt.io/hook",
            gcsweb: "https://prow.ci.kubevirt.io/gcsweb",
        });
    });

    it("applies config overrides over the defaults, deriving what depends on them", () => {
        const env = resolveEnvironment(
            minimal("ibmcloud-staging", {
                prefix: "stg2-",
                namespace: "stg2-prow",
                storage: { greenhouse: { size: "5Gi" } },
                components: { deck: { replicas: 1, resources: { limits: { memory: "2Gi" } } } },
                ingress: { routes: { hook: { host: "hook.example.org" } } },
            }),
        );
        assert.deepEqual(env.namespaces, { prow: "stg2-prow", jobs: "stg2-prow-jobs" });
        assert.deepEqual(env.storage.greenhouse, {
            size: "5Gi",
            storageClass: "ibmc-vpc-block-general-purpose",
        });
        assert.equal(env.replicas.deck, 1);
        assert.deepEqual(
            [env.resources.deck.requests.memory, env.resources.deck.limits.memory],
            ["256Mi", "2Gi"],
        );
        assert.deepEqual(env.ingress.routes.hook, { host: "hook.example.org", path: "/stg2-hook" });
        assert.equal(env.refs.serviceUrl("ghproxy"), "http://stg2-ghproxy");
        assert.equal(
            env.refs.serviceUrl("docker-mirror", { fqdn: true }),
            "http://stg2-docker-mirror.stg2-prow.svc:5000",
        );
        assert.equal(
            resolveEnvironment(minimal("ibmcloud-production", { jobsNamespace: "prow-jobs" })).namespaces
                .jobs,
            "prow-jobs",
        );
    });

    it("pins Prow images to the release and the others to config", () => {
        const env = resolveEnvironment(
            minimal("ibmcloud-production", {
                release: "v20270101-0123456789",
                images: {
                    gcsweb: "k8s.gcr.io/gcsweb:v1.2.0",
                    labelSync: "r.example/label_sync:v20270101-0123456789",
                },
            }),
        );
        const prow = "us-docker.pkg.dev/k8s-infra-prow/images";
        assert.equal(env.componentImages.deck, `${prow}/deck:v20270101-0123456789`);
        assert.equal(env.componentImages.statusreconciler, `${prow}/status-reconciler:v20270101-0123456789`);
        assert.equal(
            env.componentImages["prow-controller-manager"],
            `${prow}/prow-controller-manager:v20270101-0123456789`,
        );
        // label_sync left the Prow release: it follows its own key, not the release.
        assert.equal(env.componentImages["label-sync"], "r.example/label_sync:v20270101-0123456789");
        assert.equal(
            resolveEnvironment(minimal("ibmcloud-production")).componentImages["label-sync"],
            "gcr.io/k8s-staging-test-infra/label_sync:v20260729-f66136c16c",
        );
        assert.equal(env.componentImages.gcsweb, "k8s.gcr.io/gcsweb:v1.2.0");
        assert.equal(env.componentImages["docker-mirror"], "docker.io/library/registry:2.7.1");
    });

    for (const [stack, name] of [
        ["stage", "ibmcloud-staging"],
        ["prod", "ibmcloud-production"],
    ] as const) {
        it(`${stack} stack file spells out exactly the typed ${name} defaults`, () => {
            // The committed file as written (the fixture pins its unconfirmed images, as an operator must for prod).
            const fromStack = resolveEnvironment(prowSchema.parse(readStackFile(stack).values.prow));
            const fromDefaults = resolveEnvironment(minimal(name));
            const view = (e: typeof fromStack) => ({
                ...e,
                names: e.names.prefix,
                refs: e.refs.urls,
                documentLayers: e.documentLayers[0],
            });
            assert.deepEqual(view(fromStack), view(fromDefaults));
        });
    }
});

describe("prow ingress plan", () => {
    it("rewrites paths that differ from the component's own, and asks cert-manager once per host", () => {
        const plan = ingressPlan(resolveEnvironment(minimal("ibmcloud-production")));
        assert.deepEqual(
            [plan.deck.path, plan.hook.path, plan.gcsweb.path, plan.gcsweb.pathType],
            ["/", "/hook", "/gcsweb(/|$)(.*)", "ImplementationSpecific"],
        );
        assert.equal(plan.hook.annotations!["nginx.ingress.kubernetes.io/rewrite-target"], undefined);
        assert.equal(plan.gcsweb.annotations!["nginx.ingress.kubernetes.io/rewrite-target"], "/$2");
        assert.deepEqual(
            [plan.deck, plan.hook, plan.gcsweb].map((r) => [
                r.tls.secretName,
                r.annotations!["cert-manager.io/cluster-issuer"],
            ]),
            [
                ["deck-tls", "letsencrypt"],
                ["deck-tls", undefined],
                ["deck-tls", undefined],
            ],
        );
    });

    it("gives each host its own certificate secret, prefixed", () => {
        const plan = ingressPlan(
            resolveEnvironment(
                minimal("ibmcloud-staging", {
                    ingress: {
                        tls: { mode: "cert-manager", clusterIssuer: "letsencrypt", secretName: "deck-tls" },
                    },
                }),
            ),
        );
        assert.deepEqual(
            [plan.deck, plan.hook, plan.gcsweb].map((r) => [
                r.tls.secretName,
                r.annotations!["cert-manager.io/cluster-issuer"],
            ]),
            [
                ["staging-deck-tls", "letsencrypt"],
                ["staging-deck-tls-hook", "letsencrypt"],
                ["staging-deck-tls-hook", undefined],
            ],
        );
        assert.equal(plan.hook.annotations!["nginx.ingress.kubernetes.io/rewrite-target"], "/hook");
    });

    it("routes the testing hosts without rewrites or certificates of its own", () => {
        const plan = ingressPlan(resolveEnvironment(minimal("kubevirtci-testing")));
        for (const r of [plan.deck, plan.hook, plan.gcsweb]) {
            assert.deepEqual(r.annotations, {});
            assert.equal(r.tls.secretName, undefined);
            assert.equal(r.ingressClassName, "nginx");
        }
    });
});

describe("prow documents", () => {
    it("leaves production's documents as the base (systems.md: no config overrides)", () => {
        const env = resolveEnvironment(minimal("ibmcloud-production"));
        assert.deepEqual(prowDocuments(env), baseDocuments(env.refs));
    });

    it("points staging's config at its own namespaces, bucket, URLs and prefixed objects", () => {
        const docs = prowDocuments(resolveEnvironment(minimal("ibmcloud-staging")));
        const config = docs.config as Obj;
        assert.equal(config.prowjob_namespace, "staging-kubevirt-prow-jobs");
        assert.equal(config.pod_namespace, "staging-kubevirt-prow-jobs");
        assert.equal(
            config.plank.default_decoration_configs["*"].gcs_configuration.bucket,
            "staging-kubevirt-prow",
        );
        assert.equal(config.plank.default_decoration_configs["*"].gcs_credentials_secret, "staging-gcs");
        assert.match(
            config.plank.job_url_template,
            /^https:\/\/kubevirt-stg-[0-9a-f]+-0002\.[a-z.-]+\/view\/gcs\/staging-kubevirt-prow\/\{\{if/,
        );
        // Outside its {{actions}}, the template is a URL: no whitespace (the source's folded YAML put spaces in).
        assert.ok(!/\s/.test(config.plank.job_url_template.replace(/\{\{[^}]*\}\}/g, "")));
        assert.equal(config.push_gateway.endpoint, "staging-pushgateway");
        assert.equal(
            config.presets[2].volumes[0].hostPath.path,
            "/var/lib/stdci/shared/kubevirt-images/staging-kubevirt-prow",
        );
        assert.equal(config.slack_reporter_configs, undefined);
        const plugins = docs.plugins as Obj;
        assert.deepEqual(plugins.config_updater.maps["github/ci/prow-deploy/files/jobs/**/*.yaml"], {
            name: "staging-job-config",
            clusters: { default: ["staging-kubevirt-prow"] },
        });
        assert.deepEqual(
            plugins.external_plugins.kubevirt.map((e: Obj) => e.endpoint),
            ["http://staging-needs-rebase", "http://staging-cherrypicker", "http://staging-release-blocker"],
        );
        assert.equal(
            plugins.external_plugins["kubevirt/project-infra"][0].endpoint,
            "http://staging-rehearse:9900",
        );
    });

    it("deep-merges testing's overrides without losing the base around them", () => {
        const config = prowDocuments(resolveEnvironment(minimal("kubevirtci-testing"))).config as Obj;
        assert.equal(config.tide.sync_period, "1m");
        assert.equal(config.tide.merge_method["kubevirt/kubevirt"], "merge");
        assert.equal(config.tide.queries.length, 2);
        assert.equal(config.slack_reporter_configs, undefined);
        assert.equal(config.pod_namespace, "kubernetes-prow-jobs");
    });

    it("applies the stack's document overrides last", () => {
        const docs = prowDocuments(
            resolveEnvironment(
                minimal("kubevirtci-testing", {
                    documents: {
                        config: { log_level: "info", tide: { sync_period: "5m" } },
                        mirror: { proxy: null },
                    },
                }),
            ),
        );
        assert.equal((docs.config as Obj).log_level, "info");
        assert.equal((docs.config as Obj).tide.sync_period, "5m");
        assert.equal((docs.mirror as Obj).proxy, undefined);
        assert.equal((docs.mirror as Obj).http.addr, ":5000");
    });

    it("renders YAML that parses back to the same document", () => {
        const docs = prowDocuments(resolveEnvironment(minimal("ibmcloud-production")));
        for (const doc of Object.values(docs)) assert.deepEqual(parse(renderYaml(doc)), doc);
    });

    it("renders the ConfigMaps into the namespaces that read them", () => {
        const maps = renderConfigMaps(resolveEnvironment(minimal("ibmcloud-staging")));
        assert.deepEqual(
            maps.map((m) => `${m.namespace}/${m.name}${m.seedOnly ? " (seed)" : ""}`),
            [
                "prow/config",
                "prow/plugins",
                "prow/label-config",
                "prow/mirror-config",
                "prow/pushgateway-proxy-config",
                "prow/job-config (seed)",
                "jobs/docker-daemon-mirror-config",
            ],
        );
        const daemon = maps.find((m) => m.name === "docker-daemon-mirror-config")!.data.docker;
        assert.match(
            daemon,
            /--registry-mirror=http:\/\/staging-docker-mirror\.staging-kubevirt-prow\.svc:5000 /,
        );
        assert.match(
            maps.find((m) => m.name === "pushgateway-proxy-config")!.data["default.conf"],
            /proxy_pass http:\/\/staging-pushgateway\.staging-kubevirt-prow\.svc;/,
        );
    });
});

describe("prow secrets", () => {
    it("requires every secret, except in the testing environment", () => {
        const staging = prowSecretSpecs("ibmcloud-staging", false);
        assert.equal(staging.length, 14);
        assert.deepEqual(
            staging.filter((s) => s.optional).map((s) => s.key),
            [],
        );
        assert.ok(staging.every((s) => s.key.startsWith("prow-")));
        assert.match(
            staging.find((s) => s.key === "prow-hmac-token")!.today,
            /environments\/ibmcloud-staging\/secrets\/hmac-token\/hmac/,
        );
        const testing = prowSecretSpecs("kubevirtci-testing", true);
        assert.deepEqual(
            testing.filter((s) => !s.optional).map((s) => s.key),
            ["prow-oauth-token"],
            "everything is generated on a throw-away cluster but the GitHub token",
        );
        assert.match(
            testing.find((s) => s.key === "prow-oauth-token")!.description,
            /real GitHub token of your own account with at most the read:user scope/,
        );
    });

    it("gives each variable of today's env files its own config secret, so nothing parses secret text", () => {
        const docker = PROW_SECRETS.find((d) => d.name === "kubevirtci-docker-credential")!;
        assert.deepEqual(secretEntries(docker), [
            { key: "username", configKey: "prow-kubevirtci-docker-credential-username" },
            { key: "password", configKey: "prow-kubevirtci-docker-credential-password" },
        ]);
        const hmac = PROW_SECRETS.find((d) => d.name === "hmac-token")!;
        assert.deepEqual(secretEntries(hmac), [{ key: "hmac", configKey: "prow-hmac-token" }]);
        const spec = prowSecretSpecs("ibmcloud-production", false).find(
            (p) => p.key === "prow-kubevirtci-quay-credential-password",
        )!;
        assert.match(spec.today, /secrets\/kubevirtci-quay-credential\/env \(its password= line\)/);
        assert.equal(spec.fromFile, undefined);
    });
});

describe("prow catalog and CRD", () => {
    it("lists every component of systems.md §3 once", () => {
        assert.deepEqual([...COMPONENTS.map((c) => c.name)].sort(), [
            "branch-protector",
            "cherrypicker",
            "crier",
            "deck",
            "docker-mirror",
            "gcsweb",
            "ghproxy",
            "greenhouse",
            "hook",
            "horologium",
            "label-sync",
            "needs-rebase",
            "prow-controller-manager",
            "prow-exporter",
            "pushgateway",
            "pushgateway-proxy",
            "rehearse",
            "release-blocker",
            "sinker",
            "statusreconciler",
            "tide",
        ]);
    });

    it("defines the ProwJob CRD with a structural, API-valid schema", () => {
        const crd = {
            apiVersion: "apiextensions.k8s.io/v1",
            kind: "CustomResourceDefinition",
            metadata: { name: "prowjobs.prow.k8s.io", annotations: PROWJOB_CRD_ANNOTATIONS },
            spec: prowJobCrdSpec(),
        };
        assert.deepEqual(validateObject(crd as Obj), []);
        // Without the API-review annotation the API server refuses a CRD of a *.k8s.io group.
        assert.match(
            validateObject({ ...crd, metadata: { name: crd.metadata.name } } as Obj).join(),
            /api-approved/,
        );
        const schema = (crd.spec.versions as Obj[])[0].schema.openAPIV3Schema;
        // Structural: every node declares its type.
        const untyped: string[] = [];
        const walk = (node: Obj, path: string) => {
            if (!node.type) untyped.push(path);
            for (const [k, v] of Object.entries((node.properties ?? {}) as Obj))
                walk(v as Obj, `${path}.${k}`);
            if (node.items) walk(node.items as Obj, `${path}[]`);
        };
        walk(schema, "");
        assert.deepEqual(untyped, []);
        assert.equal(schema.properties.spec["x-kubernetes-preserve-unknown-fields"], true);
        assert.equal(schema.properties.status["x-kubernetes-preserve-unknown-fields"], true);
        assert.ok(schema.properties.status.properties.state.enum.includes("pending"));
        assert.equal(ENVIRONMENTS["ibmcloud-production"].manageCrd, true);
    });
});

describe("prow jobs' docker daemon flags", () => {
    const daemonFile = (config: ProwConfig) =>
        renderConfigMaps(resolveEnvironment(config)).find((m) => m.name === "docker-daemon-mirror-config")!
            .data.docker;
    /** DOCKER_OPTS as a job's shell leaves it after sourcing the file. */
    const sourced = (file: string) =>
        execFileSync("sh", ["-c", 'eval "$(cat)"; printf %s "$DOCKER_OPTS"'], {
            input: file,
            env: {},
        }).toString();
    const mirror = "http://docker-mirror.kubevirt-prow.svc:5000";
    const programs = [
        "--data-root=/docker-graph",
        `--registry-mirror=${mirror}`,
        `--insecure-registry=${mirror}`,
    ];

    it("production's jobs keep today's IPv6 (kubevirt/project-infra@2c863fd configs/docker); staging's get none", () => {
        const words = (c: ProwConfig) => sourced(daemonFile(c)).trim().split(" ");
        assert.deepEqual(words(minimal("ibmcloud-production")), [
            ...programs,
            "--mtu=1450",
            "--ipv6",
            "--fixed-cidr-v6",
            "2001:db8:1::/64",
        ]);
        assert.ok(!words(minimal("ibmcloud-staging")).includes("--ipv6"));
        // The stack's flags replace the environment's.
        assert.deepEqual(
            words(
                minimal("ibmcloud-production", { jobsDockerFlags: { dns: ["10.0.0.10", "1.1.1.1"] } }),
            ).slice(-4),
            ["--dns", "10.0.0.10", "--dns", "1.1.1.1"],
        );
    });

    it("every flag the schema accepts reaches dockerd as written, and nothing a shell would read otherwise is accepted", () => {
        const unit = fc.constantFrom(..."aZ09:./,_@%+=-", '"', "$", "`", "\\", " ", "'", ";", "\n", "(", "*");
        const value = fc.string({ unit, minLength: 1, maxLength: 12 });
        fc.assert(
            fc.property(
                fc.dictionary(
                    fc.stringMatching(/^[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,4})?$/),
                    fc.oneof(
                        fc.constant(true as const),
                        value,
                        fc.array(value, { minLength: 1, maxLength: 3 }),
                    ),
                    { maxKeys: 4 },
                ),
                (flags) => {
                    const config = prowSchema.safeParse({
                        ...minimal("ibmcloud-staging"),
                        jobsDockerFlags: flags,
                    });
                    const values = Object.values(flags).flatMap((v) => (v === true ? [] : [v].flat()));
                    const inert = values.every((v) => /^[A-Za-z0-9:./,_@%+=-]+$/.test(v));
                    assert.equal(config.success, inert, JSON.stringify(flags));
                    if (!config.success) return;
                    const expected = Object.entries(flags).flatMap(([n, v]) =>
                        v === true ? [`--${n}`] : [v].flat().flatMap((x) => [`--${n}`, x]),
                    );
                    const words = sourced(daemonFile(config.data)).trim().split(" ");
                    assert.deepEqual(words.slice(words.length - expected.length), expected);
                },
            ),
            { numRuns: 60 },
        );
    });
});
