import { INTERNAL_REGISTRY, parseImageRef } from "../../components/shared/imageRef";
import { KubeObject, at, objectId } from "../adopt/model";
import { WORKLOAD_KINDS, podSpecOf } from "../adopt/workloads";

/** One place an image is used: the object and the container (or ImageStream tag). */
export interface ImageUse {
    image: string;
    /** `<object id> <where>`, e.g. `apps/v1/Deployment/ns/web container web`. */
    user: string;
}

type PodSpec = {
    containers?: { name: string; image?: string }[];
    initContainers?: { name: string; image?: string }[];
};

/** The pod spec of a workload kind, wherever the kind keeps it (a Job's too: its images run as well). */
function workloadPodSpec(o: KubeObject): PodSpec | undefined {
    return [...WORKLOAD_KINDS, "Job", "Pod"].includes(o.kind)
        ? (podSpecOf(o) as PodSpec | undefined)
        : undefined;
}

/**
 * Every image reference of the objects: containers and init containers of every workload (Deployments,
 * StatefulSets, Jobs, CronJobs, ...) and the external sources of ImageStream tags. References into the integrated
 * registry are left out when an ImageStream of the program provides them (its source is checked instead).
 */
export function imageUses(objects: readonly KubeObject[]): ImageUse[] {
    const uses: ImageUse[] = [];
    const streamTags = new Set<string>();
    for (const o of objects) {
        const id = objectId(o);
        const pod = workloadPodSpec(o);
        for (const [list, label] of [
            [pod?.containers, "container"],
            [pod?.initContainers, "init container"],
        ] as const) {
            for (const c of list ?? [])
                if (c.image) uses.push({ image: c.image, user: `${id} ${label} ${c.name}` });
        }
        if (o.kind === "ImageStream") {
            for (const t of (at(o, "spec", "tags") ?? []) as {
                name: string;
                from?: { kind?: string; name?: string };
            }[]) {
                streamTags.add(`${o.metadata.namespace ?? ""}/${o.metadata.name}:${t.name}`);
                if (t.from?.kind === "DockerImage" && t.from.name)
                    uses.push({ image: t.from.name, user: `${id} tag ${t.name}` });
            }
        }
    }
    return uses.filter(
        (u) =>
            !u.image.startsWith(`${INTERNAL_REGISTRY}/`) ||
            !streamTags.has(u.image.slice(INTERNAL_REGISTRY.length + 1)),
    );
}

/** The uses grouped by image, images sorted, so each reference is checked once. */
export function groupByImage(uses: readonly ImageUse[]): Map<string, string[]> {
    const map = new Map<string, string[]>();
    for (const u of [...uses].sort(
        (a, b) => a.image.localeCompare(b.image) || a.user.localeCompare(b.user),
    )) {
        map.set(u.image, [...(map.get(u.image) ?? []), u.user]);
    }
    return map;
}

/** A reference split into registry host, repository and tag or digest (Docker's defaults filled in). */
export interface ImageRef {
    registry: string;
    repository: string;
    tag?: string;
    digest?: string;
}

/** A reference as a registry would be asked for it: Docker's defaults filled in (`docker.io`, `library/`, `latest`). */
export function parseImage(image: string): ImageRef {
    const { registry: host, repository: name, tag: written, digest } = parseImageRef(image);
    const registry =
        host === undefined || host === "index.docker.io" || host === "registry-1.docker.io"
            ? "docker.io"
            : host;
    const repository = registry === "docker.io" && !name.includes("/") ? `library/${name}` : name;
    const tag = written || (digest ? undefined : "latest");
    return { registry, repository, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

export function formatImage(ref: ImageRef): string {
    return `${ref.registry}/${ref.repository}${ref.tag ? `:${ref.tag}` : ""}${ref.digest ? `@${ref.digest}` : ""}`;
}

/**
 * Where to look for an image: `mirrors` maps a registry host to another registry (or `host/prefix`); the key `*`
 * maps every registry, keeping the original host as the first path component (`quay.io/a/b` →
 * `<mirror>/quay.io/a/b`), as a pull-through or air-gapped mirror lays them out.
 */
export function mirrored(ref: ImageRef, mirrors: ReadonlyMap<string, string>): ImageRef {
    const exact = mirrors.get(ref.registry);
    const any = mirrors.get("*");
    const target = exact ?? any;
    if (!target) return ref;
    const [host, ...prefix] = target.split("/");
    const path = [...prefix, ...(exact ? [] : [ref.registry]), ref.repository].join("/");
    return { ...ref, registry: host, repository: path };
}
