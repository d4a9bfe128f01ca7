import { TODAY_RELEASE } from "../../components/prow/release";
import { strict as assert } from "assert";
import { parse } from "yaml";
import { RecordedResource } from "../../tools/mocks/recorder";
import { duplicateObjects, validateObject } from "../oracles/validate/k8s";
import { READS_CHECKSUM_ANNOTATION } from "../../components/shared/startupReads";
import {
    RecordedPlanResource,
    objectId,
    recordedResources,
    renderedObjects,
    stackPlan,
} from "../fixtures/plans";
import { runSystem } from "../fixtures/system";
import { recordingPins } from "../fixtures/runningReleases";
import { COMPONENT_NAMES } from "../../components/prow/componentNames";
import { PROW, PROW_SECRET_VALUES, TESTING_SECRETS, k8sResources, toTesting } from "./helpers";
import { Reference, referencesOf } from "./references";

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
type Env = "testing" | "staging" | "production";

/** What the cases read of a resource, alike in an evaluation and in the plan of a committed stack. */
type Resource = RecordedResource | RecordedPlanResource;

const runs = {} as Record<Env, Resource[]> & { staging: RecordedResource[]; testing: RecordedResource[] };
const objects = (env: Env): Obj[] => k8sResources(runs[env]).map((r) => r.inputs as Obj);
const ofKind = (env: Env, kind: string): Obj[] => objects(env).filter((o) => o.kind === kind);
function find(env: Env, kind: string, name: string): Obj {
    const found = ofKind(env, kind).filter((o) => o.metadata.name === name);
    assert.equal(found.length, 1, `expected one ${kind} ${name} in ${env}, found ${found.length}`);
    return found[0];
}
const podOf = (o: Obj): Obj =>
    o.kind === "CronJob" ? o.spec.jobTemplate.spec.template.spec : o.spec.template.spec;
const ENVS: Env[] = ["testing", "staging", "production"];

/** References whose value lacks the prefix; the CRD's name is fixed by the API (`<plural>.<group>`). */
function unprefixed(env: Env, prefix: string): Reference[] {
    return (
        objects(env)
            .filter((o) => o.kind !== "CustomResourceDefinition")
            // A NetworkPolicy's own name is derived per namespace (default-deny-ingress, allow-to-<its Service's
            // prefixed name>): one per namespace, and staging's namespaces are its own, so no prefix is needed.
            .flatMap((o) =>
                referencesOf(o).filter(
                    (r) => !(o.kind === "NetworkPolicy" && r.where.endsWith("metadata.name")),
                ),
            )
            .filter((r) => !r.value.startsWith(prefix))
    );
}

/** Prow's objects in the run's plan of a committed stack, with the providers they use. */
async function plannedProw(stack: "stage" | "prod"): Promise<RecordedPlanResource[]> {
    const resources = recordedResources(await stackPlan(stack));
    const prow = resources.filter((r) => r.system === "prow");
    const providers = new Set(prow.map((r) => r.provider));
    return resources.filter((r) => r.system === "prow" || providers.has(r.urn));
}

/**
 * Production's Kubernetes objects as the run's plan renders them for `kubectl apply` (renderedObjects): Prow's own,
 * every one of them once.
 */
function renderedProduction(): Promise<Obj[]> {
    return renderedObjects("prod", "ibmcloud-prow", objects("production").map(objectId));
}

/**
 * Each environment once for this file's suites (the first to ask runs them). Production is what the committed prod
 * stack deploys (Prow's section has no operator placeholder), so it is the run's plan of it: its Secrets' values are
 * masked there, and only the staging case reads Secret values (evaluated, with recognisable ones). Staging and testing
 * are evaluated.
 */
let evaluated: Promise<void> | undefined;
function evaluateEnvironments(): Promise<void> {
    evaluated ??= (async () => {
        runs.staging = [...(await runSystem(PROW, "stage"))];
        runs.production = await plannedProw("prod");
        runs.testing = [...(await runSystem(PROW, "stage", toTesting(), TESTING_SECRETS))];
    })();
    return evaluated;
}

/** Where today's Prow images are pulled from (kubevirt/project-infra@2c863fd prow-deploy manifests). */
const PROW_IMAGES = "us-docker.pkg.dev/k8s-infra-prow/images";

