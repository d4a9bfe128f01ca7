import { KubernetesObjectRef, PerStack, testRef, testsIn, runbookTable } from "../step";

/**
 * Runbook 002 (KubeVirt Prow) line by line. Its `ibmcloud-staging` environment is the stage stack and
 * `ibmcloud-production` the prod stack; `kubevirtci-testing` and the molecule role run on throw-away clusters no
 * committed stack describes, so their steps are manual or dropped rather than proved against a plan.
 */

/** Staging's kustomize `namePrefix` renames every object, namespaces included; production has no prefix. */
const test = testsIn("prow");
const named = (name: string): PerStack<string> => ({ stage: `staging-${name}`, prod: name });
const NAMESPACE = named("kubevirt-prow");
const JOBS_NAMESPACE = named("kubevirt-prow-jobs");

const inProw = (kind: string, names: readonly string[]): KubernetesObjectRef[] =>
    names.map((name) => ({ kind, namespace: NAMESPACE, name: named(name) }));
const inJobs = (kind: string, names: readonly string[]): KubernetesObjectRef[] =>
    names.map((name) => ({ kind, namespace: JOBS_NAMESPACE, name: named(name) }));

/**
 * Deployments by the kustomize base directory their manifest is in (kubevirt/project-infra@145ec5a
 * github/ci/prow-deploy/kustom/base/manifests): `test_infra/<sha>/` holds the copy of test-infra's, `local/` kubevirt's.
 */
const FROM_TEST_INFRA = [
    "crier",
    "deck",
    "hook",
    "horologium",
    "needs-rebase",
    "plank",
    "sinker",
    "statusreconciler",
    "tide",
    "ghproxy",
    "pushgateway",
    "pushgateway-proxy",
] as const;
const LOCAL = [
    "cherrypicker",
    "docker-mirror",
    "release-blocker",
    "exporter",
    "gcsweb",
    "greenhouse",
    "rehearse",
];
const DEPLOYMENTS = [...FROM_TEST_INFRA, ...LOCAL];
const CRONJOBS = ["branch-protector", "label-sync"];
/**
 * Deployments with a Service: not plank (0 replicas), nor the controllers that listen on nothing a client reaches at
 * the pinned release (crier, horologium, sinker, statusreconciler, exporter: components/prow/catalog.ts).
 */
const UNSERVED = ["plank", "crier", "horologium", "sinker", "statusreconciler", "exporter"];
const SERVICES = DEPLOYMENTS.filter((name) => !UNSERVED.includes(name));
/** The components whose Role grants something in the jobs namespace (ProwJobs, job pods); hook also in its own. */
const JOBS_ROLES = [
    "crier",
    "deck",
    "exporter",
    "hook",
    "horologium",
    "plank",
    "rehearse",
    "sinker",
    "statusreconciler",
    "tide",
];
/** Prow's documents: the base configuration files (config.yaml, plugins.yaml, labels.yaml, mirror config, jobs). */
const DOCUMENTS = ["config", "plugins", "label-config", "mirror-config", "job-config"];
const PROW_SECRETS = [
    "cookie",
    "gcs",
    "github-oauth-config",
    "hmac-token",
    "kubeconfig",
    "oauth-token",
    "slack-token",
];
const JOBS_SECRETS = [
    "commenter-oauth-token",
    "gcs",
    "kubevirtci-coveralls-token",
    "kubevirtci-docker-credential",
    "kubevirtci-installer-pull-token",
    "kubevirtci-quay-credential",
];
/** The stack secrets the Secrets are built from: one per file, one per variable of today's env files. */
const SECRET_KEYS = [
    "prow-commenter-oauth-token",
    "prow-cookie",
    "prow-gcs",
    "prow-github-oauth-config",
    "prow-hmac-token",
    "prow-kubeconfig",
    "prow-kubevirtci-coveralls-token",
    "prow-kubevirtci-docker-credential-password",
    "prow-kubevirtci-docker-credential-username",
    "prow-kubevirtci-installer-pull-token",
    "prow-kubevirtci-quay-credential-password",
    "prow-kubevirtci-quay-credential-username",
    "prow-oauth-token",
    "prow-slack-token",
];

