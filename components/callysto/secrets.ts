import { SecretSpec } from "../config/system";
import { CallystoConfig } from "./config";
import { MachineRole } from "./hosts";
import { provisioningVars } from "./inventory";
import { STATS_CLIENT_ROLES } from "./upstream";

// The secrets of Callysto: what the enabled parts need, read from encrypted stack config only.

export const SSH_PRIVATE_KEY = "callysto-ssh-private-key";
export const DESIGNATE_OPENRC = "callysto-designate-openrc";

/** Where runbook 004 keeps the playbooks' credentials today: its Makefile copies local_vars.yml.example there. */
const LOCAL_VARS = "clavius: ansible/group_vars/<env>/local_vars.yml of the callysto/infrastructure checkout";

/**
 * An Ansible variable holding a credential, from its own stack secret: what the playbooks at the pin read
 * (callysto/infrastructure@904146a3d8bc1fd4e7cc168343d20a757cb439be) and, in `readBy`, which runs read it.
 */
interface AnsibleSecret extends SecretSpec {
    variable: string;
    readBy: (run: SecretReader) => boolean;
}

/** What decides whether a host's run reads a credential: its role, its variables, a stats server beside it. */
export interface SecretReader {
    role: MachineRole;
    vars: Record<string, unknown>;
    withStats: boolean;
}

/**
 * SimpleSAMLphp's: the SSP's own playbook asserts them (ansible/plays/imports/ssp.yml:13-41), and so does a hub's
 * whose users log in through it (ansible/plays/imports/hub.yml:55-83, when jupyterhub_authenticator is shib).
 */
const readsSsp = (run: SecretReader) =>
    run.role === "ssp" || (run.role === "hub" && run.vars.jupyterhub_authenticator === "shib");

const SSP_SECRET = (
    variable: string,
    key: string,
    description: string,
    example: string,
    fromFile = false,
) => ({
    variable,
    key,
    description: `${description} (Ansible's ${variable}, read by the SSP and by hubs with the shib authenticator)`,
    today: LOCAL_VARS,
    example,
    ...(fromFile ? { fromFile } : {}),
    readBy: readsSsp,
});

export const ANSIBLE_SECRETS: readonly AnsibleSecret[] = [
    SSP_SECRET(
        "ssp_idp_multi_salt",
        "callysto-ssp-salt",
        "SimpleSAMLphp's secret salt",
        "<32 random characters>",
    ),
    SSP_SECRET(
        "ssp_idp_multi_admin_password",
        "callysto-ssp-admin-password",
        "SimpleSAMLphp's admin password",
        "<32 random characters>",
    ),
    SSP_SECRET(
        "ssp_refresh_key",
        "callysto-ssp-refresh-key",
        "the key of SimpleSAMLphp's cron URL (metadata refresh)",
        "<32 random characters>",
    ),
    SSP_SECRET(
        "ssp_idp_multi_saml_cert",
        "callysto-ssp-saml-cert",
        "the SAML signing certificate (PEM)",
        "saml.crt",
        true,
    ),
    SSP_SECRET(
        "ssp_idp_multi_saml_key",
        "callysto-ssp-saml-key",
        "the SAML signing key (PEM)",
        "saml.pem",
        true,
    ),
    {
        variable: "stats_password",
        key: "callysto-stats-password",
        description:
            "the basic-auth password of the stats server's Prometheus and of every host's caddy it scrapes (Ansible's stats_password; its user is stats_username)",
        today: LOCAL_VARS,
        example: "<32 random characters>",
        // ansible/plays/imports/stats.yml:124-130 and ansible/plays/imports/stats_client.yml:24.
        readBy: (run) => run.role === "stats" || (run.withStats && STATS_CLIENT_ROLES.includes(run.role)),
    },
    {
        variable: "grafana_admin_password",
        key: "callysto-grafana-admin-password",
        description: "Grafana's admin password on the stats server (Ansible's grafana_admin_password)",
        today: LOCAL_VARS,
        example: "<32 random characters>",
        // ansible/plays/imports/stats.yml:192.
        readBy: (run) => run.role === "stats",
    },
];

/** The credentials one host's run reads. */
export function ansibleSecretsOf(run: SecretReader): AnsibleSecret[] {
    return ANSIBLE_SECRETS.filter((s) => s.readBy(run));
}

/** The runs a configuration makes: every host Ansible provisions (an adopted one only when asked). */
function secretReaders(config: CallystoConfig): SecretReader[] {
    const prov = config.provisioning;
    if (!prov?.enabled) return [];
    const withStats = config.hosts.some((h) => h.role === "stats");
    return config.hosts
        .filter((h) => h.adopt?.provision ?? true)
        .map((h) => ({
            role: h.role,
            vars: provisioningVars(h.role, {
                vars: prov.vars,
                hubVars: prov.hubVars,
                groupVars: prov.groupVars,
                announcement: "",
            }),
            withStats,
        }));
}

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
    const readers = secretReaders(config);
    for (const secret of ANSIBLE_SECRETS) {
        if (readers.some(secret.readBy)) {
            const { variable: _variable, readBy: _readBy, ...spec } = secret;
            specs.push(spec);
        }
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
