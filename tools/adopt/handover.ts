import { mountedClaims } from "./claims";
import { KubeObject, at } from "./model";
import { labelsOf, selectorArgument, selects, templateLabels, workloadSelector } from "./selectors";

// A live workload of another kind under a program workload's name (Thoth's DeploymentConfigs, which the program runs
// as Deployments) cannot be taken over: the API server keeps both objects. It can be handed over without a gap when
// the program's workload keeps its selector: the program's Services, which select with it, then select today's pods
// and the program's alike, so the program's pods start beside today's and the old workload is deleted once they are
// Ready. Pods that must never run beside today's (a single writer) get the shortest gap there is: today's scaled to 0
// right before the up, which starts the program's. Services the program does not manage are not judged here.

/** What the operator does around the first up to hand a live workload over, and why. */
export interface Handover {
    /** Run right before step 4 (after the report: a database takeover reads today's pod). */
    beforeUp: string[];
    /** Run after step 5, once the up has made the program's workload Ready. */
    afterUp: string[];
    why: string;
}

/**
 * Why the program's workload must never run a pod beside a live one whose pods mount `liveClaims`: it replaces its
 * pods one at a time by stopping the old one first (`Recreate`), or it mounts one of those claims that one pod at a
 * time may use (anything but a `*Many` claim in `shared`, `<namespace>/<name>`). Undefined: the two may run at once.
 */
export function neverBeside(
    desired: KubeObject,
    liveClaims: readonly string[],
    shared: ReadonlySet<string>,
): string | undefined {
    if (at(desired, "spec", "strategy", "type") === "Recreate")
        return `the program's ${desired.kind} replaces its pod by stopping the old one first (Recreate)`;
    const ns = desired.metadata.namespace ?? "";
    const claim = mountedClaims(desired).find((c) => liveClaims.includes(c) && !shared.has(`${ns}/${c}`));
    return claim && `both mount claim ${claim}, which one pod at a time may use`;
}

/**
 * The handover of `live` (another kind under `desired`'s name and namespace) to `desired`, given the pods it runs
 * now; undefined when the program's selector does not select its pods (then only a replacement with a gap is left).
 */
export function handoverOf(
    live: KubeObject,
    desired: KubeObject,
    pods: readonly KubeObject[],
    shared: ReadonlySet<string>,
): Handover | undefined {
    const ns = live.metadata.namespace ?? "";
    const name = live.metadata.name;
    const kind = live.kind.toLowerCase();
    const replicas = Number(at(live, "spec", "replicas") ?? 1);
    const remove = `kubectl -n ${ns} delete ${kind} ${name}`;
    const after = `after step 5 (the program's ${desired.kind} Ready): ${remove} (its controllers and pods go with it)`;
    const handover = (why: string, beforeUp: string[] = []): Handover => ({
        beforeUp,
        afterUp: [remove],
        why,
    });
    if (pods.length === 0 && replicas === 0)
        return handover(`${live.kind} ${name} runs no pod (0 replicas): ${after}`);
    const selector = workloadSelector(desired);
    const kept = selects(selector, templateLabels(live)) && pods.every((p) => selects(selector, labelsOf(p)));
    if (!kept) return undefined;
    const running = `${live.kind} ${name} runs ${pods.length} pod(s)`;
    const why = neverBeside(desired, mountedClaims(live), shared);
    if (!why)
        return handover(
            `${running}; the program's ${desired.kind} keeps its selector ` +
                `(${selectorArgument(selector ?? {})}), so its pods start beside them and the program's Services ` +
                `select both: a request always finds a Ready pod: ${after}`,
        );
    const scale = `kubectl -n ${ns} scale ${kind} ${name} --replicas=0`;
    const wait = `kubectl -n ${ns} wait --for=delete pod -l '${selectorArgument(workloadSelector(live) ?? {})}' --timeout=300s`;
    return handover(
        `${running} and ${why}: the two must never run at once. Right before step 4 (after this report, which ` +
            `reads today's pod), in this order: 1) ${scale}; 2) ${wait}; 3) pulumi up at once. ${name} has no pod ` +
            `from 1 until the up has made the ${desired.kind}'s pod Ready (it keeps the selector, so the program's ` +
            `Services find it); ${after}`,
        [scale, wait],
    );
}

/**
 * The handover of a workload the takeover list replaces with `desired` when the two may not share pods (another
 * selector, another name, a CronJob): stopped right before the up, so the two never act at once (two controllers
 * act twice, two consumers split a queue), and deleted once the program's runs.
 */
export function stopThenRemove(live: KubeObject, desired: KubeObject): Handover {
    const ns = live.metadata.namespace ?? "";
    const name = live.metadata.name;
    const kind = live.kind.toLowerCase();
    const remove = `kubectl -n ${ns} delete ${kind} ${name}`;
    const stop =
        live.kind === "CronJob"
            ? [`kubectl -n ${ns} patch cronjob ${name} --type=merge -p '{"spec":{"suspend":true}}'`]
            : [
                  `kubectl -n ${ns} scale ${kind} ${name} --replicas=0`,
                  `kubectl -n ${ns} wait --for=delete pod -l '${selectorArgument(workloadSelector(live) ?? templateLabels(live))}' --timeout=300s`,
              ];
    return {
        beforeUp: stop,
        afterUp: [remove],
        why:
            `the takeover list replaces ${live.kind} ${name} with the program's ${desired.kind} ${desired.metadata.name}: ` +
            `right before step 4, in this order: ${stop.map((c, i) => `${i + 1}) ${c}`).join("; ")}; ` +
            `${stop.length + 1}) pulumi up at once. After step 5 (the program's ${desired.kind} runs): ${remove}`,
    };
}
