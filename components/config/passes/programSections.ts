import { committedProductionProblems, isProductionStack, tierProblems } from "../identity";
import type { LoadOptions } from "../loadOptions";
import { ConfigProblem, fullKey } from "../problems";
import { ClustersConfig, OpenstackConfig, clustersSchema, openstackSchema } from "../program";
import { isMapping } from "../issues";
import { ConfigSource } from "../source";
import { StackTier, stackTier } from "../system";
import { ForeignKeys } from "./foreign";
import { Passed, collect } from "./pass";
import { parseSection } from "./section";

/** The sections that belong to the program rather than to one system, as read. */
export interface ProgramSections {
    /** Undefined when the stack names none or a wrong one (a problem of this pass). */
    tier?: StackTier;
    /** Production by the stack's identity (components/config/identity.ts), or by its tier. */
    production: boolean;
    /** What could be read of `clusters` (an entry with a broken field is repaired or left out). */
    clusters: ClustersConfig;
    /** Keys of `clusters` that are wrong: their grants are not checked. */
    clustersBroken: string[];
    /** The cluster names the stack writes, even where an entry is broken; undefined when `clusters` is no mapping. */
    clusterNames?: string[];
    openstack?: OpenstackConfig;
}

/** Reads `tier`, `clusters` and `openstack`. */
export function programSections(
    source: ConfigSource,
    foreign: ForeignKeys,
    options: Pick<LoadOptions, "root" | "committed">,
): Passed<ProgramSections> {
    const root = options.root;
    const keys = new Set(source.keys());
    const problems: ConfigProblem[] = [];
    const read = collect(problems);

    let tier: StackTier | undefined;
    if (keys.has("tier")) {
        tier = read(parseSection("tier", stackTier, source)).value;
    } else if (!foreign.renamed.has("tier")) {
        problems.push({
            key: fullKey("tier"),
            message:
                "is required: production protects databases, volumes and DNS zones from deletion (staging and local exist for stacks that hold no production data); set it to production, staging or local",
        });
    }
    problems.push(...tierProblems(source.stack, tier, root));
    if (options.committed) {
        const received = (key: string) => (keys.has(key) ? source.getValue(key) : undefined);
        problems.push(...committedProductionProblems(source.stack, received, options.committed));
    }
    const clusters = keys.has("clusters")
        ? read(parseSection("clusters", clustersSchema, source))
        : { value: {}, broken: [] };
    const rawClusters = keys.has("clusters") ? source.getValue("clusters") : {};
    const openstack = keys.has("openstack")
        ? read(parseSection("openstack", openstackSchema, source)).value
        : undefined;
    return {
        state: {
            tier,
            production: isProductionStack(source.stack) || tier === "production",
            clusters: clusters.value ?? {},
            clustersBroken: clusters.broken,
            clusterNames: isMapping(rawClusters) ? Object.keys(rawClusters) : undefined,
            openstack,
        },
        problems,
    };
}
