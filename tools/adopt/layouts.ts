import type { V1PodSpec } from "@kubernetes/client-node";
import { parseImageRef } from "../../components/shared/imageRef";
import { DesiredObject, Finding, KubeObject, at, kindAndName, namespacedName, objectId } from "./model";
import { droppedQueueProblems } from "./droppedQueues";
import { ROLE_KINDS, RoleMatch, blocks, podSpecOf, roleProblem, servicesSelecting } from "./roles";
import { POD_RUNNING_KINDS } from "./selectors";

// What runs today in a system's namespaces, said in one line, and the layouts the program cannot take over: a
// system with nothing running where production is expected (or only workloads of no known role), a live workload
// holding the role of one of the program's under another name or kind (./roles), and one doing the job of one the
// program would add under another name (its image or port). The program's first deploy beside any of them would run
// a second system (an empty one, or a second consumer of the same queue, a second controller of the same resources)
// next to the live one.

/** What the report found of one system on one cluster. */
export interface LayoutCheck {
    cluster: string;
    system: string;
    /** The live workloads of its namespaces, by kind, in one line. */
    found: string;
    /** The known layout of its sources that the live workloads match, when one does. */
    layout?: string;
    /** Each blocks the first deploy. */
    problems: string[];
}

/** A layout one of the systems' deployment repositories has had: where it is written, how it is recognised. */
export interface KnownLayout {
    system: string;
    /** What it is and which repository@commit:path describes it. */
    name: string;
    /** Whether the live workloads (pod-running kinds of the system's namespaces) are this layout. */
    matches: (workloads: readonly KubeObject[]) => boolean;
    /** What to set in the stack file to take the live workloads over, when it describes another layout. */
    fix?: (workloads: readonly KubeObject[]) => string;
}

/** A container image without its tag or digest: two workloads running it run the same program. */
export function imageRepository(image: string): string {
    const { registry, repository } = parseImageRef(image);
    return registry === undefined ? repository : `${registry}/${repository}`;
}

const podSpec = (o: KubeObject) => (podSpecOf(o) ?? {}) as Partial<V1PodSpec>;

/**
 * The ports the Services of `services` that select `o`'s pods send to it: a server that declares no containerPort
 * (a broker started from a plain image) still serves what its Service's targetPort says. A named targetPort counts
 * only when a container declares it.
 */
function servedPorts(o: KubeObject, services: readonly KubeObject[]): number[] {
    const named = new Map(
        (podSpec(o).containers ?? []).flatMap((c) =>
            (c.ports ?? []).flatMap((p) =>
                p.name && p.containerPort ? [[p.name, p.containerPort] as const] : [],
            ),
        ),
    );
    return servicesSelecting(o, services)
        .flatMap((s) => (at(s, "spec", "ports") ?? []) as { port?: number; targetPort?: number | string }[])
        .flatMap((p) => {
            const target = p.targetPort ?? p.port;
            if (typeof target === "number") return [target];
            if (typeof target === "string" && /^[0-9]+$/.test(target)) return [Number(target)];
            return typeof target === "string" && named.has(target) ? [named.get(target)!] : [];
        });
}

/** The image repositories and ports of a workload's pods (declared, or sent to by a Service): what it runs and serves. */
function jobOf(o: KubeObject, services: readonly KubeObject[]): { images: Set<string>; ports: Set<number> } {
    const containers = podSpec(o).containers ?? [];
    return {
        images: new Set(containers.flatMap((c) => (c.image ? [imageRepository(c.image)] : []))),
        ports: new Set([
            ...containers.flatMap((c) => (c.ports ?? []).flatMap((p) => p.containerPort ?? [])),
            ...servedPorts(o, services),
        ]),
    };
}

/**
 * Live workloads the program does not run (no object of its id) that run the image or serve a port (declared, or what
 * a Service of its side sends to it: `live` and `desired` may hold Services) of a workload the program would create in
 * the same namespace: each with the program's workloads it overlaps, and why.
 * `replaced` holds the ids of live workloads the program provably runs in place of (another kind of the same name,
 * the same claim): those are handled as replacements, not as a second system.
 */
