import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { OpenStackContext } from "../config/system";
import { SystemArgs, SystemPart } from "../config/systemComponent";
import { ComponentType } from "../shared/component";
import { AdhocStep } from "./ansible";
import { CallystoSection, CertificatesConfig } from "./config";
import { DESIGNATE_OPENRC } from "./secrets";

const DAY_MS = 24 * 60 * 60 * 1000;

/** certbot's name for the wildcard certificate, as the Makefile named its directory: `star_callysto_ca`. */
export function certificateName(domain: string): string {
    return `star_${domain.replace(/\./g, "_")}`;
}

/** Where certbot keeps the current certificate: the directory handed to Ansible as `callysto_ssl_cert_dir`. */
export function certificateDir(directory: string, domain: string): string {
    return `${directory.replace(/\/+$/, "")}/live/${certificateName(domain)}`;
}

/**
 * The renewal-check window `now` falls in: the first day of a run of `everyDays` days, counted from the Unix
 * epoch. It is a trigger of the certificate command, so the first `pulumi up` of each window checks the expiry
 * (and renews when it is close); later runs in the same window change nothing.
 */
export function renewalWindow(now: Date, everyDays: number): string {
    const day = Math.floor(now.getTime() / DAY_MS);
    const start = day - (day % everyDays);
    return new Date(start * DAY_MS).toISOString().slice(0, 10);
}

/**
 * certbot's manual DNS-01 hook (what letsencrypt/<env>/hook.sh did by hand): replaces the TXT recordset
 * `_acme-challenge.<domain>.` in the Designate zone, waits for it to propagate, and removes it afterwards.
 */
export const DNS_HOOK_SCRIPT = [
    "#!/usr/bin/env bash",
    "set -euo pipefail",
    'source "$OPENRC"',
    'record="_acme-challenge.${CERTBOT_DOMAIN}."',
    'case "$1" in',
    "  deploy)",
    '    openstack recordset delete "$DNS_ZONE_ID" "$record" >/dev/null 2>&1 || true',
    '    openstack recordset create "$DNS_ZONE_ID" "$record" --type TXT --ttl 60 --record "\\"${CERTBOT_VALIDATION}\\""',
    '    sleep "$PROPAGATION_SECONDS"',
    "    ;;",
    "  clean)",
    '    openstack recordset delete "$DNS_ZONE_ID" "$record" >/dev/null 2>&1 || true',
    "    ;;",
    "esac",
    "",
].join("\n");

/**
 * Issues the wildcard certificate, or renews it when it expires within RENEW_BEFORE_DAYS; otherwise does
 * nothing. The Designate credentials go to a private temporary file that the hook sources.
 */
export const CERTIFICATE_SCRIPT = [
    "set -euo pipefail",
    "umask 077",
    'live="$CERT_DIRECTORY/live/$CERT_NAME"',
    'if [ -f "$live/cert.pem" ] && openssl x509 -checkend "$((RENEW_BEFORE_DAYS * 86400))" -noout -in "$live/cert.pem" >/dev/null; then',
    '  echo "$CERT_NAME is valid for more than $RENEW_BEFORE_DAYS days: not renewed"',
    "  exit 0",
    "fi",
    'work="$(mktemp -d)"',
    "trap 'rm -rf \"$work\"' EXIT",
    'printf \'%s\\n\' "$DESIGNATE_OPENRC" > "$work/openrc"',
    "unset DESIGNATE_OPENRC",
    'export OPENRC="$work/openrc"',
    'printf \'%s\' "$DNS_HOOK_SCRIPT" > "$work/hook.sh"',
    'chmod 700 "$work/hook.sh"',
    'mkdir -p "$CERT_DIRECTORY"',
    'certbot certonly --non-interactive --agree-tos --email "$ACME_EMAIL" --server "$ACME_SERVER" \\',
    '  --config-dir "$CERT_DIRECTORY" --work-dir "$CERT_DIRECTORY/work" --logs-dir "$CERT_DIRECTORY/logs" \\',
    "  --manual --preferred-challenges dns-01 \\",
    '  --manual-auth-hook "$work/hook.sh deploy" --manual-cleanup-hook "$work/hook.sh clean" \\',
    '  --cert-name "$CERT_NAME" --force-renewal -d "*.$CERT_DOMAIN"',
    "",
].join("\n");

export interface CertificateArgs extends SystemArgs<CallystoSection, OpenStackContext> {
    certificates: CertificatesConfig;
}

export interface WildcardCertificateArgs extends CertificateArgs {
    zoneId: pulumi.Input<string>;
}

/** A certificate part's script: the directory it leaves, its child, environment and triggers besides the window. */
interface CertificateRun {
    directory: string;
    child: string;
    script: string;
    environment: Record<string, pulumi.Input<string>>;
    triggers: pulumi.Input<string>[];
}

