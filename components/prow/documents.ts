import { stringify } from "yaml";
import type { ServiceEndpoint } from "../shared/endpoints";
import { HandleMount, podVolume } from "../shared/volumes";
import { endpointsNamedBy } from "./refs";
import { ConfigMapName, SecretName } from "./catalog";
import { Doc, deepMerge } from "./merge";
import { ProwRefs } from "./refs";
import { DocumentName, ResolvedEnvironment } from "./resolve";
import { prowDocumentFacts } from "./documentFacts";

// Kept on one line so the rendered YAML holds exactly the template Prow evaluates (the source folded it with
// `>-`, which put spaces into the URLs).
const JOB_PATH_TEMPLATE =
    '{{if eq .Spec.Type "presubmit"}}pr-logs/pull{{else if eq .Spec.Type "batch"}}pr-logs/pull{{else}}logs{{end}}' +
    '{{if .Spec.Refs}}{{if ne .Spec.Refs.Org ""}}/{{.Spec.Refs.Org}}_{{.Spec.Refs.Repo}}{{end}}{{end}}' +
    '{{if eq .Spec.Type "presubmit"}}/{{with index .Spec.Refs.Pulls 0}}{{.Number}}{{end}}' +
    '{{else if eq .Spec.Type "batch"}}/batch{{end}}/{{.Spec.Job}}/{{.Status.BuildID}}/';

/** A job preset that mounts Secret `secret` read-only at /etc/`directory` and points each variable at its file. */
function secretPreset(
    secret: SecretName,
    directory: string,
    r: ProwRefs,
    files: Record<string, string>,
    preset: string = secret,
): Doc {
    const mountPath = `/etc/${directory}`;
    const volume = podVolume(secret, { secret: { defaultMode: 0o400, secretName: r.names.name(secret) } });
    return {
        labels: { [`preset-${preset}`]: "true" },
        env: Object.entries(files).map(([name, file]) => ({ name, value: `${mountPath}/${file}` })),
        ...presetMounts(volume.mount(mountPath, { readOnly: true })),
    };
}

/**
 * A preset's `volumes` and `volumeMounts`, each volume and its mount made by one call (components/shared/volumes.ts).
 * The volumes here are plain data (names and strings), what a Prow config document holds.
 */
function presetMounts(...mounts: HandleMount[]): Doc {
    return {
        volumes: mounts.map((m) => m.volume as unknown as Doc),
        volumeMounts: mounts.map((m) => m.mount as unknown as Doc),
    };
}

/** A registry login's files, `username` and `password`, as the variables `<prefix>_USER` and `<prefix>_PASSWORD`. */
const login = (prefix: string) => ({ [`${prefix}_USER`]: "username", [`${prefix}_PASSWORD`]: "password" });

/** The kubevirtci presets: each Secret, its directory under /etc, and the variables that name its files. */
const SECRET_PRESETS: [SecretName, string, Record<string, string>][] = [
    ["kubevirtci-docker-credential", "kubevirtci-cred", login("DOCKER")],
    ["kubevirtci-quay-credential", "kubevirtci-quay-cred", login("QUAY")],
    ["kubevirtci-installer-pull-token", "installer-pull-token", { INSTALLER_PULL_TOKEN: "token" }],
    ["kubevirtci-coveralls-token", "coveralls-token", { COVERALLS_TOKEN_FILE: "token" }],
];

