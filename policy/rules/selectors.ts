import { labelSelectorMatches, mapSelectorMatches } from "../../components/shared/labelSelector";
import { Obj, isObj } from "./types";

// Label selectors as the API defines them (components/shared/labelSelector.ts, the one rule). A Service's
// `spec.selector` is a plain map, and an empty one selects no pod (its endpoints are managed by hand).

function stringMap(v: unknown): Record<string, string> {
    if (!isObj(v)) return {};
    return Object.fromEntries(
        Object.entries(v).filter((e): e is [string, string] => typeof e[1] === "string"),
    );
}

/** Whether a LabelSelector (`matchLabels`/`matchExpressions`) matches `labels` (an absent one matches none). */
export function selectorMatches(selector: unknown, labels: Record<string, string>): boolean {
    return labelSelectorMatches(selector, labels);
}

/** Whether a Service's `spec.selector` selects a pod with `labels` (an empty one selects none). */
export function serviceSelects(selector: unknown, labels: Record<string, string>): boolean {
    return isObj(selector) && Object.keys(selector).length > 0 && mapSelectorMatches(selector, labels);
}

/** The labels of a pod template (`spec.template.metadata.labels`, a CronJob's under its jobTemplate). */
export function templateLabels(props: Obj): Record<string, string> {
    const spec = isObj(props.spec) ? props.spec : {};
    const template = isObj(spec.template) ? spec.template : {};
    const meta = isObj(template.metadata) ? template.metadata : {};
    return stringMap(meta.labels);
}
