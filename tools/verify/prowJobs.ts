import type { KubeConfig } from "@kubernetes/client-node";
import { parse } from "yaml";
import { Cluster } from "../adopt/kube";
import { CheckResult, ProwJobSeen, ProwJobTarget } from "./model";
import { stepOf } from "./steps";
import type { Recorded } from "./targets";

// Runbook 002's "a ProwJob succeeds after the deploy", read-only: verify starts no job (in production that would be a
// real test run on the build cluster); it reads the ProwJobs Prow itself started after the deploy and asks that one
// of them succeeded. A Prow that is Running but not working (the runbook's warning) starts none, or only failing
// ones. The states and fields are the pinned release's (kubernetes-sigs/prow@7593870dc
// pkg/apis/prowjobs/v1/types.go: ProwJobStatus.startTime, state, url; ProwJobSpec.job, type).

/** The ProwJobs of a target, as the cluster holds them now. */
export type ProwJobLister = (t: ProwJobTarget) => Promise<ProwJobSeen[]>;

export interface ProwJobOptions {
    list: ProwJobLister;
    /** When the stack was last deployed (the state's last write); undefined when it cannot be told. */
    deployedAt?: Date;
    /** How long to wait for a success, and how often to look (the deploy job waits; tests do not). */
    waitMs: number;
    pollMs: number;
    now?: () => Date;
    sleep?: (ms: number) => Promise<void>;
}

/**
 * A deploy older than this is not what the check is about (the nightly run): a ProwJob must have succeeded within the
 * last day, Prow's busiest periodics run hourly or more often.
 */
export const RECENT_MS = 24 * 3_600_000;

/** The ProwJobs of Prow's config: `prowjob_namespace` of the ConfigMap holding `config.yaml` in Prow's namespace. */
export function prowJobTargets(
    all: readonly Recorded[],
    systems: readonly string[],
    clusterOf: (system: string) => string | undefined,
): ProwJobTarget[] {
    if (!systems.includes("prow")) return [];
    const targets: ProwJobTarget[] = [];
    for (const r of all) {
        const o = r.inputs as {
            kind?: string;
            metadata?: { name?: string; namespace?: string };
            data?: Record<string, string>;
        };
        if (r.system !== "prow" || o.kind !== "ConfigMap") continue;
        const text = o.data?.["config.yaml"];
        if (text === undefined) continue;
        const namespace = (parse(text) as { prowjob_namespace?: unknown } | null)?.prowjob_namespace;
        if (typeof namespace !== "string") continue;
        targets.push({
            system: r.system,
            cluster: clusterOf(r.system) ?? "",
            namespace,
            from: `ConfigMap ${o.metadata?.namespace}/${o.metadata?.name} config.yaml prowjob_namespace`,
        });
    }
    return targets;
}

/** A ProwJob object of the API as verify reads it. */
export function prowJobSeen(o: {
    metadata?: { name?: string };
    spec?: unknown;
    status?: unknown;
}): ProwJobSeen {
    const spec = (o.spec ?? {}) as { job?: string; type?: string };
    const status = (o.status ?? {}) as { state?: string; startTime?: string; url?: string };
    return {
        name: o.metadata?.name ?? "",
        job: spec.job ?? "",
        type: spec.type ?? "",
        state: status.state ?? "",
        ...(status.startTime ? { startTime: status.startTime } : {}),
        ...(status.url ? { url: status.url } : {}),
    };
}

/** The ProwJobs of a target's namespace, listed (only) through a checked kubeconfig of its cluster. */
export function prowJobsOf(kubeconfig: KubeConfig): (t: ProwJobTarget) => Promise<ProwJobSeen[]> {
    const cluster = new Cluster(kubeconfig);
    return async (t) => (await cluster.list("prow.k8s.io/v1", "ProwJob", t.namespace)).map(prowJobSeen);
}

/** The verdict over what the cluster holds now: a success since `since`, or what ran instead. */
export function prowJobVerdict(jobs: readonly ProwJobSeen[], since: Date): { ok: boolean; saw: string } {
    const after = jobs
        .filter((j) => j.startTime !== undefined && Date.parse(j.startTime) >= since.getTime())
        .sort((a, b) => Date.parse(b.startTime!) - Date.parse(a.startTime!));
    const success = after.find((j) => j.state === "success");
    const byState = new Map<string, number>();
    for (const j of after) {
        const state = j.state || "no state";
        byState.set(state, (byState.get(state) ?? 0) + 1);
    }
    const counts = [...byState].map(([s, n]) => `${n} ${s}`).join(", ");
    if (success)
        return {
            ok: true,
            saw: `${success.job} (${success.type}, ProwJob ${success.name}) started ${success.startTime} and succeeded; since ${since.toISOString()}: ${counts}`,
        };
    if (after.length === 0)
        return {
            ok: false,
            saw: `no ProwJob started since ${since.toISOString()} (${jobs.length} older): Prow is running but starts no job`,
        };
    const failed = after.filter((j) => ["failure", "error", "aborted"].includes(j.state)).slice(0, 3);
    return {
        ok: false,
        saw: `none of the ${after.length} ProwJobs started since ${since.toISOString()} succeeded (${counts})${
            failed.length > 0
                ? `; newest that failed: ${failed.map((j) => `${j.job} ${j.state}${j.url ? ` ${j.url}` : ""}`).join(", ")}`
                : ""
        }`,
    };
}

/** The check's line in the report. */
export const prowJobCheckName = (t: ProwJobTarget) =>
    `a ProwJob in ${t.namespace} (${t.from}) succeeds after the deploy`;

/**
 * Waits until a ProwJob started after the deploy has succeeded, or the wait is over; for a deploy older than a day, asks
 * at once for a success within the last day.
 */
export async function prowJobCheck(t: ProwJobTarget, o: ProwJobOptions): Promise<CheckResult> {
    const now = o.now ?? (() => new Date());
    const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    const result = (ok: boolean, saw: string): CheckResult => ({
        system: t.system,
        check: prowJobCheckName(t),
        step: stepOf("prowJob", t.system),
        outcome: ok ? "PASS" : "FAIL",
        saw,
    });
    if (!o.deployedAt)
        return result(
            false,
            "the stack's state does not say when it was deployed: pass --since <ISO time of the up>",
        );
    const recent = now().getTime() - RECENT_MS;
    const since = new Date(Math.max(o.deployedAt.getTime(), recent));
    // Only a fresh deploy is waited for: a day without a success (the nightly run) is not mended in minutes.
    const waitMs = o.deployedAt.getTime() >= recent ? o.waitMs : 0;
    const deadline = now().getTime() + waitMs;
    for (;;) {
        let verdict: { ok: boolean; saw: string };
        try {
            verdict = prowJobVerdict(await o.list(t), since);
        } catch (err) {
            return result(
                false,
                `cannot list ProwJobs on cluster ${t.cluster}: ${(err as Error).message.split("\n")[0]}`,
            );
        }
        if (verdict.ok || now().getTime() + o.pollMs > deadline)
            return result(
                verdict.ok,
                `${verdict.saw}${verdict.ok ? "" : ` (waited ${Math.round(waitMs / 60_000)} min)`}`,
            );
        await sleep(o.pollMs);
    }
}
