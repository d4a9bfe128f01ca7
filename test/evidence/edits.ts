import { strict as assert } from "assert";
import { COMMON_EVIDENCE } from "../../components/shared/evidence/commonImages";
import type { ImageEvidence } from "../../components/shared/evidence/types";
import { SYSTEMS } from "../../components/systems";
import type { PlanResource } from "../../tools/plan/render";

// The table the plans are replayed against, and the edits the controls make to it and to a plan.

/**
 * Every system's evidence, the common images first (as each system looks them up): the one table the plans are
 * replayed against.
 */
export const TABLE: readonly ImageEvidence[] = [
    ...COMMON_EVIDENCE.images,
    ...SYSTEMS.flatMap((s) => s.evidence?.table.images ?? []),
];

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/**
 * The table with the entries of `image` (repository; only `version` when given) changed by `edit`, or removed
 * when it returns undefined.
 */
export function editEntry(
    image: string,
    edit: (e: ImageEvidence) => ImageEvidence | undefined,
    version?: string,
): ImageEvidence[] {
    const hit = (e: ImageEvidence) => e.image === image && (version === undefined || e.version === version);
    assert.ok(TABLE.some(hit), `no entry for ${image}`);
    return TABLE.map(clone).flatMap((e) => {
        if (!hit(e)) return [e];
        const changed = edit(e);
        return changed ? [changed] : [];
    });
}

/** The plan's resources with the Kubernetes object named `name` of `kind` (in `namespace`, if given) changed in place. */
export function editObject(
    resources: readonly PlanResource[],
    kind: string,
    name: string,
    // A plan's inputs are untyped JSON; each control edits the one field it names.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    edit: (inputs: Record<string, any>) => void,
    namespace?: string,
): PlanResource[] {
    const out = clone(resources) as PlanResource[];
    const r = out.find((x) => {
        const meta = x.inputs.metadata as { name?: string; namespace?: string } | undefined;
        return (
            x.type.endsWith(`:${kind}`) &&
            meta?.name === name &&
            (namespace === undefined || meta.namespace === namespace)
        );
    });
    assert.ok(r, `no ${kind} ${namespace ? `${namespace}/` : ""}${name} in the plan`);
    edit(r.inputs);
    return out;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const podOf = (inputs: Record<string, any>) =>
    inputs.kind === "CronJob" ? inputs.spec.jobTemplate.spec.template.spec : inputs.spec.template.spec;
