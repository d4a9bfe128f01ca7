import { Notice } from "../notices";
import { OpenstackConfig } from "../program";
import { withStackInText } from "../problems";
import { SectionBase, StackTier, isLive } from "../system";
import { SystemDefinition } from "../systemDefinition";
import { Placement } from "./clusterReferences";
import { deployedImages } from "./systems";
import { DefinitionError } from "../../shared/errors";

/** One enabled system as deploy runs it: its checked section and where it goes, both proven present. */
export interface Deployment {
    def: SystemDefinition;
    section: SectionBase;
    /** `pulumi up` registers it ({@link isLive}); a staged one only the offline plan records. */
    live: boolean;
    target: { kind: "kubernetes"; cluster: string } | { kind: "openstack"; openstack: OpenstackConfig };
}

/** Where each enabled system deploys, for a configuration without problems (else a defect of the passes). */
export function deployments(input: {
    enabled: readonly SystemDefinition[];
    sections: Readonly<Record<string, SectionBase>>;
    placements: readonly Placement[];
    openstack?: OpenstackConfig;
}): Deployment[] {
    return input.enabled.map((def): Deployment => {
        const section = input.sections[def.section];
        const live = isLive(section);
        if (def.target === "openstack") {
            if (!input.openstack)
                throw new DefinitionError(`${def.section} was accepted without an openstack section`);
            return { def, section, live, target: { kind: "openstack", openstack: input.openstack } };
        }
        const placed = input.placements.find((p) => p.system.def === def && !p.fresh);
        if (!placed)
            throw new DefinitionError(`${def.section} was accepted without a cluster of runbooks:clusters`);
        return { def, section, live, target: { kind: "kubernetes", cluster: placed.cluster } };
    });
}

/** What the enabled systems say an operator must read before a real run ({@link SystemDefinition.notices}). */
export function notices(
    deployed: readonly Deployment[],
    tier: StackTier,
    stack: string | undefined,
): Notice[] {
    return deployed.flatMap(({ def, section }) =>
        [
            ...deployedImages(def, section, section, tier).notices,
            ...(def.notices?.(section, { tier }) ?? []),
        ].map(({ kind, text }) => ({
            system: def.section,
            kind,
            text: stack ? withStackInText(text, stack) : text,
        })),
    );
}