/** Prow's `config.yaml`; every name, namespace, bucket and URL comes from `r`. */
function baseConfig(r: ProwRefs): Doc {
    const { repos, missingLabels, strictMissingLabels, config } = prowDocumentFacts();
    const strictRepos = repos.filter((p) => p.strict).map((p) => p.repo);
    const otherRepos = repos.filter((p) => !p.strict && p.plugins.includes("lgtm")).map((p) => p.repo);
    return {
        plank: {
            job_url_template: `${r.urls.deck}/view/gcs/${r.bucket}/${JOB_PATH_TEMPLATE}`,
            job_url_prefix_config: { "*": `${r.urls.deck}/view/gcs/` },
            pod_pending_timeout: "60m",
            default_decoration_configs: {
                "*": {
                    timeout: "2h",
                    grace_period: "15s",
                    utility_images: Object.fromEntries(
                        ["clonerefs", "initupload", "entrypoint", "sidecar"].map((u) => [
                            u,
                            `${r.release.registry}/${u}:${r.release.tag}`,
                        ]),
                    ),
                    gcs_configuration: { bucket: r.bucket, path_strategy: "explicit" },
                    gcs_credentials_secret: r.names.name("gcs"),
                },
            },
        },
        deck: {
            spyglass: {
                size_limit: 500000000,
                gcs_browser_prefix: `${r.urls.gcsweb}/gcs/`,
                lenses: config.lenses,
            },
            tide_update_period: "1s",
            rerun_auth_configs: config.rerun_auth_configs,
        },
        sinker: config.sinker,
        // KubeVirt keeps ProwJobs next to their pods, in the jobs namespace.
        prowjob_namespace: r.namespaces.jobs,
        pod_namespace: r.namespaces.jobs,
        log_level: "debug",
        tide: {
            sync_period: "2m",
            merge_method: Object.fromEntries(repos.map((p) => [p.repo, p.merge])),
            queries: [
                { repos: otherRepos, labels: ["lgtm", "approved"], missingLabels: [...missingLabels] },
                { repos: strictRepos, labels: ["lgtm", "approved"], missingLabels: [...strictMissingLabels] },
            ],
            pr_status_base_urls: { "*": `${r.urls.deck}/pr` },
            context_options: {
                orgs: {
                    kubevirt: {
                        repos: {
                            dashboard: { "skip-unknown-contexts": true, "from-branch-protection": true },
                        },
                    },
                },
            },
        },
        slack_reporter_configs: config.slack_reporter_configs,
        "branch-protection": config["branch-protection"],
        push_gateway: { endpoint: r.serviceHost("pushgateway") },
        presets: [
            {
                labels: { "preset-dind-enabled": "true" },
                env: [{ name: "DOCKER_IN_DOCKER_ENABLED", value: "true" }],
                ...presetMounts(podVolume("docker-graph", { emptyDir: {} }).mount("/docker-graph")),
            },
            {
                labels: { ...DOCKER_MIRROR_PRESET },
                ...presetMounts(
                    podVolume(DOCKER_MIRROR_MOUNT.volume, {
                        configMap: { name: r.names.name(DOCKER_MIRROR_CONFIG) },
                    }).mount(DOCKER_MIRROR_MOUNT.path, { readOnly: true }),
                ),
            },
            {
                labels: { "preset-shared-images": "true" },
                ...presetMounts(
                    podVolume("shared-iso", {
                        // Per environment, so staging jobs never share images with production's on a common node.
                        hostPath: {
                            path: `/var/lib/stdci/shared/kubevirt-images/${r.namespaces.prow}`,
                            type: "DirectoryOrCreate",
                        },
                    }).mount("/var/lib/stdci/shared/kubevirt-images/"),
                ),
            },
            ...SECRET_PRESETS.map(([secret, directory, files]) => secretPreset(secret, directory, r, files)),
            secretPreset(
                "commenter-oauth-token",
                "github",
                r,
                { GITHUB_TOKEN_PATH: "oauth" },
                "github-credentials",
            ),
        ],
    };
}

