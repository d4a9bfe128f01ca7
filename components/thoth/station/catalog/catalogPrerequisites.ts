import { KindedNotice, notice } from "../../../config/notices";
import { StreamArgs } from "../../../shared/imagestream";
import { CatalogConfig, stationTier } from "../../config";
import { z } from "zod";
import { loadFacts } from "../../../shared/facts";
import { thothApp } from "../../identity";
import { StationEnvironment, StationTier, tierNamespaces } from "../tiers";

// What the catalog's WorkflowTemplates and Templates need in the namespaces they run in, as data
// (facts/thoth/catalog-prerequisites.yaml).

/**
 * An ImageStream a catalog template pulls through (`<name>:latest`, resolved by the stream's local lookup or the
 * internal registry), created by the program tagged from its pinned image.
 */
const catalogImageStreamSchema = z.strictObject({
    name: z.string(),
    /** The pinned image tag `latest` imports. */
    image: z.string(),
    tiers: z.array(stationTier),
    /** The templates that pull it. */
    neededBy: z.string(),
    source: z.string(),
});
export type CatalogImageStream = z.infer<typeof catalogImageStreamSchema>;

/** Where a rendered object goes and what the reference says about it. */
const renderedObjectSchema = z.strictObject({
    kind: z.enum(["WorkflowTemplate", "Template"]),
    name: z.string(),
    /** Stage tier the object lands in (after the module's `place` rules). */
    tier: stationTier,
    neededBy: z.string(),
    source: z.string(),
});

/**
 * A module directory of the pinned commit the catalog must render: the objects expected from it, and the only
 * kinds kept from it (unset: all) where the station creates the rest itself (core's ConfigMaps and send-webhooks
 * account, mi-scheduler's CronJobs and their account), because two Pulumi resources for one object conflict.
 */
const renderedModuleSchema = z.strictObject({
    path: z.string(),
    kinds: z.array(z.string()).optional(),
    objects: z.array(renderedObjectSchema),
});

/** A Secret or ConfigMap a catalog template mounts or reads, created by the station (stationSecrets, sharedConfig). */
const mountedObjectSchema = z.strictObject({
    kind: z.enum(["Secret", "ConfigMap"]),
    name: z.string(),
    tiers: z.array(stationTier),
    neededBy: z.string(),
    source: z.string(),
});

const prerequisites = loadFacts(
    "facts/thoth/catalog-prerequisites.yaml",
    z.strictObject({
        imageStreams: z.array(catalogImageStreamSchema),
        renderedModules: z.array(renderedModuleSchema),
        mountedObjects: z.array(mountedObjectSchema),
    }),
    "the catalog's prerequisites",
);

export const CATALOG_IMAGE_STREAMS: readonly CatalogImageStream[] = prerequisites.imageStreams;

/** Names of the streams the program creates: the catalog drops a base's tagless copy of each. */
const PROGRAM_STREAMS: ReadonlySet<string> = new Set(CATALOG_IMAGE_STREAMS.map((s) => s.name));

/** The modules thoth-station.md §8 lists as absent until now, with what each must render. */
export const RENDERED_MODULES = prerequisites.renderedModules;

/** The Secrets and ConfigMaps the catalog's templates mount or read, in the tiers they run in. */
export const MOUNTED_OBJECTS = prerequisites.mountedObjects;

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
    return CATALOG_IMAGE_STREAMS.flatMap((s) =>
        [...new Set(s.tiers.map((t) => namespaces[t]))].map((namespace) => ({ namespace, stream: s })),
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
