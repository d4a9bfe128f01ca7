import { Obj, isObj, objectsOf, stringsOf } from "./types";

// Label selectors as the API defines them (metav1.LabelSelector): every matchLabels pair and every matchExpressions
// requirement must hold; an empty selector matches everything. A Service's `spec.selector` is a plain map, and an
// empty one selects no pod (its endpoints are managed by hand).

function stringMap(v: unknown): Record<string, string> {
    if (!isObj(v)) return {};
    return Object.fromEntries(
        Object.entries(v).filter((e): e is [string, string] => typeof e[1] === "string"),
    );
}

/** Whether a LabelSelector (`matchLabels`/`matchExpressions`) matches `labels`. */
export function selectorMatches(selector: unknown, labels: Record<string, string>): boolean {
    const sel: Obj = isObj(selector) ? selector : {};
    const pairs = Object.entries(stringMap(sel.matchLabels));
    if (!pairs.every(([k, v]) => labels[k] === v)) return false;
    return objectsOf(sel.matchExpressions).every((req) => {
        const key = String(req.key);
        const values = stringsOf(req.values);
        switch (req.operator) {
            case "In":
                return key in labels && values.includes(labels[key]);
            case "NotIn":
                return !(key in labels) || !values.includes(labels[key]);
            case "Exists":
                return key in labels;
            case "DoesNotExist":
                return !(key in labels);
            default:
                return false;
        }
    });
}

/** Whether a Service's `spec.selector` selects a pod with `labels` (an empty one selects none). */
export function serviceSelects(selector: unknown, labels: Record<string, string>): boolean {
    const pairs = Object.entries(stringMap(selector));
    return pairs.length > 0 && pairs.every(([k, v]) => labels[k] === v);
}

/** The labels of a pod template (`spec.template.metadata.labels`, a CronJob's under its jobTemplate). */
export function templateLabels(props: Obj): Record<string, string> {
    const spec = isObj(props.spec) ? props.spec : {};
    const template = isObj(spec.template) ? spec.template : {};
    const meta = isObj(template.metadata) ? template.metadata : {};
    return stringMap(meta.labels);
}
