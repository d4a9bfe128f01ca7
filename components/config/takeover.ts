import { createHash } from "crypto";
import { z } from "zod";
import { checked } from "./fields";
import { ConfigProblem, formatPath, fullKey } from "./problems";

// A takeover is declared, not inferred. Each Kubernetes system's section lists every live object of the namespaces it
// writes, as the operator decided it in a reviewed pull request: adopt it, replace it with a program object, or leave
// it running for a stated reason. The migration report (`npm run adopt`) reads the cluster and blocks on anything
// live and unlisted, listed and absent, or adopted but not the same software (tools/adopt/declared.ts); once the list
// matches, it prints the list's digest to record under `takeover.read`. `pulumi up` refuses a takeover while that
// record is not the digest of the list it deploys: a list edited after the report read the cluster is unread.

/** `<namespace>/<Kind>/<name>`: one live object, as the list names it. */
export const TAKEOVER_ID =
    /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/([A-Z][A-Za-z0-9]*)\/([a-z0-9]([-a-z0-9.]*[a-z0-9])?)$/;

/** What happens to one live object on the first `pulumi up`. */
export type TakeoverDecision =
    { do: "adopt" } | { do: "replace"; kind: string; name: string } | { do: "leave"; reason: string };

const REPLACE = /^replace with ([A-Z][A-Za-z0-9]*)\/([a-z0-9]([-a-z0-9.]*[a-z0-9])?)$/;
const LEAVE = /^leave running: (.*\S.*)$/;

/** The decision a list entry says, or undefined for one the schema refuses. */
export function decisionOf(text: string): TakeoverDecision | undefined {
    if (text === "adopt") return { do: "adopt" };
    const replace = REPLACE.exec(text);
    if (replace) return { do: "replace", kind: replace[1], name: replace[2] };
    const leave = LEAVE.exec(text);
    // A reason is a reviewer's sentence, not a word: three words at least.
    if (leave && leave[1].trim().split(/\s+/).length >= 3) return { do: "leave", reason: leave[1].trim() };
    return undefined;
}

const DECISION_HELP =
    'must be "adopt" (the program\'s object of the same kind and name takes it over), "replace with <Kind>/<name>" (a program object of the namespace takes its place: another object is stopped before the up and deleted after it; the program\'s object of its own kind and name replaces other software in place) or "leave running: <why, in a sentence>"';

const decision = z
    .string()
    .superRefine(checked((v: string) => (decisionOf(v) ? undefined : DECISION_HELP)))
    .meta({ example: "adopt" });

const objectKey = z
    .string()
    .superRefine(
        checked((v: string) =>
            TAKEOVER_ID.test(v)
                ? undefined
                : "must name one live object as <namespace>/<Kind>/<name> (kubevirt-prow/Deployment/hook)",
        ),
    )
    .meta({ example: "kubevirt-prow/Deployment/hook" });

/**
 * `<section>.takeover`: what the first `pulumi up` onto a cluster where the system runs today does to each live
 * object of its namespaces. Required, and read by the migration report, while the cluster's `adoptExisting` is on.
 */
export const takeoverSchema = z
    .strictObject({
        objects: z.record(objectKey, decision).default({}).meta({
            description:
                "Every live object of the system's namespaces, by `<namespace>/<Kind>/<name>`: `adopt`, `replace with <Kind>/<name>` or `leave running: <why>`. Workloads (Deployments, StatefulSets, DaemonSets, DeploymentConfigs, CronJobs) are listed one by one; other objects may be left to `sameName`. Objects the cluster makes (owned objects, service-account tokens) are not listed.",
        }),
        sameName: z.literal("adopt").optional().meta({
            description:
                "`adopt`: each live object that is not a workload and has a program object of the same kind, namespace and name (a Service, Route, ConfigMap, Secret, claim) is adopted without its own entry.",
            example: "adopt",
        }),
        read: z
            .string()
            .regex(/^[0-9a-f]{16}$/, "must be the 16 hex digits the migration report prints")
            .optional()
            .meta({
                description:
                    "The digest of this list as the migration report last checked it against the cluster (it prints the command that sets it). `pulumi up` refuses a takeover while it is not the digest of the list as it stands.",
                example: "0123456789abcdef",
            }),
    })
    .meta({
        description:
            "The takeover list: what the first `pulumi up` does to each object running today in the system's namespaces (components/config/takeover.ts).",
    });
export type TakeoverList = z.infer<typeof takeoverSchema>;

/** The digest of a list's decisions (its `read` aside): what the report records and `pulumi up` compares. */
export function takeoverDigest(list: Pick<TakeoverList, "objects" | "sameName"> | undefined): string {
    const objects = Object.entries(list?.objects ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const canonical = JSON.stringify({ objects, sameName: list?.sameName ?? null });
    return createHash("sha256").update(canonical).digest("hex").slice(0, 16);
}

/** The command that reads the cluster and checks the list against it. */
export function reportCommand(stack: string | undefined): string {
    return `npm run adopt -- --stack ${stack ?? "<stack>"}`;
}

/**
 * Entries outside the system's namespaces, always; and while `takingOver` (the cluster's `adoptExisting` is on), the
 * up's refusal of a list the migration report never checked or one edited since (its `read` is not the digest of the
 * list as it stands).
 */
export function takeoverListProblems(
    input: {
        section: string;
        cluster: string;
        namespaces: readonly string[];
        list: TakeoverList | undefined;
        stack: string | undefined;
    },
    takingOver: boolean,
): ConfigProblem[] {
    const { section, cluster, namespaces, list, stack } = input;
    const problems: ConfigProblem[] = [];
    for (const id of Object.keys(list?.objects ?? {})) {
        const ns = id.split("/")[0];
        if (!namespaces.includes(ns))
            problems.push({
                key: fullKey(formatPath(section, ["takeover", "objects", id])),
                message: `names namespace ${ns}, which ${section} does not write (its namespaces: ${namespaces.join(", ")}): the list names the objects of the system's own namespaces only`,
            });
    }
    const digest = takeoverDigest(list);
    if (!takingOver || list?.read === digest) return problems;
    const why =
        list?.read === undefined
            ? `no migration report has checked ${section}'s takeover list against cluster ${cluster}`
            : `the takeover list changed since the migration report checked it against cluster ${cluster}`;
    problems.push({
        key: fullKey(formatPath(section, ["takeover", "read"])),
        message: `${list?.read === undefined ? "is not set" : "does not match the list"} while clusters.${cluster}.adoptExisting is on: ${why}, so this up could take over, replace or delete what nobody declared. Run the report: it lists what runs, blocks on every object the list does not name, and prints the value to record`,
        fix: reportCommand(stack),
    });
    return problems;
}
