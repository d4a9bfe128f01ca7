import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { DefinitionError } from "./errors";

/**
 * The one pairing of a pod volume with a container's volumeMount (issue 53): a mount is made from its volume, so the
 * two cannot name different volumes, and a volume name is written once, where the volume is made. Handles of
 * objects mount through it (`handle.mount(path)`, components/shared/handles.ts); volumes with no object behind them
 * through {@link podVolume}; a StatefulSet's per-pod claims through {@link claimTemplate}. The pod gets the volumes
 * and claim templates from its containers' mounts (`podVolumes`, `podClaimTemplates` in container.ts).
 */

/** A container's mount of a pod volume: the pod volume and the volumeMount together (`ContainerSpec.mounts`). */
export interface HandleMount {
    volume: k8s.types.input.core.v1.Volume;
    mount: k8s.types.input.core.v1.VolumeMount;
}

/** A StatefulSet's per-pod claim (a volumeClaimTemplate) as the workload makes it. */
export interface VolumeClaimTemplateSpec {
    name: string;
    size: string;
    storageClassName?: string;
    accessModes?: string[];
}

/** A container's mount of a StatefulSet's per-pod claim: the claim template and the volumeMount together. */
export interface ClaimTemplateMount {
    claimTemplate: VolumeClaimTemplateSpec;
    mount: k8s.types.input.core.v1.VolumeMount;
}

/** What a container mounts: a pod volume, or a per-pod claim of its StatefulSet. */
export type PodMount = HandleMount | ClaimTemplateMount;

/** How a volume is mounted, whatever the volume. */
export interface MountPlacement {
    /** One file (or directory) of the volume at the path, instead of the whole volume. */
    subPath?: string;
    readOnly?: boolean;
}

/**
 * What each mounted volume is a volume of (`Secret ns/tls {"items":[...]}`, `emptyDir {}`): two mounts of one name
 * are one pod volume only when this text is the same. Kept beside the volume, not in it, so nothing reaches the
 * rendered object.
 */
const SOURCES = new WeakMap<object, string>();

function volumeMount(
    name: string,
    path: string,
    { subPath, readOnly }: MountPlacement,
): k8s.types.input.core.v1.VolumeMount {
    return {
        name,
        mountPath: path,
        ...(readOnly ? { readOnly: true } : {}),
        ...(subPath !== undefined ? { subPath } : {}),
    };
}

/**
 * `volume` mounted at `path`: the one place a volumeMount is made from its volume. `source` says what the volume is
 * a volume of (see {@link SOURCES}).
 */
export function pairedMount(
    volume: k8s.types.input.core.v1.Volume,
    source: string,
    path: string,
    placement: MountPlacement,
): HandleMount {
    SOURCES.set(volume, source);
    return { volume, mount: volumeMount(volume.name as string, path, placement) };
}

/** A volume source with no object of the program behind it: any of the Volume's fields but its name. */
export type PodVolumeSource = Omit<k8s.types.input.core.v1.Volume, "name">;

/** A pod volume made by {@link podVolume}: its name and volume, and its mounts. */
export interface PodVolume {
    readonly name: string;
    readonly volume: k8s.types.input.core.v1.Volume;
    mount(path: string, placement?: MountPlacement): HandleMount;
}

let opaqueSources = 0;

/**
 * A pod volume named `name` that no handle stands for: scratch space (`{ emptyDir: {} }`), a node's path, the pod's
 * own metadata, or an object another system names by plain text. Mounted like a handle (`.mount(path)`), so the
 * name is written here once. `name` is the name the live pods already use where there are live pods.
 */
export function podVolume(name: string, source: PodVolumeSource): PodVolume {
    const volume: k8s.types.input.core.v1.Volume = { name, ...source };
    // A source holding an Output cannot be compared by its text: it is then only the same as itself.
    let opaque = false;
    const text = JSON.stringify(source, (_key, value: unknown) => {
        if (pulumi.Output.isInstance(value)) opaque = true;
        return value;
    });
    const described = opaque ? `${Object.keys(source).join(",")} #${++opaqueSources}` : text;
    return {
        name,
        volume,
        mount: (path, placement = {}) => pairedMount(volume, described, path, placement),
    };
}

