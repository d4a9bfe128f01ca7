import {
    KubernetesObjectRef,
    PerStack,
    ReplacedByObjects,
    TestRef,
    testRef,
    testsIn,
    runbookTable,
} from "../step";

/**
 * Runbook 000 (Thoth-station) line by line. Stage is the station's `stage` environment (one namespace per tier) and
 * its own bots/tunnels in `aicoe-stage*`; prod runs production's bots and the long-lived `test` environment
 * (`thoth-test-core`) with Zuul's nodepool.
 */

const test = testsIn("thoth");
/** A station tier's namespace: its own on stage (`thoth-<tier>-stage`), the one test namespace on prod. */
function tier(name: string): PerStack<string> {
    return { stage: `thoth-${name}-stage`, prod: "thoth-test-core" };
}

const BOTS: PerStack<string> = { stage: "aicoe-stage-bots", prod: "aicoe-prod-bots" };
const TUNNELS: PerStack<string> = { stage: "aicoe-stage", prod: "aicoe" };
/** Where the station's shared objects and the ops account live: infra in stage, the one test namespace in prod. */
const INFRA = tier("infra");
const FRONTEND = tier("frontend");
const BACKEND = tier("backend");
const GRAPH = tier("graph");
const DGRAPH = tier("dgraph");

const bot = (kind: string, name: string): KubernetesObjectRef => ({ kind, namespace: BOTS, name });
/** A bot that receives GitHub's webhooks: its Deployment, the Service in front of it and the Route to that. */
const webhookBot = (name: string): KubernetesObjectRef[] =>
    ["Deployment", "Service", "Route"].map((k) => bot(k, name));
const tunnel = (subdomain: string): KubernetesObjectRef => ({
    kind: "Deployment",
    namespace: TUNNELS,
    name: { stage: `ultrahook-${subdomain}-stage`, prod: `ultrahook-${subdomain}` },
});
const tunnelSecret = (name: string): KubernetesObjectRef => ({ kind: "Secret", namespace: TUNNELS, name });

const SCHEDULED_BOTS = test(
    "bots",
    "runs every scheduled bot as a non-overlapping CronJob with the source's schedule, image, history and sizing",
);
const WEBHOOK_BOTS = test(
    "bots",
    "runs the webhook bots as Deployments with a Service on 8080 and an edge Route",
);
const BOT_SECRETS = test(
    "bots",
    "keeps each bot's Secret with the real key names and type, every value marked secret",
);
const ONE_SESHETA_SECRET = test(
    "bots",
    "keeps the Sesheta identity in one Secret that every reader of its keys refers to",
);
const RETIRED_COPIES = test(
    "config",
    "refuses the retired copies of Sesheta's identity with a fix that moves or compares them (runbook 000)",
);
const TUNNEL_PER_SUBDOMAIN = test(
    "ultrahooks",
    "creates one Recreate deployment per subdomain in the ultrahook namespace (prod)",
);
const TUNNEL_DESTINATION = test(
    "ultrahooks",
    "follows each bot's Route (plus path) and keeps plain URLs as they are",
);

/** One ultrahook tunnel of the runbook: its Deployment and the Secret of the account it runs as. */
const tunnelled = (subdomain: string, account: string): ReplacedByObjects => ({
    by: "objects",
    objects: [tunnel(subdomain), tunnelSecret(account)],
    config: ["thoth.ultrahooks.instances"],
    tests: [TUNNEL_PER_SUBDOMAIN, TUNNEL_DESTINATION],
});

const TUNNEL_KEYS = test("ultrahooks", "keeps API keys in Secrets marked secret, never in the deployment");
const TUNNEL_GOPASS = test(
    "ultrahooks",
    "sends the operator to gopass aicoe/thoth/ultrahook for every ultrahook API key",
);
const EVERY_OBJECT_ON_ITS_CLUSTER = testRef(
    "test/plan/plan.test.ts",
    "gives every Kubernetes object an explicit cluster provider",
);
const KUBECONFIG_ASKED = testRef(
    "test/config/load.test.ts",
    "asks for every kubeconfig of clusters in use, but not for unused clusters",
);
/** What `oc login` to PSI becomes: the cluster's provider, made from the stack's cluster and its kubeconfig secret. */
const ON_PSI: ReplacedByObjects = {
    by: "objects",
    objects: [{ type: "pulumi:providers:kubernetes", name: "cluster-psi" }],
    config: ["thoth.cluster", "kubeconfig-psi"],
    tests: [EVERY_OBJECT_ON_ITS_CLUSTER, KUBECONFIG_ASKED],
};
const STAGE_TIERS = test("station", "creates the seven tier namespaces, labelled with environment and tier");
const TEST_LAYOUT = test("station", "puts every tier, the ops account and Dgraph into thoth-test-core");
const OPS_ACCOUNT = test(
    "station",
    "creates thoth-ops in the infra namespace and binds it to admin in every station namespace",
);
const SHARED_CONFIG = test(
    "modules",
    "puts the shared ConfigMaps into the five core namespaces, pointing every client at pgbouncer",
);
const STATION_SECRETS = test(
    "modules",
    "copies each station Secret from one encrypted value into every namespace that needs it",
);
const TEST_HIBERNATED = test(
    "modules",
    "puts everything into thoth-test-core, hibernated: services at 0, database and Argo at 1, jobs suspended",
);
const CATALOG_STAGE = test(
    "catalog",
    "stage: the eleven modules in their tiers' namespaces, graph-sync in two tiers, core in all five",
);
const CATALOG_TEST = test(
    "catalog",
    "test: every module once in thoth-test-core, where stage's rules would move nothing",
);
const WATCHERS_NAMED = test(
    "watcherRestart",
    "restarts what the runbook's deaf-watcher step names: the middletier and backend tiers, nothing else",
);
const DGRAPH_TLS = test("dgraph", "takes its TLS material from secret config into Secret dgraph-tls");

