import * as openstack from "@pulumi/openstack";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ClusterContext } from "../shared/cluster";
import type { SecretValueRule } from "../shared/secretValueRule";
import { ConfigProblem } from "./problems";
import { TakeoverList, takeoverSchema } from "./takeover";

/** A secret that a system reads from stack config (never from the stack file itself). */
export interface SecretSpec {
    /** Config key without the project namespace, kebab-case: `thoth-kebechet-github-oauth-token`. */
    key: string;
    /** What the value is. */
    description: string;
    /** Where the value lives before migration: the gopass path, vault variable or secrets-repo file. */
    today: string;
    /** Example shown in the fix command; for file contents, the file name read from stdin. */
    example: string;
    /** The value is a whole file (certificate, keytab, config file): the fix reads it from stdin. */
    fromFile?: boolean;
    /** The program works without it (for example it generates a value with @pulumi/random instead). */
    optional?: boolean;
    /** The values whatever reads this secret accepts, when it refuses some: another value stops the run. */
    accepts?: SecretValueRule;
}

/** A secret key a system no longer reads: another key holds the same value, or nothing needs it. */
export interface RetiredSecret {
    /** Config key without the project namespace. */
    key: string;
    /** The key the program reads instead; absent when nothing takes its place, so the fix only removes it. */
    replacedBy?: string;
    /** Why, with its source (e.g. "runbook 000: kebechet uses Sesheta's GitHub identity"). */
    why: string;
}

/** A database server outside the cluster holding a system's data: a plain key of its section and URI secrets. */
export interface DatabaseServerUse {
    /** Key (without the project) that names the server as `host:port`: `dials.databaseServer`. */
    key: string;
    /** Its value as the section holds it (`host:port`, or the placeholder). */
    server: string;
    /** Secret keys whose URIs must name that server. */
    uris: string[];
    /** What lives there, for messages: `DIALS' workspace databases`. */
    holds: string;
}

/** The tier of a stack: production protects every stateful resource from deletion. */
export const stackTier = z.enum(["production", "staging", "local"]).meta({ example: "production" });
export type StackTier = z.infer<typeof stackTier>;

/** Reads secrets that validation has already proven present. */
export interface SecretStore {
    /** A secret that validation required; a programming error if it was not declared. */
    require(key: string): pulumi.Output<string>;
    /** An optional secret, undefined when it is not set. */
    get(key: string): pulumi.Output<string> | undefined;
}

/** What every system's deploy receives besides its own section, decided once by the program. */
export interface SystemContext {
    tier: StackTier;
    /** True in production: stateful resources get `protect` and `retainOnDelete` (the one production predicate). */
    protectStateful: boolean;
    secrets: SecretStore;
}

/** The context of a Kubernetes-side system: its cluster, provider resolved. */
export interface KubernetesContext extends SystemContext {
    cluster: ClusterContext;
}

/** The context of an OpenStack-side system: the program's one OpenStack provider. */
export interface OpenStackContext extends SystemContext {
    openstack: openstack.Provider;
}

export type SystemTarget = "kubernetes" | "openstack";

/** The context a system of a target receives. */
export type ContextOf<T extends SystemTarget> = T extends "kubernetes" ? KubernetesContext : OpenStackContext;

/** The one production predicate, shared by the program and the policy pack. */
export function isProductionTier(tier: StackTier | undefined): boolean {
    return tier === "production";
}

/** Whether a stack keeps long-lived data no `pulumi up` can rebuild: every stack but a local one. */
export function keepsLongLivedData(tier: StackTier): boolean {
    return tier !== "local";
}

export interface NamespaceClaim {
    namespace: string;
    /** Config key (without project) that sets it, e.g. `packit.namespace`. */
    key: string;
    /** Other keys its value is derived from while `key` is unset: a broken one leaves the claim unchecked. */
    derivedFrom?: readonly string[];
}

