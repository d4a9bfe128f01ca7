import * as openstack from "@pulumi/openstack";
import * as pulumi from "@pulumi/pulumi";
import { ResolvedHost } from "./hosts";

/**
 * What the project's quota limits, as the OpenStack CLI names it (`openstack quota show`), so the message names the
 * quota an admin raises. Compute: instances, cores, ram (MiB); Cinder: volumes, gigabytes; Neutron: floating-ips.
 */
export const QUOTAS = ["instances", "cores", "ram", "volumes", "gigabytes", "floating-ips"] as const;
export type QuotaName = (typeof QUOTAS)[number];

/** Amounts per quota: what the stack holds when complete, or what the project allows (-1: unlimited). */
export type QuotaAmounts = Record<QuotaName, number>;

export interface FlavorSize {
    vcpus: number;
    ram: number;
}

export interface QuotaShortfall {
    quota: QuotaName;
    need: number;
    limit: number;
}

/**
 * Everything the stack holds in the project when complete, adopted objects included: they count against the same
 * quota. Each host has one instance and one floating IP (allocated, adopted, or an existing address associated).
 */
export function stackNeed(
    hosts: readonly ResolvedHost[],
    flavors: Readonly<Record<string, FlavorSize>>,
): QuotaAmounts {
    const need = Object.fromEntries(QUOTAS.map((q) => [q, 0])) as QuotaAmounts;
    for (const host of hosts) {
        const flavor = flavors[host.flavor];
        need.instances += 1;
        need.cores += flavor?.vcpus ?? Number.NaN;
        need.ram += flavor?.ram ?? Number.NaN;
        need.volumes += host.volumes.length;
        need.gigabytes += host.volumes.reduce((sum, v) => sum + v.size, 0);
        need["floating-ips"] += 1;
    }
    return need;
}

/**
 * The quotas the stack exceeds. A negative limit is OpenStack's "unlimited". A value that is not a number is one
 * no provider answered (only the offline plan's stand-in lookups answer without numbers): it cannot be compared, so
 * it stops nothing.
 */
export function quotaShortfalls(need: QuotaAmounts, limits: Partial<QuotaAmounts>): QuotaShortfall[] {
    const shortfalls: QuotaShortfall[] = [];
    for (const quota of QUOTAS) {
        const limit = limits[quota];
        const wanted = need[quota];
        if (typeof limit !== "number" || !Number.isFinite(wanted) || limit < 0) continue;
        if (wanted > limit) shortfalls.push({ quota, need: wanted, limit });
    }
    return shortfalls;
}

/** The one message that stops the run: each quota with need and limit, and what to do. */
export function quotaMessage(shortfalls: readonly QuotaShortfall[], project: string): string {
    const unit = (q: QuotaName) => (q === "ram" ? " MiB" : q === "gigabytes" ? " GB" : "");
    const lines = [
        `The OpenStack project ${project} has too small a quota for this stack; nothing was created:`,
        ...shortfalls.map(
            (s) =>
                `  ${s.quota}: the stack needs ${s.need}${unit(s.quota)} in all (adopted objects included), the quota allows ${s.limit}${unit(s.quota)}`,
        ),
        `Fix: ask the cloud's administrators to raise it (they run: ${shortfalls
            .map((s) => `--${s.quota} ${s.need}`)
            .reduce(
                (cmd, flag) => `${cmd} ${flag}`,
                "openstack quota set",
            )} ${project}), or remove hosts or volumes from runbooks:callysto.hosts; see the current values with: openstack quota show`,
    ];
    return lines.join("\n");
}

/** Raised when the project's quota is too small: only the message is printed, no stack trace. */
export class QuotaError extends pulumi.RunError {
    constructor(message: string) {
        super(message);
        this.name = "QuotaError";
        this.stack = this.message;
    }
}

/** Where the project's quota and flavor sizes come from: OpenStack itself, or a test's stand-in. */
export interface QuotaSource {
    /** The project's name (for the message) and its quota. */
    quota(): pulumi.Output<{ project: string; limits: Partial<QuotaAmounts> }>;
    flavor(name: string): pulumi.Output<FlavorSize>;
}

/**
 * The project's quota as the provider reads it: Nova's quota set, Cinder's quota set and Neutron's quota, for the
 * project the provider authenticates to (its auth scope). Invokes, so they are answered in previews too.
 */
export function openstackQuotaSource(opts: pulumi.InvokeOptions): QuotaSource {
    return {
        quota: () => {
            const scope = openstack.identity.getAuthScopeOutput({ name: "callysto-quota" }, opts);
            const projectId = scope.projectId;
            const compute = openstack.compute.getQuotaSetV2Output({ projectId }, opts);
            const volume = openstack.blockstorage.getQuotasetV3Output({ projectId }, opts);
            const network = openstack.networking.getQuotaV2Output({ projectId }, opts);
            return pulumi.all([scope, compute, volume, network]).apply(([s, c, v, n]) => ({
                project: s.projectName,
                limits: {
                    instances: c.instances,
                    cores: c.cores,
                    ram: c.ram,
                    volumes: v.volumes,
                    gigabytes: v.gigabytes,
                    "floating-ips": n.floatingip,
                },
            }));
        },
        flavor: (name) =>
            openstack.compute
                .getFlavorOutput({ name }, opts)
                // A flavor always has both; only the offline plan's stand-in answers without them.
                .apply((f) => ({ vcpus: f.vcpus ?? Number.NaN, ram: f.ram ?? Number.NaN })),
    };
}

/**
 * Resolves to no resources when the stack fits the project's quota, and fails with {@link quotaMessage} otherwise.
 * Every creating resource depends on it (an Output `dependsOn`): the SDK sends no registration before its
 * dependencies resolve, so a failed check leaves nothing created.
 */
export function quotaGate(
    hosts: readonly ResolvedHost[],
    source: QuotaSource,
): pulumi.Output<pulumi.Resource[]> {
    const names = [...new Set(hosts.map((h) => h.flavor))].sort();
    const flavors = pulumi
        .all(names.map((n) => source.flavor(n)))
        .apply((sizes) => Object.fromEntries(names.map((n, i) => [n, sizes[i]])));
    return pulumi.all([source.quota(), flavors]).apply(([quota, sizes]) => {
        const shortfalls = quotaShortfalls(stackNeed(hosts, sizes), quota.limits);
        if (shortfalls.length > 0) throw new QuotaError(quotaMessage(shortfalls, quota.project));
        return [] as pulumi.Resource[];
    });
}
