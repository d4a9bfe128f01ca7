import { KindedNotice, notice } from "../../../config/notices";
import { StreamArgs } from "../../../shared/imagestream";
import { CatalogConfig } from "../../config";
import { thothApp } from "../../identity";
import { CORE_TIERS } from "../stationSecrets";
import { StationEnvironment, StationTier, tierNamespaces } from "../tiers";

// What the catalog's WorkflowTemplates and Templates need in the namespaces they run in, as data: the tagged
// ImageStreams their containers name, the core WorkflowTemplates the others call, and the Secrets and ConfigMaps
// they mount. Every entry says where the reference has it; the tiers are stage's (test puts them all into
// thoth-test-core).

const APP = "thoth-station/thoth-application@f2cf35f";

/**
 * An ImageStream a catalog template pulls through (`<name>:latest`, resolved by the stream's local lookup or the
 * internal registry). The reference's bases leave every stream without tags and its overlays' imagestreamtag files
 * pin them; the overlays cannot be rendered (ksops, Argo CD hooks), so this program creates each stream itself
 * with its tag `latest` importing the pinned image, and the catalog leaves out the base's tagless copy.
 */
export interface CatalogImageStream {
    name: string;
    /** The pinned image tag `latest` imports. */
    image: string;
    tiers: readonly StationTier[];
    /** The templates that pull it. */
    neededBy: string;
    source: string;
}

/** Where a rendered object goes and what the reference says about it. */
export interface RenderedObject {
    kind: "WorkflowTemplate" | "Template";
    name: string;
    /** Stage tier the object lands in (after the module's `place` rules). */
    tier: StationTier;
    neededBy: string;
    source: string;
}

/**
 * A module directory of the pinned commit the catalog must render: the objects expected from it, and the only
 * kinds kept from it (unset: all) where the station creates the rest itself (core's ConfigMaps and send-webhooks
 * account, mi-scheduler's CronJobs and their account), because two Pulumi resources for one object conflict.
 */
export interface RenderedModule {
    path: string;
    kinds?: readonly string[];
    objects: readonly RenderedObject[];
}

/** A Secret or ConfigMap a catalog template mounts or reads, created by the station (stationSecrets, sharedConfig). */
export interface MountedObject {
    kind: "Secret" | "ConfigMap";
    name: string;
    tiers: readonly StationTier[];
    neededBy: string;
    source: string;
}

const stream = (
    name: string,
    image: string,
    tiers: readonly StationTier[],
    neededBy: string,
    source: string,
): CatalogImageStream => ({ name, image, tiers, neededBy, source });

const pinSource = (module: string, overlay = `${module}/overlays/ocp4-stage`) =>
    `thoth-station.md Appendix A; ${APP} ${module}/base/imagestream.yaml (no tags), ${overlay}/imagestreamtag.yaml (the pin)`;
const CORE_PIN = `thoth-station.md Appendix A, §8.1 item 2; ${APP} core/base/imagestreams.yaml (no tags), core/overlays/ocp4-stage/common/imagestreamtags.yaml (the pin)`;
const SOLVER_PIN = `thoth-station.md Appendix A; ${APP} solver/base/imagestreams.yaml (no tags), solver/overlays/ocp4-stage/imagestreamtag.yaml (the pin)`;

