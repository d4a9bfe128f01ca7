import type { V1Container } from "@kubernetes/client-node";
import { imageName } from "../../components/shared/releases";
import { KubeObject, at } from "./model";
import { POD_RUNNING_KINDS } from "./selectors";

// What a live workload runs, read from its pod template: the report compares an adopted workload's images with the
// program's (./declared), and the flows and quota checks read its pods' spec.

/** Workload kinds: what runs pods, and a CronJob, which runs them on a schedule (each is listed one by one). */
export const WORKLOAD_KINDS: readonly string[] = [...POD_RUNNING_KINDS, "CronJob"];

/** A workload's pod template (a CronJob's through its job template). */
export function podTemplateOf(o: KubeObject): unknown {
    return o.kind === "CronJob"
        ? at(o, "spec", "jobTemplate", "spec", "template")
        : at(o, "spec", "template");
}

/** The spec of a workload's pods (a Pod's own, a CronJob's through its job template). */
export function podSpecOf(o: KubeObject): unknown {
    return o.kind === "Pod" ? at(o, "spec") : at(podTemplateOf(o), "spec");
}

/** The containers a workload's pods run (a CronJob's through its job template). */
export function containersOf(o: KubeObject): V1Container[] {
    const containers = (at(podTemplateOf(o), "spec", "containers") ?? []) as V1Container[];
    return containers.filter((c) => typeof c === "object" && c);
}

/** The words of a command line, shell scripts (`sh -c '...'`) split as well. */
function words(values: readonly string[]): string[] {
    return values.flatMap((v) => v.split(/[\s;&|()"'`]+/)).filter((w) => w !== "");
}

const baseName = (word: string) => word.slice(word.lastIndexOf("/") + 1);

/** What a container runs, by name: its image's name and the base names of the programs its command line names. */
export function programNames(c: V1Container): Set<string> {
    const named = words([...(c.command ?? []), ...(c.args ?? [])]).filter(
        (w) => !w.startsWith("-") && /^[\w./-]+$/.test(w),
    );
    return new Set([...(c.image ? [imageName(c.image)] : []), ...named.map(baseName)]);
}