const SECRETS_DOC = "docs/reference/secrets.md#secrets";
const OWNERSHIP_DOC = "docs/reference/ownership.md#ownership-what-a-stack-may-write-on-a-cluster";
const WITHIN_GRANTS = testRef(
    "test/plan/boundaries.test.ts",
    "creates nothing outside its clusters' grants to each system (namespaces, hosts, cluster-scoped)",
);

const SESHETA_KEYS = [
    "thoth-sesheta-ssh-privatekey",
    "thoth-sesheta-github-oauth-token",
    "thoth-stage-sesheta-ssh-privatekey",
    "thoth-stage-sesheta-github-oauth-token",
];
const TUNNEL_API_KEYS = [
    "thoth-ultrahook-aicoe-api-key",
    "thoth-ultrahook-thoth-api-key",
    "thoth-stage-ultrahook-aicoe-api-key",
    "thoth-stage-ultrahook-thoth-api-key",
];
/** Both accounts' ultrahook Secrets, from the accounts' API keys. */
const tunnelKeys = (...tests: TestRef[]): ReplacedByObjects => ({
    by: "objects",
    objects: [tunnelSecret("ultrahook-aicoe"), tunnelSecret("ultrahook-thoth")],
    config: TUNNEL_API_KEYS,
    tests,
});
const DGRAPH_TLS_KEYS = ["ca-crt", "client-user-crt", "client-user-key", "node-crt", "node-key"].flatMap(
    (key) => [`thoth-dgraph-tls-${key}`, `thoth-stage-dgraph-tls-${key}`],
);