/**
 * What provisioning reads of the environment's wildcard certificate, however it is had: a bash script run once per
 * renewal-check window (see {@link renewalWindow}) that obtains or checks it.
 */
abstract class CertificatePart extends SystemPart<CallystoSection, OpenStackContext> {
    /** Directory with cert.pem, chain.pem, fullchain.pem and privkey.pem. */
    public readonly directory: string;
    public readonly command: command.local.Command;
    /** Changes once per window, so a certificate renewed since is deployed again; certificate deployment re-runs on it. */
    public readonly generation: string;

    protected constructor(
        type: ComponentType,
        name: string,
        args: CertificateArgs,
        opts: pulumi.ComponentResourceOptions | undefined,
        run: CertificateRun,
    ) {
        super(type, name, args, opts);
        const window = renewalWindow(new Date(), args.certificates.checkEveryDays);
        this.directory = run.directory;
        this.command = new command.local.Command(
            this.childName(run.child),
            {
                create: run.script,
                interpreter: ["/bin/bash", "-c"],
                environment: run.environment,
                triggers: [...run.triggers, `window:${window}`],
            },
            this.foreignChild(),
        );
        this.generation = `${certificateName(this.config.domain)}@${window}`;
        this.registerOutputs({ directory: this.directory, generation: this.generation });
    }
}

/**
 * The environment's wildcard Let's Encrypt certificate, obtained by DNS-01 through Designate with certbot, and
 * checked for renewal once per window.
 */
export class WildcardCertificate extends CertificatePart {
    constructor(name: string, args: WildcardCertificateArgs, opts?: pulumi.ComponentResourceOptions) {
        const certs = args.certificates;
        const domain = args.config.domain;
        const certName = certificateName(domain);
        super("runbooks:callysto:WildcardCertificate", name, args, opts, {
            directory: certificateDir(certs.directory, domain),
            child: "certbot",
            script: CERTIFICATE_SCRIPT,
            environment: {
                CERT_DOMAIN: domain,
                CERT_NAME: certName,
                CERT_DIRECTORY: certs.directory,
                RENEW_BEFORE_DAYS: String(certs.renewBeforeDays),
                ACME_EMAIL: certs.email,
                ACME_SERVER: certs.acmeServer,
                DNS_ZONE_ID: args.zoneId,
                PROPAGATION_SECONDS: String(certs.propagationSeconds),
                DNS_HOOK_SCRIPT,
                // An openrc (shell exports of OS_*) allowed to manage the zone's recordsets.
                DESIGNATE_OPENRC: pulumi.secret(args.context.secrets.require(DESIGNATE_OPENRC)),
            },
            triggers: [certName, args.zoneId],
        });
    }
}

/**
 * Checks a certificate generated by hand (runbook 004: `make generate env=<env>` in letsencrypt/ on clavius): its
 * files are there, it covers `*.<domain>` and it is valid for more than RENEW_BEFORE_DAYS. Otherwise the run stops
 * before Ansible deploys anything, saying what to do.
 */
export const PROVIDED_CERTIFICATE_SCRIPT = [
    "set -euo pipefail",
    'cert="$CERT_DIRECTORY/cert.pem"',
    'regenerate="generate it on clavius as runbook 004 does (cd letsencrypt && make generate env=$CERT_ENV), then run pulumi up again"',
    // What the deployment copies to /etc/pki/tls/ (deploy-certs.yml; the runbook's callysto-html role: cert, chain, key).
    "for f in cert.pem chain.pem privkey.pem fullchain.pem; do",
    '  if [ ! -f "$CERT_DIRECTORY/$f" ]; then',
    '    echo "the certificate of *.$CERT_DOMAIN is missing $CERT_DIRECTORY/$f: $regenerate" >&2',
    "    exit 1",
    "  fi",
    "done",
    'if ! openssl x509 -noout -checkhost "callysto-check.$CERT_DOMAIN" -in "$cert" | grep -q "does match"; then',
    '  echo "$cert does not cover *.$CERT_DOMAIN: $regenerate" >&2',
    "  exit 1",
    "fi",
    'if ! openssl x509 -checkend "$((RENEW_BEFORE_DAYS * 86400))" -noout -in "$cert" >/dev/null; then',
    '  echo "$cert expires within $RENEW_BEFORE_DAYS days: $regenerate" >&2',
    "  exit 1",
    "fi",
    'echo "*.$CERT_DOMAIN in $CERT_DIRECTORY is valid for more than $RENEW_BEFORE_DAYS days"',
    "",
].join("\n");

/**
 * The wildcard certificate an operator generated by hand where the zone is not this stack's to write: checked once
 * per window and handed to provisioning, which deploys it.
 */
