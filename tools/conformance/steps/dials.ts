import {
    KubernetesObjectRef,
    ManualStep,
    PerStack,
    ReplacedByObjects,
    StepEntry,
    testsIn,
    runbookTable,
} from "../step";

/**
 * Runbook 003 (CMS DIALS) line by line. The runbook describes production (`cms-dials-prod`); the stage stack runs
 * the same objects in `cms-dials-stage`, so every object is proved on both.
 */

const test = testsIn("dials");
const NS: PerStack<string> = { stage: "cms-dials-stage", prod: "cms-dials-prod" };
const obj = (kind: string, name: string): KubernetesObjectRef => ({ kind, namespace: NS, name });
const deployments = (...names: string[]): KubernetesObjectRef[] => names.map((n) => obj("Deployment", n));

const WORKSPACES = ["csc", "ecal", "hcal", "jetmet", "tracker"];
const WORKERS = WORKSPACES.flatMap((ws) => [`${ws}-bulk`, `${ws}-indexer`, `${ws}-priority`]);
const IMAGE_STREAMS = ["etl", "backend", "frontend"].map((n) => obj("ImageStream", n));

const EXACT_DEPLOYMENTS = test("stack", "creates exactly the source's Deployments in cms-dials-prod");
const PINNED_STREAMS = test("stack", "imports the four images into pinned image streams");
const RELEASE_CONFIRMED = test(
    "migration",
    "runs no migration on either committed stack, and tells stage how to confirm the release",
);
const SECRETS_MARKED = test(
    "stack",
    "keeps every secret out of ConfigMaps and plain env, and marks the Secrets secret",
);
const EOS_MOUNT = test(
    "stack",
    "mounts EOS read-only with the credentials annotation in every ETL pod, with the ETL env",
);
const GRACEFUL_WORKERS = test(
    "stack",
    "gives every worker the graceful-shutdown settings: drain hook, long grace period, surge-first rollout",
);
const ON_THE_PAAS = test(
    "stack",
    "uses the cern-paas provider for every Kubernetes object and creates no namespace on the PaaS",
);
const SECRET_ASKED = test("config", "lets a cross-field problem and a missing secret be reported together");

const SECRETS_DOC = "docs/reference/secrets.md#secrets";
const PORTAL_DOC = "docs/systems/dials-notes.md#cern-application-portal--keycloak-checklist";
const PORTAL =
    "Applications of CERN's Application Portal (application-portal.web.cern.ch) are registered there by a person, once per stack; no API of the portal is used here. ";

/** A step an operator does in the Application Portal, by the checklist in the DIALS notes. */
const inThePortal = (reason: string): ManualStep => ({
    by: "manual",
    reason: PORTAL + reason,
    procedure: { doc: PORTAL_DOC },
});

const BACKEND_SECRET_KEYS = [
    "dials-django-secret-key",
    "dials-django-database-uri",
    "dials-django-keycloak-confidential-client-id",
    "dials-django-keycloak-confidential-secret-key",
    "dials-django-keycloak-api-clients",
    "dials-django-oms-sso-client-id",
    "dials-django-oms-sso-client-secret",
    "dials-django-keytab-usr",
    "dials-django-keytab-pwd",
];
const ETL_SECRET_KEYS = [
    "dials-etl-database-uri",
    "dials-etl-cert-fpath",
    "dials-etl-key-fpath",
    "dials-etl-eos-landing-zone",
    "dials-etl-flower-basic-auth",
    "dials-etl-config-fpath",
    "dials-etl-model-registry-path",
];
const EOS_KEYS = ["dials-eos-keytab-user", "dials-eos-keytab-pwd"];
const REDIS_KEYS = ["dials-redis-etl-broker-password", "dials-redis-web-cache-password"];
const IMAGE_KEYS = ["dials.images.registry", "dials.images.tag", "dials.images.confirmed"];

/** The runbook's image import, which it gives twice (a new deployment and an update): the pinned streams. */
const IMPORT_IMAGES: Omit<StepEntry & ReplacedByObjects, "lines"> = {
    says: "oc import-image etl --from=registry.cern.ch/cms-dqmdc/dials-etl --confirm",
    step: "oc import-image etl, backend and frontend",
    by: "objects",
    objects: IMAGE_STREAMS,
    config: IMAGE_KEYS,
    tests: [PINNED_STREAMS, RELEASE_CONFIRMED],
};

