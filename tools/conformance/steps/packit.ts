import {
    KubernetesObjectRef,
    PerStack,
    Procedure,
    ReplacedByObjects,
    TestRef,
    testRef,
    testsIn,
    replacedAlike,
    StepEntry,
    runbookTable,
} from "../step";

/**
 * Runbook 001 (packit/deployment's README), which deploys both services with one layout: its steps name objects of
 * Packit's namespaces and of Stream's, so one table under system "packit" covers both sections.
 */

const test = testsIn("packit");
/** A service's namespace per stack, `<service>-<deployment>` (and its sandbox's, with `-sandbox`). */
const namespaces = (service: string, suffix = ""): PerStack<string> => ({
    stage: `${service}-stg${suffix}`,
    prod: `${service}-prod${suffix}`,
});
const PACKIT = namespaces("packit");
const STREAM = namespaces("stream");
const PACKIT_SANDBOX = namespaces("packit", "-sandbox");
const STREAM_SANDBOX = namespaces("stream", "-sandbox");
/** The worker StatefulSet that carries the repository cache: all queues on stage, long-running ones on prod. */
const CACHED_WORKER: PerStack<string> = { stage: "packit-worker", prod: "packit-worker-long-running" };
const ALL_WORKERS = "packit-worker";

function obj(kind: string, namespace: PerStack<string>, name: PerStack<string>): KubernetesObjectRef {
    return { kind, namespace, name };
}

/** Both services' copies of one object: the runbook deploys each with the same templates. */
function both(kind: string, name: string): KubernetesObjectRef[] {
    return [obj(kind, PACKIT, name), obj(kind, STREAM, name)];
}

/** The secret config keys `<section>-<secret>-<key>` of both services. */
function bothKeys(...keys: string[]): string[] {
    return ["packit", "stream"].flatMap((service) => keys.map((key) => `${service}-${key}`));
}

/** The same setting in both services' sections. */
function bothSections(...paths: string[]): string[] {
    return ["packit", "stream"].flatMap((service) => paths.map((path) => `${service}.${path}`));
}

const SECRET_KEYS = [
    "aws-access-key-id",
    "aws-secret-access-key",
    "packit-config-copr",
    "packit-config-fedora-toml",
    "packit-config-packit-service-yaml",
    "packit-secrets-fedora-keytab",
    "packit-secrets-fullchain-pem",
    "packit-secrets-privkey-pem",
    "packit-sentry-sentry",
    "packit-ssh-config",
    "packit-ssh-id-ed25519",
    "packit-ssh-id-ed25519-pub",
    "postgres-secret-database-password",
];
const CERT_KEYS = ["packit-secrets-fullchain-pem", "packit-secrets-privkey-pem"];

const FIRST_DEPLOY: Procedure = {
    doc: "docs/operate/first-deploy.md#first-deploy-taking-over-what-runs-today",
};
const DEPLOYING: Procedure = { doc: "docs/operate/deploy.md#deploying-for-real" };
const DELIVERY: Procedure = { doc: "docs/operate/deploy.md#delivery-pull-requests-deploys-drift-policy" };
const GENERAL_STEPS: Procedure = { doc: "docs/reference/configuration.md#general-runbook-steps" };
const SECRETS: Procedure = { doc: "docs/reference/secrets.md#secrets" };
const LOCAL_STACK: Procedure = { doc: "docs/develop/e2e.md#end-to-end-test" };

const STAGE_IMAGES = test("stacks", "follows :stg images: scheduled ImageStream tags plus the hourly import");
const PROD_WINDOW = test("stacks", "imports :prod images only in the Tuesday 02:00 window");
const PINNED_ROLLBACK = test("stacks", "moves a pinned production image only by config: a rollback");
const CERT_ROLL = test("restartOnChange", "new certificates in packit-secrets roll the API, the dashboard");
const CERT_MISSING = test("config", "reports a missing certificate secret with the command");
const SECRET_KEYING = test("layout", "keys secrets <section>-<secret>-<key>");

const CERT_STORED = [CERT_MISSING, SECRET_KEYING];

