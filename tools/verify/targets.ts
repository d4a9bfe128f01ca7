import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import {
    ClusterCheck,
    DeployedCertificate,
    HookTarget,
    HostTarget,
    MetricsTarget,
    RecordTarget,
    Targets,
} from "./model";
import { CHECKS, PAGES } from "./steps";

// What verify checks, derived from the stack: its public hosts are the hosts of the Ingresses and Routes the program
// records for it (one rule, whatever the system), each with the certificate the stack deployed for it; its records
// are the addresses its configuration states; Packit's /metrics and Prow's hook are the objects named so.

/** A resource as the recording mocks give it: inputs with secrets in plain text (here: markers, see SecretMarker). */
export interface Recorded {
    type: string;
    name: string;
    system: string;
    inputs: Record<string, unknown>;
}

/**
 * How a secret value of the recorded program is written: the program is recorded with each secret replaced by a
 * marker naming where it is (a config key, or a password the stack generates, by resource name), so a Secret's value
 * tells where to read it, and only the values verify needs are ever decrypted.
 */
export const secretMarker = (key: string) => `<<runbooks-secret:${key}>>`;
export const generatedMarker = (name: string) => `<<runbooks-generated:${name}>>`;
const MARKER = /^<<runbooks-(secret|generated):([A-Za-z0-9._-]+)>>$/;

/** Where a secret of the stack is: a config key, or the result of a password it generated (in its state). */
export type SecretRef = { configKey: string } | { generated: string };

/** A secret of the stack by where it is; undefined with why it cannot be read. */
export type SecretReader = (ref: SecretRef) => Promise<{ value: string } | { none: string }>;

interface K8sObject {
    kind?: string;
    metadata?: { name?: string; namespace?: string };
    spec?: Record<string, unknown>;
    stringData?: Record<string, string>;
    data?: Record<string, string>;
}

const objOf = (r: Recorded) => r.inputs as K8sObject;
const isKind = (r: Recorded, kind: string) => r.type.startsWith("kubernetes:") && objOf(r).kind === kind;
const ref = (r: Recorded) => `${objOf(r).kind} ${objOf(r).metadata?.namespace}/${objOf(r).metadata?.name}`;

/** A Secret's value by namespace, name and key: a plain value, or the config key of a secret one. */
function secretValue(all: readonly Recorded[], namespace: string | undefined, name: string, key: string) {
    for (const r of all) {
        const o = objOf(r);
        if (!isKind(r, "Secret") || o.metadata?.name !== name || o.metadata?.namespace !== namespace)
            continue;
        const v =
            o.stringData?.[key] ?? (o.data?.[key] && Buffer.from(o.data[key], "base64").toString("utf8"));
        if (typeof v === "string") return v;
    }
    return undefined;
}

async function readValue(v: string, reader: SecretReader): Promise<{ value: string } | { none: string }> {
    const m = MARKER.exec(v);
    if (!m) return { value: v };
    return reader(m[1] === "secret" ? { configKey: m[2] } : { generated: m[2] });
}

async function certificateOf(
    v: string | undefined,
    from: string,
    reader: SecretReader,
    otherwise: string,
): Promise<DeployedCertificate> {
    if (v === undefined) return { none: otherwise };
    const read = await readValue(v, reader);
    if ("none" in read) return { none: `${from}: ${read.none}` };
    return { pem: read.value, from };
}

/** The Secret a passthrough Route's workload terminates TLS with: the namespace's Secret holding a certificate. */
function terminatingSecret(all: readonly Recorded[], namespace: string | undefined) {
    for (const r of all) {
        const o = objOf(r);
        if (!isKind(r, "Secret") || o.metadata?.namespace !== namespace) continue;
        for (const key of ["fullchain.pem", "tls.crt"])
            if (o.stringData?.[key] !== undefined) return { name: o.metadata?.name ?? "", key };
    }
    return undefined;
}

