// Each rule of the policy pack as a plain function: a compliant and a violating resource per rule.
// (policy/index.ts is never imported here: it starts the policy server.)
import { strict as assert } from "assert";
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import * as os from "os";
import * as path from "path";
import { RULES, checkResources } from "../../policy/rules";
import { unpinnedReason } from "../../policy/rules/images";
import { memoryLimits } from "../../policy/rules/resources";
import { isSecretName, noPlainSecrets, secretValueReason } from "../../policy/rules/secrets";
import { nonRoot } from "../../policy/rules/security";
import { isDatabaseImage, isProduction, stackOf, statefulProtected } from "../../policy/rules/stateful";
import { noWildcardRbac } from "../../policy/rules/rbac";
import { publicEndpointsTls } from "../../policy/rules/tls";
import { withoutUnknowns } from "../../policy/rules/types";
import { stackIsProduction } from "../../policy/tier";
import type { PolicyInput, Rule, RuleContext } from "../../policy/rules/types";

const STAGE: RuleContext = { production: false };
const PROD: RuleContext = { production: true };

function input(type: string, props: Record<string, unknown>, protect = false): PolicyInput {
    return { type, props, urn: `urn:pulumi:prod::runbooks::${type}::x`, protect };
}

type Container = Record<string, unknown>;

/** A compliant container; `over` replaces fields. */
function container(over: Container = {}): Container {
    return {
        name: "app",
        image: "quay.io/aicoe/sesheta:v2.3.3",
        resources: { requests: { memory: "128Mi" }, limits: { memory: "256Mi" } },
        securityContext: { allowPrivilegeEscalation: false },
        ...over,
    };
}

function podSpec(containers: Container[], extra: Record<string, unknown> = {}): Record<string, unknown> {
    return { securityContext: { runAsNonRoot: true }, containers, ...extra };
}

/** An ImageStream in `namespace` whose one tag imports `image`. */
function imageStream(namespace: string, name: string, tag: string, image: string): PolicyInput {
    return input("kubernetes:image.openshift.io/v1:ImageStream", {
        metadata: { name, namespace },
        spec: { tags: [{ name: tag, from: { kind: "DockerImage", name: image } }] },
    });
}

function deployment(spec: Record<string, unknown>): PolicyInput {
    return input("kubernetes:apps/v1:Deployment", {
        metadata: { name: "sesheta", namespace: "aicoe-prod-bots" },
        spec: { template: { spec } },
    });
}

function cronJob(spec: Record<string, unknown>): PolicyInput {
    return input("kubernetes:batch/v1:CronJob", {
        metadata: { name: "kebechet", namespace: "aicoe-prod-bots" },
        spec: { schedule: "*/20 * * * *", jobTemplate: { spec: { template: { spec } } } },
    });
}

