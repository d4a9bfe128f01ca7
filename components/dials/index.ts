import { defineSystem } from "../config/system";
import { DialsConfig, dialsProblems, dialsSchema } from "./config";
import { Dials } from "./dials";
import { dialsNotices, releaseImages } from "./migration";
import { DATABASE_URI_SECRETS, dialsSecretSpecs } from "./secrets";

/** CMS DIALS: workspace-driven Celery ETL, Django backend and frontend on the CERN OpenShift PaaS. */
export const dials = defineSystem<DialsConfig, "kubernetes">({
    section: "dials",
    title: "CMS DIALS",
    target: "kubernetes",
    schema: dialsSchema,
    namespaces: (config) => [{ namespace: config.namespace, key: "dials.namespace" }],
    hosts: (config) => [
        { value: config.web.apiHost, key: "dials.web.apiHost", settable: true },
        { value: config.web.frontendHost, key: "dials.web.frontendHost", settable: true },
    ],
    clusterScoped: () => [],
    secrets: () => dialsSecretSpecs(),
    databaseServers: (config) => [
        {
            key: "dials.databaseServer",
            server: config.databaseServer,
            uris: [...DATABASE_URI_SECRETS],
            holds: "workspace databases",
        },
    ],
    check: (config) => dialsProblems(config),
    notices: (config, { tier }) => dialsNotices(config, tier),
    images: (config) => releaseImages(config),
    deploy: (config, ctx) => {
        const dials = new Dials("dials", { config, context: ctx });
        return {
            namespace: config.namespace,
            apiUrl: dials.apiUrl,
            frontendUrl: dials.frontendUrl,
            workers: dials.etl.workerNames,
        };
    },
});