export const CATALOG_IMAGE_STREAMS: readonly CatalogImageStream[] = [
    stream(
        "messaging",
        "quay.io/thoth-station/messaging:v0.16.2",
        CORE_TIERS,
        "WorkflowTemplates send-message, send-messages",
        CORE_PIN,
    ),
    stream(
        "workflow-helpers",
        "quay.io/thoth-station/workflow-helpers:v0.9.16",
        CORE_TIERS,
        "send-webhooks, parse-adviser-output, parse-provenance-checker-output, trigger-integration, parse-solver-output, download-package, kebechet-administrator, update-kebechet-installation, create-purge-issues",
        CORE_PIN,
    ),
    stream(
        "investigator",
        "quay.io/thoth-station/investigator:v0.17.0",
        CORE_TIERS,
        "core's base ImageStream (the consumers run the pinned image directly)",
        CORE_PIN,
    ),
    stream(
        "thoth-toolbox",
        "quay.io/thoth-station/thoth-toolbox:v0.6.0",
        CORE_TIERS,
        "core's base ImageStream",
        CORE_PIN,
    ),
    stream(
        "s2i-thoth-ubi8-py36",
        "quay.io/thoth-station/s2i-thoth-ubi8-py36:v0.15.0",
        CORE_TIERS,
        "core's base ImageStream (builder image)",
        CORE_PIN,
    ),
    stream(
        "adviser",
        "quay.io/thoth-station/adviser:v0.56.3",
        ["backend", "amun-inspection"],
        "WorkflowTemplates advise, provenance-check (backend) and dm (amun-inspection)",
        pinSource("adviser"),
    ),
    stream(
        "kebechet",
        "quay.io/thoth-station/kebechet-job:v1.11.2",
        ["backend"],
        "WorkflowTemplates kebechet, kebechet-run-url, kebechet-run-results",
        pinSource("kebechet"),
    ),
    stream(
        "graph-sync-job",
        "quay.io/thoth-station/graph-sync-job:v0.11.1",
        ["backend", "middletier"],
        "WorkflowTemplate graph-sync",
        `thoth-station.md Appendix A; ${APP} graph-sync/base/imagestream.yaml (no tags), graph-sync/overlays/ocp4-stage/common (the pin)`,
    ),
    ...["solver-fedora-34-py39", "solver-fedora-35-py310", "solver-rhel-8-py36", "solver-rhel-8-py38"].map(
        (s) =>
            stream(
                s,
                `quay.io/thoth-station/${s}:v1.15.0`,
                ["middletier"],
                "WorkflowTemplate solver-any (`{{THOTH_SOLVER_NAME}}:latest`)",
                SOLVER_PIN,
            ),
    ),
    stream(
        "revsolver",
        "quay.io/thoth-station/revsolver:v0.2.13",
        ["middletier"],
        "WorkflowTemplate revsolve",
        pinSource("revsolver"),
    ),
    stream(
        "package-extract",
        "quay.io/thoth-station/package-extract:v1.3.1",
        ["middletier"],
        "WorkflowTemplate extract-packages",
        pinSource("package-extract"),
    ),
    ...(
        [
            ["si-aggregator", "v0.2.0", "aggregator"],
            ["si-bandit", "v0.2.1", "bandit"],
            ["si-cloc", "v0.2.0", "cloc"],
        ] as const
    ).map(([s, tag, template]) =>
        stream(
            s,
            `quay.io/thoth-station/${s}:${tag}`,
            ["middletier"],
            `WorkflowTemplate ${template}`,
            pinSource("security-indicators"),
        ),
    ),
    stream(
        "mi",
        "quay.io/thoth-station/mi:v2.12.0",
        ["middletier"],
        "WorkflowTemplates mi, mi-merge",
        pinSource("mi-scheduler"),
    ),
    stream(
        "purge-job",
        "quay.io/thoth-station/purge-job:v0.1.0",
        ["backend"],
        "WorkflowTemplate purge",
        pinSource("purge-job"),
    ),
];

/** Names of the streams the program creates: the catalog drops a base's tagless copy of each. */
const PROGRAM_STREAMS: ReadonlySet<string> = new Set(CATALOG_IMAGE_STREAMS.map((s) => s.name));

const appendixB = (file: string) => `thoth-station.md Appendix B; ${APP} ${file}`;
const appendixC = (file: string) => `thoth-station.md Appendix C; ${APP} ${file}`;

