import * as pulumi from "@pulumi/pulumi";
import { defineSystem } from "../config/system";
import { ProwConfig, prowProblems, prowSchema } from "./config";
import { Prow } from "./prow";
import { resolveEnvironment } from "./resolve";
import { PROW_SECRETS, prowSecretSpecs, secretEntries } from "./secrets";

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
        const environment = resolveEnvironment(config);
        const secretValues: Record<string, pulumi.Output<string>> = {};
        for (const { configKey } of PROW_SECRETS.flatMap(secretEntries)) {
            const value = ctx.secrets.get(configKey);
            if (value) secretValues[configKey] = value;
        }
        const prowSystem = new Prow("prow", {
            cluster: ctx.cluster,
            environment,
            secretValues,
            protectStateful: ctx.protectStateful,
        });
        return prowSystem.outputs;
    },
});
