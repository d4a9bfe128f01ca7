import { loadProgramConfig } from "../../components/config/load";
import type { ReleaseRecord } from "../../components/config/releaseGate";
import { SYSTEMS } from "../../components/systems";
import { generatedStandIns } from "../mocks/fakes";
import { RecordedResource, SECRET_MASK } from "../mocks/recorder";
import { kubernetesObjects, manifestOf, systemOf } from "../plan/render";
import { recordConfig } from "../plan/run";
import { readStackFile, stackFileSource } from "../plan/stackfile";
import { takeoverRecords } from "./imageChanges";
import { CloudResource, DesiredObject, KubeObject } from "./model";

/** What the program would create for a stack: Kubernetes objects per cluster, and its OpenStack resources. */
export interface ProgramObjects {
    kubernetes: DesiredObject[];
    openstack: CloudResource[];
}

/**
 * The keys of a Secret whose values come from a @pulumi/random resource of the recording: the mocks give each
 * generator a known stand-in value, found here in the Secret's plain inputs (as text or base64).
 */
export function generatedKeys(secret: RecordedResource, recorded: readonly RecordedResource[]): string[] {
    const values = [...generatedStandIns(recorded).values()];
    const keys: string[] = [];
    for (const field of ["stringData", "data"]) {
        for (const [k, v] of Object.entries((secret.inputs[field] ?? {}) as Record<string, unknown>)) {
            const text = String(v);
            const plain = field === "data" ? Buffer.from(text, "base64").toString("utf8") : text;
            if (values.some((g) => plain.includes(g))) keys.push(k);
        }
    }
    return keys.sort();
}

/** Splits a recording into the objects the report compares with the clusters, each with its system. */
export function programObjects(recorded: readonly RecordedResource[]): ProgramObjects {
    const byUrn = new Map(recorded.map((r) => [r.urn, r]));
    const sections = SYSTEMS.map((s) => s.section);
    // kubernetesObjects is the plan's one rule for "which cluster an object goes to"; remember each manifest's source.
    const source = new WeakMap<object, RecordedResource>();
    const clusters = kubernetesObjects(recorded, (r) => {
        const manifest = manifestOf(r);
        source.set(manifest, r);
        return manifest;
    });
    const kubernetes = Object.entries(clusters).flatMap(([cluster, objects]) =>
        objects.map((object) => {
            const r = source.get(object)!;
            const generated = object.kind === "Secret" ? generatedKeys(r, recorded) : [];
            return {
                cluster,
                system: systemOf(r, byUrn, sections),
                object: object as KubeObject,
                ...(generated.length > 0 ? { generatedKeys: generated } : {}),
            };
        }),
    );
    const openstack = recorded
        .filter((r) => r.custom && r.type.startsWith("openstack:"))
        .map((r) => ({
            system: systemOf(r, byUrn, sections),
            type: r.type,
            name: r.name,
            ...(r.importId ? { importId: r.importId } : {}),
        }));
    return { kubernetes, openstack };
}

/** What the report reads of a stack's program: its objects, and the records its takeover's release gate asks for. */
export interface StackProgram {
    objects: ProgramObjects;
    /** The release gate's list for the takeover (./imageChanges `takeoverRecords`). */
    records: ReleaseRecord[];
}

/**
 * Evaluates the program for `Pulumi.<stack>.yaml` offline, as `npm run plan` does (recording mocks, encrypted
 * values replaced by a placeholder): what it would create, and what its takeover's release gate asks for.
 */
export async function stackProgram(stack: string, root = process.cwd()): Promise<StackProgram> {
    const file = readStackFile(stack, root);
    const config = loadProgramConfig(stackFileSource(file, SECRET_MASK), SYSTEMS, {
        placeholderSecret: () => SECRET_MASK,
    });
    const recorded = await recordConfig(stack, config);
    return { objects: programObjects(recorded), records: takeoverRecords(config) };
}

/** {@link stackProgram}'s objects: what the program would create for `Pulumi.<stack>.yaml`. */
export async function stackObjects(stack: string, root = process.cwd()): Promise<ProgramObjects> {
    return (await stackProgram(stack, root)).objects;
}
