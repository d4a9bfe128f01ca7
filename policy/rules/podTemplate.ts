import { Obj, isObj } from "./types";

// Label selectors are matched by the one rule of components/shared/labelSelector.ts; this file reads the labels
// they are matched against.

function stringMap(v: unknown): Record<string, string> {
    if (!isObj(v)) return {};
    return Object.fromEntries(
        Object.entries(v).filter((e): e is [string, string] => typeof e[1] === "string"),
    );
}

/** The labels of a pod template (`spec.template.metadata.labels`, a CronJob's under its jobTemplate). */
export function templateLabels(props: Obj): Record<string, string> {
    const spec = isObj(props.spec) ? props.spec : {};
    const job = isObj(spec.jobTemplate) && isObj(spec.jobTemplate.spec) ? spec.jobTemplate.spec : {};
    const template = isObj(spec.template) ? spec.template : isObj(job.template) ? job.template : {};
    const meta = isObj(template.metadata) ? template.metadata : {};
    return stringMap(meta.labels);
}
