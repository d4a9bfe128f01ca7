import { defineSystem } from "../config/system";
import { renewalWindow } from "./certificates";
import { CallystoConfig, callystoProblems, callystoSchema } from "./config";
import { Environment } from "./callysto";
import { callystoNotices } from "./notices";
import { callystoSecrets } from "./secrets";

export { DESIGNATE_OPENRC, SSH_PRIVATE_KEY } from "./secrets";

/** Callysto: JupyterHub hubs, sharder, SSP, stats and the clavius workstation on OpenStack (region Calgary). */
export const callysto = defineSystem<CallystoConfig, "openstack">({
    section: "callysto",
    title: "Callysto",
    target: "openstack",
    schema: callystoSchema,
    namespaces: () => [],
    hosts: () => [],
    clusterScoped: () => [],
    secrets: callystoSecrets,
    check: (config, program) => callystoProblems(config, program.tier),
    notices: (config) => callystoNotices(config),
    deploy: (config, ctx) => {
        const env = new Environment("callysto", {
            config,
            context: ctx,
            renewalWindow: renewalWindow(new Date(), config.certificates?.checkEveryDays ?? 7),
        });
        return {
            zoneId: env.zoneId,
            hosts: env.hosts,
            inventory: env.inventory,
            certificateDir: env.certificateDir,
        };
    },
});
