import * as openstack from "@pulumi/openstack";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ClusterContext } from "../shared/cluster";
import type { EvidenceTable } from "../shared/evidence/verdicts";
import type { ImageUse } from "../shared/unconfirmedImage";
import { Claim } from "./ownership";
import type { KindedNotice } from "./notices";
import { ConfigProblem } from "./problems";

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
    /**
     * The values whatever reads this secret accepts, when it refuses some (an image's start script that exits on
     * others): a set value outside them stops the run before anything is created (components/config/passes/secrets.ts).
     */
    accepts?: SecretValueRule;
}

/**
 * What a secret's reader accepts of its value, declared once beside the reader (a building block of
 * components/shared) and referenced by each secret it reads. The check is a predicate, so no message can quote the
 * value: the refusal says only what is accepted and why.
 */
export interface SecretValueRule {
    /** The values accepted, in words an operator can pick a new one by: `printable ASCII (0x21-0x7E) except ...`. */
    accepted: string;
    /** Who refuses other values and what happens then, with the source that says so. */
    why: string;
    /** Whether the reader accepts `value`. */
    admits(value: string): boolean;
}

/**
 * A secret key a system no longer reads: another key now holds the same value (one identity, one key), or nothing
 * needs the value any more.
 */
export interface RetiredSecret {
    /** Config key without the project namespace. */
    key: string;
    /** The key the program reads instead; absent when nothing takes its place, so the fix only removes it. */
    replacedBy?: string;
    /** Why, with its source (e.g. "runbook 000: kebechet uses Sesheta's GitHub identity"). */
    why: string;
}

/**
 * A database server outside the cluster that holds a system's data: named by a plain key of its section, reached
 * through URI secrets (components/config/passes/databaseServers.ts checks both, and that a non-production stack's is
 * not a production stack's).
 */
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

/**
 * What every system's deploy receives besides its own section: decided once by the program, never re-derived by a
 * system (tier, protection, providers, secrets).
 */
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

export interface NamespaceClaim {
    namespace: string;
    /** Config key (without project) that sets it, e.g. `packit.namespace`. */
    key: string;
}

/** The parts of a system's section that the program itself reads. */
export interface SectionBase {
    enabled: boolean;
    /** Kubernetes-side systems only: the key of the cluster in `clusters`. */
    cluster?: string;
}

/**
 * What a check that narrows the section returns when it passes: the section as the type deploy receives (a field the
 * check proved present is no longer optional), with the placeholder problems an offline plan may go past
 * ({@link ConfigProblem.placeholder}; the plan lists them, a real run stops on them).
 */
export interface Refined<R> {
    section: R;
    problems?: ConfigProblem[];
}

/** What a check that narrows the section returns when it cannot build it: at least one problem, and every one stops the run. */
export interface Rejected {
    section?: undefined;
    problems: [ConfigProblem, ...ConfigProblem[]];
}

/**
 * What a system's check returns: its problems, or the refined section ({@link Refined}) or why it cannot be built
 * ({@link Rejected}). Problems alone leave deploy the parsed section, so {@link defineSystem} accepts them only from a
 * system whose deploy takes the parsed section (`R` is `C`, the default).
 */
export type CheckResult<R> = ConfigProblem[] | Refined<R> | Rejected;

/** A system whose deploy takes a narrower section than its schema's must have a check that builds it. */
type ChecksNarrowing<C, R> = [C] extends [R]
    ? unknown
    : {
          check(
              config: C,
              program: { clusters: Record<string, unknown>; tier?: StackTier },
          ): Refined<R> | Rejected;
      };

/**
 * A check's result as the program reads it: the section deploy receives (undefined when the check rejected it), and
 * the problems, each with whether an offline plan may go past it (a placeholder beside a built section).
 */
export function checkOutcome<R>(
    parsed: R,
    result: CheckResult<R> | undefined,
): { section?: R; problems: ConfigProblem[]; passable: (p: ConfigProblem) => boolean } {
    if (result === undefined) return { section: parsed, problems: [], passable: () => false };
    if (Array.isArray(result)) return { section: parsed, problems: result, passable: (p) => !!p.placeholder };
    if (result.section !== undefined) {
        return { section: result.section, problems: result.problems ?? [], passable: (p) => !!p.placeholder };
    }
    return { problems: result.problems ?? [], passable: () => false };
}

