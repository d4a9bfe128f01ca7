import { strict as assert } from "assert";
import { ConfigError } from "../../components/config/problems";
import {
    cronWorkflowObject,
    prescriptionsRefreshPlans,
} from "../../components/thoth/station/modules/prescriptionsRefresh";
import { stationSecretKey } from "../../components/thoth/station/stationSecrets";
import { validateObject } from "../oracles/validate/k8s";
import { k8sObject, k8sObjects, ofType, onlyProblem, recorder, runWith } from "../harness";
import {
    Json,
    KIND,
    isSecretAt,
    planReads,
    planWorkflowAccount,
    secretValue,
    secretsFor,
    thothConfigError,
    thothStack,
    withoutNodepool,
} from "./fixtures";
import { evaluateThoth, plannedBefore, sharedEvaluation } from "./parts";
import { IMAGESTREAM as IMAGE_STREAM } from "../fixtures/resourceTypes";

/**
 * The committed stage stack, evaluated for what the plan masks: the secrets' plain text, which inputs are secret. Every
 * part that makes a ConfigMap, CronWorkflow or ImageStream and can be reached by the prescriptions keys: of the
 * station's modules the shared configuration (which holds them), the Argo installs and prescriptions-refresh-job (which
 * wait for its Secrets), and the bots (handed the whole secret store). The catalog, the tunnels, Dgraph and the nodepool
 * are handed none of these keys (the catalog no secret at all, the tunnels their API keys, Dgraph its TLS keys): off.
 */
const stageEvaluated = sharedEvaluation(() =>
    evaluateThoth("stage", {
        change: (t) => {
            t.ultrahooks.enabled = false;
            t.station.dgraph.enabled = false;
            withoutNodepool(t);
        },
    }),
);

const CRON_WORKFLOW = "kubernetes:argoproj.io/v1alpha1:CronWorkflow";
const BACKEND = "thoth-backend-stage";
const TEST_NS = "thoth-test-core";
const NAMES = [
    "prescriptions-refresh-gh",
    "prescriptions-refresh-image-analysis",
    "prescriptions-refresh-pg",
    "prescriptions-refresh-pypi",
    "prescriptions-refresh-quay",
    "prescriptions-refresh-scorecards",
];
const QUAY = stationSecretKey("prescriptions", "quay-token");
const GOOGLE = stationSecretKey("prescriptions", "thoth-prescriptions-refresh-4cfa295278d8.json");

function workflowSpec(name: string, namespace: string): Json {
    return (k8sObject(CRON_WORKFLOW, name, namespace).inputs.spec as Json).workflowSpec;
}

/** Container templates by name. */
function containers(name: string, namespace: string): Record<string, Json> {
    return Object.fromEntries(
        (workflowSpec(name, namespace).templates as Json[])
            .filter((t) => t.container)
            .map((t) => [t.name, t.container]),
    );
}

/** The Secret each volume of a CronWorkflow reads, by volume name. */
function volumeSecrets(name: string, namespace: string): Record<string, string> {
    return Object.fromEntries(
        (workflowSpec(name, namespace).volumes as Json[]).map((v) => [v.name, v.secret.secretName]),
    );
}

