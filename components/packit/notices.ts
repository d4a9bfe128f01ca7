import { KindedNotice, notice, taggedNotice } from "../config/notices";
import { fullKey } from "../config/problems";
import { egressLockText } from "../shared/egress";
import { isPlaceholder } from "../shared/placeholder";
import type { PackitConfig, PackitSection, ServiceName } from "./config";
import { mainNamespace, publicEndpoints, sandboxNamespace } from "./layout";
import { serverName } from "./postgres";
import { secretConfigKey } from "./secrets";

/**
 * The database takeover: the server that starts on the adopted claim (the old one during an upgrade) runs a major
 * version no source confirms, and nothing in `pulumi up` dumps the data first. The migration report checks both.
 */
function takeoverNotice(service: ServiceName, config: PackitConfig): KindedNotice | undefined {
    const pg = config.postgres;
    if (!config.components.postgres || pg.claimName === undefined) return undefined;
    const ns = mainNamespace(service, config);
    const version = (pg.previous ?? pg).version;
    const claim = isPlaceholder(pg.claimName)
        ? `the claim ${service}.postgres.claimName names`
        : `claim ${pg.claimName}`;
    return taggedNotice(
        "DATABASE TAKEOVER",
        `${fullKey(`${service}.postgres`)}: pulumi up starts ${serverName(version)} (PostgreSQL ` +
            `${version}, which no source confirms is what runs) on ${claim}, the data of ${ns} today, and takes no dump. ` +
            `Before it: npm run adopt -- --dump ${ns}=<file> must say "ready" for ${ns} (it reads the data ` +
            `directory's PG_VERSION and prints the pg_dump command that makes <file>; the dump must be under a day old and ` +
            `of a ${version} server; pulumi up reads that report, named by ${fullKey(`${service}.postgres.takeoverReport`)}, ` +
            `while adoptExisting is on); then scale the old server to 0 (oc -n ${ns} scale deployment/postgres --replicas=0): ` +
            `two servers on one data directory corrupt it`,
    );
}

/**
 * Runbook 001 "How to inspect a certificate", for the first deploy: `pulumi up` makes the pods serve the certificate
 * in secret config (TLS passthrough) instead of the one served today, so both are read before it.
 */
function certificateNotice(service: ServiceName, config: PackitConfig): KindedNotice | undefined {
    const hosts = publicEndpoints(config).map((e) => e.host);
    if (hosts.length === 0) return undefined;
    const key = secretConfigKey(service, "packit-secrets", "fullchain.pem");
    const fields = "-subject -issuer -serial -dates -ext subjectAltName";
    return taggedNotice(
        "CERTIFICATE",
        `${service}: pulumi up serves secret ${key} on ${hosts.join(", ")} instead of today's ` +
            `certificate. Inspect it (issuer, serial, validity, names): pulumi config get ${key} | openssl x509 -noout ` +
            `${fields} ; the one served today: for h in ${hosts.join(" ")}; do echo "== $h"; openssl s_client -connect ` +
            `"$h:443" -servername "$h" </dev/null 2>/dev/null | openssl x509 -noout ${fields}; done`,
    );
}

/** What an operator must read before `pulumi up` of one Packit/Stream deployment. */
export function packitNotices(section: PackitSection): KindedNotice[] {
    return [
        takeoverNotice(section.service, section),
        certificateNotice(section.service, section),
        // Sandcastle runs the workers' untrusted code there (./packit.ts), only with the workers.
        section.components.workers
            ? notice("EGRESS LOCK", egressLockText(sandboxNamespace(section.service, section)))
            : undefined,
    ].filter((n): n is KindedNotice => n !== undefined);
}