/** Prow's `plugins.yaml`: plugins per repository, external plugins at our own (prefixed) Services. */
function basePlugins(r: ProwRefs): Doc {
    const { repos, orgPlugins, externalPlugins } = prowDocumentFacts();
    const plugins: Doc = Object.fromEntries(
        Object.entries(orgPlugins).map(([org, list]) => [org, [...list]]),
    );
    for (const p of repos) plugins[p.repo] = [...p.plugins];
    const withPlugin = (name: string) => repos.filter((p) => p.plugins.includes(name)).map((p) => p.repo);
    return {
        config_updater: {
            // Only job configs: config, plugins and label-config are rendered by this program, and letting
            // config-updater write them too would make the two fight over their content.
            // The jobs' path in project-infra today (kubevirt/project-infra@2c863fd:github/ci/prow-deploy/kustom/base/
            // configs/current/plugins/plugins.yaml:765): the runbook's github/ci/prow/ is gone, and a map to it would
            // never update job-config again.
            maps: {
                "github/ci/prow-deploy/files/jobs/**/*.yaml": {
                    name: r.names.name("job-config"),
                    clusters: { default: [r.namespaces.prow] },
                },
            },
        },
        plugins,
        external_plugins: Object.fromEntries(
            Object.entries(externalPlugins).map(([target, list]) => [
                target,
                list.map((e) => ({
                    name: e.plugin,
                    // Explicit: the default endpoint is http://<plugin name>, which misses the prefix.
                    endpoint: r.serviceUrl(e.plugin),
                    ...(e.events ? { events: [...e.events] } : {}),
                })),
            ]),
        ),
        triggers: [{ repos: withPlugin("trigger") }],
        approve: [
            {
                repos: withPlugin("approve"),
                require_self_approval: true,
                lgtm_acts_as_approve: false,
                ignore_review_state: true,
                commandHelpLink: "https://go.k8s.io/bot-commands",
            },
        ],
        lgtm: [{ repos: withPlugin("lgtm"), review_acts_as_lgtm: true }],
        override: { allow_top_level_owners: true },
    };
}

/** Each base document from the references it is made of (one function per document: see {@link configMapEndpoints}). */
export const BASE_DOCUMENTS: Record<DocumentName, (r: ProwRefs) => Doc> = {
    config: baseConfig,
    plugins: basePlugins,
    labels: () => prowDocumentFacts().labels,
    mirror: () => prowDocumentFacts().mirror,
};

/** One document deep-merged with the environment's and the stack config's overrides (the yq scripts' job). */
export function prowDocument(env: ResolvedEnvironment, name: DocumentName): Doc {
    return deepMerge(BASE_DOCUMENTS[name](env.refs), ...env.documentLayers.map((layer) => layer[name]));
}

export function renderYaml(doc: Doc): string {
    return stringify(doc, { lineWidth: 0 });
}

/** A ConfigMap the program creates, with its namespace role and content. */
export interface RenderedConfigMap {
    name: ConfigMapName;
    namespace: "prow" | "jobs";
    data: Record<string, string>;
    /** Created once and then owned by someone else (config-updater): later content changes are not applied. */
    seedOnly?: boolean;
}

/** The label plank puts on every pod of a ProwJob (test-infra prow/kube `CreatedByProw`). */
export const PROWJOB_POD = { "created-by-prow": "true" } as const;

/** The job label that mounts {@link DOCKER_MIRROR_CONFIG} into a job's pods (plank copies job labels to pods). */
export const DOCKER_MIRROR_PRESET = { "preset-docker-mirror": "true" } as const;
/** The ConfigMap of docker daemon options job pods of the docker-mirror preset read. */
export const DOCKER_MIRROR_CONFIG = "docker-daemon-mirror-config" as const;
/** Where the docker-mirror preset mounts {@link DOCKER_MIRROR_CONFIG} in a job's pods, in the volume named so today. */
export const DOCKER_MIRROR_MOUNT = { volume: "docker-config", path: "/etc/default" } as const;

/** nginx in front of the pushgateway: only GET reaches it from outside, so nobody can push fake metrics. */
function pushgatewayProxyConf(r: ProwRefs): string {
    return [
        "server {",
        "    listen 8081;",
        "    location = /healthz {",
        "        return 200 'ok';",
        "    }",
        "    location / {",
        "        limit_except GET {",
        "            deny all;",
        "        }",
        `        proxy_pass ${r.serviceUrl("pushgateway", { fqdn: true })};`,
        "    }",
        "}",
        "",
    ].join("\n");
}

