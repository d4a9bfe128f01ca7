import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { SourcedImage } from "../shared/confirmedImages";
import type { CallerRepair, EgressRepair } from "../shared/egress";
import type { EvidenceTable } from "./evidenceVerdicts";
import type { ImageUse } from "./unconfirmedImage";
import type { KindedNotice } from "./notices";
import { Claim } from "./ownership";
import type { ExternalName, ExternalNameContext } from "./externalNames";
import {
    CheckResult,
    ContextOf,
    DatabaseServerUse,
    NamespaceClaim,
    Refined,
    Rejected,
    RetiredSecret,
    SecretSpec,
    SectionBase,
    StackTier,
    SystemTarget,
} from "./system";

// The contract each system folder fulfils; apart from ./system, which the image and evidence modules import.

/** A system whose deploy takes a narrower section than its schema's must have a check that builds it. */
type ChecksNarrowing<C, R> = [C] extends [R]
    ? unknown
    : {
          check(
              config: C,
              program: { clusters: Record<string, unknown>; tier?: StackTier },
          ): Refined<R> | Rejected;
      };

/** A cluster-wide object a system needs and does not create; the migration report checks it exists. */
export interface ClusterPrerequisite {
    apiVersion: string;
    kind: string;
    name: string;
    /** What of the system needs it. */
    neededBy: string;
    /** Who must create it when it is missing (the program never does). */
    providedBy: string;
    /** Where the requirement is written down. */
    source: string;
    /** For a CustomResourceDefinition: a kind it serves, checked through API discovery (which every user may read). */
    serves?: { apiVersion: string; kind: string };
}

/**
 * Everything the program knows of one system: its schema, what it claims, and how to deploy it. `R` is the section
 * {@link SystemDefinition.check} builds from the parsed one (`C`, the default), so deploy reads proven fields.
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
    /** Hosts its Routes and Ingresses serve (one `*` for derived ones), checked against the cluster's `hosts`. */
    hosts(config: C): Claim[];
    /** Names it writes outside its namespaces (a bucket, a keypair), each one stack's: compared with the other stacks'. */
    externalNames?(config: C, context: ExternalNameContext): ExternalName[];
    /** Cluster-scoped objects it creates (`Kind/name`) with the setting that stops each, checked against grants. */
    clusterScoped(config: C): Claim[];
    /** Secrets this configuration needs. */
    secrets(config: C): SecretSpec[];
    /** Database servers outside the cluster its data lives on, each with the URI secrets that reach it. */
    databaseServers?(config: C): DatabaseServerUse[];
    /** Secret keys it no longer reads: a stack that still sets one gets the fix that moves or removes it. */
    retiredSecrets?(config: C): RetiredSecret[];
    /** Checks beyond the schema; one that proves a field present returns the section with it required. */
    check?(config: C, program: { clusters: Record<string, unknown>; tier?: StackTier }): CheckResult<R>;
    /** What an operator must read before `pulumi up` (a migration, unconfirmed values): pure, one line each. */
    notices?(config: R, program: { tier: StackTier }): KindedNotice[];
    /** Images it renders that no image field holds whole (a shared release tag), for the one confirmation rule. */
    images?(config: R): ImageUse[];
    /** The references of its images a runbook names exactly (facts/images/<system>.yaml): besides a digest, what confirms one. */
    sourcedImages?: readonly SourcedImage[];
    /** The upstream evidence of each image version it runs, and images beyond its fields (`prow.release`). */
    evidence?: { table: EvidenceTable; uses?(config: R): ImageUse[] };
    /** Cluster-wide objects it needs and never creates: the migration report checks them on its clusters. */
    clusterPrerequisites?: readonly ClusterPrerequisite[];
    /** The stack key that sizes a container, for those the stack file sizes (the migration report's quota fixes). */
    resourcesKey?(container: { name: string; image?: string }): string | undefined;
    /** The stack key that sizes a claim (`<key>.size`) and names its class (`<key>.storageClass`), where it has one. */
    claimKey?(claim: string): string | undefined;
    /** The stack key that gives a Celery queue a worker of its own, where the system has one (the migration report). */
    queueKey?: string;
    /** How a flow its egress lock cuts to a Service left running is admitted (the migration report proves it). */
    egressRepair?: EgressRepair;
    /** How a live workload's call to one of its Services, cut by that Service's policy, is admitted (proved likewise). */
    callerRepair?: CallerRepair;
    /** Creates the system's component from the checked section; returns the stack outputs for this system. */
    deploy(config: R, context: ContextOf<T>): Record<string, pulumi.Input<unknown>>;
}

/** Keeps a definition's types; one whose deploy takes a refined section (`R`) must have a check that builds it. */
export function defineSystem<C extends SectionBase, T extends SystemTarget, R extends SectionBase = C>(
    definition: SystemDefinition<C, T, R> & ChecksNarrowing<C, R>,
): SystemDefinition<C, T, R> {
    return definition;
}

/** A definition as the registry holds it, types erased: sound, as each gets only its own schema's sections. */
export function registered<C extends SectionBase, T extends SystemTarget, R extends SectionBase>(
    definition: SystemDefinition<C, T, R>,
): SystemDefinition {
    return definition as unknown as SystemDefinition;
}
