import { sourcedImages } from "../shared/confirmedImages";
import { PACKIT_EVIDENCE } from "./evidence";
import { defineSystem, SystemDefinition } from "../config/systemDefinition";
import { packitCheck } from "./checks";
import { PackitConfig, PackitSection, ServiceName, packitSchema } from "./config";
import { imageSources, mainNamespace, publicEndpoints, sandboxNamespace } from "./layout";
import { packitNotices } from "./notices";
import { packitSecretSpecs } from "./secrets";
import { PackitService } from "./packit";

const TITLES: Record<ServiceName, string> = {
    packit: "Packit service",
    stream: "Stream service (CentOS Stream source-git, packit layout)",
};

/**
 * The system of one service. Both services share schema, checks and component; only the section (and with it
 * the config keys, secrets and resource names) differs.
 */
/** A value left unset follows `deployment`: checked only while that key reads (ownership's claimsOf). */
const followsDeployment = (service: ServiceName, set: string | undefined) =>
    set === undefined ? { derivedFrom: [`${service}.deployment`] } : {};

export function packitSystem(
    service: ServiceName,
): SystemDefinition<PackitConfig, "kubernetes", PackitSection> {
    return defineSystem<PackitConfig, "kubernetes", PackitSection>({
        section: service,
        title: TITLES[service],
        target: "kubernetes",
        schema: packitSchema,
        // Names and hosts left unset follow `deployment` (packit/deployment's convention).
        namespaces: (config) => [
            {
                namespace: mainNamespace(service, config),
                key: `${service}.namespace`,
                ...followsDeployment(service, config.namespace),
            },
            ...(config.components.workers
                ? [
                      {
                          namespace: sandboxNamespace(service, config),
                          key: `${service}.sandbox.namespace`,
                          ...followsDeployment(service, config.sandbox.namespace),
                      },
                  ]
                : []),
        ],
        hosts: (config) =>
            publicEndpoints(config).map(({ endpoint, host }) =>
                config.hosts[endpoint]
                    ? { value: host, key: `${service}.hosts.${endpoint}`, settable: true }
                    : { value: host, key: `${service}.domain`, ...followsDeployment(service, undefined) },
            ),
        clusterScoped: () => [],
        secrets: (config) => packitSecretSpecs(service, config),
        check: (config, program) => packitCheck(service, config, program),
        notices: (section) => packitNotices(section),
        // Its own images come from a registry and tag (or a pin), not a full reference: each is confirmed by the
        // runbook's deployment tag or by the digest its ImageStream runs today, pinned.
        images: (config) =>
            imageSources(config).map((source) => ({
                key: `${service}.images.pins.${source.stream}`,
                image: source.from,
                running: `oc -n ${mainNamespace(service, config)} get istag ${source.stream}:${source.tag} -o jsonpath='{.image.dockerImageReference}'`,
                digestKey: `${service}.images.pins.${source.stream}`,
            })),
        evidence: { table: PACKIT_EVIDENCE },
        sourcedImages: sourcedImages("packit"),
        deploy: (config, context) => new PackitService(service, { config, context }).outputs,
    });
}

/** `runbooks:packit`: packit-service (packit-stg in the stage stack, packit-prod in prod). */
export const packit = packitSystem("packit");

/** `runbooks:stream`: the stream service, deployed with the same layout (stream-stg, stream-prod). */
export const stream = packitSystem("stream");