/**
 * Docker daemon options of dind job pods: pull through the docker-mirror (job pods run in the jobs namespace), then
 * the stack's own flags, one line each as production writes them.
 */
function dockerDaemonOptions(r: ProwRefs, extra: readonly string[]): string {
    const mirror = r.serviceUrl("docker-mirror", { fqdn: true });
    return [
        "--data-root=/docker-graph",
        `--registry-mirror=${mirror} --insecure-registry=${mirror}`,
        "--mtu=1450",
        ...extra,
    ]
        .map((flags) => `DOCKER_OPTS="\${DOCKER_OPTS} ${flags}"\n`)
        .join("");
}

/**
 * The job config a new environment starts with; config-updater replaces it on the first merged job change. Only a
 * throw-away cluster gets a test presubmit: staging and production share GitHub and must never run a job of ours.
 */
function seedJobConfig(env: ResolvedEnvironment): string {
    if (!env.generateSecrets) return renderYaml({});
    return renderYaml({
        presubmits: {
            "testorg/testrepo": [
                {
                    name: "test-job",
                    decorate: true,
                    always_run: true,
                    skip_report: false,
                    spec: {
                        containers: [{ image: "docker.io/library/busybox:1.32", command: ["/bin/true"] }],
                    },
                },
            ],
        },
    });
}

/** A ConfigMap of the environment: its one key, rendered by a function of the environment alone. */
type ConfigMapSource = Omit<RenderedConfigMap, "data"> & {
    key: string;
    render: (env: ResolvedEnvironment) => string;
};

/** A ConfigMap whose one key `render` makes, in Prow's namespace unless `more` names another. */
const configMap = (
    name: ConfigMapName,
    key: string,
    render: ConfigMapSource["render"],
    more: Partial<ConfigMapSource> = {},
): ConfigMapSource => ({ name, namespace: "prow", key, render, ...more });

/** A ConfigMap of Prow's namespace whose one key is one of Prow's documents, as YAML. */
const documentMap = (name: ConfigMapName, key: string, doc: DocumentName) =>
    configMap(name, key, (e) => renderYaml(prowDocument(e, doc)));

/** Every ConfigMap of the environment. */
const CONFIG_MAPS: ConfigMapSource[] = [
    documentMap("config", "config.yaml", "config"),
    documentMap("plugins", "plugins.yaml", "plugins"),
    documentMap("label-config", "labels.yaml", "labels"),
    documentMap("mirror-config", "config.yml", "mirror"),
    configMap("pushgateway-proxy-config", "default.conf", (e) => pushgatewayProxyConf(e.refs)),
    configMap("job-config", "test_job_config.yaml", (e) => seedJobConfig(e), { seedOnly: true }),
    configMap(DOCKER_MIRROR_CONFIG, "docker", (e) => dockerDaemonOptions(e.refs, e.jobsDockerFlags), {
        namespace: "jobs",
    }),
];

/** Every ConfigMap of the environment, rendered. */
export function renderConfigMaps(env: ResolvedEnvironment): RenderedConfigMap[] {
    return CONFIG_MAPS.map(({ key, render, ...cm }) => ({ ...cm, data: { [key]: render(env) } }));
}

/**
 * The Services each ConfigMap's key names, by rendering that key alone with refs that remember each
 * `serviceUrl`/`serviceHost` (Prow's documents are plain text): what a pod reading the key reaches.
 */
export function configMapEndpoints(
    env: ResolvedEnvironment,
): Map<ConfigMapName, Map<string, ServiceEndpoint[]>> {
    return new Map(
        CONFIG_MAPS.map(({ name, key, render }) => [
            name,
            new Map([[key, endpointsNamedBy(env.refs, (r) => render({ ...env, refs: r }))]]),
        ]),
    );
}