/** The literal start of a path (ingress-nginx takes regular expressions: `/gcsweb(/|$)(.*)` is asked as `/gcsweb`). */
function literalPrefix(p: string | undefined): string {
    return (p ?? "/").replace(/[([*+?$^|\\].*$/, "") || "/";
}

/** Every host an Ingress or a Route of the systems exposes, with its path and the certificate deployed for it. */
export async function hostTargets(
    all: readonly Recorded[],
    systems: readonly string[],
    reader: SecretReader,
): Promise<HostTarget[]> {
    const hosts: HostTarget[] = [];
    for (const r of all) {
        if (!systems.includes(r.system)) continue;
        const o = objOf(r);
        const ns = o.metadata?.namespace;
        if (isKind(r, "Ingress")) {
            const spec = o.spec as {
                rules?: {
                    host?: string;
                    http?: { paths?: { path?: string; backend?: { service?: { name?: string } } }[] };
                }[];
                tls?: { hosts?: string[]; secretName?: string }[];
            };
            for (const rule of spec.rules ?? []) {
                if (!rule.host) continue;
                const secret = spec.tls?.find((t) => t.hosts?.includes(rule.host!))?.secretName;
                const cert = secret
                    ? await certificateOf(
                          secretValue(all, ns, secret, "tls.crt"),
                          `Secret ${ns}/${secret}`,
                          reader,
                          `Secret ${ns}/${secret} is made in the cluster (cert-manager): not compared`,
                      )
                    : { none: "the Ingress names no certificate: the ingress controller's default" };
                const page = PAGES[r.system]?.[rule.http?.paths?.[0]?.backend?.service?.name ?? ""];
                hosts.push({
                    system: r.system,
                    host: rule.host,
                    path: literalPrefix(rule.http?.paths?.[0]?.path),
                    object: ref(r),
                    certificate: cert,
                    ...(page ? { page } : {}),
                });
            }
        } else if (isKind(r, "Route")) {
            const spec = o.spec as {
                host?: string;
                path?: string;
                tls?: { termination?: string; certificate?: string };
            };
            if (!spec.host) continue;
            let cert: DeployedCertificate;
            if (spec.tls?.certificate !== undefined)
                cert = await certificateOf(spec.tls.certificate, `${ref(r)} tls.certificate`, reader, "");
            else if (spec.tls?.termination === "passthrough") {
                const s = terminatingSecret(all, ns);
                cert = s
                    ? await certificateOf(
                          secretValue(all, ns, s.name, s.key),
                          `Secret ${ns}/${s.name} ${s.key}`,
                          reader,
                          "",
                      )
                    : { none: "passthrough to a workload whose certificate is not in the plan" };
            } else cert = { none: "the router's default certificate (the Route sets none)" };
            hosts.push({
                system: r.system,
                host: spec.host,
                path: spec.path ?? "/",
                object: ref(r),
                certificate: cert,
            });
        }
    }
    return hosts;
}

/** Packit's and Stream's /metrics: the host of their Route `nginx`, which fronts the pushgateway. */
export function metricsTargets(hosts: readonly HostTarget[]): MetricsTarget[] {
    return hosts
        .filter(
            (h) => (h.system === "packit" || h.system === "stream") && /^Route [^/]+\/nginx$/.test(h.object),
        )
        .map((h) => ({ system: h.system, host: h.host, path: "/metrics" }));
}

/** Prow's hook: the object named `hook`, signed with the value of its namespace's Secret hmac-token. */
export async function hookTargets(
    all: readonly Recorded[],
    hosts: readonly HostTarget[],
    reader: SecretReader,
): Promise<HookTarget[]> {
    const hooks: HookTarget[] = [];
    for (const h of hosts) {
        const m = /^(?:Ingress|Route) ([^/]+)\/hook$/.exec(h.object);
        if (h.system !== "prow" || !m) continue;
        const v = secretValue(all, m[1], "hmac-token", "hmac");
        const read =
            v === undefined
                ? { none: `no Secret ${m[1]}/hmac-token in the plan` }
                : await readValue(v, reader);
        hooks.push({
            system: h.system,
            host: h.host,
            path: h.path,
            secret: "value" in read ? read.value : read,
        });
    }
    return hooks;
}

interface CallystoSection {
    domain?: string;
    hosts?: { name: string; role?: string; floatingIp?: string }[];
    provisioning?: { announcement?: string };
    certificates?: { enabled?: boolean; directory?: string };
}

/** Callysto's hosts (not Kubernetes objects): hubs answer, and their certificate is the one in its directory. */
export function callystoTargets(section: CallystoSection): Pick<Targets, "hosts" | "hubs" | "records"> {
    const domain = section.domain ?? "";
    const dir = section.certificates?.enabled ? section.certificates.directory : undefined;
    const file = dir && path.join(dir, "fullchain.pem");
    const cert: DeployedCertificate =
        file && existsSync(file)
            ? { pem: readFileSync(file, "utf8"), from: file }
            : {
                  none: file
                      ? `${file} is not on this machine (it is on clavius): not compared`
                      : "no certificate managed",
              };
    const hubs = (section.hosts ?? []).filter((h) => h.role === "hub");
    const announcement = section.provisioning?.announcement;
    return {
        hosts: hubs.map((h) => ({
            system: "callysto",
            host: `${h.name}.${domain}`,
            path: "/hub/login",
            object: `Host ${h.name}`,
            certificate: cert,
        })),
        hubs: hubs.map((h) => ({
            system: "callysto",
            host: `${h.name}.${domain}`,
            ...(announcement ? { announcement } : {}),
        })),
        // An address the stack file states (production's adopted floating IP); the others are the cloud's to choose.
        records: (section.hosts ?? [])
            .filter((h) => h.floatingIp && /^\d+\.\d+\.\d+\.\d+$/.test(h.floatingIp))
            .map((h) => ({
                system: "callysto",
                name: `${h.name}.${domain}`,
                type: "A" as const,
                addresses: [h.floatingIp!],
                from: `runbooks:callysto.hosts[${h.name}].floatingIp`,
            })),
    };
}

/** Records the stack's state holds (Designate record sets it wrote), with the addresses the cloud gave. */
export function stateRecords(
    resources: readonly { type: string; urn: string; outputs?: Record<string, unknown> }[],
) {
    const out: RecordTarget[] = [];
    for (const r of resources) {
        if (r.type !== "openstack:dns/recordSet:RecordSet") continue;
        const o = r.outputs as { name?: string; type?: string; records?: string[] } | undefined;
        if (!o?.name || (o.type !== "A" && o.type !== "AAAA") || !o.records) continue;
        out.push({
            system: "callysto",
            name: o.name.replace(/\.$/, ""),
            type: o.type,
            addresses: o.records,
            from: `RecordSet ${r.urn.split("::").pop()}`,
        });
    }
    return out;
}

/** What only the cluster can tell: made by `pulumi up` (UP) or listed as SKIP, with how or why. */
export function clusterChecks(systems: readonly string[]): ClusterCheck[] {
    const checks: ClusterCheck[] = [];
    const check = (system: string, kind: ClusterCheck["kind"], text: string, also = "") =>
        systems.includes(system) &&
        checks.push({
            system,
            kind,
            check: text,
            why: `${CHECKS[kind].inUp ?? CHECKS[kind].skipped}${also}`,
        });
    check("dials", "consumers", "consumers back on the ETL queues");
    for (const s of ["packit", "stream"]) check(s, "consumers", "consumers back on the workers' queues");
    check("callysto", "hubPool", "hub's pool is healthy (hubtraf)");
    return checks;
}
