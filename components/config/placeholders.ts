import { parseImageRef } from "../shared/imageRef";
import { PLACEHOLDER_TAG } from "../shared/placeholder";
import { formatPath, stringLeaves } from "./issues";
import { ConfigProblem, fullKey } from "./problems";
import { grepFixed } from "./unconfirmedImage";

/** Every string in `value` that is an image tagged with the program's "not yet known" mark, with its path. */
export function placeholderImages(value: unknown): { path: (string | number)[]; image: string }[] {
    return stringLeaves(value)
        .filter(({ text }) => text.includes(":") && parseImageRef(text).tag === PLACEHOLDER_TAG)
        .map(({ path, text }) => ({ path, image: text }));
}

/** Every image of a parsed section tagged `:to-be-pinned`: a placeholder problem (the plan lists it, `up` stops). */
export function placeholderImageProblems(section: string, value: unknown): ConfigProblem[] {
    return placeholderImages(value).map(({ path, image }) => {
        const key = formatPath(section, path);
        const repository = image.slice(0, image.lastIndexOf(":"));
        return {
            key: fullKey(key),
            message: `is ${image}: "${PLACEHOLDER_TAG}" marks an image nobody has confirmed yet, which no registry serves, so the deploy would hang on a pod that cannot pull. Pin the tag or digest running today (${repository}:<tag>)`,
            fix: `oc get deployment -A -o jsonpath='{..image}' | tr ' ' '\\n' | ${grepFixed(repository.split("/").pop() ?? repository)}`,
            placeholder: true,
        };
    });
}