export class ProvidedCertificate extends CertificatePart {
    constructor(name: string, args: CertificateArgs, opts?: pulumi.ComponentResourceOptions) {
        const certs = args.certificates;
        const directory = certs.directory.replace(/\/+$/, "");
        super("runbooks:callysto:ProvidedCertificate", name, args, opts, {
            directory,
            child: "check",
            script: PROVIDED_CERTIFICATE_SCRIPT,
            environment: {
                CERT_DOMAIN: args.config.domain,
                // The Makefile's env of the command that regenerates it.
                CERT_ENV: args.config.environment,
                CERT_DIRECTORY: directory,
                RENEW_BEFORE_DAYS: String(certs.renewBeforeDays),
            },
            triggers: [directory],
        });
    }
}

/**
 * Where each file of the certificate goes on a web host: RHEL's TLS directories, which every web server of the
 * hosts reads (httpd: callysto/infrastructure@904146a3d8bc1fd4e7cc168343d20a757cb439be:
 * ansible/roles/internal/jupyterhub/templates/jupyter-http.conf.j2:21-23; caddy: same commit,
 * ansible/plays/imports/stats_client.yml:22). The key is root's alone, as the hub's own copy leaves it (same commit,
 * ansible/roles/internal/callysto-ssl/tasks/main.yml:19-24); a first copy must not take the umask's mode.
 */
export const DEPLOYED_CERTIFICATE = [
    { file: "cert.pem", dest: "/etc/pki/tls/certs/cert.pem", mode: "0644" },
    { file: "chain.pem", dest: "/etc/pki/tls/certs/chain.pem", mode: "0644" },
    { file: "fullchain.pem", dest: "/etc/pki/tls/certs/fullchain.pem", mode: "0644" },
    { file: "privkey.pem", dest: "/etc/pki/tls/private/privkey.pem", mode: "0600" },
] as const;

/** The environment variable the copy steps read the certificate's directory from (never their arguments' text). */
export const CERT_DIR_VARIABLE = "CALLYSTO_SSL_CERT_DIR";

/**
 * The units that may serve the certificate: httpd on every web host, httpd24-httpd where it is the SCL's, caddy on
 * stats and wherever stats_client put it (callysto/infrastructure@904146a3d8bc1fd4e7cc168343d20a757cb439be:
 * ansible/plays/deploy-certs.yml:44-47).
 */
export const WEB_SERVER_UNITS = ["httpd", "httpd24-httpd", "caddy"] as const;

/**
 * Run on each host after the copies (as root, by /bin/sh): restarts each of WEB_SERVER_UNITS that is running and
 * started no later than the newest certificate file was written. A unit the host lacks is not running, so it is
 * never required; a restart left undone by an interrupted run is made by the next one, which finds the files older
 * than nothing and the server older than the files; an unchanged certificate restarts nothing. Constant text: one line
 * of words Ansible passes to the shell as they are (no quote inside another, no Jinja delimiter).
 */
export const RESTART_SERVING_SCRIPT = [
    `w=$(stat -c %Y ${DEPLOYED_CERTIFICATE.map((f) => f.dest).join(" ")} | sort -n | tail -n 1) && [ -n "$w" ] || exit 1;`,
    "rc=0;",
    `for u in ${WEB_SERVER_UNITS.join(" ")}; do`,
    "if systemctl is-active --quiet $u; then",
    "t=$(systemctl show -p ActiveEnterTimestamp $u | cut -d= -f2-);",
    // An unreadable start time restarts: serving an old certificate is the worse mistake.
    's=$(date -d "$t" +%s 2>/dev/null || echo 0);',
    'if [ "$s" -le "$w" ]; then echo "restarting $u"; systemctl restart $u || rc=1; fi;',
    "fi;",
    "done;",
    "exit $rc",
].join(" ");

/**
 * The program's deployment of the certificate (replacing plays/deploy-certs.yml, whose unconditional caddy restart
 * fails on a hub without caddy before httpd is restarted: callysto/infrastructure@904146a3d8bc1fd4e7cc168343d20a757cb439be:
 * ansible/plays/deploy-certs.yml:30-34): the four files copied from the directory in CERT_DIR_VARIABLE, then the
 * servers restarted that still serve the old one.
 */
export function certificateDeploySteps(): AdhocStep[] {
    const dir = `{{ lookup('env', '${CERT_DIR_VARIABLE}') }}`;
    return [
        ...DEPLOYED_CERTIFICATE.map((f) => ({
            module: "ansible.builtin.copy",
            args: `src=${dir}/${f.file} dest=${f.dest} owner=root group=root mode=${f.mode}`,
        })),
        { module: "ansible.builtin.shell", args: RESTART_SERVING_SCRIPT },
    ];
}