export function sameJobElsewhere(
    live: readonly KubeObject[],
    desired: readonly KubeObject[],
    created: ReadonlySet<string>,
    replaced: ReadonlySet<string>,
): { live: KubeObject; program: KubeObject[]; why: string }[] {
    const mine = new Set(desired.map(objectId));
    const added = desired.filter((d) => POD_RUNNING_KINDS.includes(d.kind) && created.has(objectId(d)));
    const liveServices = live.filter((o) => o.kind === "Service");
    const programServices = desired.filter((o) => o.kind === "Service");
    return live.flatMap((l) => {
        if (!POD_RUNNING_KINDS.includes(l.kind) || mine.has(objectId(l)) || replaced.has(objectId(l)))
            return [];
        const job = jobOf(l, liveServices);
        const reasons = new Set<string>();
        const program = added.filter((d) => {
            if (d.metadata.namespace !== l.metadata.namespace) return false;
            const theirs = jobOf(d, programServices);
            const images = [...job.images].filter((i) => theirs.images.has(i));
            const ports = [...job.ports].filter((p) => theirs.ports.has(p));
            for (const i of images) reasons.add(`image ${i}`);
            for (const p of ports) reasons.add(`port ${p}`);
            return images.length + ports.length > 0;
        });
        return program.length > 0 ? [{ live: l, program, why: [...reasons].sort().join(", ") }] : [];
    });
}

/** One line of the live workloads: `3 Deployment (a, b, c), 1 DeploymentConfig (d)`, or `nothing`. */
function foundLine(workloads: readonly KubeObject[]): string {
    const byKind = new Map<string, string[]>();
    for (const w of workloads) byKind.set(w.kind, [...(byKind.get(w.kind) ?? []), w.metadata.name]);
    const parts = [...byKind]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([kind, names]) => `${names.length} ${kind} (${names.sort().join(", ")})`);
    return parts.join(", ") || "no workload";
}

/** Options of {@link layoutChecks}. */
export interface LayoutOptions {
    /** A production stack: its systems run today, so a system with no live workload is not where it runs. */
    production: boolean;
    /** Systems the operator declared new on this stack (`--first-install`): nothing of them runs yet. */
    firstInstall?: ReadonlySet<string>;
    known?: readonly KnownLayout[];
    /** Namespaces of the program's objects that the cluster lacks and the program does not create. */
    absentNamespaces?: ReadonlySet<string>;
    /** The live workloads that hold a role of a program workload under another name (./roles roleMatches). */
    roles?: readonly RoleMatch[];
}

/**
 * A namespace the program runs workloads in where only workloads of no known role run: none is the program's (by id
 * or name), none holds a role a program workload holds, none runs its image or serves its port. One unrelated
 * Deployment there is no sign that the system runs there; the system may run in another namespace, and the first
 * deploy would start a second, empty one here.
 */
function strayProblem(ns: string, system: string, strays: readonly KubeObject[]): string {
    return (
        `only workloads of no known role run in ${ns} today (${foundLine(strays)}), where the program runs ${system}: ` +
        `none is the program's (by name), none holds the role of one of its workloads (a Prow controller it runs, a ` +
        `Celery queue it consumes, a Service it serves, a job it schedules), none runs its image or serves its port. If ` +
        `${system} runs in another namespace, the first deploy would start a second, empty ${system} here. Set the ` +
        `system's namespace to where it runs (oc get deployments,deploymentconfigs,statefulsets,cronjobs -A shows it). ` +
        `If these are ${system} under names or images the report does not know, it cannot tell: ask their owner, and ` +
        `never delete them as part of the migration. Only if ${system} has never run on this cluster, run the report ` +
        `again with --first-install ${system}`
    );
}

/**
 * The layout check of every system of one cluster, from the live objects listed in the program's namespaces, the
 * program's objects and the report's findings (a `create` is an object the cluster lacks).
 */