const NAMESPACES: KubernetesObjectRef[] = [
    { kind: "Namespace", name: NAMESPACE },
    { kind: "Namespace", name: JOBS_NAMESPACE },
];
const SECRETS = [...inProw("Secret", PROW_SECRETS), ...inJobs("Secret", JOBS_SECRETS)];
const INGRESSES = inProw("Ingress", ["deck", "hook", "gcsweb"]);
const CLAIMS = inProw("PersistentVolumeClaim", ["ghproxy", "greenhouse"]);
/** Every object `kustomize build` renders for an environment (the ProwJob CRD aside: only production owns it). */
const EVERY_OBJECT: KubernetesObjectRef[] = [
    ...NAMESPACES,
    ...inProw("ServiceAccount", [...DEPLOYMENTS, ...CRONJOBS]),
    ...inProw("Role", ["hook"]),
    ...inProw("RoleBinding", ["hook"]),
    ...inJobs("Role", JOBS_ROLES),
    ...inJobs("RoleBinding", JOBS_ROLES),
    ...SECRETS,
    ...inProw("ConfigMap", [...DOCUMENTS, "pushgateway-proxy-config"]),
    ...inJobs("ConfigMap", ["docker-daemon-mirror-config"]),
    ...CLAIMS,
    ...inProw("Service", SERVICES),
    ...inProw("Deployment", DEPLOYMENTS),
    ...inProw("CronJob", CRONJOBS),
    ...INGRESSES,
];

const DEPLOY_DOC = "docs/operate/deploy.md#deploying-for-real";
const E2E_DOC = "docs/develop/e2e.md#end-to-end-test";
const RUNBOOK_STEPS_DOC = "docs/reference/configuration.md#general-runbook-steps";