export const dialsTable = runbookTable({
    system: "dials",
    runbook: "003-cms-dials.txt",
    steps: [
        {
            lines: "3",
            says: "DIALS service components and Redis are currently deployed in [CERN's Openshift PaaS]",
            step: "run DIALS on CERN's OpenShift PaaS, PostgreSQL on DB-on-demand, images from registry.cern.ch through ImageStreams",
            by: "objects",
            objects: IMAGE_STREAMS,
            config: ["dials.cluster", "dials.databaseServer", ...IMAGE_KEYS],
            tests: [
                ON_THE_PAAS,
                test(
                    "databaseServer",
                    "the committed stacks leave it to the operator: a real run stops on the placeholder, the fix asks",
                ),
            ],
        },
        {
            lines: "7",
            says: "Read [here](/docs/SETTING_UP_SA.md) how to do it.",
            step: "set up the CERN service account",
            by: "manual",
            reason: "A CERN service account is created in CERN's account services, outside any cluster; the program only reads its name and password as secrets (dials-eos-keytab-user/-pwd, dials-django-keytab-usr/-pwd).",
            procedure: { doc: SECRETS_DOC },
        },
        {
            lines: "11",
            says: "We need to create at least the public, confidential and api client applications.",
            step: "create the public, confidential and API-client applications in the Application Portal; more API clients go into DJANGO_KEYCLOAK_API_CLIENTS",
            by: "manual",
            reason: `${PORTAL}Their client ids and secrets go into dials-django-keycloak-* with \`pulumi config set --secret\`; a missing one stops \`pulumi up\` with that command.`,
            procedure: { doc: SECRETS_DOC },
            tests: [SECRET_ASKED],
        },
        {
            lines: "17-21",
            says: "* Public application",
            step: "public application cms-dials-public-app, category Official, administrator group cms-dqm-coreteam",
            ...inThePortal(
                "Its identifier is dials.web.keycloak.publicClientId (stage: an application of its own).",
            ),
        },
        {
            lines: "22-26",
            says: "* Confidential application",
            step: "confidential application cms-dials-confidential-app, category Official, administrator group cms-dqm-coreteam",
            ...inThePortal(
                "Its client id and secret are dials-django-keycloak-confidential-client-id and -secret-key.",
            ),
        },
        {
            lines: "27-31",
            says: "* Api client test application",
            step: "API-client application cms-dials-api-client-test, category Official, administrator group cms-dqm-coreteam",
            ...inThePortal("Its secret and id go into the JSON of dials-django-keycloak-api-clients."),
        },
        {
            lines: "37-41",
            says: "* Public application",
            step: "public application: OIDC, redirect and base URL https://cmsdials.web.cern.ch/, cannot store a client secret",
            ...inThePortal("Its URLs must be the frontend host the stack serves (dials.web.frontendHost)."),
        },
        {
            lines: "42-45",
            says: "* Confidential application",
            step: "confidential application: OIDC, redirect and base URL https://cmsdials-api.web.cern.ch/api/v1/swagger",
            ...inThePortal("Its URLs must be the API host the stack serves (dials.web.apiHost)."),
        },
        {
            lines: "46-50",
            says: "* Api client test application",
            step: "API-client application: OIDC, the API host's swagger URL, gets tokens with its own client id and secret",
            ...inThePortal("Its URLs must be the API host the stack serves (dials.web.apiHost)."),
        },
        {
            lines: "54",
            says: "After creating the public and confidential application go to the `confidential` application",
            step: "open the confidential application's token exchange permissions",
            ...inThePortal("Token exchange permissions are a setting of the portal application."),
        },
        {
            lines: "58",
            says: "Make sure to grant the permission to the public application to exchange token",
            step: "grant the public application token exchange with the confidential one",
            ...inThePortal(
                "The grant is a setting of the portal application; nothing in the cluster can check it.",
            ),
        },
        {
            lines: "62",
            says: "Don't forget to add roles to confidential application matching e-groups",
            step: "add roles matching the workspaces' e-groups to the confidential application, and force a role on API clients",
            by: "manual",
            reason: `${PORTAL}The roles must match the e-groups of dials.workspaces[*].egroup, which the program writes into DJANGO_WORKSPACES.`,
            procedure: { doc: PORTAL_DOC },
            tests: [
                test("settings", "builds DJANGO_WORKSPACES as workspace → e-group JSON, in config order"),
            ],
        },
        {
            lines: "66",
            says: "our containers need access to EOS",
            step: "mount EOS in the ETL containers",
            by: "objects",
            objects: [obj("PersistentVolumeClaim", "eos-storage")],
            config: ["dials.etl.eosStorageClass"],
            tests: [EOS_MOUNT],
        },
        {
            lines: "68",
            says: "you must follow only these topics in the above documentation",
            step: "create the eos-credentials Secret and the EOS PersistentVolumeClaim",
            by: "objects",
            objects: [obj("Secret", "eos-credentials"), obj("PersistentVolumeClaim", "eos-storage")],
            config: [...EOS_KEYS, "dials.etl.eosStorageClass"],
            tests: [EOS_MOUNT, SECRETS_MARKED],
        },
        {
            lines: "70",
            says: "Note: You can also deploy the secrets using the [template secrets file](/oc/prod/secrets/eos-credentials.yaml)",
            step: "fill eos-credentials.yaml with base64 values and oc apply it",
            by: "objects",
            objects: [obj("Secret", "eos-credentials")],
            config: EOS_KEYS,
            tests: [SECRETS_MARKED],
        },
        {
            lines: "74",
            says: "Under `Secrets` in `Developer` view of PaaS create a `key/value secret` with the name `dials-secrets`",
            step: "create the key/value Secret dials-secrets with every environment variable",
            by: "objects",
            objects: [obj("Secret", "dials-backend-secrets"), obj("Secret", "dials-etl-secrets")],
            config: [...BACKEND_SECRET_KEYS, ...ETL_SECRET_KEYS],
            tests: [SECRETS_MARKED, SECRET_ASKED],
        },
        {
            lines: "78",
            says: "Note: You can also deploy the secrets using the [template secrets file](/oc/prod/secrets)",
            step: "fill the secrets templates with base64 values and oc apply -f ./oc/prod/secrets",
            by: "objects",
            objects: [
                obj("Secret", "dials-backend-secrets"),
                obj("Secret", "dials-etl-secrets"),
                obj("Secret", "eos-credentials"),
                obj("Secret", "redis-etl-broker"),
                obj("Secret", "redis-web-cache"),
            ],
            config: [...BACKEND_SECRET_KEYS, ...ETL_SECRET_KEYS, ...EOS_KEYS, ...REDIS_KEYS],
            tests: [
                SECRETS_MARKED,
                test("stack", "uses Redis passwords from secret config instead of generating them"),
            ],
        },
        {
            lines: "82",
            says: "In order to deploy all resources (`Image Stream`, `Deployment`, `Services` and `Routes`) you need to set",
            step: "set up the oc client to deploy",
            by: "dropped",
            reason: "`pulumi up` applies every object itself through the stack's cern-paas provider; no oc client is needed to deploy (an operator may still use one to look).",
        },
        {
            lines: "86",
            says: "Download and install `oc` tool",
            step: "install oc and copy the login command",
            by: "dropped",
            reason: "`pulumi up` applies every object itself through the stack's cern-paas provider; no oc client is needed to deploy.",
        },
        {
            lines: "91",
            says: "It will load a blank page with one link called `Display token`",
            step: "display the API token and log in with it",
            by: "objects",
            objects: [{ type: "pulumi:providers:kubernetes", name: "cluster-cern-paas" }],
            config: ["dials.cluster", "kubeconfig-cern-paas"],
            tests: [ON_THE_PAAS],
        },
        {
            lines: "95",
            says: "Note that the token expire",
            step: "request a new token when it expires and log in again",
            by: "manual",
            reason: "The PaaS token in kubeconfig-cern-paas still expires; a person requests a new one and sets the kubeconfig again with `pulumi config set --secret kubeconfig-cern-paas`.",
            procedure: { doc: "docs/reference/configuration.md#kubeconfig-policy" },
        },
        {
            lines: "99",
            says: "Both redis instances for the ETL and the backend (and their secrets) should be deployed using `OC` cli.",
            step: "deploy both Redis instances and their secrets; create PVC redis-etl-broker (at least 1G) in the PaaS interface",
            by: "objects",
            objects: [
                ...deployments("redis-etl-broker", "redis-web-cache"),
                obj("PersistentVolumeClaim", "redis-etl-broker"),
                obj("Secret", "redis-etl-broker"),
                obj("Secret", "redis-web-cache"),
            ],
            config: ["dials.etl.brokerStorage", "dials.images.redis", ...REDIS_KEYS],
            tests: [
                test(
                    "stack",
                    "runs both Redis instances with the source's probes; only the broker keeps data, protected in prod",
                ),
            ],
        },
        {
            lines: "103-107",
            says: "After logging in always check that you are in the correct project namespace:",
            step: "oc project cms-dials-prod",
            by: "objects",
            objects: [{ type: "runbooks:shared:Namespace", name: "dials-ns" }],
            config: ["dials.namespace", "dials.createNamespace"],
            tests: [ON_THE_PAAS],
        },
        {
            lines: "109",
            says: "Then for a new deployment follow the order:",
            step: "apply in order: image streams, configmaps, etl/common, etl/workspaces, web, services, routes",
            by: "objects",
            objects: [{ type: "runbooks:dials:Dials", name: "dials" }],
            tests: [test("migration", "each object a pod names exists and comes first")],
        },
        {
            lines: "112",
            says: "oc apply -f ./oc/prod/image_stream.yaml",
            step: "oc apply the image streams",
            by: "objects",
            objects: [...IMAGE_STREAMS, obj("ImageStream", "nginx-unprivileged")],
            config: [...IMAGE_KEYS, "dials.images.nginx"],
            tests: [PINNED_STREAMS],
        },
        { lines: "113-115", ...IMPORT_IMAGES },
        {
            lines: "116",
            says: "oc apply -f ./oc/prod/configmaps",
            step: "oc apply the ConfigMaps",
            by: "objects",
            objects: [
                obj("ConfigMap", "dials-backend-configmap"),
                obj("ConfigMap", "dials-etl-configmap"),
                obj("ConfigMap", "backend-nginx-conf"),
            ],
            config: ["dials.workspaces", "dials.defaultWorkspace", "dials.web", "dials.etl.env"],
            tests: [test("stack", "builds the backend and ETL ConfigMaps from the typed config")],
        },
        {
            lines: "117",
            says: "oc apply -f ./oc/prod/deployments/etl/common",
            step: "oc apply the common ETL deployments (broker, redbeat, flower)",
            by: "objects",
            objects: deployments("redis-etl-broker", "common-redbeat", "flower"),
            config: ["dials.etl.commonIndexer"],
            tests: [test("stack", "runs the scheduler and flower with the source's commands")],
        },
        {
            lines: "118",
            says: "oc apply -f ./oc/prod/deployments/etl/workspaces",
            step: "oc apply the workspace workers (<ws>-bulk, <ws>-indexer, <ws>-priority)",
            by: "objects",
            objects: deployments(...WORKERS),
            config: ["dials.workspaces", "dials.etl.extraQueues"],
            tests: [
                EXACT_DEPLOYMENTS,
                test(
                    "stack",
                    "runs every worker with its own queue and node name, the task limit and the source's memory",
                ),
            ],
        },
        {
            lines: "119",
            says: "oc apply -f ./oc/prod/deployments/web",
            step: "oc apply the web deployments (backend, frontend, redis-web-cache)",
            by: "objects",
            objects: deployments("backend", "frontend", "redis-web-cache"),
            config: ["dials.web.backendReplicas", "dials.web.frontendReplicas", "dials.images.nginx"],
            tests: [
                test(
                    "stack",
                    "runs the backend as gunicorn plus the nginx sidecar, with the prod replica counts",
                ),
            ],
        },
        {
            lines: "120",
            says: "oc apply -f ./oc/prod/services.yaml",
            step: "oc apply the Services",
            by: "objects",
            objects: ["backend-nginx", "frontend", "redis-web-cache", "redis-etl-broker"].map((n) =>
                obj("Service", n),
            ),
            tests: [test("migration", "each object a pod names exists and comes first")],
        },
        {
            lines: "121",
            says: "oc apply -f ./oc/prod/routes.yaml",
            step: "oc apply the Routes",
            by: "objects",
            objects: [obj("Route", "dials-backend"), obj("Route", "dials-frontend")],
            config: ["dials.web.apiHost", "dials.web.frontendHost", "dials.web.routeTimeout"],
            tests: [
                test(
                    "stack",
                    "exposes the API and the frontend on their hosts with edge TLS, redirect and the 180s timeout",
                ),
            ],
        },
        {
            lines: "124",
            says: "If resources are already deployed and just need to re-deploy some resources",
            step: "re-apply only some resources; delete with oc delete -f",
            by: "manual",
            reason: "There are no files to pick: `pulumi up` applies only what differs from the stack, `--target` deploys one part, and a part is deleted by switching it off in the stack file.",
            procedure: { doc: "docs/reference/configuration.md#general-runbook-steps" },
        },
        {
            lines: "128",
            says: "Suppose you have done a new release",
            step: "after a release, import the new etl, backend and frontend images into the image streams",
            by: "objects",
            objects: IMAGE_STREAMS,
            config: IMAGE_KEYS,
            tests: [PINNED_STREAMS, RELEASE_CONFIRMED],
        },
        {
            lines: "131",
            says: "./scripts/push_container.sh",
            step: "build and push the release's containers",
            by: "dropped",
            reason: "Building and pushing the images is the DIALS release process of the application repository; the stack only names the release (dials.images.tag) and its confirmed digests.",
        },
        { lines: "132-134", ...IMPORT_IMAGES },
        {
            lines: "137",
            says: "In order to update a pod you need to do a rollout",
            step: "restart the rollout of each Deployment from the Topology view",
            by: "objects",
            objects: deployments("backend", "frontend", ...WORKERS),
            config: ["dials.images.tag"],
            tests: [GRACEFUL_WORKERS],
        },
        {
            lines: "141-166",
            says: "You can also rollout from `oc` cli, for that you need to get the deployment name:",
            step: "oc get deployments: backend and frontend 3/3, common-redbeat, flower and each workspace's bulk, indexer and priority 1/1",
            by: "objects",
            objects: deployments("backend", "frontend", "common-redbeat", "flower", ...WORKERS),
            config: ["dials.web.backendReplicas", "dials.web.frontendReplicas", "dials.workspaces"],
            tests: [
                EXACT_DEPLOYMENTS,
                test(
                    "workers",
                    "turns the prod workspace list into exactly the running system's workers (runbook 003)",
                ),
            ],
        },
        {
            lines: "168-172",
            says: "Then you rollout a specific deployment:",
            step: "oc rollout restart deployment/frontend",
            by: "objects",
            objects: deployments("frontend", "backend"),
            config: ["dials.images.tag"],
            tests: [test("restartOnChange", "a change of dials-backend-configmap rolls only the backend")],
        },
        {
            lines: "174",
            says: "In order to avoid dead jobs connect to `flower` trough port-forward and disable the consumers",
            step: "before a rollout, disable the workers' consumers in flower and wait for their jobs",
            by: "objects",
            objects: deployments(...WORKERS),
            config: ["dials.etl.terminationGracePeriodSeconds", "dials.etl.taskTimeLimitSeconds"],
            tests: [
                GRACEFUL_WORKERS,
                test(
                    "workers",
                    "derives the pre-stop cancel from the worker's own node name and queue, then waits for it to take effect",
                ),
            ],
        },
    ],
    context: {
        heading: ["1", "5", "9", "64", "72", "80", "97", "101", "126"],
        screenshot: ["13", "33", "52", "56", "60", "76", "84", "88", "93", "139"],
        "prose: introduces the form": ["15", "35"],
        "code fence": ["111", "122", "130", "135"],
    },
});
