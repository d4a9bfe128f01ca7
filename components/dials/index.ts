import { DIALS_EVIDENCE } from "./evidence";
import { defineSystem } from "../config/systemDefinition";
import { dialsCheck } from "./checks";
import { DialsConfig, DialsSection, dialsSchema } from "./config";
import { Dials } from "./dials";
import { releaseImages } from "./migration";
import { dialsNotices } from "./notices";
import { DATABASE_URI_SECRETS, dialsSecretSpecs } from "./secrets";

/** CMS DIALS: workspace-driven Celery ETL, Django backend and frontend on the CERN OpenShift PaaS. */
export const dials = defineSystem<DialsConfig, "kubernetes", DialsSection>({
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
    check: (config, { clusters, tier }) => dialsCheck(config, clusters, tier),
    notices: dialsNotices,
    images: (config) => releaseImages(config),
    evidence: { table: DIALS_EVIDENCE },
    queueKey: "dials.etl.extraQueues",
    deploy: (config, context) => new Dials("dials", { config, context }).outputs,
});
