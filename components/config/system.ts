import * as openstack from "@pulumi/openstack";
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { ClusterContext } from "../shared/cluster";
import type { SecretValueRule } from "../shared/secretValueRule";
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

/**
 * Whether a stack keeps its long-lived data (a knowledge graph, a graph database: what no `pulumi up` can rebuild):
 * every stack but a local one, whose cluster is thrown away with it. A staging environment that others use holds
 * such data as much as production does; what else it runs stays easy to tear down.
 */
export function keepsLongLivedData(tier: StackTier): boolean {
    return tier !== "local";
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
 * ({@link Rejected}). Problems alone leave deploy the parsed section, so `defineSystem` (./systemDefinition.ts)
 * accepts them only from a system whose deploy takes the parsed section (`R` is `C`, the default).
 */
export type CheckResult<R> = ConfigProblem[] | Refined<R> | Rejected;

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
 * Whether this run takes over what runs on `cluster` today: its `adoptExisting` is on and the stack is no local one
 * (a local stack's objects hold only its own runs'). The first-deploy gates of the systems ask this one question.
 */
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
