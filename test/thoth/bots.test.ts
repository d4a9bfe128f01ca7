import { asConfirmed } from "../placeholders";
import { strict as assert } from "assert";
import { BOT_NAMES } from "../../components/thoth/bots/catalog";
import { thothSchema } from "../../components/thoth/config";
import { thothSecrets } from "../../components/thoth/secrets";
import { k8sObject, k8sObjects } from "../harness";
import {
    Json,
    KIND,
    SECRETS,
    botsOnly,
    containerOf,
    envOf,
    isSecretAt,
    leakedSecrets,
    podOf,
    runThoth,
    secretsFor,
    thothOf,
    thothStack,
    withoutStation,
} from "./fixtures";
import { evaluateSecretHolders, plannedBefore } from "./parts";

const PROD_NS = "aicoe-prod-bots";
const STAGE_NS = "aicoe-stage-bots";

/** What systems.md §1 says about each scheduled bot. */
const CRON_BOTS = [
    {
        name: "kebechet",
        image: "quay.io/thoth-station/kebechet-job:v1.2.4",
        schedule: "*/20 * * * *",
        requests: { cpu: "2", memory: "2Gi" },
        limits: { cpu: "2", memory: "2Gi" },
        history: [2, 1],
    },
    {
        name: "nepthys",
        image: "quay.io/thoth-station/nepthys:v0.4.4",
        schedule: "@daily",
        requests: { cpu: "500m", memory: "1Gi" },
        limits: { cpu: "500m", memory: "1Gi" },
        history: [2, 1],
    },
    {
        name: "sesheta-label-checker",
        image: "quay.io/aicoe/sesheta:v2.3.3",
        schedule: "@daily",
        requests: { cpu: "100m", memory: "32Mi" },
        limits: { cpu: "250m", memory: "128Mi" },
        history: [2, 4],
        appFile: "check_if_labels_present.py",
    },
    {
        name: "sesheta-scrum",
        image: "quay.io/aicoe/sesheta:v2.3.3",
        schedule: "29 12 * * 1,3,5",
        requests: { cpu: "100m", memory: "64Mi" },
        limits: { cpu: "250m", memory: "128Mi" },
        history: [2, 4],
        appFile: "scrum_standup.py",
    },
    {
        name: "sesheta-approver",
        image: "quay.io/aicoe/sesheta:v2.3.3",
        schedule: "*/10 * * * *",
        requests: { cpu: "100m", memory: "32Mi" },
        limits: { cpu: "250m", memory: "128Mi" },
        history: [2, 4],
        appFile: "approver.py",
    },
];

const WEB_BOTS = [
    {
        name: "sesheta-webhooks",
        image: "quay.io/aicoe/sesheta:v2.3.3",
        requests: { cpu: "125m", memory: "128Mi" },
        limits: { cpu: "500m", memory: "256Mi" },
    },
    {
        name: "review-manager",
        image: "quay.io/aicoe/review-manager:v0.1.0",
        requests: { cpu: "125m", memory: "128Mi" },
        limits: { cpu: "500m", memory: "256Mi" },
    },
    {
        name: "webhook2kafka",
        image: "quay.io/aicoe/webhook2kafka:v0.1.0",
        requests: { cpu: "250m", memory: "128Mi" },
        limits: { cpu: "500m", memory: "512Mi" },
    },
];

function stringKeys(name: string, ns = PROD_NS): string[] {
    return Object.keys((k8sObject(KIND.secret, name, ns).inputs.stringData ?? {}) as object).sort();
}