export const prowTable = runbookTable({
    system: "prow",
    runbook: "002-kubevirt-prow.txt",
    steps: [
        {
            lines: "8-11",
            says: "- kubevirtci-testing",
            step: "deploy a test Prow on a cluster created by kubevirtci (environment kubevirtci-testing)",
            by: "manual",
            reason: "no committed stack is a throw-away cluster: a stack of your own sets `prow.environment: kubevirtci-testing` and `prow.release` (the e2e's local stack does), then `pulumi up` deploys it into kubernetes-prow / kubernetes-prow-jobs, generating every secret but the GitHub token",
            procedure: { doc: E2E_DOC },
            tests: [
                test("pure", "derives both namespaces and the prefix per environment"),
                test("environments", "generates the testing environment's secrets instead of requiring them"),
            ],
        },
        {
            lines: "13-17",
            says: "- ibmcloud-staging",
            step: "deploy staging on the ibmcloud cluster beside production, renamed so it does not interfere",
            stacks: ["stage"],
            by: "objects",
            objects: NAMESPACES,
            config: [
                "prow.environment",
                "prow.prefix",
                "prow.namespace",
                "prow.jobsNamespace",
                "prow.dryRun",
                "prow.manageCrd",
            ],
            tests: [
                test("environments", "prefixes every name and every reference in staging"),
                test("environments", "runs staging dry: no GitHub-acting component comments"),
                test("config", "keeps the ProwJob CRD with production and staging dry"),
            ],
        },
        {
            lines: "19-22",
            says: "- ibmcloud-production",
            step: "deploy production on the ibmcloud cluster (the default environment; real jobs)",
            stacks: ["prod"],
            by: "objects",
            objects: [...NAMESPACES, { kind: "CustomResourceDefinition", name: "prowjobs.prow.k8s.io" }],
            config: ["prow.environment", "prow.namespace", "prow.jobsNamespace", "prow.manageCrd"],
            tests: [
                test("environments", "has nothing that mentions staging in production"),
                test(
                    "environments",
                    "protects the volumes in production only, and never deletes the ProwJob CRD",
                ),
            ],
        },
        {
            lines: "26-36",
            says: "To launch deployment three tools are needed",
            step: "have kustomize, yq and kubectl to deploy",
            by: "manual",
            reason: "deploying needs Node.js, npm and the Pulumi CLI instead: nothing runs kustomize or yq any more, and kubectl is left only for the live debugging at the end of the runbook",
            procedure: { doc: DEPLOY_DOC },
        },
        {
            lines: "40-44",
            says: "Version 3 of kustomize is needed.",
            step: "install kustomize v3 with go get",
            by: "dropped",
            reason: "no manifest is rendered by kustomize any more: the program builds every object in TypeScript",
        },
        {
            lines: "46-51",
            says: "The install yq.",
            step: "install the Go yq v3 (not the Python one) with go get",
            by: "dropped",
            reason: "no configuration is patched by yq any more: the documents are built in TypeScript and deep-merged with the stack's overrides",
        },
        {
            lines: "55-69",
            says: "Before being able to generate the ConfigMaps with kustomize",
            step: "render the environment's configuration with kustom/render-environment-configs.sh <environment> (yq_scripts → configs)",
            by: "objects",
            objects: inProw("ConfigMap", ["config", "plugins", "label-config", "mirror-config"]),
            config: [
                "prow.environment",
                "prow.bucket",
                "prow.documents.config",
                "prow.documents.plugins",
                "prow.documents.labels",
                "prow.documents.mirror",
            ],
            tests: [
                test(
                    "pure",
                    "points staging's config at its own namespaces, bucket, URLs and prefixed objects",
                ),
                test("pure", "leaves production's documents as the base"),
                test("pure", "applies the stack's document overrides last"),
                test(
                    "environments",
                    "marks the pods that read a Secret or ConfigMap with the checksum of what they mount",
                ),
            ],
        },
        {
            lines: "73-82",
            says: "Before being able to generate the secrets with kustomize",
            step: "copy kustom/secrets-boilerplate to kustom/environments/$environment/secrets and fill in every secret",
            by: "objects",
            objects: SECRETS,
            config: SECRET_KEYS,
            notMade:
                'the boilerplate\'s unsplash-api/honk.txt (Secret unsplash-api-key) and cat-api/api-key (ConfigMap cat-api-key): hook opens them only at the plugins.yaml goose.key_path or cat.key_path (kubernetes/test-infra@a5b49bc903 prow/plugins/config.go:319,325), which neither this program nor production (kubevirt/project-infra@145ec5a) sets; the boilerplate says honk.txt "can be safely left blank when the unsplash plugin is not used". A stack that still sets `prow-unsplash-api-key` or `prow-cat-api-key` is told to remove it, and the copies running today are left alone',
            tests: [
                test(
                    "environments",
                    "keeps secrets in Secrets only, marked secret, in the namespaces that read them",
                ),
                test("environments", "hands hook no image plugin's API key while no plugins.yaml key_path"),
                test(
                    "config",
                    "tells a stack that still sets hook's image plugin API keys they are no longer used",
                ),
                test("config", "requires every secret in staging, each with its own fix"),
                test("pure", "gives each variable of today's env files its own config secret"),
            ],
        },
        {
            lines: "83-85",
            says: "No code should be pushed as PR which contains environment specific secrets.",
            step: "never push environment secrets in a pull request; .gitignore keeps the secret directories out",
            by: "manual",
            reason: "there are no secret files to leave out: each secret is an encrypted `secure:` value set with `pulumi config set --secret`, and a secret written in plain text stops the run",
            procedure: { doc: "docs/reference/secrets.md#secrets" },
            tests: [testRef("test/config/load.test.ts", "rejects a secret stored in plain text")],
        },
        {
            lines: "89-92",
            says: "When configuration and secrets are in place in the environment specific directories",
            step: "kustomize build kustom/environments/$environment > prow-deploy.yaml",
            by: "objects",
            objects: EVERY_OBJECT,
            config: [
                "prow.environment",
                "prow.release",
                "prow.prefix",
                "prow.namespace",
                "prow.jobsNamespace",
            ],
            tests: [
                test(
                    "environments",
                    "creates each environment's two namespaces and puts every object in one of them",
                ),
                test("environments", "renders objects the Kubernetes API accepts"),
                test(
                    "environments",
                    "resolves every reference to an object that exists in the right namespace",
                ),
                test("environments", "binds every Role to an existing ServiceAccount"),
            ],
        },
        {
            lines: "94-95",
            says: "WARNING: There is a version of kustomize that is embedded in kubectl",
            step: "do not use the kustomize embedded in kubectl",
            by: "dropped",
            reason: "no kustomize runs any more, so which version renders the manifests no longer matters",
        },
        {
            lines: "97-99",
            says: "After the manifests are rendered without errors, you can directly apply them with kubectl",
            step: "kubectl apply -f prow-deploy.yaml once the manifests render without errors",
            by: "manual",
            reason: "applying is `pulumi up --stack stage` / `--stack prod` (the deploy workflow runs it on merge to main), which stops on any configuration problem before creating anything; the first run adopts the objects kustomize created, production first",
            procedure: { doc: DEPLOY_DOC },
        },
        {
            lines: "109-112",
            says: "- base/kustomization.yaml",
            step: "list in base/kustomization.yaml every manifest the deployment includes",
            by: "objects",
            objects: [...inProw("Deployment", DEPLOYMENTS), ...inProw("CronJob", CRONJOBS)],
            config: ["prow.components"],
            tests: [
                test("pure", "lists every component of systems.md §3 once"),
                test(
                    "config",
                    "rejects an unknown component in the per-component map, listing the known ones",
                ),
            ],
        },
        {
            lines: "114-117",
            says: "- base/manifests/test-infra",
            step: "keep an exact copy of test-infra's Prow manifests, in a directory named by the git SHA they came from",
            by: "objects",
            objects: inProw("Deployment", FROM_TEST_INFRA),
            config: [
                "prow.release",
                "prow.prowRegistry",
                "prow.images.pushgateway",
                "prow.images.pushgatewayProxy",
            ],
            tests: [
                test(
                    "environments",
                    "pins every Prow image to the release, and every container has a memory limit",
                ),
                test("pure", "pins Prow images to the release and the others to config"),
                test("environments", "keeps the selector every kustomize Deployment runs with today"),
            ],
        },
        {
            lines: "119-121",
            says: "- base/manifests/local",
            step: "keep the manifests written for the kubevirt Prow deployment in base/manifests/local",
            by: "objects",
            objects: inProw("Deployment", LOCAL),
            config: [
                "prow.release",
                "prow.images.gcsweb",
                "prow.images.dockerMirror",
                "prow.images.greenhouse",
                "prow.images.rehearse",
                "prow.images.releaseBlocker",
            ],
            tests: [
                test("pure", "pins Prow images to the release and the others to config"),
                test("environments", "keeps the selector every kustomize Deployment runs with today"),
                test("environments", "points rehearse at the jobs namespace that exists"),
            ],
        },
        {
            lines: "123-126",
            says: "- base/config",
            step: "keep the base configuration files in a timestamped base/config directory",
            by: "objects",
            objects: inProw("ConfigMap", DOCUMENTS),
            config: [
                "prow.documents.config",
                "prow.documents.plugins",
                "prow.documents.labels",
                "prow.documents.mirror",
            ],
            tests: [
                test("pure", "leaves production's documents as the base"),
                test("pure", "renders the ConfigMaps into the namespaces that read them"),
                test(
                    "restartOnChange",
                    "a change of config.yaml rolls exactly the Deployments that mount ConfigMap config",
                ),
            ],
        },
        {
            lines: "140-142",
            says: "- environment/$environment/yq_scripts",
            step: "patch the base configuration files per environment with yq scripts",
            by: "objects",
            objects: inProw("ConfigMap", ["config", "plugins"]),
            config: [
                "prow.environment",
                "prow.bucket",
                "prow.namespace",
                "prow.jobsNamespace",
                "prow.documents.config",
                "prow.documents.plugins",
            ],
            tests: [
                test(
                    "pure",
                    "points staging's config at its own namespaces, bucket, URLs and prefixed objects",
                ),
                test("pure", "applies the stack's document overrides last"),
            ],
        },
        {
            lines: "144-146",
            says: "- environment/$environment/patches",
            step: "patch the base manifests per environment (replicas, volume sizes and classes, ingress)",
            by: "objects",
            objects: [...inProw("Deployment", ["deck", "hook", "plank", "gcsweb"]), ...CLAIMS, ...INGRESSES],
            config: [
                "prow.components.deck.replicas",
                "prow.components.hook.replicas",
                "prow.components.plank.replicas",
                "prow.components.gcsweb.replicas",
                "prow.storage.ghproxy.size",
                "prow.storage.ghproxy.storageClass",
                "prow.storage.greenhouse.size",
                "prow.storage.greenhouse.storageClass",
                "prow.ingress.className",
                "prow.ingress.routes",
                "prow.ingress.tls",
            ],
            tests: [
                test("environments", "runs each environment's replica counts"),
                test("environments", "sizes the ghproxy and greenhouse volumes per environment"),
                test(
                    "environments",
                    "routes deck, hook and gcsweb on each environment's ingress class, hosts and paths",
                ),
                test("environments", "uses cert-manager's letsencrypt issuer and deck-tls in production"),
            ],
        },
        {
            lines: "150-157",
            says: "The main target of kustomization are names and namespaces",
            step: "rename objects and both namespaces per environment by patches (prefix in staging), not kustomize's namespace option",
            by: "objects",
            objects: NAMESPACES,
            config: ["prow.prefix", "prow.namespace", "prow.jobsNamespace"],
            tests: [
                test("environments", "prefixes every name and every reference in staging"),
                test("config", "rejects a prefixed environment whose namespace lacks the prefix"),
                test("pure", "derives both namespaces and the prefix per environment"),
            ],
        },
        {
            lines: "171",
            says: "molecule/default",
            step: "the role's molecule scenario, run for local or automated testing",
            by: "dropped",
            reason: "The Ansible role and its molecule scenario are replaced by this program: its offline tests and the e2e (docs/develop/e2e.md) build and apply the Prow objects on a real API server.",
        },
        {
            lines: "180-189",
            says: "The role is tested using molecule.",
            step: "molecule prepare: start a kubevirtci cluster (at least 16G of memory, passwordless sudo) and prepare its nodes",
            by: "manual",
            reason: "the test cluster is kubevirtci's, outside this program: `make cluster-up` in kubevirtci, then a stack of your own with `runbooks:tier local`, the cluster under `clusters` and `pulumi config set --secret kubeconfig-<cluster> < $(./cluster-up/kubeconfig.sh)`",
            procedure: { doc: E2E_DOC },
        },
        {
            lines: "190-196",
            says: "The natural flow is that you can prepare again an instance only",
            step: "molecule reset before preparing an instance again without destroying it",
            by: "dropped",
            reason: "there is no molecule instance state to reset: kubevirtci's `make cluster-down` and `make cluster-up` can be repeated, and a stack is destroyed and deployed again at will",
        },
        {
            lines: "199-206",
            says: "For prow deployment, a real github token is a major requirement.",
            step: "create a GitHub token of your own with at most read:user and put it in secrets/oauth-token/oauth",
            by: "manual",
            reason: "only a kubevirtci-testing stack, which no committed stack is, takes a personal token: `pulumi config set --secret prow-oauth-token < oauth` with a token limited to read:user (github.com/settings/tokens); it is never generated, and a missing one stops the run naming the scope",
            procedure: { doc: "docs/reference/secrets.md#secrets" },
            tests: [
                test(
                    "config",
                    "refuses to generate kubevirtci-testing's GitHub token, naming the scope it needs",
                ),
            ],
        },
        {
            lines: "208-214",
            says: "Then start deployment with",
            step: "molecule converge: deploy Prow, wait for it to settle, collect artifacts",
            by: "manual",
            reason: "`pulumi up --stack <your test stack>` deploys and waits for every Deployment to become available; the artifacts are `kubectl -n kubernetes-prow get pods,events -o wide`",
            procedure: { doc: E2E_DOC },
        },
        {
            lines: "216-227",
            says: "molecule verify",
            step: "molecule verify: smoke tests with test-infra in /workspace/test-infra (or -e testinfra_dir=...)",
            by: "manual",
            reason: "the smoke tests need a running Prow on a real cluster, which the program does not test: run `molecule verify -- -e testinfra_dir=/path/to/test-infra` against the test stack's cluster as before",
            procedure: { doc: E2E_DOC },
        },
        {
            lines: "229-232",
            says: "molecule cleanup",
            step: "molecule cleanup: remove the prow namespace so Prow can be deployed again on the same cluster",
            by: "manual",
            reason: "`pulumi destroy --stack <your test stack>` removes everything it deployed (nothing is protected at tier local)",
            procedure: { doc: E2E_DOC },
        },
        {
            lines: "234-236",
            says: "molecule destroy",
            step: "molecule destroy: tear down the kubevirtci cluster",
            by: "manual",
            reason: "the cluster is kubevirtci's, outside this program: `make cluster-down` in kubevirtci, then `pulumi stack rm` of the test stack",
            procedure: { doc: E2E_DOC },
        },
        {
            lines: "238-240",
            says: "molecule test",
            step: "molecule test: all of the above in sequence",
            by: "manual",
            reason: "the sequence is the steps above by hand; `npm run e2e` runs the program's own deploy, check and destroy of the kubevirtci-testing environment against a kwok cluster, which runs no containers, so it is no smoke test of Prow",
            procedure: { doc: E2E_DOC },
        },
        {
            lines: "271-278",
            says: 'Launching service with "go run" will require more memory that the default 512Mb',
            step: "raise the debugged Deployment's memory request and limit to at least 1G (deck in the runbook's example)",
            by: "objects",
            objects: inProw("Deployment", ["deck"]),
            config: [
                "prow.components.deck.resources.requests.memory",
                "prow.components.deck.resources.limits.memory",
            ],
            tests: [
                test("pure", "applies config overrides over the defaults, deriving what depends on them"),
                test("config", "rejects a request above its limit"),
            ],
        },
        {
            lines: "286-297",
            says: "A script at",
            step: "copy files/debug_prepare.sh into the pod and run it there",
            by: "manual",
            reason: "debugging inside a running pod is done by hand on the live cluster, unchanged: the runbook's kubectl cp and exec, with the cluster's kubeconfig (`kubeconfig-<cluster>`) and the stack's namespace",
            procedure: { doc: RUNBOOK_STEPS_DOC },
        },
        {
            lines: "301-306",
            says: "Once the script has finished, we can run a interactive shell",
            step: "open a shell in the pod, cd /srv/test-infra/prow/cmd and go run ./$COMMAND",
            by: "manual",
            reason: "debugging inside a running pod is done by hand on the live cluster, unchanged: the runbook's kubectl exec, with the cluster's kubeconfig (`kubeconfig-<cluster>`) and the stack's namespace",
            procedure: { doc: RUNBOOK_STEPS_DOC },
        },
    ],
    context: {
        heading: ["1", "24", "38", "53", "71", "87", "148"],
        "prose: how the kubevirt deployment relates to test-infra's": ["3-6"],
        "heading and directory overview: what each directory holds is the steps below": ["101-107"],
        "directory overview: environments/, and the outputs of the steps at lines 55-82": ["128-138"],
        "headings and prose: what the Ansible role is": ["160-170"],
        "prose: what the molecule scenario is, and the next heading": ["172-178"],
        "headings and prose: why and how services are debugged in the pod": ["243-269"],
        "heading and prose: why the pod's Go runtime must be updated": ["280-285"],
        "prose: what the script did": ["299-300"],
        prose: ["308"],
    },
});