/** What changes one service's certificate on one stack: the certificate keys of that namespace's packit-secrets. */
function certificateSecret(
    namespace: string,
    service: "packit" | "stream",
    tests: TestRef[],
): ReplacedByObjects {
    return {
        by: "objects",
        objects: [obj("Secret", namespace, "packit-secrets")],
        config: CERT_KEYS.map((key) => `${service}-${key}`),
        tests,
    };
}

/** The runbook's four copies of the certificate, one per service and deployment, and the lines that store and redeploy each. */
const CERTIFICATE_COPIES = [
    { service: "packit", deployment: "prod", stored: "302", redeployed: "314" },
    { service: "packit", deployment: "stg", stored: "303", redeployed: "313" },
    { service: "stream", deployment: "prod", stored: "304", redeployed: "319" },
    { service: "stream", deployment: "stg", stored: "305", redeployed: "318" },
] as const;
type CertificateCopy = (typeof CERTIFICATE_COPIES)[number];
const DEPLOYMENT_STACK = { stg: "stage", prod: "prod" } as const;
const DEPLOYMENT_NAME = { stg: "staging", prod: "production" } as const;
const SERVICE_NAME = { packit: "Packit", stream: "Stream" } as const;

/** Storing one copy in the secrets repository becomes that namespace's certificate keys. */
const storedCertificate = ({ service, deployment, stored }: CertificateCopy): StepEntry => ({
    lines: stored,
    says: `secrets/${service}/${deployment}/`,
    step: `store the certificate for ${SERVICE_NAME[service]} ${DEPLOYMENT_NAME[deployment]}`,
    stacks: [DEPLOYMENT_STACK[deployment]],
    ...certificateSecret(`${service}-${deployment}`, service, CERT_STORED),
});

/** Redeploying one copy's secrets (`make deploy TAGS=secrets`) is the same keys, whose change rolls the pods. */
const redeployedCertificate = ({ service, deployment, redeployed }: CertificateCopy): StepEntry => ({
    lines: redeployed,
    says: `${service === "stream" ? "SERVICE=stream " : ""}DEPLOYMENT=${deployment} make deploy TAGS=secrets`,
    step: `redeploy ${SERVICE_NAME[service]} ${DEPLOYMENT_NAME[deployment]}'s secrets`,
    stacks: [DEPLOYMENT_STACK[deployment]],
    ...certificateSecret(`${service}-${deployment}`, service, [CERT_ROLL]),
});
const byFirstLine = (a: StepEntry, b: StepEntry): number =>
    Number.parseInt(a.lines, 10) - Number.parseInt(b.lines, 10);

const certbotByHand =
    "obtaining the certificate stays certbot's DNS-01 challenge by hand (Google Domains, no API the program has); " +
    "only where the PEMs go changes: the secret config keys of the secrets table";

