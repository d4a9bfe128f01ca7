import { SecretSpec } from "../config/system";
import { CallystoConfig } from "./config";

// The secrets of Callysto: what the enabled parts need, read from encrypted stack config only.

export const SSH_PRIVATE_KEY = "callysto-ssh-private-key";
export const DESIGNATE_OPENRC = "callysto-designate-openrc";

/** The secrets the enabled parts of a configuration need. */
export function callystoSecrets(config: CallystoConfig): SecretSpec[] {
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
    if (config.certificates?.enabled && config.certificates.obtainedBy === "designate") {
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