/** The modules thoth-station.md §8 lists as absent until now, with what each must render. */
export const RENDERED_MODULES: readonly RenderedModule[] = [
    {
        path: "core/base",
        // The station creates core's ConfigMaps, Secrets and the send-webhooks account and grants itself.
        kinds: ["WorkflowTemplate"],
        objects: CORE_TIERS.flatMap((tier) =>
            (["send-message", "send-messages", "send-webhooks"] as const).map((name): RenderedObject => ({
                kind: "WorkflowTemplate",
                name,
                tier,
                neededBy:
                    name === "send-webhooks"
                        ? "advise Workflows (callback webhooks, account send-webhooks)"
                        : "every Template whose Workflow reports to Kafka",
                source: appendixB(`core/base/argo-workflows/${name}.yaml`),
            })),
        ),
    },
    {
        path: "purge-job/base",
        objects: [
            {
                kind: "WorkflowTemplate",
                name: "purge",
                tier: "backend",
                neededBy: "Template purge",
                source: appendixB("purge-job/base/argo-workflows/purge-template.yaml"),
            },
            {
                kind: "WorkflowTemplate",
                name: "create-purge-issues",
                tier: "backend",
                neededBy: "Template purge",
                source: appendixB("purge-job/base/argo-workflows/purge-issues.yaml"),
            },
            {
                // The stage overlay's move misses it (it names `purge-job`, §8.3), which left it where no consumer
                // looks; here it goes with every other Template into infra.
                kind: "Template",
                name: "purge",
                tier: "infra",
                neededBy: "management-api's purge endpoint (processes Templates in the infra namespace)",
                source: appendixC("purge-job/base/openshift-templates/purge.yaml"),
            },
        ],
    },
    {
        path: "mi-scheduler/base",
        // The station runs mi-scheduler's CronJobs, account, ConfigMaps and Secret itself (periodic.ts).
        kinds: ["WorkflowTemplate", "Template"],
        objects: [
            ...(["mi", "mi-merge"] as const).map((name): RenderedObject => ({
                kind: "WorkflowTemplate",
                name,
                tier: "middletier",
                neededBy: `Template ${name}`,
                source: appendixB(
                    `mi-scheduler/base/argo-workflows/${name === "mi" ? "mi-workflow-template" : "mi-merge-workflow"}.yaml`,
                ),
            })),
            ...(
                [
                    ["mi", "mi-run-template"],
                    ["mi-merge", "mi-merge-template"],
                ] as const
            ).map(([name, file]): RenderedObject => ({
                kind: "Template",
                name,
                tier: "infra",
                neededBy: "the mi-scheduler CronJobs",
                source: appendixC(`mi-scheduler/base/openshift-templates/${file}.yaml`),
            })),
        ],
    },
];

/** The Secrets and ConfigMaps the catalog's templates mount or read, in the tiers they run in. */
export const MOUNTED_OBJECTS: readonly MountedObject[] = [
    {
        kind: "Secret",
        name: "kebechet",
        tiers: ["backend"],
        neededBy:
            "Template adviser (volumes ssh-config, github-app-privatekey; not optional), kebechet WorkflowTemplates, create-purge-issues",
        source: "thoth-station.md §5.1 `kebechet` (full), §8.1 item 7; thoth-station/thoth-application@f2cf35f kebechet/overlays/ocp4-stage/secrets.enc.yaml",
    },
    ...(["thoth", "ceph", "kafka", "postgresql", "argo-artifact-repository-secrets"] as const).map(
        (name): MountedObject => ({
            kind: "Secret",
            name,
            tiers: ["backend", "middletier"],
            neededBy: "the WorkflowTemplates of the worker tiers (thoth-station.md §5.1 consumers)",
            source: `thoth-station.md §5.1 \`${name}\`; ${APP} core/overlays/ocp4-stage/common/secrets.enc.yaml`,
        }),
    ),
    {
        kind: "Secret",
        name: "sesheta-srcops",
        tiers: ["middletier"],
        neededBy: "WorkflowTemplates mi, mi-merge (GITHUB_ACCESS_TOKEN)",
        source: `thoth-station.md §5.1 \`sesheta-srcops\`; ${APP} mi-scheduler/overlays/ocp4-stage/secrets.enc.yaml`,
    },
    ...(["thoth", "ceph", "kafka", "prometheus"] as const).map((name): MountedObject => ({
        kind: "ConfigMap",
        name,
        tiers: CORE_TIERS,
        neededBy: "send-message(s), send-webhooks and the module WorkflowTemplates (namespaces, S3, Kafka)",
        source: `thoth-station.md §4.1 \`${name}\`; ${APP} core/overlays/ocp4-stage/common/configmaps.yaml`,
    })),
    {
        kind: "ConfigMap",
        name: "mi-scheduler",
        tiers: ["middletier"],
        neededBy: "WorkflowTemplate mi (the reference leaves it dangling: thoth-station.md §4.4)",
        source: `thoth-station.md §4.4; ${APP} mi-scheduler/overlays/ocp4-stage/kustomization.yaml`,
    },
    {
        kind: "ConfigMap",
        name: "mi-scheduler-cm",
        tiers: ["middletier"],
        neededBy: "WorkflowTemplates mi, mi-merge",
        source: `thoth-station.md §4.3; ${APP} mi-scheduler/base/configmaps.yaml`,
    },
];