/**
 * Everything the program needs to know about one system: its config schema, what it claims (namespaces,
 * secrets) for cross-checks, and how to deploy it. Each system folder exports one of these.
 *
 * `R` is the section once {@link SystemDefinition.check} has passed: `check` turns the parsed section (`C`) into it,
 * so deploy and notices read fields the check proved present without `!`. It defaults to `C`.
 */
export interface SystemDefinition<
    C extends SectionBase = SectionBase,
    T extends SystemTarget = SystemTarget,
    R extends SectionBase = C,
> {
    /** Config section key, e.g. `thoth` for `runbooks:thoth`. */
    section: string;
    title: string;
    target: T;
    schema: z.ZodType<C>;
    /** Namespaces this system creates or deploys into, with the config key that sets each (checked for clashes). */
    namespaces(config: C): NamespaceClaim[];
    /**
     * Hosts its Routes and Ingresses serve (exact, or with one `*` for hosts derived from a namespace), each with
     * the key that decides it: checked against `runbooks:clusters.<cluster>.hosts` before anything is created.
     */
    hosts(config: C): Claim[];
    /**
     * Cluster-scoped objects it creates (`Kind/name`; Namespaces are claimed by `namespaces`), each with the setting
     * that stops it: checked against `runbooks:clusters.<cluster>.clusterScoped` (nothing is granted by default).
     */
    clusterScoped(config: C): Claim[];
    /** Secrets this configuration needs. */
    secrets(config: C): SecretSpec[];
    /** Database servers outside the cluster its data lives on, each with the URI secrets that reach it. */
    databaseServers?(config: C): DatabaseServerUse[];
    /** Secret keys it no longer reads: a stack that still sets one gets the fix that moves or removes it. */
    retiredSecrets?(config: C): RetiredSecret[];
    /**
     * Checks that need more than the schema (for example references to other sections). A check that proves a field
     * present returns the section with that field required ({@link Refined}), so deploy reads it without `!`.
     */
    check?(config: C, program: { clusters: Record<string, unknown>; tier?: StackTier }): CheckResult<R>;
    /**
     * What a real run of this configuration does or cannot show that an operator must read before `pulumi up`
     * (a schema migration, objects rendered only at deploy time, values nobody confirmed): one line each, printed
     * by the offline plan and logged as a warning by every preview and update. Pure: from the section alone.
     */
    notices?(config: R, program: { tier: StackTier }): KindedNotice[];
    /**
     * Images this configuration renders that no field named `image` (or of an `images` map) holds as a full
     * reference (a release tag shared by several images), and where the runbook runs an image today: each goes
     * through the one confirmation rule (components/shared/confirmedImages.ts) with the section's image fields.
     */
    images?(config: R): ImageUse[];
    /**
     * What the upstream source says of each image version this system runs (components/shared/evidence), and the
     * images it runs beyond its image fields and {@link images} (a release tag: `prow.release`). Every image is
     * looked up in it: a version without an entry stops production and is a notice on stage.
     */
    evidence?: { table: EvidenceTable; uses?(config: R): ImageUse[] };
    /** Creates the system's component from the checked section; returns the stack outputs for this system. */
    deploy(config: R, context: ContextOf<T>): Record<string, pulumi.Input<unknown>>;
}

/**
 * Keeps a definition's section and target types, so a system's own code and tests stay typed. A definition whose
 * deploy takes a refined section (`R`) must have a check that builds it.
 */
export function defineSystem<C extends SectionBase, T extends SystemTarget, R extends SectionBase = C>(
    definition: SystemDefinition<C, T, R> & ChecksNarrowing<C, R>,
): SystemDefinition<C, T, R> {
    return definition;
}

/**
 * A definition as the registry holds it. Systems of different section types cannot share one array type without
 * erasing it; the erasure is sound because the program only ever passes a section that the same definition's
 * schema produced (and, to deploy and notices, that its check built), and only the context of the definition's own
 * target.
 */
export function registered<C extends SectionBase, T extends SystemTarget, R extends SectionBase>(
    definition: SystemDefinition<C, T, R>,
): SystemDefinition {
    return definition as unknown as SystemDefinition;
}