describe("thoth prescriptions-refresh-job", function () {
    this.timeout(60_000);

    describe("table (pure)", () => {
        it("has the reference's six CronWorkflows, steps and per-step sizes", () => {
            const plans = prescriptionsRefreshPlans();
            assert.deepEqual(
                plans.map((p) => p.name),
                NAMES,
            );
            const sizes = Object.fromEntries(
                plans.flatMap((p) => p.steps.map((s) => [s.template, `${s.cpu}/${s.memory}`])),
            );
            assert.equal(sizes["cve-warning"], "250m/2Gi");
            assert.equal(sizes["pypi-downloads"], "1/1Gi");
            assert.equal(sizes["pypi-maintainers"], "500m/1Gi");
            assert.equal(Object.keys(sizes).length, 7 + 1 + 1 + 4 + 1 + 1);
        });

        it("a multi-step entrypoint runs its steps one after another, named without the entrypoint prefix", () => {
            const gh = prescriptionsRefreshPlans()[0];
            const object = cronWorkflowObject(gh, {
                namespace: "ns",
                image: "img",
                labels: {},
                platform: "openshift" as const,
                reads: planReads(),
                account: planWorkflowAccount(),
            });
            const entry = ((object.spec as Json).workflowSpec.templates as Json[]).find(
                (t) => t.name === "gh",
            );
            assert.deepEqual(
                entry.steps.map((group: Json[]) => group.map((s) => `${s.name}->${s.template}`)),
                [
                    ["link->gh-link"],
                    ["archived->gh-archived"],
                    ["release-notes->gh-release-notes"],
                    ["contributors->gh-contributors"],
                    ["forked->gh-forked"],
                    ["popularity->gh-popularity"],
                    ["updated->gh-updated"],
                ],
            );
            const single = cronWorkflowObject(prescriptionsRefreshPlans()[2], {
                namespace: "ns",
                image: "img",
                labels: {},
                platform: "openshift",
                reads: planReads(),
                account: planWorkflowAccount(),
            });
            const templates = (single.spec as Json).workflowSpec.templates as Json[];
            assert.deepEqual(
                templates.map((t) => t.name),
                ["cve-warning"],
                "a single step is the entrypoint itself",
            );
        });

        it("every row builds a CronWorkflow Argo accepts, and the offline check refuses a broken one", () => {
            const where = {
                namespace: "thoth-backend-stage",
                image: "quay.io/x/y:v1",
                labels: {},
                platform: "kubernetes" as const,
                reads: planReads(),
                account: planWorkflowAccount(),
            };
            for (const plan of prescriptionsRefreshPlans()) {
                assert.deepEqual(validateObject(cronWorkflowObject(plan, where)), [], plan.name);
            }
            const broken = cronWorkflowObject(prescriptionsRefreshPlans()[3], where) as Json;
            broken.spec.schedule = "weekly";
            broken.spec.workflowSpec.entrypoint = "pypy";
            broken.spec.workflowSpec.volumes.pop();
            const problems = validateObject(broken).join("\n");
            assert.match(problems, /schedule weekly/);
            assert.match(problems, /entrypoint pypy names no template/);
            assert.match(problems, /pypi-downloads mounts unknown volume google-app-config/);
        });
    });

    describe("stage", () => {
        plannedBefore("stage");

        it("creates the six CronWorkflows in the backend namespace, suspended, one run at a time, as argo", () => {
            const made = ofType(CRON_WORKFLOW).map(
                (r) => `${(r.inputs.metadata as Json).namespace}/${(r.inputs.metadata as Json).name}`,
            );
            assert.deepEqual(
                made.sort(),
                NAMES.map((n) => `${BACKEND}/${n}`),
            );
            for (const name of NAMES) {
                const cw = k8sObject(CRON_WORKFLOW, name, BACKEND);
                assert.equal(cw.inputs.apiVersion, "argoproj.io/v1alpha1");
                const spec = cw.inputs.spec as Json;
                assert.equal(spec.schedule, "@weekly", name);
                assert.equal(spec.suspend, true, name);
                assert.equal(spec.concurrencyPolicy, "Forbid", name);
                assert.equal(spec.workflowSpec.serviceAccountName, "argo", name);
                assert.equal(spec.workflowSpec.securityContext.runAsNonRoot, true, name);
                for (const c of Object.values(containers(name, BACKEND))) {
                    assert.equal(c.securityContext.allowPrivilegeEscalation, false, name);
                }
                assert.deepEqual(spec.workflowSpec.ttlStrategy, {
                    secondsAfterCompletion: 300,
                    secondsAfterSuccess: 300,
                    secondsAfterFailure: 300,
                });
            }
        });

        it("sizes every step with requests equal to limits, from the image its ImageStream pins", () => {
            const pypi = containers("prescriptions-refresh-pypi", BACKEND);
            assert.deepEqual(Object.keys(pypi), [
                "pypi-artifact-size",
                "pypi-downloads",
                "pypi-maintainers",
                "pypi-release",
            ]);
            assert.deepEqual(pypi["pypi-downloads"].resources, {
                requests: { cpu: "1", memory: "1Gi" },
                limits: { cpu: "1", memory: "1Gi" },
            });
            assert.deepEqual(containers("prescriptions-refresh-pg", BACKEND)["cve-warning"].resources, {
                requests: { cpu: "250m", memory: "2Gi" },
                limits: { cpu: "250m", memory: "2Gi" },
            });
            assert.equal(
                pypi["pypi-release"].image,
                `image-registry.openshift-image-registry.svc:5000/${BACKEND}/prescriptions-refresh-job:latest`,
            );
            const stream = k8sObject(IMAGE_STREAM, "prescriptions-refresh-job", BACKEND).inputs.spec as Json;
            assert.deepEqual(stream.lookupPolicy, { local: true });
            assert.deepEqual(
                stream.tags.map((t: Json) => [t.name, t.from.name, t.referencePolicy.type]),
                [["latest", "quay.io/thoth-station/prescriptions-refresh-job:v0.8.0", "Local"]],
            );
        });

        it("mounts Secret kebechet in every step and Secret prescriptions only where the Google key is read", () => {
            for (const name of NAMES) {
                const google = name.endsWith("pypi") || name.endsWith("scorecards");
                assert.deepEqual(
                    volumeSecrets(name, BACKEND),
                    {
                        "ssh-config": "kebechet",
                        "github-app-privatekey": "kebechet",
                        ...(google ? { "google-app-config": "prescriptions" } : {}),
                    },
                    name,
                );
            }
            const ssh = (workflowSpec("prescriptions-refresh-gh", BACKEND).volumes as Json[])[0];
            assert.deepEqual(ssh.secret.items, [{ key: "ssh-privatekey", path: "id_rsa", mode: 0o600 }]);
            const downloads = containers("prescriptions-refresh-pypi", BACKEND)["pypi-downloads"];
            assert.deepEqual(
                downloads.volumeMounts.map((m: Json) => m.mountPath),
                ["/opt/app-root/src/.ssh", "/opt/app-root/src/.github", "/tmp/google-app-config"],
            );
            const env = Object.fromEntries(downloads.env.map((e: Json) => [e.name, e]));
            assert.equal(
                env.GOOGLE_APPLICATION_CREDENTIALS.value,
                "/tmp/google-app-config/prescriptions-4cfa295278d8.json",
            );
            const quay = containers("prescriptions-refresh-quay", BACKEND)["quay-security"];
            const token = quay.env.find((e: Json) => e.name === "THOTH_PRESCRIPTIONS_REFRESH_QUAY_TOKEN");
            assert.deepEqual(token.valueFrom, { secretKeyRef: { name: "prescriptions", key: "quay-token" } });
            const release = containers("prescriptions-refresh-pypi", BACKEND)["pypi-release"];
            assert.ok(
                !release.env.some(
                    (e: Json) =>
                        e.name === "THOTH_PRESCRIPTIONS_REFRESH_QUAY_TOKEN" || e.name.startsWith("GOOGLE"),
                ),
                "a step reads only its own keys",
            );
        });

        it("gives every step what the image's app.sh and handlers require: a subcommand it defines, the GitHub token and App key", () => {
            // thoth-station/prescriptions-refresh-job@f1feee4 (v0.8.0) thoth/prescriptions_refresh/cli.py: the
            // subcommands it defines; app.sh:7-12 exits 1 without THOTH_PRESCRIPTIONS_REFRESH_SUBCOMMAND.
            const defined = new Set([
                ...["gh-link", "gh-archived", "gh-forked", "gh-popularity", "gh-updated", "gh-contributors"],
                ...["gh-release-notes", "scorecards", "cve-warning", "quay-security", "quay-image-size"],
                ...["thoth-image-analysis", "thoth-community", "pypi-artifact-size", "pypi-downloads"],
                ...["pypi-maintainers", "pypi-release"],
            ]);
            for (const name of NAMES) {
                for (const [template, c] of Object.entries(containers(name, BACKEND))) {
                    const env = Object.fromEntries((c.env as Json[]).map((e) => [e.name, e]));
                    const sub = env.THOTH_PRESCRIPTIONS_REFRESH_SUBCOMMAND?.value;
                    assert.ok(defined.has(sub), `${name} ${template}: subcommand ${String(sub)}`);
                    assert.deepEqual(env.THOTH_PRESCRIPTIONS_REFRESH_GITHUB_TOKEN?.valueFrom, {
                        secretKeyRef: { name: "kebechet", key: "github-oauth-token" },
                    });
                    const key = env.GITHUB_PRIVATE_KEY_PATH?.value as string;
                    const mount = (c.volumeMounts as Json[]).find((m) => key?.startsWith(`${m.mountPath}/`));
                    assert.equal(mount?.name, "github-app-privatekey", `${name} ${template}: ${key}`);
                }
            }
        });

        it("keeps Secret prescriptions secret: in a Secret, from the stage keys, never in a ConfigMap or env value", () =>
            stageEvaluated(() => {
                const secret = k8sObject(KIND.secret, "prescriptions", BACKEND);
                const data = secret.inputs.stringData as Json;
                const quay = secretValue(`thoth-stage-${QUAY.replace(/^thoth-/, "")}`);
                const google = secretValue(`thoth-stage-${GOOGLE.replace(/^thoth-/, "")}`);
                assert.equal(data["quay-token"], quay);
                assert.equal(data["thoth-prescriptions-refresh-4cfa295278d8.json"], google);
                assert.ok(isSecretAt(secret.secretPaths, "stringData.quay-token"));
                assert.ok(
                    isSecretAt(
                        secret.secretPaths,
                        "stringData.thoth-prescriptions-refresh-4cfa295278d8.json",
                    ),
                );
                assert.equal(
                    k8sObjects(KIND.secret).filter(
                        (s) => (s.inputs.metadata as Json).name === "prescriptions",
                    ).length,
                    1,
                );
                for (const r of [
                    ...ofType(KIND.configMap),
                    ...ofType(CRON_WORKFLOW),
                    ...ofType(IMAGE_STREAM),
                ]) {
                    const text = JSON.stringify(r.inputs);
                    assert.ok(
                        !text.includes(quay) && !text.includes(google),
                        `${r.type} ${r.name} holds a secret`,
                    );
                }
            }));

        it("writes ConfigMap prescriptions-refresh-job from the stack file", () => {
            const data = k8sObject(KIND.configMap, "prescriptions-refresh-job", BACKEND).inputs.data as Json;
            assert.deepEqual(data, {
                "configured-images": "",
                "configured-packages-cv": "opencv-python\npillow\npytesseract\ntorchvision",
                "configured-packages-ml": "keras\nscikit-learn\ntorch\ntensorflow",
                "configured-packages-nlp": "gensim\nnltk\nspacy\ntransformers",
                "user-api": "stage.thoth-station.ninja",
            });
        });
    });

    describe("test layout (prod stack)", () => {
        plannedBefore("prod");

        it("puts the same objects into thoth-test-core, still suspended although the environment is hibernated", () => {
            assert.deepEqual(
                ofType(CRON_WORKFLOW).map((r) => (r.inputs.metadata as Json).namespace),
                NAMES.map(() => TEST_NS),
            );
            for (const name of NAMES) {
                assert.equal((k8sObject(CRON_WORKFLOW, name, TEST_NS).inputs.spec as Json).suspend, true);
            }
            assert.ok(k8sObject(IMAGE_STREAM, "prescriptions-refresh-job", TEST_NS));
            assert.ok(k8sObject(KIND.secret, "prescriptions", TEST_NS));
            assert.equal(
                (k8sObject(KIND.configMap, "prescriptions-refresh-job", TEST_NS).inputs.data as Json)[
                    "user-api"
                ],
                "test.thoth-station.ninja",
            );
        });
    });

    describe("bad configuration", () => {
        /**
         * The ConfigError a prod run stops with when its secrets lack `key` (and `values` are the stack's, changed as
         * given); fails when it does not stop, or when it registered anything before stopping.
         */
        async function refusedWithout(key: string, values: Record<string, unknown>): Promise<ConfigError> {
            const secrets = secretsFor(thothStack("prod").thoth);
            delete secrets[key];
            try {
                await runWith({ values, secrets });
            } catch (err) {
                assert.ok(err instanceof ConfigError, String(err));
                assert.equal(recorder.resources.length, 0, "nothing is registered");
                return err;
            }
            return assert.fail("expected a ConfigError");
        }

        it("a missing prescriptions secret stops the program, naming its full key and the command that sets it", async () => {
            const err = await refusedWithout(GOOGLE, thothStack("prod"));
            onlyProblem(err, `runbooks:${GOOGLE}`);
            assert.equal(
                err.problems[0].fix,
                `pulumi config set --secret ${GOOGLE} --stack <stack> < thoth-prescriptions-refresh-4cfa295278d8.json`,
            );
        });

        it("a prescriptions secret stored in plain text is refused as leaked", async () => {
            const err = await refusedWithout(QUAY, { ...thothStack("prod"), [QUAY]: "plain-token" });
            const p = err.problems.find((q) => q.key === `runbooks:${QUAY}`)!;
            assert.match(p.message, /stored in plain text/);
            assert.equal(p.fix, `pulumi config set --secret ${QUAY} --stack <stack>`);
        });

        it("refuses a package list that is empty or not package names, and a latest image, with full keys", async () => {
            const err = await thothConfigError("stage", (t) => {
                const p = t.station.modules.prescriptionsRefresh;
                p.configuredPackages.cv = [];
                p.configuredPackages.nlp = ["spacy", "not a package"];
                p.configuredImages = ["quay.io/thoth-station/s2i-thoth-ubi8-py38:latest"];
            });
            assert.deepEqual(err.problems.map((p) => p.key).sort(), [
                "runbooks:thoth.station.modules.prescriptionsRefresh.configuredImages[0]",
                "runbooks:thoth.station.modules.prescriptionsRefresh.configuredPackages.cv",
                "runbooks:thoth.station.modules.prescriptionsRefresh.configuredPackages.nlp[1]",
            ]);
        });
    });
});
