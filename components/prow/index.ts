import { defineSystem } from "../config/system";
import { ProwConfig, prowProblems, prowSchema } from "./config";
import { Prow } from "./prow";
import { resolveEnvironment } from "./resolve";
import { prowSecretSpecs } from "./secrets";

/** KubeVirt Prow: one typed component for the kubevirtci-testing, ibmcloud-staging and ibmcloud-production environments. */
export const prow = defineSystem<ProwConfig, "kubernetes">({
    section: "prow",
    title: "KubeVirt Prow",
    target: "kubernetes",
    schema: prowSchema,
    namespaces: (config) => {
        const { namespaces } = resolveEnvironment(config);
        return [
            { namespace: namespaces.prow, key: "prow.namespace" },
            { namespace: namespaces.jobs, key: "prow.jobsNamespace" },
        ];
    },
    secrets: (config) => prowSecretSpecs(config.environment, resolveEnvironment(config).generateSecrets),
    check: (config) => prowProblems(config),
    deploy: (config, ctx) => {
        const prowSystem = new Prow("prow", { environment: resolveEnvironment(config), context: ctx });
        return prowSystem.outputs;
    },
});