/**
 * Whether an enabled system is deployed: `live`, or `staged` (planned and checked in full by the offline plan, its
 * unset secrets and placeholders listed as its to-do, but nothing registered by `pulumi up`, and nothing of it
 * stopping another system). The program, the offline plan, verify and the workflows' tests read it only through
 * {@link isLive}.
 */
export const systemStatus = z.enum(["live", "staged"]).default("live").meta({
    description:
        "`live`: `pulumi up` deploys it, and it must be complete (every secret and placeholder set). `staged`: planned and checked by `npm run plan`, its unset secrets and placeholders listed as its to-do; `pulumi up` registers nothing of it. A system `pulumi up` deployed cannot be turned back to `staged` (that would delete it): `up` refuses.",
    example: "live",
});
export type SystemStatus = z.infer<typeof systemStatus>;

/** The switches every system's section starts with: `enabled` (off: nothing read) and `status` ({@link systemStatus}). */
export const systemSwitches = {
    enabled: z.boolean().meta({
        description:
            "`false` switches the system off: nothing else in the section is read, and nothing is planned.",
        example: "true",
    }),
    status: systemStatus,
};

/** The switches of a system on Kubernetes: {@link systemSwitches} and the declared takeover (./takeover). */
export const kubernetesSwitches = { ...systemSwitches, takeover: takeoverSchema.optional() };

/** The parts of a system's section that the program itself reads. */
export interface SectionBase {
    enabled: boolean;
    /** `live` or `staged` ({@link systemStatus}; absent is live, as the schema's default): read through {@link isLive}. */
    status?: SystemStatus;
    /** Kubernetes-side systems only: the key of the cluster in `clusters`. */
    cluster?: string;
    /** Kubernetes-side systems only: the declared takeover (./takeover). */
    takeover?: TakeoverList;
}

/**
 * The one rule: a system is live (deployed by `pulumi up`) when its section is enabled and not staged. `section` is
 * the parsed section or the stack file's raw value (verify and the workflows' tests read the file).
 */
export function isLive(section: unknown): boolean {
    if (typeof section !== "object" || section === null) return false;
    const s = section as { enabled?: unknown; status?: unknown };
    return s.enabled === true && s.status !== "staged";
}

/** A system planned and checked, but not deployed: enabled and `status: staged`. */
export function isStaged(section: unknown): boolean {
    if (typeof section !== "object" || section === null) return false;
    const s = section as { enabled?: unknown; status?: unknown };
    return s.enabled === true && s.status === "staged";
}

/** A passing narrowing check: the section as deploy receives it, with placeholder problems an offline plan may pass. */
export interface Refined<R> {
    section: R;
    problems?: ConfigProblem[];
}

/** What a check that narrows the section returns when it cannot build it: at least one problem, and every one stops the run. */
export interface Rejected {
    section?: undefined;
    problems: [ConfigProblem, ...ConfigProblem[]];
}

/** A system's check result: problems alone (deploy takes the parsed section), {@link Refined} or {@link Rejected}. */
export type CheckResult<R> = ConfigProblem[] | Refined<R> | Rejected;

/** A check's result as the program reads it: the section deploy receives, and which problems an offline plan passes. */
export function checkOutcome<R>(
    parsed: R,
    result: CheckResult<R> | undefined,
): { section?: R; problems: ConfigProblem[]; passable: (p: ConfigProblem) => boolean } {
    if (result === undefined) return { section: parsed, problems: [], passable: () => false };
    const placeholder = (p: ConfigProblem) => !!p.placeholder;
    if (Array.isArray(result)) return { section: parsed, problems: result, passable: placeholder };
    if (result.section !== undefined)
        return { section: result.section, problems: result.problems ?? [], passable: placeholder };
    return { problems: result.problems ?? [], passable: () => false };
}

/** Whether this run takes over what runs on `cluster` today: `adoptExisting` on, on a stack that is not local. */
export function takesOver(
    clusters: Record<string, unknown>,
    cluster: string,
    tier: StackTier | undefined,
): boolean {
    return (
        tier !== "local" &&
        (clusters[cluster] as { adoptExisting?: boolean } | undefined)?.adoptExisting === true
    );
}