/**
 * Whether the catalog registers a rendered object of a module directory: not a base's tagless ImageStream the
 * program creates tagged, and only the kinds a {@link RENDERED_MODULES} entry keeps.
 */
export function keepsRendered(path: string, kind: string, name: string): boolean {
    if (kind === "ImageStream" && PROGRAM_STREAMS.has(name)) return false;
    const kinds = RENDERED_MODULES.find((m) => m.path === path)?.kinds;
    return kinds === undefined || kinds.includes(kind);
}

/** One ImageStream per namespace it is needed in (test: each once, in thoth-test-core). */
export function catalogImageStreamPlan(
    namespaces: Record<StationTier, string>,
): { namespace: string; stream: CatalogImageStream }[] {
    const seen = new Set<string>();
    return CATALOG_IMAGE_STREAMS.flatMap((s) =>
        s.tiers
            .map((t) => namespaces[t])
            .filter((ns) => {
                const id = `${ns}/${s.name}`;
                if (seen.has(id)) return false;
                seen.add(id);
                return true;
            })
            .map((namespace) => ({ namespace, stream: s })),
    );
}

/** A catalog ImageStream in one namespace: tagged `latest` from its pinned image, pulled through the registry. */
export function catalogImageStreamArgs(namespace: string, stream: CatalogImageStream): StreamArgs {
    return {
        namespace,
        name: stream.name,
        app: thothApp(stream.name, "workflows"),
        tag: "latest",
        from: stream.image,
        // Pinned: a re-import would only ever fetch the same image.
        scheduled: false,
        // As the reference's streams: pods pull `<registry>/<namespace>/<name>:latest` through the registry.
        referencePolicy: "Local",
    };
}

/**
 * What the offline plan cannot show and an operator must read before `pulumi up`: every catalog directory is
 * rendered by the Kubernetes provider only at preview/update time, from the pinned commit on the network. Names the
 * objects the list expects from each, by namespace, so the preview's diff can be checked against them.
 */
export function catalogNotices(
    catalog: CatalogConfig | undefined,
    environment: StationEnvironment,
): KindedNotice[] {
    if (!catalog?.enabled) return [];
    const namespaces = tierNamespaces(environment);
    const key = "runbooks:thoth.station.modules.catalog";
    const lines = catalog.modules.map((m) => {
        const expected = RENDERED_MODULES.find((r) => r.path === m.path);
        const kept = expected?.kinds ? ` (kinds kept: ${expected.kinds.join(", ")})` : "";
        // `<kind> <a>, <b> in <namespace>`, one group per kind and namespace.
        const groups = new Map<string, Set<string>>();
        for (const o of expected?.objects ?? []) {
            const group = `${o.kind} in ${namespaces[o.tier]}`;
            groups.set(group, (groups.get(group) ?? new Set()).add(o.name));
        }
        const names = [...groups].map(([group, set]) => {
            const [kind, where] = group.split(" in ");
            return `${kind} ${[...set].join(", ")} in ${where}`;
        });
        const expect = names.length > 0 ? `; expected: ${names.join("; ")}` : "";
        return `${key}: module ${m.name} is rendered only at preview/up from ${catalog.repository}/tree/${catalog.ref}/${m.path}${kept}; the offline plan shows one kustomize Directory per namespace without its objects${expect}. Compare with \`pulumi preview --diff\` before \`pulumi up\`.`;
    });
    lines.push(
        `${key}: the bases' ImageStreams ${[...PROGRAM_STREAMS].join(", ")} are left out of the render; the program creates each (tag latest importing its pinned image, components/thoth/station/catalog/catalogPrerequisites.ts), so the offline plan shows them.`,
    );
    return lines.map((line) => notice("RENDERED AT PREVIEW", line));
}