describe("policy rules", () => {
    it("are uniquely named and described", () => {
        const names = RULES.map((r) => r.name);
        assert.equal(new Set(names).size, names.length);
        assert.ok(RULES.every((r) => /^[a-z0-9-]+$/.test(r.name) && r.description.length > 10));
    });

    describe("no-plain-secrets", () => {
        const configMap = (data: Record<string, string>) =>
            input("kubernetes:core/v1:ConfigMap", {
                metadata: { name: "sesheta-configmap", namespace: "bots" },
                data,
            });

        it("passes ordinary ConfigMaps and secrets passed by reference", () => {
            const ok = configMap({
                "sesheta-verbose": "1",
                "scrum-threadkey": "scrum_standup",
                DJANGO_KEYCLOAK_SERVER_URL: "https://auth.cern.ch/auth/",
                DJANGO_KEYCLOAK_CLIENT_ID: "cms-dials-public-app",
                TOKEN_PATH: "/etc/github/oauth",
                "root-ca-cert": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
                CELERY_BROKER_URL: "redis://redis-etl-broker:6379/0",
            });
            assert.deepEqual(noPlainSecrets.check(ok, PROD), []);
            const env = [
                {
                    name: "ULTRAHOOK_API_KEY",
                    valueFrom: { secretKeyRef: { name: "ultrahook-aicoe", key: "api.key" } },
                },
                { name: "KEBECHET_SUBCOMMAND", value: "run" },
                { name: "BROKER", value: "redis://:$(REDIS_PASSWORD)@redis:6379/0" },
                { name: "GITHUB_TOKEN", value: "" },
            ];
            assert.deepEqual(noPlainSecrets.check(deployment(podSpec([container({ env })])), PROD), []);
        });

        it("fails secret-named keys, private keys and passwords in ConfigMaps", () => {
            const bad = configMap({
                "github-oauth-token": "abc",
                "api.key": "k",
                id_rsa: "x",
                notes: `-----BEGIN OPENSSH PRIVATE KEY-----\n${"b3BlbnNzaC1rZXktdjEAAAAA".repeat(6)}\n-----END OPENSSH PRIVATE KEY-----`,
                DATABASE_URI: "postgresql://dials:hunter2@dbod.cern.ch:6600/dials",
            });
            const v = noPlainSecrets.check(bad, PROD);
            assert.equal(v.length, 5, v.join("\n"));
            assert.ok(
                v.some((m) =>
                    m.includes(
                        'ConfigMap bots/sesheta-configmap: data["github-oauth-token"] is named like a secret',
                    ),
                ),
            );
            assert.ok(v.some((m) => m.includes('data["notes"] contains a PEM private key')));
            assert.ok(v.some((m) => m.includes('data["DATABASE_URI"] contains a URL with a password')));
        });

        it("fails plain env values that are secrets, in init containers and CronJobs too", () => {
            const env = [{ name: "DJANGO_SECRET_KEY", value: "s3cr3t" }];
            const init = container({
                name: "migrate",
                env: [{ name: "TOKEN", value: "ghp_0123456789abcdefghijklmnopqrstuvwxyzAB" }],
            });
            const v = noPlainSecrets.check(
                cronJob(podSpec([container({ env })], { initContainers: [init] })),
                PROD,
            );
            assert.deepEqual(v, [
                'CronJob aicoe-prod-bots/kebechet: container "migrate" env TOKEN is named like a secret but has a plain value; use valueFrom.secretKeyRef',
                'CronJob aicoe-prod-bots/kebechet: container "app" env DJANGO_SECRET_KEY is named like a secret but has a plain value; use valueFrom.secretKeyRef',
            ]);
        });

        it("tells secret names from names that only mention one", () => {
            for (const n of [
                "DJANGO_SECRET_KEY",
                "ssh-privatekey",
                "github-webhook-secret",
                "FLOWER_BASIC_AUTH",
                "tls.key",
                "DJANGO_KEYTAB_PWD",
                "sentry-dsn",
            ]) {
                assert.ok(isSecretName(n), n);
            }
            for (const n of [
                "KEY_FPATH",
                "DJANGO_KEYCLOAK_REALM",
                "apiKeySecretName",
                "PWD",
                "access-key-id",
                "QUEUE_NAME_PREFIX",
                "cat-api-key-file",
            ]) {
                assert.ok(!isSecretName(n), n);
            }
            assert.equal(secretValueReason("https://example.org/path"), undefined);
        });

        // One value per token format the maintained rule set (secretlint's recommended preset) must recognise.
        // The tokens are assembled from parts so that no scanner mistakes this file for a leak.
        const FORMATS: Record<string, [string, RegExp]> = {
            "GitHub classic token": [`ghp_${"A1b2C3d4E5".repeat(3)}F6g7H8`, /access token \(github\)/],
            "GitHub fine-grained token": [
                `github_pat_${"1".repeat(22)}_${"a".repeat(59)}`,
                /access token \(github\)/,
            ],
            "GitLab token": [`glpat-${"aB3dE5fG7hJ9kL1mN3pQ"}`, /access token \(gitlab\)/],
            "Slack token": [
                `xoxb-${"123456789012"}-${"1234567890123"}-${"AbCdEfGhIjKlMnOpQrStUvWx"}`,
                /access token \(slack\)/,
            ],
            "AWS access key id": [`AKIA${"QYLPMN5HHHFPZAM2"}`, /access token \(aws\)/],
            "RSA private key": [
                `-----BEGIN RSA ${"PRIVATE"} KEY-----\n${"MIIEpAIBAAKCAQEA".repeat(8)}\n-----END RSA ${"PRIVATE"} KEY-----`,
                /PEM private key/,
            ],
            "URL with a password": ["https://deploy:hunter2@git.example.org/repo.git", /URL with a password/],
            "database URL with a password": [
                "postgres://dials:hunter2@db.example.org:6600/dials",
                /URL with a password/,
            ],
        };
        for (const [format, [value, reason]] of Object.entries(FORMATS)) {
            it(`recognises a ${format} by its format`, () => {
                assert.match(secretValueReason(value) ?? "not recognised", reason);
            });
        }

        it("leaves environment references in URLs and ordinary values alone", () => {
            assert.equal(secretValueReason("redis://:$(REDIS_PASSWORD)@redis:6379/0"), undefined);
            assert.equal(secretValueReason("https://user:${PASSWORD}@example.org"), undefined);
            assert.equal(secretValueReason("quay.io/thoth-station/kebechet-job:v1.6.8"), undefined);
        });

        it("catches a GitHub token in a ConfigMap under an innocent key", () => {
            const v = noPlainSecrets.check(
                configMap({ settings: `token: ghp_${"A1b2C3d4E5".repeat(3)}F6g7H8` }),
                PROD,
            );
            assert.equal(v.length, 1, v.join("\n"));
            assert.match(v[0], /data\["settings"\] contains an access token \(github\); put it in a Secret/);
        });
    });

    describe("memory-limits", () => {
        it("passes when every container, init containers included, has a memory limit", () => {
            assert.deepEqual(
                memoryLimits.check(
                    deployment(podSpec([container()], { initContainers: [container({ name: "init" })] })),
                    PROD,
                ),
                [],
            );
            assert.deepEqual(memoryLimits.check(input("kubernetes:core/v1:Service", { spec: {} }), PROD), []);
        });

        it("fails each container without one, naming the field", () => {
            const noLimit = container({
                name: "nolimit",
                resources: { requests: { memory: "1Gi" }, limits: { cpu: "1" } },
            });
            const init = container({ name: "init", resources: undefined });
            assert.deepEqual(
                memoryLimits.check(cronJob(podSpec([noLimit], { initContainers: [init] })), PROD),
                [
                    'CronJob aicoe-prod-bots/kebechet: init container "init" has no memory limit (spec.jobTemplate.spec.template.spec.initContainers[0].resources.limits.memory)',
                    'CronJob aicoe-prod-bots/kebechet: container "nolimit" has no memory limit (spec.jobTemplate.spec.template.spec.containers[0].resources.limits.memory)',
                ],
            );
            const pod = input("kubernetes:core/v1:Pod", {
                metadata: { name: "p" },
                spec: { containers: [{ name: "c", image: "a:1" }] },
            });
            assert.equal(memoryLimits.check(pod, PROD).length, 1);
        });
    });

    describe("non-root", () => {
        it("passes runAsNonRoot at pod level (OpenShift restricted SCC picks the UID) or a non-zero UID per container", () => {
            assert.deepEqual(nonRoot.check(deployment(podSpec([container()])), PROD), []);
            const perContainer = {
                containers: [
                    container({ securityContext: { runAsUser: 1001, allowPrivilegeEscalation: false } }),
                ],
            };
            assert.deepEqual(nonRoot.check(deployment(perContainer), PROD), []);
        });

        it("fails a pod that may run as root, UID 0, privileged containers and privilege escalation", () => {
            assert.deepEqual(nonRoot.check(deployment({ containers: [container()] }), PROD), [
                'Deployment aicoe-prod-bots/sesheta: container "app" may run as root; set securityContext.runAsNonRoot: true on the pod (spec.template.spec.securityContext) or the container',
            ]);
            const bad = podSpec([
                container({ name: "root", securityContext: { runAsUser: 0 } }),
                container({
                    name: "priv",
                    securityContext: { privileged: true, allowPrivilegeEscalation: true },
                }),
                container({ name: "optout", securityContext: { runAsNonRoot: false } }),
            ]);
            assert.deepEqual(nonRoot.check(deployment(bad), PROD), [
                'Deployment aicoe-prod-bots/sesheta: container "root" runs as UID 0 (runAsUser: 0)',
                'Deployment aicoe-prod-bots/sesheta: container "priv" is privileged',
                'Deployment aicoe-prod-bots/sesheta: container "priv" allows privilege escalation (allowPrivilegeEscalation: true)',
                'Deployment aicoe-prod-bots/sesheta: container "optout" may run as root; set securityContext.runAsNonRoot: true on the pod (spec.template.spec.securityContext) or the container',
            ]);
        });
    });

    describe("pinned-images", () => {
        it("passes tags other than latest, digests, and registries with ports", () => {
            for (const image of [
                "quay.io/aicoe/sesheta:v2.3.3",
                "image-registry.openshift-image-registry.svc:5000/packit-stg/packit-service:stg",
                `registry.cern.ch/cms-dqmdc/dials-backend@sha256:${"a".repeat(64)}`,
            ]) {
                assert.equal(unpinnedReason(image), undefined, image);
            }
            const stream = imageStream(
                "packit-stg",
                "packit-service",
                "stg",
                "quay.io/packit/packit-service:stg",
            );
            assert.deepEqual(pinnedImages(stream), []);
        });

        it("fails latest, a missing tag (registry port is not a tag) and ImageStreams importing latest", () => {
            const v = pinnedImages(
                deployment(
                    podSpec([
                        container({ image: "quay.io/aicoe/sesheta:latest" }),
                        container({ name: "b", image: "localhost:5000/app" }),
                    ]),
                ),
            );
            assert.deepEqual(v, [
                'Deployment aicoe-prod-bots/sesheta: container "app" image "quay.io/aicoe/sesheta:latest" uses the tag "latest"',
                'Deployment aicoe-prod-bots/sesheta: container "b" image "localhost:5000/app" has no tag (which means latest)',
            ]);
            const stream = imageStream(
                "cms-dials-prod",
                "dials-etl",
                "prod",
                "registry.cern.ch/cms-dqmdc/dials-etl",
            );
            assert.deepEqual(pinnedImages(stream), [
                'ImageStream cms-dials-prod/dials-etl: tag "prod" imports "registry.cern.ch/cms-dqmdc/dials-etl", which has no tag (which means latest)',
            ]);
        });

        it("checks the templates of Argo's kinds too: a CronWorkflow's container, script, init containers, sidecars", () => {
            const templates = [
                { name: "a", container: { image: "quay.io/x/a:latest" } },
                { name: "b", script: { image: "quay.io/x/b" }, sidecars: [{ image: "quay.io/x/c:v1" }] },
                { name: "c", initContainers: [{ image: "quay.io/x/d:latest" }] },
            ];
            const cron = input("kubernetes:argoproj.io/v1alpha1:CronWorkflow", {
                metadata: { name: "refresh", namespace: "thoth-test-core" },
                spec: { workflowSpec: { templates } },
            });
            assert.deepEqual(pinnedImages(cron), [
                'CronWorkflow thoth-test-core/refresh: spec.workflowSpec.templates[0].container image "quay.io/x/a:latest" uses the tag "latest"',
                'CronWorkflow thoth-test-core/refresh: spec.workflowSpec.templates[1].script image "quay.io/x/b" has no tag (which means latest)',
                'CronWorkflow thoth-test-core/refresh: spec.workflowSpec.templates[2].initContainers[0] image "quay.io/x/d:latest" uses the tag "latest"',
            ]);
            const template = input("kubernetes:argoproj.io/v1alpha1:WorkflowTemplate", {
                metadata: { name: "send", namespace: "thoth-test-core" },
                spec: { templates },
            });
            assert.equal(pinnedImages(template).length, 3);
        });

        function pinnedImages(r: PolicyInput): string[] {
            return (RULES.find((rule) => rule.name === "pinned-images") as Rule).check(r, PROD);
        }
    });

    describe("stateful-protected-in-prod", () => {
        const pvc = (protect: boolean) =>
            input(
                "kubernetes:core/v1:PersistentVolumeClaim",
                { metadata: { name: "redis-pvc", namespace: "packit-prod" } },
                protect,
            );

        it("passes protected stateful resources in prod, and anything in stage", () => {
            assert.deepEqual(statefulProtected.check(pvc(true), PROD), []);
            assert.deepEqual(statefulProtected.check(pvc(false), STAGE), []);
            assert.deepEqual(statefulProtected.check(deployment(podSpec([container()])), PROD), []);
        });

        it("fails unprotected PVCs, volumes, DNS zones and database workloads in prod", () => {
            assert.deepEqual(statefulProtected.check(pvc(false), PROD), [
                "PersistentVolumeClaim packit-prod/redis-pvc is a PersistentVolumeClaim but is not protected in production; create it with statefulOptions(ctx.protectStateful)",
            ]);
            assert.equal(
                statefulProtected.check(input("openstack:blockstorage/volume:Volume", { size: 250 }), PROD)
                    .length,
                1,
            );
            assert.equal(
                statefulProtected.check(
                    input("openstack:blockstorage/volumeV3:VolumeV3", { size: 250 }),
                    PROD,
                ).length,
                1,
            );
            assert.match(
                statefulProtected.check(input("openstack:dns/zone:Zone", { name: "callysto.ca." }), PROD)[0],
                /is a DNS zone/,
            );
            const postgres = deployment(
                podSpec([container({ name: "postgres", image: "quay.io/sclorg/postgresql-15-c9s:c9s" })]),
            );
            assert.match(
                statefulProtected.check(postgres, PROD)[0],
                /runs a database \(container "postgres"/,
            );
            const sts = input("kubernetes:apps/v1:StatefulSet", {
                metadata: { name: "w" },
                spec: {
                    volumeClaimTemplates: [{}],
                    persistentVolumeClaimRetentionPolicy: { whenDeleted: "Delete" },
                    template: { spec: podSpec([container()]) },
                },
            });
            assert.match(statefulProtected.check(sts, PROD)[0], /deletes its volume claims/);
            const ns = (protect: boolean) =>
                input("kubernetes:core/v1:Namespace", { metadata: { name: "packit-prod" } }, protect);
            assert.match(statefulProtected.check(ns(false), PROD)[0], /deletes every claim inside it/);
            assert.deepEqual(statefulProtected.check(ns(true), PROD), []);
        });

        it("decides production by the stack name in the URN, which neither its tier nor pack config can lower", () => {
            assert.equal(
                stackOf("urn:pulumi:prod::runbooks::kubernetes:core/v1:PersistentVolumeClaim::x"),
                "prod",
            );
            assert.equal(isProduction("urn:pulumi:prod::runbooks::t::x", {}, stackIsProduction), true);
            assert.equal(isProduction("urn:pulumi:stage::runbooks::t::x", {}, stackIsProduction), false);
            assert.equal(
                isProduction("urn:pulumi:stage::runbooks::t::x", { production: true }, stackIsProduction),
                true,
            );
            // Finding 1 of #25: pack config `production: false` lowered prod's rules.
            assert.equal(
                isProduction("urn:pulumi:prod::runbooks::t::x", { production: false }, stackIsProduction),
                true,
            );
            const dir = mkdtempSync(path.join(os.tmpdir(), "policy-tier-"));
            try {
                writeFileSync(path.join(dir, "Pulumi.prod.yaml"), "config:\n  runbooks:tier: staging\n");
                writeFileSync(path.join(dir, "Pulumi.live.yaml"), "config:\n  runbooks:tier: production\n");
                writeFileSync(path.join(dir, "Pulumi.dev.yaml"), "config:\n  runbooks:tier: local\n");
                // Finding 1 of #25: `runbooks:tier: staging` in Pulumi.prod.yaml turned the pack's production off.
                assert.equal(stackIsProduction("prod", dir), true);
                assert.equal(stackIsProduction("live", dir), true);
                assert.equal(stackIsProduction("dev", dir), false);
                // No stack file, no tier: the strict side.
                assert.equal(stackIsProduction("gone", dir), true);
            } finally {
                rmSync(dir, { recursive: true, force: true });
            }
            assert.ok(
                isDatabaseImage("docker.io/library/postgres:15") && isDatabaseImage("dgraph/dgraph:v1.0.15"),
            );
            assert.ok(
                !isDatabaseImage("quay.io/sclorg/redis-7-c9s:c9s") &&
                    !isDatabaseImage("quay.io/packit/packit-worker:prod"),
            );
        });
    });

    describe("no-wildcard-rbac", () => {
        const role = (rules: unknown[], kind = "Role") =>
            input(`kubernetes:rbac.authorization.k8s.io/v1:${kind}`, {
                metadata: { name: "deck", namespace: "kubevirt-prow" },
                rules,
            });

        it("passes named verbs, resources and groups", () => {
            assert.deepEqual(
                noWildcardRbac.check(
                    role([
                        {
                            apiGroups: ["prow.k8s.io"],
                            resources: ["prowjobs"],
                            verbs: ["get", "list", "watch"],
                        },
                    ]),
                    PROD,
                ),
                [],
            );
        });

        it("fails '*' in verbs, resources or apiGroups of Roles and ClusterRoles", () => {
            const v = noWildcardRbac.check(
                role(
                    [
                        { apiGroups: ["*"], resources: ["pods"], verbs: ["*"] },
                        { apiGroups: [""], resources: ["*"], verbs: ["get"] },
                    ],
                    "ClusterRole",
                ),
                PROD,
            );
            assert.deepEqual(v, [
                'ClusterRole kubevirt-prow/deck: rules[0].apiGroups contains "*"',
                'ClusterRole kubevirt-prow/deck: rules[0].verbs contains "*"',
                'ClusterRole kubevirt-prow/deck: rules[1].resources contains "*"',
            ]);
        });
    });

    describe("public-endpoints-tls", () => {
        const route = (tls: unknown) =>
            input("kubernetes:route.openshift.io/v1:Route", {
                metadata: { name: "packit-service", namespace: "packit-prod" },
                spec: { host: "prod.packit.dev", tls },
            });
        const ingress = (tls: unknown[]) =>
            input("kubernetes:networking.k8s.io/v1:Ingress", {
                metadata: { name: "deck", namespace: "kubevirt-prow" },
                spec: { tls, rules: [{ host: "prow.ci.kubevirt.io" }] },
            });

        it("passes Routes with TLS that redirect plain HTTP and Ingresses whose TLS covers every host", () => {
            assert.deepEqual(
                publicEndpointsTls.check(
                    route({ termination: "passthrough", insecureEdgeTerminationPolicy: "Redirect" }),
                    PROD,
                ),
                [],
            );
            assert.deepEqual(
                publicEndpointsTls.check(
                    ingress([{ hosts: ["prow.ci.kubevirt.io"], secretName: "deck-tls" }]),
                    PROD,
                ),
                [],
            );
        });

        it("fails Routes without TLS or allowing HTTP, and Ingresses without TLS for a host", () => {
            assert.deepEqual(publicEndpointsTls.check(route(undefined), PROD), [
                "Route packit-prod/packit-service: no TLS (set spec.tls.termination to edge, passthrough or reencrypt)",
            ]);
            assert.match(
                publicEndpointsTls.check(
                    route({ termination: "edge", insecureEdgeTerminationPolicy: "Allow" }),
                    PROD,
                )[0],
                /serves plain HTTP too/,
            );
            assert.deepEqual(publicEndpointsTls.check(ingress([]), PROD), [
                "Ingress kubevirt-prow/deck: no TLS (spec.tls is empty)",
            ]);
            assert.deepEqual(publicEndpointsTls.check(ingress([{ hosts: ["other.example.org"] }]), PROD), [
                "Ingress kubevirt-prow/deck: host prow.ci.kubevirt.io is not covered by spec.tls",
            ]);
        });
    });

    it("leaves out values unknown in a preview (the policy SDK throws when they are read), keeping the rest", () => {
        const unknownAt = (obj: Record<string, unknown>, key: string) =>
            new Proxy(obj, {
                get: (t, k) =>
                    k === key
                        ? (() => {
                              throw new Error("unknown");
                          })()
                        : t[k as string],
            });
        const props = {
            metadata: unknownAt({ name: "a", namespace: "?" }, "namespace"),
            spec: { list: [1, unknownAt({ x: 1 }, "x")] },
        };
        assert.deepEqual(withoutUnknowns(props), { metadata: { name: "a" }, spec: { list: [1, {}] } });
    });

    it("checkResources runs every rule and names the rule and resource of each violation", () => {
        const bad = deployment({ containers: [container({ image: "app", resources: {} })] });
        const v = checkResources([bad], PROD);
        assert.deepEqual(
            v.map((x) => x.rule),
            // The stack rule too: the Deployment's namespace has no default deny.
            ["memory-limits", "non-root", "pinned-images", "cpu-requests", "default-deny-ingress"],
        );
        assert.ok(v.every((x) => x.urn === bad.urn));
    });
});