describe("prow environments (whole program under mocks)", function () {
    this.timeout(120000);

    before(evaluateEnvironments);

    it("creates each environment's two namespaces and puts every object in one of them", () => {
        const expected: Record<Env, string[]> = {
            testing: ["kubernetes-prow", "kubernetes-prow-jobs"],
            staging: ["staging-kubevirt-prow", "staging-kubevirt-prow-jobs"],
            production: ["kubevirt-prow", "kubevirt-prow-jobs"],
        };
        for (const env of ENVS) {
            const namespaces = ofKind(env, "Namespace").map((n) => n.metadata.name);
            assert.deepEqual(namespaces.sort(), expected[env]);
            for (const o of objects(env)) {
                if (o.kind === "Namespace" || o.kind === "CustomResourceDefinition") continue;
                assert.ok(
                    namespaces.includes(o.metadata.namespace),
                    `${env}: ${o.kind} ${o.metadata.name} in ${o.metadata.namespace}`,
                );
            }
        }
    });

    it("sizes the ghproxy and greenhouse volumes per environment", () => {
        const expected: Record<Env, Record<string, [string, string]>> = {
            testing: { ghproxy: ["1Gi", "local"], greenhouse: ["30Gi", "local"] },
            staging: {
                "staging-ghproxy": ["1Gi", "ibmc-vpc-block-general-purpose"],
                "staging-greenhouse": ["1Gi", "ibmc-vpc-block-general-purpose"],
            },
            production: {
                ghproxy: ["30Gi", "ibmc-vpc-block-general-purpose"],
                greenhouse: ["450Gi", "ibmc-vpc-block-general-purpose"],
            },
        };
        for (const env of ENVS) {
            const pvcs = Object.fromEntries(
                ofKind(env, "PersistentVolumeClaim").map((p) => [
                    p.metadata.name,
                    [p.spec.resources.requests.storage, p.spec.storageClassName],
                ]),
            );
            assert.deepEqual(pvcs, expected[env], env);
        }
    });

    it("protects the volumes in production only, and never deletes the ProwJob CRD", () => {
        for (const [env, protect] of [
            ["production", true],
            ["staging", false],
            ["testing", false],
        ] as const) {
            const pvcs = k8sResources(runs[env]).filter(
                (r) => r.type === "kubernetes:core/v1:PersistentVolumeClaim",
            );
            assert.equal(pvcs.length, 2);
            for (const p of pvcs) {
                assert.equal(p.protect, protect, `${env} ${p.name}`);
                assert.equal(p.retainOnDelete, protect, `${env} ${p.name}`);
            }
            const crds = k8sResources(runs[env]).filter(
                (r) => r.type === "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition",
            );
            if (env === "staging") {
                // The production stack owns the shared cluster's CRD; staging neither creates nor deletes it.
                assert.equal(crds.length, 0);
            } else {
                assert.equal(crds.length, 1);
                assert.equal(crds[0].retainOnDelete, true);
            }
        }
    });

    it("runs staging dry: no GitHub-acting component comments, labels, merges or triggers jobs but hook, which cannot run dry", () => {
        const argsByWorkload = (env: Env) =>
            k8sResources(runs[env])
                .filter((r) =>
                    ["kubernetes:apps/v1:Deployment", "kubernetes:batch/v1:CronJob"].includes(r.type),
                )
                .map((r) => {
                    const spec = r.type.endsWith("CronJob")
                        ? (r.inputs.spec as Obj).jobTemplate.spec.template.spec
                        : (r.inputs.spec as Obj).template.spec;
                    const args = (spec.containers as Obj[]).flatMap((c) => (c.args ?? []) as string[]);
                    return { name: (r.inputs.metadata as Obj).name as string, args };
                });
        const args = (env: Env) => argsByWorkload(env).flatMap((w) => w.args);
        const staging = args("staging");
        assert.ok(staging.filter((a) => a === "--dry-run=true").length >= 7);
        // hook exits at start when dry at the pinned release (its infrastructure client is refused in dry-run mode):
        // it is the one component that acts, and only on webhooks registered for staging's own host.
        assert.deepEqual(
            argsByWorkload("staging")
                .filter((w) => w.args.includes("--dry-run=false"))
                .map((w) => w.name),
            ["staging-hook"],
        );
        // Today's dry controllers read ProwJobs from the cluster themselves: the release defines no --deck-url
        // (kubernetes-sigs/prow@7593870dc:pkg/flagutil/kubernetes_cluster_clients.go:186-192).
        for (const name of ["staging-tide", "staging-horologium", "staging-sinker"]) {
            const w = argsByWorkload("staging").find((x) => x.name === name);
            assert.ok(w, name);
            assert.ok(w.args.includes("--dry-run=true"), name);
            assert.deepEqual(
                w.args.filter((a) => a.startsWith("--deck-url")),
                [],
                name,
            );
        }
        // status-reconciler cannot run dry at the release and would act if not dry: a dry Prow runs none, production
        // and the testing environment run one.
        const names = (env: Env) => argsByWorkload(env).map((w) => w.name);
        assert.ok(!names("staging").some((n) => n.includes("statusreconciler")), names("staging").join(", "));
        assert.ok(names("production").includes("statusreconciler"));
        assert.ok(names("testing").includes("statusreconciler"));
        assert.ok(!staging.some((a) => a === "--confirm" || a === "--confirm=true"));
        assert.ok(staging.includes("--confirm=false"));
        const production = args("production");
        assert.ok(!production.includes("--dry-run=true"));
        assert.ok(production.includes("--confirm=true"));
    });

    it("seeds a test presubmit only on a throw-away cluster, and keeps the live job-config when taking over (issue 68)", async () => {
        const jobConfig = (env: Env) =>
            ofKind(env, "ConfigMap").find((o) => /(^|-)job-config$/.test(o.metadata.name));
        assert.match(jobConfig("testing")?.data["test_job_config.yaml"], /testorg\/testrepo/);
        for (const env of ["staging", "production"] as const)
            assert.deepEqual(parse(jobConfig(env)?.data["test_job_config.yaml"]), {}, env);
        // Taking over: applied without its content, so server-side apply leaves config-updater's jobs in place.
        const takeover = (v: Record<string, unknown>) => {
            const clusters = v.clusters as Record<string, Obj>;
            for (const c of Object.values(clusters)) c.adoptExisting = true;
            // The report's document changes read (./config.test.ts: the gate itself).
            (v.prow as Obj).liveDocumentsCompared = true;
        };
        const adopting = await runSystem(PROW, "stage", await recordingPins(PROW, "stage", takeover));
        const configMaps = k8sResources(adopting)
            .map((r) => r.inputs as Obj)
            .filter((o) => o.kind === "ConfigMap");
        const seeded = configMaps.find((o) => o.metadata.name === "staging-job-config");
        assert.ok(seeded);
        assert.equal(seeded.data, undefined);
        // Every document the program owns is still written.
        assert.ok(configMaps.filter((o) => o !== seeded).every((o) => o.data !== undefined));
    });

    it("runs crier's Slack reporter only where config.yaml keeps slack_reporter_configs (crier exits at start without them)", () => {
        for (const env of ENVS) {
            const p = env === "staging" ? "staging-" : "";
            const config = parse(find(env, "ConfigMap", `${p}config`).data["config.yaml"]);
            const args: string[] = podOf(find(env, "Deployment", `${p}crier`)).containers[0].args;
            const reports =
                config.slack_reporter_configs !== undefined && config.slack_reporter_configs !== null;
            assert.equal(reports, env === "production", env);
            assert.equal(args.includes("--slack-workers=1"), reports, env);
        }
    });

    it("runs each environment's replica counts", () => {
        const replicas = (env: Env, base: string) =>
            find(env, "Deployment", `${env === "staging" ? "staging-" : ""}${base}`).spec.replicas;
        assert.deepEqual(
            ENVS.map((env) =>
                ["deck", "hook", "prow-controller-manager", "gcsweb", "ghproxy"].map((c) => replicas(env, c)),
            ),
            [
                [1, 1, 1, 2, 1],
                [3, 4, 1, 2, 1],
                [3, 4, 1, 2, 1],
            ],
        );
    });

    it("routes deck, hook and gcsweb on each environment's ingress class, hosts and paths", () => {
        const routes = (env: Env) =>
            ofKind(env, "Ingress")
                .map((i) => {
                    const path = i.spec.rules[0].http.paths[0];
                    return [
                        i.spec.ingressClassName,
                        i.spec.rules[0].host,
                        path.path,
                        path.backend.service.name,
                    ].join(" ");
                })
                .sort();
        assert.deepEqual(routes("testing"), [
            "nginx deck.prowdeploy.ci / deck",
            "nginx gcsweb.prowdeploy.ci / gcsweb",
            "nginx hook.prowdeploy.ci /hook hook",
        ]);
        const stg = "kubevirt-stg-aa0fc76a511b88d3d7a618e3072828e1";
        assert.deepEqual(routes("staging"), [
            `public-iks-k8s-nginx ${stg}-0000.us-south.containers.appdomain.cloud /staging-gcsweb(/|$)(.*) staging-gcsweb`,
            `public-iks-k8s-nginx ${stg}-0000.us-south.containers.appdomain.cloud /staging-hook staging-hook`,
            `public-iks-k8s-nginx ${stg}-0002.us-south.containers.appdomain.cloud / staging-deck`,
        ]);
        assert.deepEqual(routes("production"), [
            "public-iks-k8s-nginx prow.ci.kubevirt.io / deck",
            "public-iks-k8s-nginx prow.ci.kubevirt.io /gcsweb(/|$)(.*) gcsweb",
            "public-iks-k8s-nginx prow.ci.kubevirt.io /hook hook",
        ]);
        // Staging's hook still receives /hook.
        assert.equal(
            find("staging", "Ingress", "staging-hook").metadata.annotations[
                "nginx.ingress.kubernetes.io/rewrite-target"
            ],
            "/hook",
        );
    });

    it("uses cert-manager's letsencrypt issuer and deck-tls in production, the controller's certificate elsewhere", () => {
        for (const i of ofKind("production", "Ingress")) {
            assert.equal(i.spec.tls[0].secretName, "deck-tls");
            const issuer = i.metadata.annotations["cert-manager.io/cluster-issuer"];
            assert.equal(issuer, i.metadata.name === "deck" ? "letsencrypt" : undefined, i.metadata.name);
        }
        for (const env of ["testing", "staging"] as const) {
            for (const i of ofKind(env, "Ingress")) {
                assert.equal(i.spec.tls[0].secretName, undefined);
                assert.equal(i.metadata.annotations["cert-manager.io/cluster-issuer"], undefined);
            }
        }
    });

    it("serves each environment's bucket from gcsweb and keeps tide's state there", () => {
        const expected: Record<Env, string> = {
            testing: "kubernetes-prow",
            staging: "staging-kubevirt-prow",
            production: "kubevirt-prow",
        };
        for (const env of ENVS) {
            const p = env === "staging" ? "staging-" : "";
            assert.ok(
                podOf(find(env, "Deployment", `${p}gcsweb`)).containers[0].args.includes(
                    `-b=${expected[env]}`,
                ),
            );
            // A throw-away cluster's generated GCS key is no key: its tide keeps history and status in memory, as
            // reading them from the bucket at start would exit (found by the e2e start check).
            const tideArgs: string[] = podOf(find(env, "Deployment", `${p}tide`)).containers[0].args;
            assert.equal(
                tideArgs.includes(`--history-uri=gs://${expected[env]}/tide-history.json`),
                env !== "testing",
                env,
            );
            assert.equal(
                tideArgs.some((a) => a.startsWith("--status-path=")),
                env !== "testing",
                env,
            );
            const config = parse(find(env, "ConfigMap", `${p}config`).data["config.yaml"]);
            assert.equal(
                config.plank.default_decoration_configs["*"].gcs_configuration.bucket,
                expected[env],
            );
        }
    });

    it("pins every Prow image to the release, and every container has a memory limit", () => {
        for (const env of ENVS) {
            for (const o of objects(env).filter((x) => x.kind === "Deployment" || x.kind === "CronJob")) {
                for (const c of podOf(o).containers) {
                    assert.ok(!/:latest$/.test(c.image) && /[:@]/.test(c.image), c.image);
                    if (c.image.startsWith(`${PROW_IMAGES}/`))
                        assert.ok(c.image.endsWith(`:${TODAY_RELEASE}`), c.image);
                    assert.ok(
                        c.resources.limits.memory && c.resources.requests.memory,
                        `${o.metadata.name} memory`,
                    );
                }
            }
        }
        const images = (env: Env) => ofKind(env, "Deployment").map((d) => podOf(d).containers[0].image);
        assert.equal(images("production").filter((i: string) => i.startsWith(`${PROW_IMAGES}/`)).length, 12);
        assert.equal(
            podOf(find("production", "CronJob", "branch-protector")).containers[0].image,
            `${PROW_IMAGES}/branchprotector:${TODAY_RELEASE}`,
        );
        assert.equal(find("production", "CronJob", "branch-protector").spec.schedule, "54 * * * *");
        assert.equal(find("production", "CronJob", "label-sync").spec.schedule, "17 23 * * *");
    });

    it("keeps the selector every kustomize Deployment runs with today, on the pods and the Service too", () => {
        // kubevirt/project-infra@145ec5a github/ci/prow-deploy/kustom/base: every Deployment selects `app` only.
        // Every component runs as a Deployment but the two CronJobs; rehearse selects its own app label.
        const CRONJOBS: readonly string[] = ["branch-protector", "label-sync"];
        const KUSTOMIZE_APP: Record<string, string> = Object.fromEntries(
            COMPONENT_NAMES.filter((n) => !CRONJOBS.includes(n)).map((n) => [
                n,
                n === "rehearse" ? "prow-rehearse" : n,
            ]),
        );
        for (const [env, prefix] of [
            ["staging", "staging-"],
            ["production", ""],
            ["testing", ""],
        ] as const) {
            const deployments = ofKind(env, "Deployment");
            // staging runs dry, so no status-reconciler (it cannot run dry at the release: components.yaml).
            assert.deepEqual(
                deployments.map((d) => d.metadata.name).sort(),
                Object.keys(KUSTOMIZE_APP)
                    .filter((n) => env !== "staging" || n !== "statusreconciler")
                    .map((n) => prefix + n)
                    .sort(),
                env,
            );
            for (const d of deployments) {
                // namePrefix renamed objects, never label values: staging-hook selects app: hook.
                const app = KUSTOMIZE_APP[d.metadata.name.slice(prefix.length)];
                const where = `${env} Deployment ${d.metadata.name}`;
                assert.deepEqual(d.spec.selector, { matchLabels: { app } }, where);
                assert.equal(d.spec.template.metadata.labels.app, app, `${where}: its pods`);
                assert.equal(
                    d.spec.template.metadata.labels["app.kubernetes.io/name"],
                    d.metadata.name,
                    `${where}: its pods keep the program's labels`,
                );
                const service = ofKind(env, "Service").find((x) => x.metadata.name === d.metadata.name);
                if (service) assert.deepEqual(service.spec.selector, { app }, `${where}: its Service`);
            }
        }
    });

    it("prefixes every name and every reference in staging (and the check itself catches unprefixed ones)", () => {
        const refs = objects("staging").flatMap((o) => referencesOf(o));
        assert.ok(refs.length > 300, `only ${refs.length} references found: the scan would prove little`);
        for (const kind of ["name", "namespace"] as const) assert.ok(refs.some((r) => r.kind === kind));
        assert.deepEqual(
            unprefixed("staging", "staging-").map((r) => `${r.where}: ${r.value}`),
            [],
        );
        // The same scan over production, which has no prefix, reports its references: the scan can fail.
        assert.ok(unprefixed("production", "staging-").length > 300);
    });

    it("has nothing that mentions staging in production", () => {
        for (const r of runs.production) {
            // Production pulls label_sync from test-infra's build registry, named k8s-staging-test-infra
            // (kubevirt/project-infra@2c863fd kustom/base/manifests/local/label-sync-kubevirt.yaml): a registry, no stage.
            const inputs = JSON.stringify(r.inputs).replaceAll("gcr.io/k8s-staging-test-infra/", "");
            assert.ok(!/staging/i.test(inputs), `${r.type} ${r.name} mentions staging`);
        }
        // The scan would see it: staging's own objects do mention it.
        assert.ok(runs.staging.some((r) => /staging/.test(JSON.stringify(r.inputs))));
    });

    it("binds every Role to an existing ServiceAccount of the same component in an existing namespace", () => {
        for (const env of ENVS) {
            const namespaces = new Set(ofKind(env, "Namespace").map((n) => n.metadata.name));
            const accounts = new Set(
                ofKind(env, "ServiceAccount").map((s) => `${s.metadata.namespace}/${s.metadata.name}`),
            );
            const roles = new Set(
                ofKind(env, "Role").map((r) => `${r.metadata.namespace}/${r.metadata.name}`),
            );
            const bindings = ofKind(env, "RoleBinding");
            // One per component with a Role; staging has no status-reconciler (it runs dry).
            assert.equal(bindings.length, env === "staging" ? 10 : 11, env);
            for (const b of bindings) {
                const where = `${env} RoleBinding ${b.metadata.namespace}/${b.metadata.name}`;
                assert.ok(
                    roles.has(`${b.metadata.namespace}/${b.roleRef.name}`),
                    `${where}: role ${b.roleRef.name}`,
                );
                assert.equal(b.subjects.length, 1);
                const s = b.subjects[0];
                assert.ok(
                    namespaces.has(s.namespace),
                    `${where}: subject namespace ${s.namespace} does not exist`,
                );
                assert.ok(
                    accounts.has(`${s.namespace}/${s.name}`),
                    `${where}: subject ${s.namespace}/${s.name} does not exist`,
                );
                assert.equal(s.name, b.metadata.name, `${where} binds another component's account`);
            }
        }
        // The source's production deck binding named `staging-deck`; here it is production's own deck.
        const deck = ofKind("production", "RoleBinding").find((b) => b.metadata.name === "deck");
        assert.deepEqual(deck?.subjects, [
            { kind: "ServiceAccount", name: "deck", namespace: "kubevirt-prow" },
        ]);
        assert.equal(deck?.metadata.namespace, "kubevirt-prow-jobs");
    });

    it("resolves every reference to an object that exists in the right namespace", () => {
        for (const env of ENVS) {
            const all = objects(env);
            const exists = (kind: string, ns: string, name: string) =>
                all.some((o) => o.kind === kind && o.metadata.namespace === ns && o.metadata.name === name);
            for (const o of all.filter((x) => x.kind === "Deployment" || x.kind === "CronJob")) {
                const ns = o.metadata.namespace;
                const pod = podOf(o);
                const where = `${env} ${o.kind} ${o.metadata.name}`;
                assert.ok(exists("ServiceAccount", ns, pod.serviceAccountName), `${where}: service account`);
                for (const v of pod.volumes ?? []) {
                    if (v.secret && !v.secret.optional)
                        assert.ok(
                            exists("Secret", ns, v.secret.secretName),
                            `${where}: ${v.secret.secretName}`,
                        );
                    if (v.configMap)
                        assert.ok(exists("ConfigMap", ns, v.configMap.name), `${where}: ${v.configMap.name}`);
                    if (v.persistentVolumeClaim) {
                        assert.ok(
                            exists("PersistentVolumeClaim", ns, v.persistentVolumeClaim.claimName),
                            `${where}: claim`,
                        );
                    }
                }
                for (const arg of pod.containers[0].args ?? []) {
                    for (const m of String(arg).matchAll(/http:\/\/([a-z0-9-]+)(?=[:/]|$)/g)) {
                        assert.ok(exists("Service", ns, m[1]), `${where}: ${arg} names no Service`);
                    }
                }
            }
            for (const i of ofKind(env, "Ingress")) {
                const svc = i.spec.rules[0].http.paths[0].backend.service;
                const service = all.find(
                    (o) =>
                        o.kind === "Service" &&
                        o.metadata.namespace === i.metadata.namespace &&
                        o.metadata.name === svc.name,
                );
                assert.ok(
                    service?.spec.ports.some((p: Obj) => p.name === svc.port.name),
                    `${env} Ingress ${i.metadata.name}`,
                );
            }
            for (const s of ofKind(env, "Service")) {
                const selected = ofKind(env, "Deployment").filter((d) =>
                    Object.entries(s.spec.selector).every(
                        ([k, v]) => d.spec.template.metadata.labels[k] === v,
                    ),
                );
                assert.equal(
                    selected.length,
                    1,
                    `${env} Service ${s.metadata.name} selects ${selected.length} deployments`,
                );
            }
            // Job pods run in pod_namespace: the presets' Secrets and ConfigMaps must be there.
            const p = env === "staging" ? "staging-" : "";
            const config = parse(find(env, "ConfigMap", `${p}config`).data["config.yaml"]);
            const jobsNs = ofKind(env, "Namespace")
                .map((n) => n.metadata.name)
                .find((n: string) => n.endsWith("-jobs"));
            assert.equal(config.pod_namespace, jobsNs);
            assert.equal(config.prowjob_namespace, jobsNs);
            for (const preset of config.presets) {
                for (const v of preset.volumes ?? []) {
                    if (v.secret)
                        assert.ok(
                            exists("Secret", jobsNs, v.secret.secretName),
                            `${env} preset ${v.secret.secretName}`,
                        );
                    if (v.configMap)
                        assert.ok(
                            exists("ConfigMap", jobsNs, v.configMap.name),
                            `${env} preset ${v.configMap.name}`,
                        );
                }
            }
            assert.ok(
                exists("Secret", jobsNs, config.plank.default_decoration_configs["*"].gcs_credentials_secret),
            );
            const plugins = parse(find(env, "ConfigMap", `${p}plugins`).data["plugins.yaml"]);
            for (const list of Object.values(plugins.external_plugins) as Obj[][]) {
                for (const e of list)
                    assert.ok(
                        exists(
                            "Service",
                            config.pod_namespace.replace(/-jobs$/, ""),
                            /^http:\/\/([a-z0-9-]+)/.exec(e.endpoint)![1],
                        ),
                    );
            }
        }
    });

    it("points rehearse at the jobs namespace that exists (the source's kubervirt-prow-jobs typo)", () => {
        for (const env of ENVS) {
            const p = env === "staging" ? "staging-" : "";
            const arg = podOf(find(env, "Deployment", `${p}rehearse`)).containers[0].args.find((a: string) =>
                a.startsWith("--jobs-namespace="),
            );
            const jobs = ofKind(env, "Namespace")
                .map((n) => n.metadata.name)
                .filter((n: string) => n.endsWith("-jobs"));
            assert.deepEqual([arg], [`--jobs-namespace=${jobs[0]}`]);
        }
    });

    it("places the caches on the IBM cache node (the patches spelled Deplyment never did)", () => {
        for (const env of ["staging", "production"] as const) {
            const p = env === "staging" ? "staging-" : "";
            for (const c of ["docker-mirror", "greenhouse"]) {
                const pod = podOf(find(env, "Deployment", `${p}${c}`));
                assert.deepEqual(pod.nodeSelector, { "ci.kubevirt.io/cachenode": "true" }, `${env} ${c}`);
                assert.equal(pod.tolerations[0].key, "ci.kubevirt.io/cachenode");
            }
            assert.equal(podOf(find(env, "Deployment", `${p}deck`)).nodeSelector, undefined);
        }
        assert.equal(podOf(find("testing", "Deployment", "greenhouse")).nodeSelector, undefined);
    });

    it("renders objects the Kubernetes API accepts", async () => {
        for (const env of ENVS) {
            const all = env === "production" ? await renderedProduction() : objects(env);
            assert.deepEqual(
                all.flatMap((o) => validateObject(o)),
                [],
                env,
            );
            assert.deepEqual(duplicateObjects(all), [], env);
        }
    });

    it("uses the cluster's explicit provider for every Kubernetes object", () => {
        for (const env of ENVS) {
            const provider = runs[env].find(
                (r) => r.type === "pulumi:providers:kubernetes" && r.name === "cluster-ibmcloud-prow",
            )!;
            for (const r of k8sResources(runs[env]))
                assert.ok(r.provider.startsWith(provider.urn), `${r.type} ${r.name}`);
        }
    });

    it("keeps secrets in Secrets only, marked secret, in the namespaces that read them", () => {
        const secrets = k8sResources(runs.staging).filter((r) => r.type === "kubernetes:core/v1:Secret");
        assert.deepEqual(
            secrets
                .map((s) => `${(s.inputs.metadata as Obj).namespace}/${(s.inputs.metadata as Obj).name}`)
                .sort(),
            [
                "staging-kubevirt-prow-jobs/staging-commenter-oauth-token",
                "staging-kubevirt-prow-jobs/staging-gcs",
                "staging-kubevirt-prow-jobs/staging-kubevirtci-coveralls-token",
                "staging-kubevirt-prow-jobs/staging-kubevirtci-docker-credential",
                "staging-kubevirt-prow-jobs/staging-kubevirtci-installer-pull-token",
                "staging-kubevirt-prow-jobs/staging-kubevirtci-quay-credential",
                "staging-kubevirt-prow/staging-cookie",
                "staging-kubevirt-prow/staging-gcs",
                "staging-kubevirt-prow/staging-github-oauth-config",
                "staging-kubevirt-prow/staging-hmac-token",
                "staging-kubevirt-prow/staging-kubeconfig",
                "staging-kubevirt-prow/staging-oauth-token",
                "staging-kubevirt-prow/staging-slack-token",
            ],
        );
        for (const s of secrets) {
            assert.ok(
                s.secretPaths.some((p) => p.startsWith("stringData")),
                `${s.name} not marked secret`,
            );
            assert.ok(!JSON.stringify(s.masked).includes("s3cret"), `${s.name} leaks in the masked plan`);
        }
        const hmac = secrets.find((s) => (s.inputs.metadata as Obj).name === "staging-hmac-token")!;
        assert.deepEqual(hmac.inputs.stringData, { hmac: "s3cret-hmac" });
        // kustomize's env files become one key per variable.
        const docker = secrets.find(
            (s) => (s.inputs.metadata as Obj).name === "staging-kubevirtci-docker-credential",
        )!;
        assert.deepEqual(docker.inputs.stringData, { username: "kubevirtbot", password: "s3cret-docker" });
        const quay = secrets.find(
            (s) => (s.inputs.metadata as Obj).name === "staging-kubevirtci-quay-credential",
        )!;
        assert.deepEqual(quay.inputs.stringData, { username: "kubevirt+bot", password: "s3cret-quay" });
        const values = Object.values(PROW_SECRET_VALUES)
            .map((v) => v.match(/s3cret-[a-z]+/)?.[0])
            .filter((v): v is string => !!v);
        for (const r of runs.staging.filter(
            (x) => x.type !== "kubernetes:core/v1:Secret" && !x.type.startsWith("pulumi:providers"),
        )) {
            for (const v of values)
                assert.ok(!JSON.stringify(r.inputs).includes(v), `${r.type} ${r.name} contains ${v}`);
        }
    });

    it("generates the testing environment's secrets instead of requiring them", () => {
        const generated = runs.testing
            .filter((r) => r.type === "random:index/randomPassword:RandomPassword")
            .map((r) => r.name)
            // The reads checksum's key is random too, on every stack: no stand-in of a Secret.
            .filter((n) => n !== "prow-checksum-key");
        assert.equal(generated.length, 10);
        assert.ok(generated.includes("prow-generated-hmac-token"));
        assert.ok(!generated.includes("prow-generated-oauth-token"), "the GitHub token is never random");
        const kubeconfig = k8sResources(runs.testing).find(
            (r) => r.type === "kubernetes:core/v1:Secret" && (r.inputs.metadata as Obj).name === "kubeconfig",
        )!;
        const parsed = parse((kubeconfig.inputs.stringData as Obj).config);
        assert.equal(parsed["current-context"], "default");
        assert.equal(parsed.clusters[0].cluster.server, "https://kubernetes.default.svc");
        assert.equal(parsed.contexts[0].context.namespace, "kubernetes-prow-jobs");
        const oauth = ofKind("testing", "Secret").find((s) => s.metadata.name === "github-oauth-config")!;
        assert.equal(
            parse(oauth.stringData.secret).redirect_url,
            "https://deck.prowdeploy.ci/github-login/redirect",
        );
        assert.equal(ofKind("testing", "Secret").filter((s) => s.metadata.name === "cat-api-key").length, 0);
    });

    it("hands hook no image plugin's API key while no plugins.yaml key_path makes hook open one", () => {
        for (const env of ENVS) {
            const p = env === "staging" ? "staging-" : "";
            const plugins = parse(find(env, "ConfigMap", `${p}plugins`).data["plugins.yaml"]) as Obj;
            // kubernetes/test-infra@a5b49bc903 prow/plugins/config.go:319,325: the only place either key is read from.
            for (const plugin of ["cat", "goose"])
                assert.equal(
                    plugins[plugin]?.key_path,
                    undefined,
                    `${env}: plugins.yaml sets ${plugin}.key_path, so hook opens a key: mount it (catalog.ts hook)`,
                );
            const pod = podOf(find(env, "Deployment", `${p}hook`));
            const mounted = pod.containers.flatMap((c: Obj) =>
                (c.volumeMounts ?? []).map((m: Obj) => m.mountPath),
            );
            assert.deepEqual(
                mounted.filter((path: string) => /\/etc\/(unsplash-api|cat-api)/.test(path)),
                [],
                `${env}: hook mounts a key it never opens`,
            );
            for (const name of ["unsplash-api-key", "cat-api-key"])
                assert.equal(
                    objects(env).filter((o) => o.metadata.name === `${p}${name}`).length,
                    0,
                    `${env}: ${p}${name} is made, though hook never opens it`,
                );
        }
    });

    it("marks the pods that read a Secret or ConfigMap with the checksum of what they mount", () => {
        const sum = (name: string) =>
            find("production", "Deployment", name).spec.template.metadata.annotations?.[
                READS_CHECKSUM_ANNOTATION
            ];
        assert.match(sum("hook"), /^[0-9a-f]{32}$/);
        assert.notEqual(sum("hook"), sum("docker-mirror"));
        assert.equal(sum("gcsweb"), undefined);
        assert.equal(sum("pushgateway"), undefined);
    });
});

