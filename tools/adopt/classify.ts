import { SECRET_MASK } from "../mocks/recorder";
import { fieldChanges } from "./diff";
import { immutableConflicts } from "./immutable";
import { DesiredObject, Finding, KubeObject, objectId } from "./model";

/** What the API server answered about one object: its live state and the server-side-apply dry run over it. */
export type DryRun = { result: KubeObject } | { refused: string };

function isObject(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Replaces every masked value with the live value at the same place (or drops it when there is none). */
function fillMasked(value: unknown, live: unknown): unknown {
    if (value === SECRET_MASK) return live;
    if (Array.isArray(value)) {
        return value.map((v, i) => fillMasked(v, Array.isArray(live) ? live[i] : undefined));
    }
    if (isObject(value)) {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value)) {
            const filled = fillMasked(v, isObject(live) ? live[k] : undefined);
            if (filled !== undefined) out[k] = filled;
        }
        return out;
    }
    return value;
}

const MASK_BASE64 = Buffer.from(SECRET_MASK).toString("base64");

/**
 * The object to dry-run over the live one. The offline plan does not know secret values (they stay encrypted in
 * the stack file), so a masked value is taken as unchanged where the live object has one: the report compares
 * the keys of Secrets, not their values. A Secret key the live object lacks gets a stand-in, so it shows as added.
 */
export function applyForm(desired: KubeObject, live: KubeObject): { object: KubeObject; masked: boolean } {
    const text = JSON.stringify(desired);
    if (!text.includes(JSON.stringify(SECRET_MASK))) return { object: desired, masked: false };
    const object = structuredClone(desired);
    if (object.kind === "Secret") {
        const liveData = (live.data ?? {}) as Record<string, string>;
        const data = { ...((object.data ?? {}) as Record<string, string>) };
        const stringData = { ...((object.stringData ?? {}) as Record<string, string>) };
        for (const [k, v] of Object.entries(stringData)) {
            if (v !== SECRET_MASK) continue;
            // stringData is write-only: the server merges it into data, where the live value is.
            delete stringData[k];
            data[k] = liveData[k] ?? MASK_BASE64;
        }
        for (const [k, v] of Object.entries(data)) {
            if (v === SECRET_MASK) data[k] = liveData[k] ?? MASK_BASE64;
        }
        if (Object.keys(data).length > 0) object.data = data;
        if (Object.keys(stringData).length > 0) object.stringData = stringData;
        else delete object.stringData;
    }
    return { object: fillMasked(object, live) as KubeObject, masked: true };
}

/**
 * Classifies one object of the program against the cluster: absent (create, or data at risk when `risk` says
 * a claim of another name holds the data), identical, changed (each field old → new), or blocking (an immutable
 * field differs, or the API server refuses the apply).
 */
export function classify(
    desired: DesiredObject,
    live: KubeObject | undefined,
    dryRun: DryRun | undefined,
    risk?: string,
): Finding {
    const base = { cluster: desired.cluster, system: desired.system, id: objectId(desired.object) };
    if (!live) {
        return risk
            ? { ...base, verdict: "data-at-risk", changes: [], reasons: [risk] }
            : { ...base, verdict: "create", changes: [], reasons: [] };
    }
    const reasons = immutableConflicts(live, desired.object);
    const changes = dryRun && "result" in dryRun ? fieldChanges(live, dryRun.result, live.kind) : [];
    if (dryRun && "refused" in dryRun) reasons.push(`the API server refuses the apply: ${dryRun.refused}`);
    const masked = applyForm(desired.object, live).masked;
    const extra = masked ? { secretValuesNotCompared: true } : {};
    if (reasons.length > 0) return { ...base, verdict: "blocking", changes, reasons, ...extra };
    return { ...base, verdict: changes.length > 0 ? "update" : "unchanged", changes, reasons: [], ...extra };
}