/** A per-pod claim of a StatefulSet made by {@link claimTemplate}: the template and its mounts. */
export interface ClaimTemplate {
    readonly claimTemplate: VolumeClaimTemplateSpec;
    mount(path: string, placement?: MountPlacement): ClaimTemplateMount;
}

/**
 * A StatefulSet's per-pod claim (`claimTemplate({ name: "datadir", size: "30Gi" })`), mounted like a handle: the
 * workload takes its volumeClaimTemplates from its containers' mounts, so the claim's name is written once.
 * `name` is the one the live StatefulSet has (its templates cannot change).
 */
export function claimTemplate(spec: VolumeClaimTemplateSpec): ClaimTemplate {
    return {
        claimTemplate: spec,
        mount: (path, placement = {}) => ({
            claimTemplate: spec,
            mount: volumeMount(spec.name, path, placement),
        }),
    };
}

export function mountsVolume(mount: PodMount): mount is HandleMount {
    return "volume" in mount;
}

/**
 * A pod's volumes: the given ones, then each volume `mounts` need, once. Mounts of one name are one volume when their
 * sources are the same (one object with the same options, one `podVolume`): a handle mounted at several paths or in
 * several containers. `volumes` itself when nothing mounts a volume.
 *
 * A given volume that is a mount's own `.volume` is that mount's volume, in the given place: how a pod whose live
 * volumes are in another order than its mounts keeps that order. Stops, in one message, a mount whose name is a
 * given volume's (the pair would be matched by the name again) and mounts of one name with different sources (the
 * pod would get one of them, the other mount's files would be missing).
 */
export function mountedVolumes(
    mounts: readonly PodMount[],
    volumes: k8s.types.input.core.v1.Volume[] | undefined,
): k8s.types.input.core.v1.Volume[] | undefined {
    const mounted = mounts.filter(mountsVolume);
    if (mounted.length === 0) return volumes;
    const ofMounts = new Set(mounted.map((m) => m.volume));
    const byName = new Map((volumes ?? []).map((v) => [v.name as string, v]));
    const added: k8s.types.input.core.v1.Volume[] = [];
    const problems: string[] = [];
    for (const { volume } of mounted) {
        const name = volume.name as string;
        const known = byName.get(name);
        if (known === undefined) {
            byName.set(name, volume);
            added.push(volume);
        } else if (!ofMounts.has(known)) {
            problems.push(
                `volume ${name} is given in volumes and mounted through a handle: mount the object through its ` +
                    "handle only (drop it from volumes and its volumeMount)",
            );
        } else if (known !== volume && SOURCES.get(known) !== SOURCES.get(volume)) {
            problems.push(
                `volume ${name} is mounted from two sources, ${SOURCES.get(known)} and ${SOURCES.get(volume)}: ` +
                    "give one of the mounts another volume name (a pod has one volume of a name)",
            );
        }
    }
    if (problems.length > 0) throw new DefinitionError([...new Set(problems)].join("; "));
    return [...(volumes ?? []), ...added];
}

/**
 * A StatefulSet's claim templates: the given ones, then each per-pod claim `mounts` mount
 * (`claimTemplate(...).mount(path)`), once. Stops, in one message, two different templates of one name.
 */
export function mountedClaimTemplates(
    mounts: readonly PodMount[],
    templates: VolumeClaimTemplateSpec[] | undefined,
): VolumeClaimTemplateSpec[] | undefined {
    const mounted = mounts.flatMap((m) => (mountsVolume(m) ? [] : [m.claimTemplate]));
    if (mounted.length === 0) return templates;
    const byName = new Map((templates ?? []).map((t) => [t.name, t]));
    const added: VolumeClaimTemplateSpec[] = [];
    const problems: string[] = [];
    for (const template of mounted) {
        const known = byName.get(template.name);
        if (known === undefined) {
            byName.set(template.name, template);
            added.push(template);
        } else if (known !== template && JSON.stringify(known) !== JSON.stringify(template)) {
            problems.push(
                `claim template ${template.name} is mounted as ${JSON.stringify(known)} and as ` +
                    `${JSON.stringify(template)}: mount one claimTemplate of the name`,
            );
        }
    }
    if (problems.length > 0) throw new DefinitionError([...new Set(problems)].join("; "));
    return [...(templates ?? []), ...added];
}
