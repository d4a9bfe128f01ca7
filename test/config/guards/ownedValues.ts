import { parse } from "yaml";
import { PROD } from "../battery";

// What production's committed file owns: the values no fix printed for another stack may write.

interface Clusters {
    [name: string]: { namespaces?: Record<string, string>; hosts?: Record<string, string> };
}

const clusters = (parse(PROD) as { config: Record<string, Clusters> }).config["runbooks:clusters"];

export const PROD_NAMESPACES: readonly string[] = Object.values(clusters).flatMap((c) =>
    Object.keys(c.namespaces ?? {}),
);
export const PROD_HOSTS: readonly string[] = Object.values(clusters).flatMap((c) =>
    Object.keys(c.hosts ?? {}),
);

/** Production's owned values a printed fix writes (as a whole word of a command that sets, not one that removes). */
export function prodValuesIn(fix: string | undefined): string[] {
    if (fix === undefined) return [];
    if (/^pulumi config rm /.test(fix)) return [];
    const words = fix.split(/[\s'"[\]]+/);
    return [...PROD_NAMESPACES, ...PROD_HOSTS].filter((v) => words.includes(v) || fix.includes(`.${v} `));
}
