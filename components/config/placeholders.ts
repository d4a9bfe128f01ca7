import { parseImageRef } from "../shared/imageRef";
import { PLACEHOLDER_TAG } from "../shared/placeholder";
import { formatPath } from "./issues";
import { ConfigProblem, STACK_FILE, fullKey } from "./problems";
import { grepFixed } from "./unconfirmedImage";

type Segment = string | number;

/** Every string in `value` that is an image tagged with the program's "not yet known" mark, with its path. */
export function placeholderImages(value: unknown): { path: Segment[]; image: string }[] {
    const found: { path: Segment[]; image: string }[] = [];
    const walk = (node: unknown, path: Segment[]) => {
        if (typeof node === "string") {
            if (node.includes(":") && parseImageRef(node).tag === PLACEHOLDER_TAG)
                found.push({ path, image: node });
            return;
        }
        if (Array.isArray(node)) node.forEach((v, i) => walk(v, [...path, i]));
        else if (node !== null && typeof node === "object")
            for (const [k, v] of Object.entries(node)) walk(v, [...path, k]);
    };
    walk(value, []);
    return found;
}

/** Every image of a parsed section tagged `:to-be-pinned`: a placeholder problem (the plan lists it, `up` stops). */
export function placeholderImageProblems(section: string, value: unknown): ConfigProblem[] {
    return placeholderImages(value).map(({ path, image }) => {
        const key = formatPath(section, path);
        const repository = image.slice(0, image.lastIndexOf(":"));
        return {
            key: fullKey(key),
            message: `is ${image}: "${PLACEHOLDER_TAG}" marks an image nobody has confirmed yet, which no registry serves, so the deploy would hang on a pod that cannot pull. Pin the tag or digest running today`,
            fix: `edit ${STACK_FILE}: set ${fullKey(key)} to ${repository}:<the tag running today> (oc get deployment -A -o jsonpath='{..image}' | tr ' ' '\\n' | ${grepFixed(repository.split("/").pop() ?? repository)})`,
            placeholder: true,
        };
    });
}
