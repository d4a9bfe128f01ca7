import { defineSystem } from "../config/systemDefinition";
import { Environment } from "./callysto";
import { callystoCheck } from "./checks";
import { callystoExternalNames } from "./externalNames";
import { CallystoConfig, CallystoSection, callystoSchema } from "./config";
import { callystoNotices } from "./notices";
import { callystoSecrets } from "./secrets";

/** Callysto: JupyterHub hubs, sharder, SSP, stats and the clavius workstation on OpenStack (region Calgary). */
export const callysto = defineSystem<CallystoConfig, "openstack", CallystoSection>({
    section: "callysto",
    title: "Callysto",
    target: "openstack",
    schema: callystoSchema,
    namespaces: () => [],
    hosts: () => [],
    externalNames: callystoExternalNames,
    clusterScoped: () => [],
    secrets: callystoSecrets,
    check: (config, program) => callystoCheck(config, program.tier),
    notices: (config, program) => callystoNotices(config, program.tier),
    deploy: (config, context) => new Environment("callysto", { config, context }).outputs,
});
