import { defineSystem } from "../config/systemDefinition";
import { openstackSchema } from "../config/program";
import { Environment } from "./callysto";
import { callystoCheck } from "./checks";
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
    // The keypair the servers boot with, in the OpenStack project and region of the stack's `openstack` section.
    externalNames: (config, { openstack }) => {
        const o = openstackSchema.safeParse(openstack).data;
        return o
            ? [
                  {
                      key: "callysto.keypair.name",
                      what: "OpenStack keypair",
                      scope: `openstack ${o.authUrl.replace(/\/+$/, "").toLowerCase()} ${o.region} ${o.projectDomainName}/${o.projectName}`,
                      name: config.keypair.name,
                  },
              ]
            : [];
    },
    clusterScoped: () => [],
    secrets: callystoSecrets,
    check: (config, program) => callystoCheck(config, program.tier),
    notices: (config, program) => callystoNotices(config, program.tier),
    deploy: (config, context) => new Environment("callysto", { config, context }).outputs,
});