export function layoutChecks(
    cluster: string,
    desired: readonly DesiredObject[],
    live: readonly KubeObject[],
    findings: readonly Finding[],
    replaced: ReadonlySet<string>,
    options: LayoutOptions,
): LayoutCheck[] {
    const created = new Set(findings.filter((f) => f.verdict === "create").map((f) => f.id));
    const systems = [...new Set(desired.map((d) => d.system))].sort();
    return systems.map((system) => {
        const mine = desired.filter((d) => d.system === system).map((d) => d.object);
        const namespaces = new Set(
            mine.map((o) => (o.kind === "Namespace" ? o.metadata.name : (o.metadata.namespace ?? ""))),
        );
        const workloads = live.filter(
            (o) => POD_RUNNING_KINDS.includes(o.kind) && namespaces.has(o.metadata.namespace ?? ""),
        );
        const known = (options.known ?? []).find((k) => k.system === system && k.matches(workloads));
        const problems: string[] = [];
        const expected =
            options.production &&
            mine.some((o) => POD_RUNNING_KINDS.includes(o.kind)) &&
            !options.firstInstall?.has(system);
        if (expected && workloads.length === 0) {
            problems.push(
                `no workload runs in ${[...namespaces].filter(Boolean).sort().join(", ")} today, where production ` +
                    `${system} is expected: the first deploy would start a second, empty ${system} if it runs ` +
                    `elsewhere. Set the system's namespace to where it runs (oc get deployments,deploymentconfigs,` +
                    `statefulsets -A shows it), or, only if ${system} has never run on this cluster, run the report ` +
                    `again with --first-install ${system}`,
            );
        }
        for (const ns of [...namespaces].filter((n) => options.absentNamespaces?.has(n)).sort()) {
            const count = mine.filter((o) => o.metadata.namespace === ns).length;
            problems.push(
                `namespace ${ns} does not exist and the program does not create it, so the up would fail on the ` +
                    `first of its ${count} object(s) there: have it made the way this cluster's namespaces are made ` +
                    "(a project request, the platform's tenant namespaces), or set the system's namespace to one that exists",
            );
        }
        const liveHere = live.filter((o) => namespaces.has(o.metadata.namespace ?? ""));
        const roles = (options.roles ?? []).filter((m) => namespaces.has(m.live.metadata.namespace ?? ""));
        const byRole = new Set(roles.map((m) => objectId(m.live)));
        for (const m of roles.filter(blocks)) problems.push(roleProblem(m, system));
        problems.push(...droppedQueueProblems(liveHere, mine, new Set([...byRole, ...replaced]), system));
        const elsewhere = sameJobElsewhere(liveHere, mine, created, replaced);
        if (expected && workloads.length > 0) {
            const ids = new Set(mine.map(objectId));
            const names = new Set(mine.filter((o) => ROLE_KINDS.includes(o.kind)).map(namespacedName));
            const ofSystem = (o: KubeObject) =>
                [ids, replaced, byRole].some((set) => set.has(objectId(o))) ||
                names.has(namespacedName(o)) ||
                elsewhere.some((s) => s.live === o);
            const planned = new Set(
                mine.filter((o) => POD_RUNNING_KINDS.includes(o.kind)).map((o) => o.metadata.namespace ?? ""),
            );
            for (const ns of [...planned].sort()) {
                const here = liveHere.filter(
                    (o) => ROLE_KINDS.includes(o.kind) && (o.metadata.namespace ?? "") === ns,
                );
                if (here.length > 0 && !here.some(ofSystem)) problems.push(strayProblem(ns, system, here));
            }
        }
        for (const s of elsewhere.filter((x) => !byRole.has(objectId(x.live)))) {
            problems.push(
                `${kindAndName(s.live)} runs today (${s.why}) and the program does not deploy it, while it would add ` +
                    `${s.program.map(kindAndName).join(", ")} with the same ${s.why.includes("image") ? "image" : "port"}: ` +
                    "if it does their job under another name, both would run (a second consumer of the same " +
                    "queue, a second controller of the same resources, a second server of the same data). " +
                    (known?.fix
                        ? `The live layout is ${known.name}: ${known.fix(workloads)}`
                        : "Describe the live layout in the stack file so the program runs it under its live name, " +
                          `or, if ${s.live.metadata.name} is retired, delete it right before the deploy`),
            );
        }
        return {
            cluster,
            system,
            found: foundLine(workloads),
            ...(known ? { layout: known.name } : {}),
            problems,
        };
    });
}
