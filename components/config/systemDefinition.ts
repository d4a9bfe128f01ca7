import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import type { SourcedImage } from "../shared/confirmedImages";
import type { EvidenceTable } from "./evidenceVerdicts";
import type { ImageUse } from "./unconfirmedImage";
import type { KindedNotice } from "./notices";
import { Claim } from "./ownership";
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

// The contract each system folder fulfils. It names the image and evidence types of ./unconfirmedImage and
// ./evidenceVerdicts, which read the tier from ./system: kept apart from ./system so that they do not import each other
// in a circle.

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
 * A cluster-wide object a system needs and does not create: the cluster setup provides it. The migration report
 * checks that it exists on each cluster the system deploys to, and names who must provide it when it does not.
 */
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
    /**
     * For a CustomResourceDefinition: a kind it serves. Its presence is checked through API discovery, which every
     * user of a cluster may read, unlike CustomResourceDefinition objects.
     */
    serves?: { apiVersion: string; kind: string };
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
     * The references of its images that a runbook, systems.md or thoth-station.md names exactly, each with where
     * (facts/images/<system>.yaml): besides a digest, the only thing that confirms one of its images.
     */
    sourcedImages?: readonly SourcedImage[];
    /**
     * What the upstream source says of each image version this system runs (components/shared/evidence), and the
     * images it runs beyond its image fields and {@link images} (a release tag: `prow.release`). Every image is
     * looked up in it: a version without an entry stops production and is a notice on stage.
     */
    evidence?: { table: EvidenceTable; uses?(config: R): ImageUse[] };
    /** Cluster-wide objects it needs and never creates: the migration report checks them on its clusters. */
    clusterPrerequisites?: readonly ClusterPrerequisite[];
    /**
     * The stack key that sets a container's requests and limits, for the containers the stack file sizes (the others
     * are sized in code from the source manifests): what the migration report's quota fixes name.
     */
    resourcesKey?(container: { name: string; image?: string }): string | undefined;
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