const READ_KINDS = ["Secret", "ConfigMap", "PersistentVolumeClaim", "ServiceAccount"];

/** `Kind namespace/name` of the objects a pod spec names: volumes and its service account. */
function namedBy(namespace: string, pod: Obj): string[] {
    const names = (pod.volumes ?? []).flatMap((v: Obj) =>
        v.secret
            ? [`Secret ${namespace}/${v.secret.secretName}`]
            : v.configMap
              ? [`ConfigMap ${namespace}/${v.configMap.name}`]
              : v.persistentVolumeClaim
                ? [`PersistentVolumeClaim ${namespace}/${v.persistentVolumeClaim.claimName}`]
                : [],
    );
    return [...names, `ServiceAccount ${namespace}/${pod.serviceAccountName}`].sort();
}

describe("prow objects wired by handles (issue 28)", function () {
    this.timeout(120000);

    // The unchanged stacks the environments suite evaluated in its before hook: one evaluation per stack for both.
    before(evaluateEnvironments);

    for (const stack of ["stage", "prod"] as const) {
        it(`${stack}: each workload waits for exactly the Secrets, ConfigMaps, claim and account it names`, () => {
            const recorded = runs[stack === "stage" ? "staging" : "production"];
            const byUrn = new Map<string, Resource>(recorded.map((r) => [r.urn, r]));
            const label = (r: Resource) => {
                const o = r.inputs as Obj;
                return `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`;
            };
            const workloads = k8sResources(recorded).filter((r) =>
                ["Deployment", "CronJob"].includes((r.inputs as Obj).kind),
            );
            assert.ok(workloads.length > 10, "the environment's components were found");
            for (const w of workloads) {
                const o = w.inputs as Obj;
                const pod =
                    o.kind === "CronJob" ? o.spec.jobTemplate.spec.template.spec : o.spec.template.spec;
                const named = namedBy(o.metadata.namespace, pod);
                const waited = [...new Set(w.dependencies)]
                    .map((urn) => byUrn.get(urn))
                    .filter(
                        (r): r is Resource => r !== undefined && READ_KINDS.includes((r.inputs as Obj).kind),
                    )
                    .map(label)
                    .sort();
                // An optional Secret nobody set is named (mounted optional) but not made: nothing to wait for.
                const made = new Set(k8sResources(recorded).map(label));
                assert.deepEqual(
                    waited,
                    named.filter((n) => made.has(n)),
                    `${label(w)}`,
                );
            }
        });
    }
});
