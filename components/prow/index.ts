import { sourcedImages } from "../shared/confirmedImages";
import { jobsReachRepair } from "./jobsReach";
import { liveCallerRepair } from "./liveCallers";
import { defineSystem } from "../config/systemDefinition";
import { runningImagesCommand } from "../config/unconfirmedImage";
import { CLAIM_NAMES, COMPONENTS, IMAGE_KEYS } from "./catalog";
import { prowCheck } from "./checks";
import { PROWJOB_CRD_PREREQUISITE } from "./crd";
import { ProwConfig, prowSchema } from "./config";
import { ProwSection } from "./section";
import { PROW_EVIDENCE } from "./evidence";
import { prowNotices } from "./notices";
import { Prow } from "./prow";
import { ResolvedEnvironment, resolveEnvironment } from "./resolve";
import { PROW_RETIRED_SECRETS, prowSecretSpecs } from "./secrets";

/**
 * The environment of a section, resolved once: the program hands the same parsed section to namespaces, secrets,
 * check and deploy, so each reads this one result.
 */
const resolved = new WeakMap<ProwConfig, ResolvedEnvironment>();
function environmentOf(config: ProwConfig): ResolvedEnvironment {
    let environment = resolved.get(config);
    if (!environment) resolved.set(config, (environment = resolveEnvironment(config)));
    return environment;
}

/** KubeVirt Prow: one typed component for the kubevirtci-testing, ibmcloud-staging and ibmcloud-production environments. */
export const prow = defineSystem<ProwConfig, "kubernetes", ProwSection>({
    section: "prow",
    title: "KubeVirt Prow",
    target: "kubernetes",
    schema: prowSchema,
    namespaces: (config) => {
        const { namespaces } = environmentOf(config);
        return [
            { namespace: namespaces.prow, key: "prow.namespace" },
            { namespace: namespaces.jobs, key: "prow.jobsNamespace" },
        ];
    },
    hosts: (config) =>
        Object.entries(environmentOf(config).ingress.routes).map(([route, r]) => ({
            value: r.host,
            path: r.path,
            key: `prow.ingress.routes.${route}.host`,
            settable: true,
        })),
    // The bucket of job artifacts, tide history and status (GCS names are global): one stack's.
    externalNames: (config) => [
        {
            key: config.bucket !== undefined ? "prow.bucket" : "prow.environment",
            what: "GCS bucket",
            scope: "gcs",
            name: environmentOf(config).bucket,
        },
    ],
    clusterScoped: (config) =>
        environmentOf(config).manageCrd
            ? [
                  {
                      value: "CustomResourceDefinition/prowjobs.prow.k8s.io",
                      key: "prow.manageCrd",
                      disable: {
                          key: "prow.manageCrd",
                          value: "false",
                          why: "one stack per cluster owns the ProwJob CRD (deleting it deletes every ProwJob); the others use it",
                      },
                  },
              ]
            : [],
    secrets: (config) => prowSecretSpecs(config.environment, environmentOf(config).generateSecrets),
    retiredSecrets: () => [...PROW_RETIRED_SECRETS],
    check: (config, { clusters, tier }) => prowCheck(config, environmentOf(config), { clusters, tier }),
    notices: prowNotices,
    // Images not built from the release, the environment's defaults included (the stack file may leave them out).
    // Read through the stack's settings, which the checked section keeps: callers pass either.
    images: (config) => {
        const environment = environmentOf(config);
        return IMAGE_KEYS.map((key) => {
            const image = environment.sourceImages[key];
            const name = image.slice(image.lastIndexOf("/") + 1).split(/[:@]/)[0];
            return {
                key: `prow.images.${key}`,
                image,
                running: runningImagesCommand(environment.namespaces.prow, name, "kubectl"),
            };
        });
    },
    sourcedImages: sourcedImages("prow"),
    // The release's images are named by `prow.release`, not by an image field: each is looked up in the evidence.
    evidence: {
        table: PROW_EVIDENCE,
        uses: (config) => {
            const { componentImages } = environmentOf(config);
            return COMPONENTS.filter((c) => "prow" in c.image).map((c) => ({
                key: "prow.release",
                image: componentImages[c.name],
            }));
        },
    },
    clusterPrerequisites: [PROWJOB_CRD_PREREQUISITE],
    // Each component's container is named `spec.container ?? spec.name`; the stack file sizes it by component.
    resourcesKey: ({ name }) => {
        const component = COMPONENTS.find((c) => (c.container ?? c.name) === name);
        return component && `prow.components.${component.name}.resources`;
    },
    // A claim is its catalog name behind the environment's prefix (`staging-greenhouse`).
    claimKey: (claim) => {
        const name = CLAIM_NAMES.find((c) => claim === c || claim.endsWith(`-${c}`));
        return name && `prow.storage.${name}`;
    },
    // The jobs call production's docker-mirror-proxy, which the program leaves running: prow.jobsReach admits it.
    egressRepair: jobsReachRepair,
    // Production's external plugins, left running, call ghproxy: prow.liveCallers admits them.
    callerRepair: liveCallerRepair,
    deploy: (config, context) => new Prow("prow", { config, context }).outputs,
});