describe("thoth bots", function () {
    // Each run plans the whole station (~400 objects); on a loaded machine that takes longer than the default.
    this.timeout(60_000);
    describe("prod", () => {
        // Evaluated: its cases read secrets in plain text and check that none leaks anywhere in Thoth (every part a
        // secret can reach).
        before(async () => {
            await evaluateSecretHolders("prod");
        });

        it("runs every scheduled bot as a non-overlapping CronJob with the source's schedule, image, history and sizing", () => {
            for (const bot of CRON_BOTS) {
                const cron = k8sObject(KIND.cronJob, bot.name, PROD_NS);
                const spec = cron.inputs.spec as Record<string, Json>;
                assert.equal(spec.schedule, bot.schedule, bot.name);
                assert.equal(spec.concurrencyPolicy, "Forbid", bot.name);
                assert.equal(spec.suspend, false, bot.name);
                assert.deepEqual(
                    [spec.successfulJobsHistoryLimit, spec.failedJobsHistoryLimit],
                    bot.history,
                    bot.name,
                );
                const c = containerOf(cron);
                assert.equal(c.image, asConfirmed(bot.image), bot.name);
                assert.deepEqual(c.resources, { requests: bot.requests, limits: bot.limits }, bot.name);
                assert.equal(
                    podOf(cron).automountServiceAccountToken,
                    false,
                    `${bot.name} never calls the API`,
                );
                if (bot.appFile) assert.equal(envOf(cron).APP_FILE.value, bot.appFile);
            }
        });

        it("runs the webhook bots as Deployments with a Service on 8080 and an edge Route", () => {
            for (const bot of WEB_BOTS) {
                const d = k8sObject(KIND.deployment, bot.name, PROD_NS);
                const c = containerOf(d);
                assert.equal(c.image, asConfirmed(bot.image));
                assert.deepEqual(c.resources, { requests: bot.requests, limits: bot.limits }, bot.name);
                assert.deepEqual(c.ports, [{ name: "http", containerPort: 8080, protocol: "TCP" }]);
                assert.ok(c.readinessProbe, `${bot.name} has a readiness probe`);
                const svc = k8sObject(KIND.service, bot.name, PROD_NS);
                assert.deepEqual((svc.inputs.spec as Json).ports, [
                    { name: "http", port: 8080, targetPort: "http", protocol: "TCP" },
                ]);
                const route = k8sObject(KIND.route, bot.name, PROD_NS);
                assert.equal(
                    (route.inputs.spec as Json).host,
                    `${bot.name}-${PROD_NS}.apps.ocp4.prod.psi.redhat.com`,
                );
                assert.equal((route.inputs.spec as Json).tls.termination, "edge");
            }
            assert.deepEqual(
                containerOf(k8sObject(KIND.deployment, "sesheta-webhooks", PROD_NS)).readinessProbe.httpGet
                    .path,
                "/_healthz/",
            );
            assert.deepEqual(
                containerOf(k8sObject(KIND.deployment, "webhook2kafka", PROD_NS)).readinessProbe.httpGet.path,
                "/healthz",
            );
        });

        it("runs normalizers as a worker without Service or Route", () => {
            const d = k8sObject(KIND.deployment, "normalizers", PROD_NS);
            assert.equal(envOf(d).APP_SCRIPT.value, "normalizers.sh");
            assert.deepEqual(containerOf(d).resources, {
                requests: { cpu: "250m", memory: "128Mi" },
                limits: { cpu: "500m", memory: "512Mi" },
            });
            assert.equal(
                k8sObjects(KIND.service, PROD_NS).filter(
                    (s) => (s.inputs.metadata as Json).name === "normalizers",
                ).length,
                0,
            );
        });

        it("keeps each bot's Secret with the real key names and type, every value marked secret", () => {
            assert.deepEqual(stringKeys("kebechet-secret"), [
                "github-oauth-token",
                "gitlab-oauth-token",
                "pagure-oauth-token",
                "sentry-dsn",
                "ssh-privatekey",
            ]);
            // thoth-station/nepthys v0.4.4 (as v0.2.6) reads no GitHub token (create_docs.sh pushes over SSH): no key for one.
            assert.deepEqual(stringKeys("nepthys-secret"), ["ssh-privatekey", "user-email", "user-name"]);
            assert.deepEqual(stringKeys("sesheta-secret"), [
                "github-oauth-token",
                "github-webhook-secret",
                "google-chat-endpoint-url",
                "google-chat-space",
                "sesheta-chatbot-968e13a86991.json",
                "ssh-privatekey",
            ]);
            assert.deepEqual(stringKeys("cyborg-regidores"), [
                "datahub-ca-cert",
                "kafka-bootstrap-servers",
                "root-ca-cert",
            ]);
            for (const name of ["kebechet-secret", "nepthys-secret", "sesheta-secret"]) {
                assert.equal(k8sObject(KIND.secret, name, PROD_NS).inputs.type, "kubernetes.io/ssh-auth");
            }
            for (const s of k8sObjects(KIND.secret, PROD_NS)) {
                for (const key of Object.keys(s.inputs.stringData as object)) {
                    assert.ok(
                        isSecretAt(s.secretPaths, `stringData.${key}`),
                        `${(s.inputs.metadata as Json).name} ${key} is secret`,
                    );
                }
            }
            const regidores = k8sObject(KIND.secret, "cyborg-regidores", PROD_NS).inputs.stringData as Record<
                string,
                string
            >;
            assert.equal(
                regidores["kafka-bootstrap-servers"],
                "three-kafka-bootstrap-dh-prod-message-bus.cloud.datahub.upshift.redhat.com:443",
            );
            assert.equal(regidores["root-ca-cert"], SECRETS["thoth-cyborg-regidores-root-ca-cert"]);
        });

        it("keeps the Sesheta identity in one Secret that every reader of its keys refers to", () => {
            // Every value of the thoth-sesheta-* key set, and the one Secret of the namespace holding any of them.
            const identity = Object.entries(SECRETS).filter(([k]) => k.startsWith("thoth-sesheta-"));
            assert.equal(identity.length, 6);
            const holders = k8sObjects(KIND.secret, PROD_NS)
                .filter((s) =>
                    Object.values((s.inputs.stringData ?? {}) as Record<string, string>).some((v) =>
                        identity.some(([, value]) => value === v),
                    ),
                )
                .map((s) => (s.inputs.metadata as Json).name);
            // Kebechet's and Nepthys' own Secrets carry the GitHub identity they push with (runbook 000: one identity),
            // read from the same keys, and nothing else of Sesheta's: Kebechet its key and token, Nepthys (which calls
            // no GitHub API) its key.
            assert.deepEqual([...holders].sort(), ["kebechet-secret", "nepthys-secret", "sesheta-secret"]);
            const ssh = SECRETS["thoth-sesheta-ssh-privatekey"];
            const token = SECRETS["thoth-sesheta-github-oauth-token"];
            for (const [bot, github] of [
                ["kebechet-secret", [ssh, token]],
                ["nepthys-secret", [ssh]],
            ] as const) {
                const values = Object.values(
                    k8sObject(KIND.secret, bot, PROD_NS).inputs.stringData as Record<string, string>,
                ).filter((v) => identity.some(([, value]) => value === v));
                assert.deepEqual(
                    [...values].sort(),
                    [...github].sort(),
                    `${bot} holds the GitHub identity only`,
                );
            }
            const held = Object.values(
                k8sObject(KIND.secret, "sesheta-secret", PROD_NS).inputs.stringData as Record<string, string>,
            );
            for (const [key, value] of identity)
                assert.ok(held.includes(value), `${key} is in sesheta-secret`);
            // No reader refers to a Secret that is not there; every Sesheta reader names sesheta-secret.
            const secrets = new Set(
                k8sObjects(KIND.secret, PROD_NS).map((s) => (s.inputs.metadata as Json).name),
            );
            const readers = [
                ...k8sObjects(KIND.deployment, PROD_NS),
                ...k8sObjects(KIND.cronJob, PROD_NS),
            ].filter((w) =>
                /^(sesheta|review-manager|webhook2kafka|normalizers)/.test((w.inputs.metadata as Json).name),
            );
            assert.equal(readers.length, 7);
            for (const w of readers) {
                const pod = podOf(w);
                const named = [
                    ...(pod.volumes ?? []).map((v: Json) => v.secret?.secretName),
                    ...Object.values(envOf(w)).map((e: Json) => e.valueFrom?.secretKeyRef?.name),
                ].filter((n) => n !== undefined);
                const name = (w.inputs.metadata as Json).name;
                assert.ok(named.includes("sesheta-secret"), name);
                for (const n of named) assert.ok(secrets.has(n), `${name} reads Secret ${n}, which exists`);
                for (const n of named) {
                    if (n !== "cyborg-regidores") assert.equal(n, "sesheta-secret", name);
                }
            }
        });

        it("gives Nepthys Kebechet's SSH identity, not a key of its own", () => {
            const keb = k8sObject(KIND.secret, "kebechet-secret", PROD_NS).inputs.stringData as Record<
                string,
                string
            >;
            const nep = k8sObject(KIND.secret, "nepthys-secret", PROD_NS).inputs.stringData as Record<
                string,
                string
            >;
            // One identity (runbook 000): Kebechet and Nepthys push as Sesheta, from Sesheta's keys.
            assert.equal(nep["ssh-privatekey"], SECRETS["thoth-sesheta-ssh-privatekey"]);
            assert.equal(nep["github-oauth-token"], undefined);
            assert.equal(keb["github-oauth-token"], SECRETS["thoth-sesheta-github-oauth-token"]);
            assert.equal(nep["ssh-privatekey"], keb["ssh-privatekey"]);
            assert.equal(nep["user-name"], "sesheta");
            const keys = thothSecrets(thothSchema.parse(thothStack("prod").thoth)).map((s) => s.key);
            assert.ok(
                !keys.some((k) => k.startsWith("thoth-nepthys-ssh")),
                "no separate Nepthys key to keep in sync",
            );
            for (const bot of ["kebechet", "nepthys"]) {
                const pod = podOf(k8sObject(KIND.cronJob, bot, PROD_NS));
                assert.deepEqual(pod.volumes[0].secret.items, [
                    { key: "ssh-privatekey", path: "id_rsa", mode: 0o600 },
                ]);
                assert.deepEqual(containerOf(k8sObject(KIND.cronJob, bot, PROD_NS)).volumeMounts, [
                    { name: "ssh-config", mountPath: "/home/user/.ssh", readOnly: true },
                ]);
            }
        });

        it("keeps ConfigMaps plain, with the real keys, and no secret value anywhere outside Secrets", () => {
            assert.deepEqual(k8sObject(KIND.configMap, "kebechet-configmap", PROD_NS).inputs.data, {
                "kebechet-config":
                    "https://raw.githubusercontent.com/thoth-station/kebechet/v1.2.4/config/thoth.yaml",
                "kebechet-verbose": "1",
            });
            const sesheta = k8sObject(KIND.configMap, "sesheta-configmap", PROD_NS).inputs.data as Record<
                string,
                string
            >;
            assert.deepEqual(Object.keys(sesheta).sort(), [
                "scrum-message",
                "scrum-space",
                "scrum-threadkey",
                "scrum-url",
                "sesheta-verbose",
                "users-invited",
            ]);
            const botConfig = JSON.parse(
                (k8sObject(KIND.configMap, "sesheta-bot", PROD_NS).inputs.data as Json)["config.json"],
            );
            assert.equal(botConfig.organization, "thoth-station");
            for (const cm of k8sObjects(KIND.configMap)) assert.deepEqual(cm.secretPaths, []);
            assert.deepEqual(leakedSecrets(), []);
        });

        it("wires each bot's env to the right Secret and ConfigMap keys", () => {
            const keb = envOf(k8sObject(KIND.cronJob, "kebechet", PROD_NS));
            assert.equal(keb.KEBECHET_SUBCOMMAND.value, "run");
            assert.deepEqual(keb.KEBECHET_TOKEN.valueFrom, {
                secretKeyRef: { name: "kebechet-secret", key: "github-oauth-token" },
            });
            assert.deepEqual(keb.SENTRY_DSN.valueFrom, {
                secretKeyRef: { name: "kebechet-secret", key: "sentry-dsn" },
            });
            assert.deepEqual(keb.KEBECHET_CONFIGURATION_PATH.valueFrom, {
                configMapKeyRef: { name: "kebechet-configmap", key: "kebechet-config" },
            });
            const nep = envOf(k8sObject(KIND.cronJob, "nepthys", PROD_NS));
            assert.deepEqual(nep.GITHUB_USER.valueFrom, {
                secretKeyRef: { name: "nepthys-secret", key: "user-name" },
            });
            const hooks = envOf(k8sObject(KIND.deployment, "sesheta-webhooks", PROD_NS));
            assert.deepEqual(hooks.SESHETA_GITHUB_WEBHOOK_SECRET.valueFrom, {
                secretKeyRef: { name: "sesheta-secret", key: "github-webhook-secret" },
            });
            const w2k = k8sObject(KIND.deployment, "webhook2kafka", PROD_NS);
            assert.deepEqual(envOf(w2k).GITHUB_WEBHOOK_SECRET.valueFrom, {
                secretKeyRef: { name: "sesheta-secret", key: "github-webhook-secret" },
            });
            assert.deepEqual(envOf(w2k).KAFKA_BOOTSTRAP_SERVERS.valueFrom, {
                secretKeyRef: { name: "cyborg-regidores", key: "kafka-bootstrap-servers" },
            });
            assert.deepEqual(
                containerOf(w2k).volumeMounts.map((m: Json) => m.mountPath),
                ["/opt/app-root/src/conf", "/opt/app-root/src/secrets"],
            );
            const scrum = k8sObject(KIND.cronJob, "sesheta-scrum", PROD_NS);
            assert.deepEqual(envOf(scrum).SESHETA_SCRUM_URL.valueFrom, {
                configMapKeyRef: { name: "sesheta-configmap", key: "scrum-url" },
            });
            assert.deepEqual(containerOf(scrum).volumeMounts, [
                {
                    name: "chat-credentials",
                    mountPath: "/opt/app-root/src/etc/credentials.json",
                    subPath: "sesheta-chatbot-968e13a86991.json",
                    readOnly: true,
                },
            ]);
        });
    });

    describe("stage", () => {
        plannedBefore("stage");

        it("runs the bots in the stage namespace only, never in prod's", () => {
            assert.ok(k8sObject(KIND.namespace, STAGE_NS));
            assert.equal(
                k8sObjects(KIND.deployment, PROD_NS).length + k8sObjects(KIND.cronJob, PROD_NS).length,
                0,
            );
            assert.deepEqual(
                k8sObjects(KIND.cronJob, STAGE_NS)
                    .map((c) => (c.inputs.metadata as Json).name)
                    .sort(),
                ["kebechet", "nepthys", "sesheta-approver", "sesheta-label-checker", "sesheta-scrum"],
            );
            assert.equal(
                (k8sObject(KIND.route, "sesheta-webhooks", STAGE_NS).inputs.spec as Json).host,
                `sesheta-webhooks-${STAGE_NS}.apps.ocp4.prod.psi.redhat.com`,
            );
        });

        it("keeps the scheduled bots suspended and the Kafka writers off, so stage never acts behind prod's back", () => {
            for (const c of k8sObjects(KIND.cronJob, STAGE_NS))
                assert.equal((c.inputs.spec as Json).suspend, true);
            assert.equal(
                k8sObjects(KIND.deployment, STAGE_NS).filter((d) =>
                    ["webhook2kafka", "normalizers"].includes((d.inputs.metadata as Json).name),
                ).length,
                0,
            );
            assert.throws(() => k8sObject(KIND.secret, "cyborg-regidores", STAGE_NS));
        });
    });

    // Each variant changes only the bots: the station, which never deploys into the bots' namespace, is off (a tenth of
    // the evaluation), and so are the tunnels and the nodepool (namespaces of their own) where a case reads only named
    // objects of the bots.
    describe("switches", () => {
        it("switches one bot off: its objects and its secrets go, the others stay", async () => {
            await runThoth("prod", (t) => {
                botsOnly(t);
                t.bots.kebechet.enabled = false;
            });
            assert.throws(() => k8sObject(KIND.cronJob, "kebechet", PROD_NS));
            assert.throws(() => k8sObject(KIND.secret, "kebechet-secret", PROD_NS));
            assert.throws(() => k8sObject(KIND.configMap, "kebechet-configmap", PROD_NS));
            // Nepthys still pushes with the one identity, Sesheta's.
            assert.equal(
                (k8sObject(KIND.secret, "nepthys-secret", PROD_NS).inputs.stringData as Json)[
                    "ssh-privatekey"
                ],
                SECRETS["thoth-sesheta-ssh-privatekey"],
            );
            const values = thothStack("prod");
            thothOf(values).bots.kebechet.enabled = false;
            const keys = Object.keys(secretsFor(values.thoth));
            assert.ok(keys.includes("thoth-sesheta-ssh-privatekey"));
            assert.ok(!keys.includes("thoth-kebechet-gitlab-oauth-token"));
            // With Sesheta's readers off too, Nepthys alone needs the identity's key, not its token.
            for (const bot of BOT_NAMES) if (bot !== "nepthys") thothOf(values).bots[bot].enabled = false;
            const nepthysOnly = Object.keys(secretsFor(values.thoth));
            assert.ok(nepthysOnly.includes("thoth-sesheta-ssh-privatekey"));
            assert.ok(!nepthysOnly.includes("thoth-sesheta-github-oauth-token"));
        });

        it("makes Secret sesheta-secret once, exactly when one of its readers runs", async () => {
            const seshetaSecrets = () =>
                k8sObjects(KIND.secret, PROD_NS).filter(
                    (s) => (s.inputs.metadata as Json).name === "sesheta-secret",
                );
            const only = (t: Record<string, Json>, bots: string[]) => {
                botsOnly(t);
                for (const bot of BOT_NAMES) if (t.bots[bot]) t.bots[bot].enabled = bots.includes(bot);
            };
            await runThoth("prod", (t) => only(t, ["review-manager"]));
            assert.equal(seshetaSecrets().length, 1);
            assert.deepEqual(
                envOf(k8sObject(KIND.deployment, "review-manager", PROD_NS)).GITHUB_WEBHOOK_SECRET,
                {
                    name: "GITHUB_WEBHOOK_SECRET",
                    valueFrom: { secretKeyRef: { name: "sesheta-secret", key: "github-webhook-secret" } },
                },
            );
            await runThoth("prod", (t) => only(t, ["kebechet", "nepthys"]));
            assert.equal(seshetaSecrets().length, 0);
        });

        it("switches every bot off at once", async () => {
            await runThoth("prod", (t) => {
                withoutStation(t);
                t.bots.enabled = false;
                t.ultrahooks.instances = t.ultrahooks.instances.filter((i: Json) => i.destination);
            });
            assert.equal(
                k8sObjects(KIND.deployment, PROD_NS).length +
                    k8sObjects(KIND.cronJob, PROD_NS).length +
                    k8sObjects(KIND.secret, PROD_NS).length,
                0,
            );
        });

        it("drops the optional Kebechet tokens from Secret and env when they are not set", async () => {
            const values = thothStack("prod");
            botsOnly(thothOf(values));
            const secrets = secretsFor(values.thoth);
            for (const k of [
                "thoth-kebechet-gitlab-oauth-token",
                "thoth-kebechet-pagure-oauth-token",
                "thoth-kebechet-sentry-dsn",
            ])
                delete secrets[k];
            await runThoth("prod", botsOnly, secrets);
            assert.deepEqual(stringKeys("kebechet-secret"), ["github-oauth-token", "ssh-privatekey"]);
            const env = envOf(k8sObject(KIND.cronJob, "kebechet", PROD_NS));
            assert.equal(env.SENTRY_DSN, undefined);
            assert.equal(env.GITLAB_KEBECHET_TOKEN, undefined);
        });

        it("takes a bot's sizing and schedule from config when set", async () => {
            await runThoth("prod", (t) => {
                botsOnly(t);
                t.bots.kebechet.schedule = "*/5 * * * *";
                t.bots.kebechet.resources = {
                    requests: { cpu: "1", memory: "1Gi" },
                    limits: { cpu: "2", memory: "3Gi" },
                };
            });
            const cron = k8sObject(KIND.cronJob, "kebechet", PROD_NS);
            assert.equal((cron.inputs.spec as Json).schedule, "*/5 * * * *");
            assert.deepEqual(containerOf(cron).resources, {
                requests: { cpu: "1", memory: "1Gi" },
                limits: { cpu: "2", memory: "3Gi" },
            });
        });
    });
});