export const packitTable = runbookTable({
    system: "packit",
    runbook: "001-packit-stream.txt",
    steps: [
        {
            lines: "5",
            says: "Obtain all the necessary [secrets]",
            step: "copy secrets/<service>/<deployment>/* from the secrets repository",
            by: "objects",
            objects: [
                ...both("Secret", "packit-config"),
                ...both("Secret", "packit-secrets"),
                ...both("Secret", "packit-ssh"),
                ...both("Secret", "packit-sentry"),
                ...both("Secret", "aws"),
                ...both("Secret", "postgres-secret"),
                obj("Secret", PACKIT, "centos-secrets"),
                obj("Secret", PACKIT, "github-app-private-key"),
            ],
            config: [
                ...bothKeys(...SECRET_KEYS),
                "packit-centos-secrets-centos-cert",
                "packit-centos-secrets-centos-server-ca-cert",
                "packit-github-app-private-key-private-key-pem",
            ],
            tests: [
                SECRET_KEYING,
                testRef(
                    "test/config/passes/secrets.test.ts",
                    "wants an enabled system's secrets and its cluster's kubeconfig",
                ),
                test("security", "never shows a secret config value outside secret"),
            ],
        },
        {
            lines: "6",
            says: "Create a deployment config from a template",
            step: "write vars/<service>/<deployment>.yml from its template (deployment, with_* components, api_key)",
            by: "objects",
            objects: [
                { kind: "Namespace", name: PACKIT },
                { kind: "Namespace", name: STREAM },
                { kind: "Namespace", name: PACKIT_SANDBOX },
                { kind: "Namespace", name: STREAM_SANDBOX },
            ],
            config: [
                ...bothSections("deployment", "namespace", "domain", "components", "images", "workers"),
                "clusters.packit-auto",
                "kubeconfig-packit-auto",
            ],
            tests: [
                testRef("test/config/checks.test.ts", "has every section and passes the guard"),
                test("layout", "names namespaces <service>-<deployment>"),
                test("config", "rejects unknown settings such as a mistyped"),
            ],
        },
        {
            lines: "7",
            says: "dnf install ansible origin-clients python3-openshift",
            step: "install Ansible and the OpenShift client on the operator's machine",
            by: "manual",
            reason: "tools on the operator's machine are not objects of a stack: Node.js and the Pulumi CLI replace Ansible and python3-openshift (`npm ci` installs the rest)",
            procedure: DEPLOYING,
        },
        {
            lines: "8",
            says: "DEPLOYMENT={deployment} make deploy",
            step: "deploy one service to one deployment with the playbook",
            by: "objects",
            objects: [
                ...both("Deployment", "packit-service"),
                obj("StatefulSet", PACKIT, CACHED_WORKER),
                obj("StatefulSet", STREAM, ALL_WORKERS),
            ],
            config: ["packit.enabled", "stream.enabled"],
            tests: [
                test("stacks", "keeps packit and stream in their own namespaces"),
                test("order", "creates every namespaced object only after its Namespace"),
            ],
        },
        {
            lines: "23-28",
            says: "We build separate images for",
            step: "run the service, worker, fedora-messaging and CentOS-messaging images of quay.io/packit",
            by: "objects",
            objects: [
                ...both("ImageStream", "packit-service"),
                ...both("ImageStream", "packit-worker"),
                ...both("ImageStream", "packit-service-fedmsg"),
                obj("ImageStream", PACKIT, "packit-service-centosmsg"),
            ],
            config: bothSections("images.registry", "images.repositories", "components"),
            tests: [test("layout", "runs only the images of enabled components")],
        },
        {
            lines: "29",
            says: "[Sandcastle]",
            step: "sandbox untrusted code with sandcastle",
            by: "objects",
            objects: [
                { kind: "Namespace", name: PACKIT_SANDBOX },
                { kind: "Namespace", name: STREAM_SANDBOX },
                obj("RoleBinding", PACKIT_SANDBOX, "sandcastle-edit"),
                obj("RoleBinding", STREAM_SANDBOX, "sandcastle-edit"),
            ],
            config: bothSections("sandbox.namespace"),
            tests: [test("security", "grants the workers' default service account exactly ClusterRole edit")],
        },
        {
            lines: "34",
            says: "Staging images are `:stg` tagged",
            step: "staging runs the :stg images",
            stacks: ["stage"],
            by: "objects",
            objects: both("ImageStream", "packit-service"),
            config: bothSections("images.tag"),
            tests: [STAGE_IMAGES],
        },
        {
            lines: "35",
            says: "Production images are `:prod` tagged",
            step: "production runs the :prod images",
            stacks: ["prod"],
            by: "objects",
            objects: both("ImageStream", "packit-service"),
            config: bothSections("images.tag"),
            tests: [PROD_WINDOW],
        },
        {
            lines: "36-39",
            says: "To move `stable` branch to a newer 'stable' commit",
            step: "release to production: git branch -f stable <commit>; git push upstream stable",
            by: "manual",
            reason: "a release moves a branch of the service repositories, whose own workflows build :prod; the program only imports the tag, so the release stays a git step there (never during the takeover)",
            procedure: FIRST_DEPLOY,
        },
        {
            lines: "67",
            says: "set to automatic",
            step: "ImageStream tags import new images automatically (scheduled import)",
            by: "objects",
            objects: [...both("ImageStream", "packit-service"), ...both("ImageStream", "packit-worker")],
            config: bothSections("images.updates"),
            tests: [STAGE_IMAGES, PROD_WINDOW],
        },
        {
            lines: "68-70",
            says: "We run a [CronJob]",
            step: "the import-images CronJob imports newer images and so redeploys them",
            by: "objects",
            objects: [
                ...both("CronJob", "import-images"),
                ...both("ServiceAccount", "importimager"),
                ...both("Role", "importimager"),
                ...both("RoleBinding", "importimager"),
            ],
            config: bothSections("images.updates", "images.cli"),
            tests: [
                test("imageImport", "gives each import its own account allowed only to read its streams"),
                test("imageImport", "imports each stream's own tag, one `oc import-image` per stream"),
            ],
        },
        {
            lines: "72",
            says: "STG: Once every hour (at minute 0)",
            step: "staging imports every hour at minute 0",
            stacks: ["stage"],
            by: "objects",
            objects: both("CronJob", "import-images"),
            config: bothSections("images.updates"),
            tests: [
                test("imageImport", "runs one hourly import in exactly the namespaces with scheduled tags"),
            ],
        },
        {
            lines: "73",
            says: "PROD: At 2AM on Tuesday",
            step: "production imports at 02:00 on Tuesday",
            stacks: ["prod"],
            by: "objects",
            objects: both("CronJob", "import-images"),
            config: bothSections("images.updates", "images.maintenanceWindow"),
            tests: [PROD_WINDOW],
        },
        {
            lines: "75",
            says: "[2] automatic",
            step: "a new image in the ImageStream redeploys its Deployment/StatefulSet",
            by: "objects",
            objects: [
                ...both("Deployment", "packit-service"),
                ...both("Deployment", "packit-service-fedmsg"),
                ...both("Deployment", "packit-service-beat"),
                obj("Deployment", PACKIT, "packit-dashboard"),
                obj("StatefulSet", PACKIT, CACHED_WORKER),
                obj("StatefulSet", STREAM, ALL_WORKERS),
            ],
            tests: [test("stacks", "lets OpenShift own the images of Packit's Deployments through image")],
        },
        {
            lines: "79",
            says: "DEPLOYMENT=prod make import-images",
            step: "import (and so deploy) newer images before the CronJob does",
            by: "manual",
            reason: "an import outside the schedule is an operator's decision, not state: start the program's CronJob once, `oc create job --from=cronjob/import-images import-now -n <namespace>`",
            procedure: FIRST_DEPLOY,
        },
        {
            lines: "85",
            says: "oc import-image is/packit-",
            step: "import one image stream by hand",
            by: "manual",
            reason: "the same one-off import; the CronJob's job imports every stream of the namespace with the tag the stack sets (`oc create job --from=cronjob/import-images import-now -n <namespace>`)",
            procedure: FIRST_DEPLOY,
        },
        {
            lines: "89",
            says: "There's also 'import-images' target in the Makefile",
            step: "import every image stream of a deployment (make import-images)",
            by: "manual",
            reason: "the Makefile target's job is the program's CronJob: `oc create job --from=cronjob/import-images import-now -n <namespace>` runs it now",
            procedure: FIRST_DEPLOY,
        },
        {
            lines: "98",
            says: 'TAGS="redis,redis-commander" make deploy',
            step: "deploy only some parts (TAGS)",
            by: "manual",
            reason: "which parts to deploy is chosen on the command line, not in the stack: `pulumi up --target '**::packit-redis*'` (every object has a stable `<service>-<part>` name)",
            procedure: GENERAL_STEPS,
            tests: [test("handles", "makes every object its pods read")],
        },
        {
            lines: "100",
            says: "Use `make tags` to list",
            step: "list the parts that can be deployed alone",
            by: "manual",
            reason: "a read-only listing: `pulumi stack --show-urns` names every part a --target can select",
            procedure: GENERAL_STEPS,
        },
        {
            lines: "104-110",
            says: "can be reverted with `oc rollout undo`",
            step: "roll back packit-service / packit-service-fedmsg (oc rollout undo, oc rollout history)",
            by: "objects",
            objects: [
                ...both("ImageStream", "packit-service"),
                ...both("ImageStream", "packit-service-fedmsg"),
                ...both("Deployment", "packit-service"),
            ],
            config: bothSections("images.pins.packit-service", "images.pins.packit-service-fedmsg"),
            tests: [PINNED_ROLLBACK],
        },
        {
            lines: "113-120",
            says: "`oc rollout undo` does not seem to work with `StatefulSet`",
            step: "roll back the worker StatefulSet by tagging an older digest",
            by: "objects",
            objects: [
                ...both("ImageStream", "packit-worker"),
                obj("StatefulSet", PACKIT, CACHED_WORKER),
                obj("StatefulSet", STREAM, ALL_WORKERS),
            ],
            config: bothSections("images.pins.packit-worker"),
            tests: [PINNED_ROLLBACK],
        },
        {
            lines: "124-126",
            says: "Trigger `:prod` images builds",
            step: "run scripts/move_stable.py to build new :prod images",
            by: "manual",
            reason: "the :prod builds are the service repositories' workflows; move_stable.py stays in packit/deployment and is not a cluster change",
            procedure: FIRST_DEPLOY,
        },
        {
            lines: "128-131",
            says: "Import images -> re-deploy",
            step: "import the new :prod images, which redeploys them",
            stacks: ["prod"],
            by: "objects",
            objects: both("CronJob", "import-images"),
            config: bothSections("images.maintenanceWindow"),
            tests: [PROD_WINDOW],
        },
        {
            lines: "142-144",
            says: "Because we run the service in OpenShift",
            step: "test changes on a local OpenShift (oc cluster up)",
            by: "manual",
            reason: "a test cluster is neither stage nor prod: the local stack (Pulumi.local.yaml, Packit and Stream `dev`) deploys onto a local cluster",
            procedure: LOCAL_STACK,
        },
        {
            lines: "145",
            says: "Create `secrets/packit/dev/`",
            step: "copy secrets from the secrets repository for the dev deployment",
            by: "dropped",
            reason: "the local stack carries generated test values (`npm run e2e:secrets`), so no real secret is copied into a test cluster",
        },
        {
            lines: "146-147",
            says: "cp dev_template.yml dev.yml",
            step: "write vars/packit/dev.yml with api_key from oc whoami -t",
            by: "manual",
            reason: "the dev settings are committed in Pulumi.local.yaml; only the kubeconfig is yours: `pulumi config set --secret kubeconfig-local-openshift < kubeconfig.yaml`",
            procedure: LOCAL_STACK,
        },
        {
            lines: "149",
            says: "Run `DEPLOYMENT=dev make deploy`",
            step: "deploy the dev deployment",
            by: "manual",
            reason: "`pulumi up --stack local`, on a cluster of your own",
            procedure: LOCAL_STACK,
        },
        {
            lines: "150-151",
            says: "That will also push locally built images",
            step: "push locally built :dev images into the cluster's registry (push_dev_images)",
            by: "dropped",
            reason: "the program pushes no images: the local stack runs the published :stg builds",
        },
        {
            lines: "155-162",
            says: "you can run [minishift]",
            step: "use minishift's docker and oc (eval $(minishift docker-env), oc config use-context minishift)",
            by: "dropped",
            reason: "minishift (OpenShift 3) is end-of-life; the local stack on a local cluster replaces it",
        },
        {
            lines: "164-165",
            says: "and then build worker & service images",
            step: "build the worker and service images locally before the dev deploy",
            by: "dropped",
            reason: "building images is packit-service's job; the local stack runs the published :stg builds",
        },
        {
            lines: "172-175",
            says: "in packit-service repo:",
            step: "build a test worker and push it as :stg",
            by: "dropped",
            reason: "building and pushing an image happens in packit-service, not in this deployment; stage picks up whatever :stg holds by itself (next steps)",
        },
        {
            lines: "176",
            says: "in deployment: `DEPLOYMENT=stg make import-images`",
            step: "import the pushed :stg worker into staging",
            stacks: ["stage"],
            by: "objects",
            objects: [
                obj("CronJob", "packit-stg", "import-images"),
                obj("ImageStream", "packit-stg", "packit-worker"),
            ],
            config: ["packit.images.updates"],
            tests: [test("imageImport", "imports each stream's own tag, one `oc import-image` per stream")],
        },
        {
            lines: "178-179",
            says: "Once you're done you should [revert to older image]",
            step: "revert staging's worker afterwards, or let the next :stg build replace it",
            stacks: ["stage"],
            by: "objects",
            objects: [
                obj("ImageStream", "packit-stg", "packit-worker"),
                obj("CronJob", "packit-stg", "import-images"),
            ],
            config: ["packit.images.updates", "packit.images.pins.packit-worker"],
            tests: [
                test("imageImport", "runs one hourly import in exactly the namespaces with scheduled tags"),
                STAGE_IMAGES,
            ],
        },
        {
            lines: "185-188",
            says: "Create `dev` directory under `secrets`",
            step: "generate secrets for a local packit-service (GitHub app key, make generate-local-secrets)",
            by: "dropped",
            reason: "secrets for a developer's own packit-service (docker-compose) are not part of any deployment; the playbook stays in packit/deployment",
        },
        {
            lines: "190",
            says: "copy the `secrets` directory to your `packit-service` directory",
            step: "copy the generated secrets into a packit-service checkout",
            by: "dropped",
            reason: "the same local packit-service setup, outside any deployment",
        },
        {
            lines: "197",
            says: "DEPLOYMENT=stg make zuul-secrets",
            step: "encrypt the secrets for Zuul CI",
            by: "manual",
            reason: "it encrypts files of the secrets repository for Zuul jobs, which keep running from packit/deployment; nothing in the cluster reads them",
            procedure: FIRST_DEPLOY,
        },
        {
            lines: "211-216",
            says: "We are using multi-domain wildcard certificates",
            step: "the certificate covers *.packit.dev, *.stream.packit.dev, *.stg.packit.dev, *.stg.stream.packit.dev",
            by: "objects",
            objects: [
                ...both("Secret", "packit-secrets"),
                ...both("Route", "packit-service"),
                obj("Route", PACKIT, "packit-dashboard"),
                obj("Route", PACKIT, "nginx"),
            ],
            config: [
                ...bothSections("tls.certificateNames", "domain"),
                ...bothKeys("packit-secrets-fullchain-pem"),
            ],
            tests: [
                test("config", "reports a public host no certificate covers"),
                test("layout", "matches wildcard certificates one label deep"),
            ],
        },
        {
            lines: "235-245",
            says: "Make sure the DNS is all set up",
            step: "check that prod.packit.dev (and the other hosts) CNAME to the cluster's router (dig)",
            by: "manual",
            reason: "DNS of packit.dev is in Google Domains, outside any cluster and any provider of the program",
            procedure: FIRST_DEPLOY,
        },
        ...replacedAlike({ by: "manual", reason: certbotByHand, procedure: SECRETS }, [
            {
                lines: "247-248",
                says: "Check if you have access to packit.dev domain",
                step: "have access to the packit.dev domain in Google Domains",
            },
            { lines: "250-252", says: "Check/install certbot locally", step: "install certbot" },
            {
                lines: "256-270",
                says: "Run certbot:",
                step: "certbot certonly --manual --preferred-challenges dns for the four wildcard names",
            },
            {
                lines: "274-278",
                says: "Go to [Google Domains]",
                step: "create or edit the _acme-challenge TXT record certbot asks for",
            },
            {
                lines: "280-292",
                says: "Wait till it's distributed",
                step: "watch nslookup -q=TXT until the record is served",
            },
            {
                lines: "294-296",
                says: "Go to the terminal with certbot command",
                step: "continue certbot, and repeat for every requested domain",
            },
        ]),
        ...CERTIFICATE_COPIES.map(storedCertificate),
        {
            lines: "307",
            says: "Push, create merge request and merge.",
            step: "merge the new certificates into the secrets repository",
            by: "manual",
            reason: "`pulumi config set --secret` writes the encrypted value into Pulumi.<stack>.yaml: commit it in a pull request, and its merge deploys stage, then prod after approval",
            procedure: DELIVERY,
        },
        ...CERTIFICATE_COPIES.map(redeployedCertificate).sort(byFirstLine),
        {
            lines: "321",
            says: "Restart (scale down and up) `packit-service`, `packit-dashboard` and `nginx`",
            step: "restart packit-service, packit-dashboard and nginx to serve the new certificates",
            by: "objects",
            objects: [
                ...both("Deployment", "packit-service"),
                obj("Deployment", PACKIT, "packit-dashboard"),
                obj("Deployment", PACKIT, "nginx"),
            ],
            config: bothKeys(...CERT_KEYS),
            tests: [CERT_ROLL],
        },
        {
            lines: "325-334",
            says: "If you want to inspect local certificates",
            step: "inspect a certificate (certtool: issuer, serial, validity)",
            by: "manual",
            reason: "reading a certificate changes nothing; the plan's notice prints the openssl commands for the certificate the next up serves and for the one each public host serves today",
            procedure: { notice: "CERTIFICATE packit" },
            tests: [
                test(
                    "takeover",
                    "the notices say the takeover needs a dump and the version check, and how to inspect",
                ),
            ],
        },
        {
            lines: "342-350",
            says: "Configure the cache in the service config",
            step: "set repository_cache and add_repositories_to_repository_cache in the service config",
            by: "objects",
            objects: [obj("Secret", PACKIT, "packit-config")],
            config: ["packit-packit-config-packit-service-yaml"],
            tests: [SECRET_KEYING],
        },
        {
            lines: "352-353",
            says: "Since our infrastructure does not support shared volumes",
            step: "one cache volume per worker and one per its sandbox pod",
            by: "objects",
            objects: [
                obj("StatefulSet", PACKIT, CACHED_WORKER),
                obj("PersistentVolumeClaim", PACKIT_SANDBOX, {
                    stage: "sandcastle-repository-cache-packit-worker-0",
                    prod: "sandcastle-repository-cache-packit-worker-long-running-0",
                }),
            ],
            config: ["packit.workers.repositoryCache", "packit.workers.split"],
            tests: [
                test("stacks", "splits workers into short-running and long-running, the cache only"),
                test("stacks", "runs one all-queues worker StatefulSet with the sandcastle volume"),
                test("security", "spares the repository caches this program manages"),
            ],
        },
        {
            lines: "354-360",
            says: "For sandbox, we have an option in the service config",
            step: "mount the sandbox's cache claim (SANDCASTLE_REPOSITORY_CACHE_VOLUME) through the service config",
            by: "objects",
            objects: [
                obj("Secret", PACKIT, "packit-config"),
                obj("PersistentVolumeClaim", PACKIT_SANDBOX, {
                    stage: "sandcastle-repository-cache-packit-worker-0",
                    prod: "sandcastle-repository-cache-packit-worker-long-running-0",
                }),
            ],
            config: ["packit-packit-config-packit-service-yaml", "packit.workers.repositoryCache"],
            tests: [SECRET_KEYING],
        },
        {
            lines: "362-372",
            says: "And finally, add some repositories to the cache.",
            step: "fill the caches (clone in the pod, oc rsync, or the repository-cache-filler pod)",
            by: "manual",
            reason: "filling is data, not configuration, and the filler pod mounts a worker's RWO claim and blocks its sandboxes while it runs: by hand, per claim, in a quiet hour (adopted claims stay filled)",
            procedure: FIRST_DEPLOY,
        },
        {
            lines: "378-379",
            says: "To record metrics from Celery tasks",
            step: "run the Prometheus Pushgateway the workers push to",
            by: "objects",
            objects: [obj("Deployment", PACKIT, "pushgateway"), obj("Service", PACKIT, "pushgateway")],
            config: ["packit.components.pushgateway", "packit.images.pushgateway"],
            tests: [test("stacks", "runs the Prometheus Pushgateway (not an aggregation gateway)")],
        },
        {
            lines: "380-383",
            says: "There is a Prometheus instance running in OpenShift PSI",
            step: "serve /metrics publicly on workers.packit.dev and workers.stg.packit.dev for PSI's Prometheus",
            by: "objects",
            objects: [obj("Route", PACKIT, "nginx"), obj("Service", PACKIT, "nginx")],
            config: ["packit.domain", "packit.deployment"],
            tests: [test("layout", "names hosts per service and deployment like")],
        },
        {
            lines: "384-385",
            says: "We use nginx ([definition]",
            step: "nginx in front of the pushgateway passes only GET requests",
            by: "objects",
            objects: [
                obj("Deployment", PACKIT, "nginx"),
                obj("ConfigMap", PACKIT, "nginx-config"),
                obj("Service", PACKIT, "nginx"),
            ],
            config: ["packit.images.nginx"],
            tests: [
                test("security", "exposes the pushgateway only through nginx"),
                test("layout", "renders an nginx that serves only GET /metrics"),
            ],
        },
        {
            lines: "389-392",
            says: "To write out the data from the database",
            step: "dump the database (pg_dump/pg_dumpall) and import it with psql",
            by: "manual",
            reason: "a dump is taken by the operator, never by pulumi up: before the takeover the migration report prints the pg_dump command and checks the dump (retention is no backup)",
            procedure: { notice: "DATABASE TAKEOVER" },
            tests: [
                testRef(
                    "test/adopt/databases.test.ts",
                    "is ready exactly when the data directory and the dump are of the configured major",
                ),
                testRef("test/adopt/takeover.test.ts", "reports the server on the live claim as blocking"),
            ],
        },
        {
            lines: "398-402",
            says: "We run Postgres in an Openshift pod",
            step: "major upgrade: a new pod on a new PVC, dump the old one into it",
            by: "objects",
            objects: [...both("Deployment", "postgres-15"), ...both("Service", "postgres-15")],
            config: bothSections("postgres.version", "postgres.image", "postgres.previous"),
            tests: [
                test("upgrade", "runs the new server beside the old one"),
                test("upgrade", "copies the data with a dump/restore Job once the writers have stopped"),
                test("upgrade", "stops the database writers (API, workers, beat)"),
            ],
        },
        {
            lines: "404",
            says: "The `postgres` service then needs to be linked to the new pod",
            step: "point the postgres Service at the new pod; delete the old pod and PVC",
            by: "objects",
            objects: both("Service", "postgres"),
            config: bothSections("postgres.version", "postgres.previous"),
            tests: [
                test("upgrade", "points the postgres Service at the new one"),
                test("upgrade", "keeps the old volume (the adopted claim): never deleted"),
            ],
        },
    ],
    context: {
        headings: ["1-3", "309-311", "374-376"],
        "heading and link list of packit/deployment's directories": ["10-19"],
        heading: ["21", "77", "102", "122", "153", "233", "254", "272", "316", "323", "387"],
        "heading and prose": ["31-33", "181-183", "192-195", "336-340", "394-396"],
        "heading and prose: the images are built by each service repository's own workflow": ["41-51"],
        "heading and prose: why ImageStreams sit between the registry and the workloads": ["53-66"],
        "prose introducing the import command below": ["81-83"],
        prose: ["87"],
        "heading and prose introducing the TAGS example below": ["91-96"],
        "prose: the StatefulSet case follows": ["112"],
        "headings and links to packit-service's own docker-compose setup": ["133-140"],
        "heading and prose: when staging may be borrowed for a test": ["167-170"],
        "heading and prose: how Zuul encrypts": ["199-202"],
        "heading, link to certbot's manual, prose": ["204-209"],
        "prose: an older HTTP challenge, not used": ["218-221"],
        "summary of sections 1-5 below, each mapped there; a note": ["223-231"],
        "heading and prose introducing the four copies below": ["298-300"],
    },
});