export const thothTable = runbookTable({
    system: "thoth",
    runbook: "000-thoth-station.txt",
    steps: [
        {
            lines: "20",
            says: "Thoth Bots are to deployed in `aicoe-prod-bots` namespace.",
            step: "deploy the bots into aicoe-prod-bots",
            by: "objects",
            objects: [{ kind: "Namespace", name: BOTS }],
            config: ["thoth.bots.namespace", "thoth.bots.createNamespace"],
            tests: [test("bots", "runs the bots in the stage namespace only, never in prod's")],
        },
        {
            lines: "25",
            says: "Kebechet Secrets: Kebechet ssh secrets are in GOPASS.",
            step: "give Kebechet its SSH key and GitHub token (gopass aicoe/thoth/kebechet/kebechet_github)",
            by: "objects",
            objects: [bot("Secret", "kebechet-secret")],
            config: [...SESHETA_KEYS, "thoth-kebechet-gitlab-oauth-token", "thoth-kebechet-sentry-dsn"],
            tests: [BOT_SECRETS, RETIRED_COPIES],
        },
        {
            lines: "26",
            says: "Deployment code: Use the ansible provision playbook from the [thoth-station/kebechet]",
            step: "deploy Kebechet with its ansible provision playbook",
            by: "objects",
            objects: [bot("CronJob", "kebechet"), bot("ConfigMap", "kebechet-configmap")],
            config: [
                "thoth.bots.kebechet.image",
                "thoth.bots.kebechet.schedule",
                "thoth.bots.kebechet.configuration",
            ],
            tests: [SCHEDULED_BOTS],
        },
        {
            lines: "31",
            says: "Nepthys uses kebechet ssh secrets.",
            step: "give Nepthys Kebechet's SSH secret",
            by: "objects",
            objects: [bot("Secret", "nepthys-secret")],
            config: SESHETA_KEYS,
            tests: [test("bots", "gives Nepthys Kebechet's SSH identity, not a key of its own")],
        },
        {
            lines: "32",
            says: "Deployment code: Use the ansible provision playbook from the [thoth-station/nepthys]",
            step: "deploy Nepthys with its ansible provision playbook",
            by: "objects",
            objects: [bot("CronJob", "nepthys")],
            config: [
                "thoth.bots.nepthys.image",
                "thoth.bots.nepthys.schedule",
                "thoth.bots.nepthys.gitUserName",
            ],
            tests: [SCHEDULED_BOTS],
        },
        {
            lines: "41",
            says: "All Sesheta bot can be deployed in one go",
            step: "deploy all Sesheta bots at once, or one of them with its own ansible task",
            by: "objects",
            objects: [
                bot("Deployment", "sesheta-webhooks"),
                bot("CronJob", "sesheta-label-checker"),
                bot("CronJob", "sesheta-scrum"),
                bot("CronJob", "sesheta-approver"),
            ],
            config: [
                "thoth.bots.sesheta-webhooks.enabled",
                "thoth.bots.sesheta-label-checker.enabled",
                "thoth.bots.sesheta-scrum.enabled",
                "thoth.bots.sesheta-approver.enabled",
            ],
            tests: [test("bots", "switches one bot off: its objects and its secrets go, the others stay")],
        },
        {
            lines: "43-44",
            says: "Sesheta needs a configuration file with google chat developer information",
            step: "put the chat bot key file sesheta-chatbot-968e13a86991.json (gopass aicoe/thoth/sesheta-chatbot-968e13a86991) beside the playbook",
            by: "objects",
            objects: [bot("Secret", "sesheta-secret")],
            config: [
                "thoth.bots.seshetaChatKeyFile",
                "thoth-sesheta-pubsub-consumer",
                "thoth-stage-sesheta-pubsub-consumer",
            ],
            tests: [
                ONE_SESHETA_SECRET,
                test(
                    "ultrahooks",
                    "sends the operator to the gopass paths of Sesheta's SSH key and chat bot credentials",
                ),
            ],
        },
        {
            lines: "47",
            says: "Sesheta Secrets: Few secrets are in ansible-vault and sesheta ssh secrets are in GOPASS.",
            step: "give Sesheta its vault secrets and its SSH key (gopass aicoe/thoth/sesheta-ssh/sesheta)",
            by: "objects",
            objects: [bot("Secret", "sesheta-secret")],
            config: [...SESHETA_KEYS, "thoth-sesheta-github-webhook-secret"],
            tests: [ONE_SESHETA_SECRET, BOT_SECRETS],
        },
        {
            lines: "48",
            says: "Deployment code: Use the ansible provision playbook from the [AICOE/sesheta]",
            step: "deploy Sesheta's webhook receiver, scheduled bots and configuration with its provision playbook",
            by: "objects",
            objects: [
                ...webhookBot("sesheta-webhooks"),
                bot("CronJob", "sesheta-label-checker"),
                bot("CronJob", "sesheta-scrum"),
                bot("CronJob", "sesheta-approver"),
            ],
            config: ["thoth.bots.sesheta-webhooks.image", "thoth.bots.sesheta-approver.schedule"],
            tests: [WEBHOOK_BOTS, SCHEDULED_BOTS],
        },
        {
            lines: "51",
            says: "ansible-playbook \\",
            step: "run Sesheta's provision playbook",
            by: "objects",
            objects: [{ type: "runbooks:thoth:SeshetaFamily", name: "thoth-bots-sesheta-family" }],
            tests: [test("botFamilies", "moves the bot objects under the four family components")],
        },
        {
            lines: "52-53",
            says: "--extra-vars=OCP_URL=<openshift_cluster_url> \\",
            step: "pass the cluster URL and a token",
            ...ON_PSI,
        },
        {
            lines: "54",
            says: "--extra-vars=SESHETA_CONFIG_FILE=<config_json> \\",
            step: "pass Sesheta's config.json",
            by: "objects",
            objects: [bot("ConfigMap", "sesheta-bot")],
            config: ["thoth.bots.seshetaConfig"],
            tests: [
                test(
                    "bots",
                    "keeps ConfigMaps plain, with the real keys, and no secret value anywhere outside Secrets",
                ),
            ],
        },
        {
            lines: "55-56",
            says: "--extra-vars=SESHETA_SCRUM_SPACE=<google-chat-space> \\",
            step: "pass the scrum reminder's chat space and meeting URL",
            by: "objects",
            objects: [bot("ConfigMap", "sesheta-configmap"), bot("CronJob", "sesheta-scrum")],
            config: ["thoth.bots.sesheta-scrum.space", "thoth.bots.sesheta-scrum.url"],
            tests: [test("bots", "wires each bot's env to the right Secret and ConfigMap keys")],
        },
        {
            lines: "57",
            says: "--extra-vars=SESHETA_APPLICATION_NAMESPACE=<openshift_cluster_namespace> \\",
            step: "pass the namespace Sesheta runs in",
            by: "objects",
            objects: [{ kind: "Namespace", name: BOTS }],
            config: ["thoth.bots.namespace"],
            tests: [test("bots", "runs the bots in the stage namespace only, never in prod's")],
        },
        {
            lines: "58-61",
            says: "--extra-vars=SESHETA_GITHUB_OAUTH_TOKEN=<github_oauth_token> \\",
            step: "pass Sesheta's GitHub token, SSH key, webhook secret and Google Chat endpoint",
            by: "objects",
            objects: [bot("Secret", "sesheta-secret")],
            config: [
                ...SESHETA_KEYS,
                "thoth-sesheta-github-webhook-secret",
                "thoth-sesheta-google-chat-endpoint-url",
                "thoth-stage-sesheta-github-webhook-secret",
                "thoth-stage-sesheta-google-chat-endpoint-url",
            ],
            tests: [ONE_SESHETA_SECRET, BOT_SECRETS],
        },
        {
            lines: "62",
            says: "playbooks/provision.yaml --vault-password-file=.vault_pass",
            step: "unlock the ansible vault with its password file",
            by: "dropped",
            reason: "No ansible vault is read any more: every value it held is a secret of the stack's encrypted configuration.",
        },
        {
            lines: "65",
            says: "**Review Manager**: Contact the thoth-station admin",
            step: "deploy review-manager (ask the thoth-station admin how)",
            by: "objects",
            objects: webhookBot("review-manager"),
            config: ["thoth.bots.review-manager.image"],
            tests: [WEBHOOK_BOTS],
        },
        {
            lines: "70",
            says: "- Secrets: secrets are in ansible-vault",
            step: "give webhook2kafka and the normalizers their Kafka secrets from the vault",
            stacks: ["prod"],
            by: "objects",
            objects: [bot("Secret", "cyborg-regidores")],
            config: [
                "thoth.bots.kafkaBootstrapServers",
                "thoth-cyborg-regidores-datahub-ca-cert",
                "thoth-cyborg-regidores-root-ca-cert",
            ],
            tests: [
                BOT_SECRETS,
                test("config", "needs Kafka bootstrap servers when webhook2kafka or normalizers run"),
            ],
        },
        {
            lines: "71",
            says: "- Deployment code: Use the ansible playbook from the [cyborg-regidores playbook]",
            step: "deploy webhook2kafka and the normalizers with the cyborg-regidores playbook (production's Kafka topics: prod only)",
            stacks: ["prod"],
            by: "objects",
            objects: [...webhookBot("webhook2kafka"), bot("Deployment", "normalizers")],
            config: ["thoth.bots.webhook2kafka.image", "thoth.bots.normalizers.image"],
            tests: [
                test("bots", "runs normalizers as a worker without Service or Route"),
                test(
                    "bots",
                    "keeps the scheduled bots suspended and the Kafka writers off, so stage never acts behind prod's back",
                ),
            ],
        },
        {
            lines: "74",
            says: '--extra-vars="APPLICATION_NAMESPACE=aicoe-prod-bots"',
            step: "run the cyborg-regidores playbook into aicoe-prod-bots (its secrets from the vault)",
            stacks: ["prod"],
            by: "objects",
            objects: [{ type: "runbooks:thoth:Regidores", name: "thoth-bots-regidores" }],
            config: ["thoth.bots.namespace"],
            tests: [
                test(
                    "botFamilies",
                    "moves the bot objects under the four family components (stage without cyborg-regidores, prod with)",
                ),
            ],
        },
        {
            lines: "81",
            says: "Ultrahooks are setup in `aicoe` namespace.",
            step: "run the ultrahook tunnels in namespace aicoe",
            by: "objects",
            objects: [tunnel("webhooks")],
            config: ["thoth.ultrahooks.namespace", "thoth.ultrahooks.createNamespace"],
            tests: [
                test("ultrahooks", "does not create the prod namespace it does not own, but creates stage's"),
            ],
        },
        {
            lines: "85-89",
            says: "**ultrahook-cyborg-regidores**",
            step: "tunnel cyborg-regidores (account ultrahook-aicoe) to webhook2kafka's Route",
            stacks: ["prod"],
            ...tunnelled("cyborg-regidores", "ultrahook-aicoe"),
        },
        {
            lines: "91-95",
            says: "**ultrahook-webhooks**",
            step: "tunnel webhooks (account ultrahook-thoth) to sesheta-webhooks' Route",
            ...tunnelled("webhooks", "ultrahook-thoth"),
        },
        {
            lines: "97-101",
            says: "**ultrahook-review-manager**",
            step: "tunnel review-manager (account ultrahook-aicoe) to review-manager's Route, path /github",
            ...tunnelled("review-manager", "ultrahook-aicoe"),
        },
        {
            lines: "103-107",
            says: "**ultrahook-zuul-thoth-test-core**",
            step: "tunnel zuul-thoth-test-core (account ultrahook-aicoe) to https://managesf.thoth-station.ninja",
            stacks: ["prod"],
            ...tunnelled("zuul-thoth-test-core", "ultrahook-aicoe"),
        },
        {
            lines: "113",
            says: "Use the [ultrahook secret template]",
            step: "create the ultrahook Secrets from the template",
            ...tunnelKeys(TUNNEL_KEYS),
        },
        {
            lines: "114",
            says: "Use `gopass show aicoe/thoth/ultrahook` to get ULTRAHOOK_API_KEY",
            step: "read each account's ULTRAHOOK_API_KEY from gopass",
            ...tunnelKeys(TUNNEL_GOPASS),
        },
        {
            lines: "116",
            says: "to ultrahook-aicoe and pass ULTRAHOOK_API_KEY of the ultrahook-aicoe",
            step: "name one Secret ultrahook-aicoe, with that account's key",
            by: "objects",
            objects: [tunnelSecret("ultrahook-aicoe")],
            config: ["thoth-ultrahook-aicoe-api-key", "thoth-stage-ultrahook-aicoe-api-key"],
            tests: [TUNNEL_KEYS],
        },
        {
            lines: "117",
            says: "to ultrahook-thoth and pass ULTRAHOOK_API_KEY of the ultrahook-thoth",
            step: "name the other Secret ultrahook-thoth, with that account's key",
            by: "objects",
            objects: [tunnelSecret("ultrahook-thoth")],
            config: ["thoth-ultrahook-thoth-api-key", "thoth-stage-ultrahook-thoth-api-key"],
            tests: [TUNNEL_KEYS],
        },
        {
            lines: "119",
            says: "`oc process -p ULTRAHOOK_API_KEY={{ ULTRAHOOK_API_KEY }} -f openshift/ultrahook.secret.yaml",
            step: "oc process the secret template and apply it in aicoe",
            ...tunnelKeys(
                TUNNEL_KEYS,
                test("restartOnChange", "a new ultrahook API key rolls the tunnels of that account only"),
            ),
        },
        {
            lines: "121-125",
            says: "Deployment the ultrahook with the following code",
            step: "oc process ultrahook.app.yaml with each tunnel's subdomain and destination and apply it in aicoe",
            by: "objects",
            objects: [tunnel("webhooks"), tunnel("review-manager")],
            config: ["thoth.ultrahooks.image", "thoth.ultrahooks.instances"],
            tests: [TUNNEL_PER_SUBDOMAIN, TUNNEL_DESTINATION],
        },
        {
            lines: "129",
            says: "The Secret key for thoth bots are already created and are present in `gopass aicoe/thoth`.",
            step: "generate new bot secrets only when necessary, store them in gopass and tell the team",
            by: "manual",
            reason: "New credentials are made at GitHub, Google Chat and ultrahook.com, outside any cluster; the new value is set once with `pulumi config set --secret` (the Secrets table names each key) and the next `pulumi up` rolls exactly the pods that read it.",
            procedure: { doc: SECRETS_DOC },
            tests: [
                test(
                    "restartOnChange",
                    "a new Sesheta webhook secret rolls every bot that checks GitHub signatures, and nothing else",
                ),
            ],
        },
        {
            lines: "132",
            says: "Sesheta _credentails_, _ssh keys_ and _github oauth token_ are used by **sesheta**, **kebechet**, and **nepthys**",
            step: "Sesheta's credentials, SSH key and GitHub token are also Kebechet's and Nepthys'",
            by: "objects",
            objects: [
                bot("Secret", "sesheta-secret"),
                bot("Secret", "kebechet-secret"),
                bot("Secret", "nepthys-secret"),
            ],
            config: SESHETA_KEYS,
            tests: [RETIRED_COPIES, ONE_SESHETA_SECRET],
        },
        {
            lines: "134",
            says: "_Generation of keys_: use sesheta credentails present in GOPASS",
            step: "log in to the sesheta GitHub account and generate new keys and a token",
            by: "manual",
            reason: "Keys and tokens are generated in the sesheta GitHub account's settings, which no program here reaches; the results go into thoth-sesheta-ssh-privatekey and thoth-sesheta-github-oauth-token with `pulumi config set --secret`.",
            procedure: { doc: SECRETS_DOC },
        },
        {
            lines: "135",
            says: "Do Not forget to update the new keys to GOPASS",
            step: "update the new keys in gopass and tell the team",
            by: "dropped",
            reason: "gopass is no longer where the bots' keys live: the stack's encrypted configuration is, and a changed key reaches the team as a reviewed commit of the stack file.",
        },
        {
            lines: "138-139",
            says: "All the ultrahook for webhook have been already created and ultrahook api key is stored in GOPASS.",
            step: "read the existing ultrahook API keys (gopass show aicoe/thoth/ultrahook)",
            ...tunnelKeys(TUNNEL_GOPASS),
        },
        {
            lines: "140",
            says: "_Generation of keys_: To generate ultrahook api key for new webhook",
            step: "register a new ultrahook API key at ultrahook.com",
            by: "manual",
            reason: "An ultrahook.com account and its API key are registered on that site by a person; the key then goes into thoth-ultrahook-<account>-api-key with `pulumi config set --secret`.",
            procedure: { doc: SECRETS_DOC },
        },
        {
            lines: "146",
            says: "Thoth Station is to be setup in environments: `stage` and `test`.",
            step: "set up the station in two environments, stage and test",
            by: "objects",
            objects: [{ kind: "Namespace", name: INFRA }],
            config: ["thoth.station.environment"],
            tests: [
                test("station", "gives stage one namespace per tier"),
                test("station", "puts every tier of test into thoth-test-core"),
            ],
        },
        {
            lines: "148-150",
            says: "The **stage** environment whole deployment is divided into multiple namespaces",
            step: "stage: one namespace per tier (frontend, middletier, backend, inspection, ...)",
            stacks: ["stage"],
            by: "objects",
            objects: [
                "thoth-frontend-stage",
                "thoth-middletier-stage",
                "thoth-backend-stage",
                "thoth-infra-stage",
                "thoth-graph-stage",
                "thoth-amun-api-stage",
                "thoth-amun-inspection-stage",
            ].map((name) => ({ kind: "Namespace", name })),
            config: ["thoth.station.environment", "thoth.station.createNamespaces"],
            tests: [STAGE_TIERS],
        },
        {
            lines: "151",
            says: "The **test** environment deployment is amalgamation of all stage namespace into one test namespace",
            step: "test: every tier in the one namespace thoth-test-core",
            stacks: ["prod"],
            by: "objects",
            objects: [{ kind: "Namespace", name: "thoth-test-core" }],
            config: ["thoth.station.environment"],
            tests: [TEST_LAYOUT, test("station", "runs the long-lived test environment, protected")],
        },
        {
            lines: "161-162",
            says: "Ansible vault password is present in GOPASS.",
            step: "read the ansible vault password (gopass show aicoe/thoth/ansible-vault-password)",
            by: "dropped",
            reason: "No ansible vault is read any more: the station's secrets are stack secrets (thoth-station-<Secret>-<key>), so there is no vault password to fetch.",
        },
        {
            lines: "169",
            says: "stable images of thoth-modules present in quay.io are used by **stage** environment",
            step: "run the modules' stable quay.io images, build nothing in the cluster",
            by: "objects",
            objects: [
                { kind: "Deployment", namespace: FRONTEND, name: "user-api" },
                { kind: "Deployment", namespace: FRONTEND, name: "management-api" },
            ],
            config: ["thoth.station.modules.images"],
            tests: [test("modules", "marks every unconfirmed Thoth image tag of Pulumi.")],
        },
        {
            lines: "173",
            says: "variable is set to **stage**.",
            step: "stage: set thoth_environment to stage",
            stacks: ["stage"],
            by: "objects",
            objects: [{ kind: "Namespace", name: "thoth-backend-stage" }],
            config: ["thoth.station.environment"],
            tests: [test("station", "gives stage one namespace per tier")],
        },
        {
            lines: "174",
            says: "Make sure for your username you have _admin_ or _edit_ access rights the stage environment namespaces.",
            step: "stage: make sure your user has admin or edit in the stage namespaces",
            stacks: ["stage"],
            by: "manual",
            reason: "The program acts with the identity of the stack's kubeconfig-psi: the stack file grants it the station's namespaces (clusters.psi.namespaces), but the cluster's RBAC for that identity (create and administer those namespaces) is given by the PSI cluster administrators.",
            procedure: { doc: OWNERSHIP_DOC },
            tests: [WITHIN_GRANTS],
        },
        {
            lines: "175",
            says: "Execute [prepare](https://github.com/thoth-station/thoth-ops/blob/master/ansible/prepare_environment.yaml)",
            step: "stage: run the prepare playbook (service accounts, ConfigMaps, Secrets)",
            stacks: ["stage"],
            by: "objects",
            objects: [
                { kind: "ServiceAccount", namespace: INFRA, name: "thoth-ops" },
                { kind: "RoleBinding", namespace: BACKEND, name: "thoth-ops-admin" },
                { kind: "ConfigMap", namespace: INFRA, name: "thoth" },
                { kind: "Secret", namespace: INFRA, name: "thoth" },
            ],
            config: ["thoth.station.opsServiceAccount", "thoth.station.modules.shared"],
            tests: [OPS_ACCOUNT, SHARED_CONFIG, STATION_SECRETS],
        },
        {
            lines: "176",
            says: "Execute [provision](https://github.com/thoth-station/thoth-ops/blob/master/ansible/provision_stage_environment.yaml)",
            step: "stage: run the provision playbook (templates, deployments, image streams, jobs, cronjobs, routes, services)",
            stacks: ["stage"],
            by: "objects",
            objects: [
                { kind: "Deployment", namespace: FRONTEND, name: "user-api" },
                { kind: "Deployment", namespace: GRAPH, name: "postgresql" },
                { kind: "CronJob", namespace: FRONTEND, name: "graph-refresh" },
                {
                    type: "kubernetes:kustomize:Directory",
                    name: "thoth-station-modules-catalog-adviser-thoth-backend-stage",
                },
            ],
            config: ["thoth.station.modules", "thoth.station.modules.catalog"],
            tests: [
                test(
                    "modules",
                    "exposes user-api publicly at stage.thoth-station.ninja and management-api at its host, from frontend; not amun-api",
                ),
                CATALOG_STAGE,
            ],
        },
        {
            lines: "177",
            says: "Verify the deployment by executing [verfiy]",
            step: "stage: run the verify playbook",
            stacks: ["stage"],
            by: "objects",
            objects: [{ type: "runbooks:thoth:StationVerify", name: "thoth-station-modules-verify" }],
            config: ["thoth.station.modules.verify"],
            tests: [
                test(
                    "verify",
                    "checks user-api and management-api through their Services, one Job each in the API's namespace",
                ),
            ],
        },
        {
            lines: "181",
            says: "variable is set to **test**.",
            step: "test: set thoth_environment to test",
            stacks: ["prod"],
            by: "objects",
            objects: [{ kind: "Namespace", name: "thoth-test-core" }],
            config: ["thoth.station.environment"],
            tests: [test("station", "puts every tier of test into thoth-test-core")],
        },
        {
            lines: "182",
            says: "Make sure for your username you have _admin_ or _edit_ access rights to test environment namespace.",
            step: "test: make sure your user has admin or edit in thoth-test-core",
            stacks: ["prod"],
            by: "manual",
            reason: "The program acts with the identity of the stack's kubeconfig-psi: the stack file grants it thoth-test-core (clusters.psi.namespaces), but the cluster's RBAC for that identity (admin there) is given by the PSI cluster administrators.",
            procedure: { doc: OWNERSHIP_DOC },
            tests: [WITHIN_GRANTS],
        },
        {
            lines: "183-191",
            says: "The ansible vault [vars]",
            step: "test: set every *_namespace vault variable to thoth-test-core",
            stacks: ["prod"],
            by: "objects",
            objects: [{ kind: "ConfigMap", namespace: "thoth-test-core", name: "thoth" }],
            config: ["thoth.station.environment"],
            tests: [TEST_LAYOUT, test("modules", "creates each shared ConfigMap and Secret once")],
        },
        {
            lines: "193",
            says: "Execute [prepare](https://github.com/thoth-station/thoth-ops/blob/master/ansible/prepare_environment.yaml)",
            step: "test: run the prepare playbook (service accounts, ConfigMaps, Secrets)",
            stacks: ["prod"],
            by: "objects",
            objects: [
                { kind: "ServiceAccount", namespace: INFRA, name: "thoth-ops" },
                { kind: "RoleBinding", namespace: INFRA, name: "thoth-ops-admin" },
                { kind: "ConfigMap", namespace: INFRA, name: "thoth" },
                { kind: "Secret", namespace: INFRA, name: "thoth" },
            ],
            config: ["thoth.station.opsServiceAccount", "thoth.station.modules.shared"],
            tests: [TEST_LAYOUT, test("modules", "asks for each station secret key once")],
        },
        {
            lines: "195",
            says: "Execute [provision](https://github.com/thoth-station/thoth-ops/blob/master/ansible/provision_stage_environment.yaml)",
            step: "test: run the provision playbook",
            stacks: ["prod"],
            by: "objects",
            objects: [
                { kind: "Deployment", namespace: "thoth-test-core", name: "user-api" },
                { kind: "Deployment", namespace: "thoth-test-core", name: "postgresql" },
                { kind: "CronJob", namespace: "thoth-test-core", name: "graph-refresh" },
                {
                    type: "kubernetes:kustomize:Directory",
                    name: "thoth-station-modules-catalog-adviser-thoth-test-core",
                },
            ],
            config: [
                "thoth.station.modules",
                "thoth.station.modules.hibernated",
                "thoth.station.modules.catalog",
            ],
            tests: [TEST_HIBERNATED, CATALOG_TEST],
        },
        {
            lines: "197",
            says: "Verify the deployment by executing [verfiy]",
            step: "test: run the verify playbook",
            stacks: ["prod"],
            by: "dropped",
            reason: "The test environment is hibernated (every service at 0 replicas, as the reference since 2023-02), so a readiness check could only fail; `thoth.station.modules.verify: true` adds the verify Jobs once it is woken.",
        },
        {
            lines: "199",
            says: "copy the secret token of service account **thoth-ops** from **thoth-test-core**",
            step: "test: copy thoth-ops' token into vault_thoth_test_core_registry_access_token",
            stacks: ["prod"],
            by: "objects",
            objects: [
                { kind: "ServiceAccount", namespace: "thoth-test-core", name: "thoth-ops" },
                { kind: "Secret", namespace: "thoth-test-core", name: "thoth-ops-token" },
            ],
            tests: [
                test(
                    "station",
                    "exports the ops token only as a secret, with the namespace mapping in plain text",
                ),
            ],
        },
        {
            lines: "201",
            says: "There is a bug in the python sdk which caused stopping receiving of events",
            step: "restart the event-based operators every ~30 minutes (the python client stops receiving events)",
            by: "objects",
            objects: [{ kind: "CronJob", namespace: BACKEND, name: "watcher-restart" }],
            config: ["thoth.station.watcherRestart.schedule", "thoth.station.watcherRestart.targets"],
            tests: [
                test(
                    "watcherRestart",
                    "runs one CronJob per namespace with that service account, on the configured schedule",
                ),
                test(
                    "watcherRestart",
                    "takes interval and which watchers from config, in the test layout too",
                ),
            ],
        },
        {
            lines: "203",
            says: "Clone the [thoth-station/misc]",
            step: "clone thoth-station/misc for the patch script",
            by: "dropped",
            reason: "The patch script is replaced by the watcher-restart CronJobs the program deploys, so nothing is cloned.",
        },
        {
            lines: "204",
            says: "oc login to OpenShift cluster where deployment is done.",
            step: "oc login to the cluster",
            ...ON_PSI,
        },
        {
            lines: "205",
            says: "we need to run `./auto-kill.sh <args>` script present in the misc repo.",
            step: "run the autokill patch script",
            by: "objects",
            objects: [
                { kind: "CronJob", namespace: BACKEND, name: "watcher-restart" },
                { kind: "Role", namespace: BACKEND, name: "watcher-restart" },
                { kind: "RoleBinding", namespace: BACKEND, name: "watcher-restart" },
            ],
            config: ["thoth.station.watcherRestart"],
            tests: [
                test(
                    "watcherRestart",
                    "allows each job only get and patch on exactly its named Deployments, in their own namespace",
                ),
                test(
                    "watcherRestart",
                    "patches the restartedAt annotation of every target, keeps going past a failure and then fails",
                ),
            ],
        },
        {
            lines: "206-211",
            says: "The argument to pass are **deployment_name**",
            step: "pass the deployments to patch (workload-operator-thoth-middletier-stage, workload-operator-thoth-backend-stage)",
            by: "objects",
            objects: [{ kind: "Deployment", namespace: BACKEND, name: "workflow-controller" }],
            config: ["thoth.station.watcherRestart.targets"],
            tests: [WATCHERS_NAMED],
        },
        {
            lines: "213",
            says: "Deployment which is event based is **workload-operator** and **backend-operator**.",
            step: "patch the event-based deployments workload-operator and backend-operator",
            by: "objects",
            objects: [
                { kind: "Deployment", namespace: BACKEND, name: "workflow-controller" },
                {
                    kind: "Deployment",
                    namespace: INFRA,
                    name: { stage: "investigator-consumer-backend", prod: "investigator-consumer" },
                },
            ],
            config: ["thoth.station.watcherRestart.targets"],
            tests: [
                WATCHERS_NAMED,
                test(
                    "watcherRestart",
                    "every event-based Deployment runbook 000 names has a successor in every station layout",
                ),
            ],
        },
        {
            lines: "217",
            says: "The dgraph is deployment in both environment **stage** and **test**",
            step: "run Dgraph in both environments",
            by: "objects",
            objects: [{ kind: "StatefulSet", namespace: DGRAPH, name: { stage: "alpha", prod: "dgraph" } }],
            config: ["thoth.station.dgraph.enabled", "thoth.station.dgraph.layout"],
            tests: [
                test("dgraph", "runs zero and alpha as StatefulSets of three"),
                test("dgraph", "runs zero and alpha side by side in one pod on one volume"),
            ],
        },
        {
            lines: "219",
            says: "The Deployment of the dgraph uses openshift templates",
            step: "oc process the dgraph templates (zero, alpha, or non-HA)",
            by: "objects",
            objects: [
                { kind: "StatefulSet", namespace: DGRAPH, name: { stage: "zero", prod: "dgraph" } },
                { kind: "Service", namespace: DGRAPH, name: "alpha-public" },
                { kind: "Route", namespace: DGRAPH, name: "alpha-grpc" },
                { kind: "Service", namespace: DGRAPH, name: "zero-public" },
            ],
            config: [
                "thoth.station.dgraph.image",
                "thoth.station.dgraph.storageSize",
                "thoth.station.dgraph.storageClassName",
            ],
            tests: [
                test("dgraph", "has headless services for peer discovery and ClusterIP public services"),
                test(
                    "dgraph",
                    "routes alpha's REST and gRPC with TLS passthrough, and never zero's unauthenticated admin port",
                ),
            ],
        },
        {
            lines: "221",
            says: "Dgraph certificates in a test environment would have automatically setup",
            step: "install Dgraph's certificates (test: with the playbook; stage: the prepare task)",
            by: "objects",
            objects: [{ kind: "Secret", namespace: DGRAPH, name: "dgraph-tls" }],
            config: DGRAPH_TLS_KEYS,
            tests: [DGRAPH_TLS],
        },
        {
            lines: "224",
            says: "The dgraph certificates are already present in ansible-vault.",
            step: "generate new Dgraph certificates with `dgraph cert -n <hostnames> -c user`",
            by: "manual",
            reason: "Certificates are made by a person with the dgraph CLI for the Routes' hostnames; the five files then go into the thoth-dgraph-tls-* secrets with `pulumi config set --secret`, and `pulumi up` rolls Dgraph.",
            procedure: { doc: SECRETS_DOC },
            tests: [test("restartOnChange", "a new Dgraph certificate rolls Dgraph only")],
        },
        {
            lines: "230",
            says: "Log in to the `Zuul` server and create a new `ServiceAccount`",
            step: "create nodepool's service account and allow it into the new cluster's namespace",
            stacks: ["prod"],
            by: "objects",
            objects: [
                { kind: "ServiceAccount", namespace: "thoth-zuul", name: "nodepool" },
                { kind: "RoleBinding", namespace: "thoth-zuul", name: "nodepool-edit" },
                { kind: "Secret", namespace: "thoth-zuul", name: "nodepool-token" },
            ],
            config: [
                "thoth.nodepool.namespace",
                "thoth.nodepool.serviceAccount",
                "thoth.nodepool.clusterRole",
            ],
            tests: [
                test(
                    "nodepool",
                    "creates the nodepool service account with edit in its namespace, and its token",
                ),
            ],
        },
        {
            lines: "233",
            says: "configure the `Zuul`'s `nodepool` configuration",
            step: "add the new cluster's labels to zuul-config/nodepool/thoth.yaml",
            stacks: ["prod"],
            by: "objects",
            objects: [{ type: "runbooks:thoth:ZuulNodepool", name: "thoth-nodepool" }],
            config: ["thoth.nodepool.labels", "thoth.apiServer"],
            tests: [test("nodepool", "exports the provider YAML in plain text and the token as a secret")],
        },
        {
            lines: "235-252",
            says: "---",
            step: "nodepool/thoth.yaml: labels with min-ready, provider psi (openshiftpods, context, pool thoth-zuul, cpu 1, memory 1024)",
            stacks: ["prod"],
            by: "objects",
            objects: [{ type: "runbooks:thoth:ZuulNodepool", name: "thoth-nodepool" }],
            config: ["thoth.nodepool.labels", "thoth.nodepool.provider", "thoth.apiServer"],
            tests: [
                test(
                    "nodepool",
                    "lists every label with min-ready and one openshiftpods provider whose pool is the namespace",
                ),
                test(
                    "nodepool",
                    "names the context as `oc login` does for the service account on the section's API server",
                ),
            ],
        },
        {
            lines: "254",
            says: "Once the new `nodepool` configuration is merged",
            step: "name the new label in each project's .zuul.yaml",
            by: "dropped",
            reason: "Which label a job runs on is chosen in each project repository's own .zuul.yaml, a change to those repositories, not to this cluster.",
        },
    ],
    context: {
        heading: ["1", "5", "18", "79", "127", "131", "137", "144", "153", "215", "223", "229", "232"],
        "prose: what the migration covers": ["3"],
        "prose: the list of bots and what each does": ["7-16"],
        "prose: what Kebechet is": ["22"],
        "link to the source code": ["24", "30", "46", "69", "109"],
        "prose: what Nepthys is": ["28"],
        "prose: what each Sesheta bot does": ["34-39"],
        "code fence": ["50", "63", "73", "75", "234", "253"],
        "prose: what webhook2kafka and the normalizers are": ["67"],
        rule: ["77", "142"],
        "prose: why ultrahook is needed": ["83"],
        "prose: what makes a public webhook": ["111"],
        "prose: what thoth-ops and its playbooks create (each is a step below)": ["155-159"],
        "link list: thoth-ops documentation": ["164-167"],
        "heading (list item)": ["171", "179"],
        "heading and prose: what Zuul is in Thoth": ["226-227"],
    },
});
