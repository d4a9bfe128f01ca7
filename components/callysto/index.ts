import { SecretSpec, defineSystem } from "../config/system";
import { renewalWindow } from "./certificates";
import { CallystoConfig, callystoProblems, callystoSchema } from "./config";
import { CallystoEnvironment } from "./environment";

export const SSH_PRIVATE_KEY = "callysto-ssh-private-key";
export const DESIGNATE_OPENRC = "callysto-designate-openrc";

function secrets(config: CallystoConfig): SecretSpec[] {
    const specs: SecretSpec[] = [];
    if (config.provisioning?.enabled) {
        specs.push({
            key: SSH_PRIVATE_KEY,
            description: `private key of keypair ${config.keypair.name}; Ansible logs in to every host with it`,
            today: "callysto/infrastructure checkout on clavius: keys/id_rsa (ssh-keygen -t rsa -f ./keys/id_rsa), passed as --private-key by the Makefile",
            example: "id_rsa",
            fromFile: true,
        });
    }
    if (config.certificates?.enabled) {
        specs.push({
            key: DESIGNATE_OPENRC,
            description: `openrc (export OS_... lines) the certbot DNS-01 hook uses to manage TXT records in the ${config.domain} zone; an application credential limited to Designate is enough`,
            today: "clavius: ~/work/rc/dev and ~/work/rc/openrc, sourced by letsencrypt/<env>/hook.sh",
            example: "designate-openrc.sh",
            fromFile: true,
        });
    }
    return specs;
}

/** Callysto: JupyterHub hubs, sharder, SSP, stats and the clavius workstation on OpenStack (region Calgary). */
export const callysto = defineSystem<CallystoConfig, "openstack">({
    section: "callysto",
    title: "Callysto",
    target: "openstack",
    schema: callystoSchema,
    namespaces: () => [],
    secrets,
    check: (config, program) => callystoProblems(config, program.tier),
    deploy: (config, ctx) => {
        const env = new CallystoEnvironment("callysto", {
            config,
            provider: ctx.openstack,
            protectStateful: ctx.protectStateful,
            sshPrivateKey: config.provisioning?.enabled ? ctx.secrets.require(SSH_PRIVATE_KEY) : undefined,
            designateOpenrc: config.certificates?.enabled ? ctx.secrets.require(DESIGNATE_OPENRC) : undefined,
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
