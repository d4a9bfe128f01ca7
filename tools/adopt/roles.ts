import type { V1Container } from "@kubernetes/client-node";
import { serviceSelects } from "../../components/shared/labelSelector";
import { imageName } from "../../components/shared/releases";
import { KubeObject, at, kindAndName, namespacedName, objectId } from "./model";
import { BinaryRule, CeleryRule, ClientEnvRule, RoleRule, roleRules } from "./roleRules";
import { POD_RUNNING_KINDS, selectorArgument, templateLabels, workloadSelector } from "./selectors";
import { serviceOfHost } from "./serviceHost";

// A live workload that holds a role the program gives to one of its own (facts/adopt/roles.yaml), under another name
// or kind, is a second holder once the program's starts: two horologiums trigger every periodic job twice, two
// consumers split a queue between two releases, and a Service the program adopts switches its clients to the
// program's empty broker while the queued tasks stay behind.

/**
 * How the holders of a role behave, which decides the one safe way from two holders to one:
 * - `controller` acts on shared state by itself (a Prow controller, a scheduled job): two act twice, so the two
 *   must never run at once;
 * - `consumer` takes work from a queue: a worker killed mid-task loses the task;
 * - `server` is reached through a Service and holds what its clients stored: scaling it down drops that data.
 */
export type RoleNature = "controller" | "consumer" | "server";

/** One role a workload holds, and what in it shows so. */
export interface Held {
    rule: RoleRule;
    nature: RoleNature;
    /** What is compared: two holds of one rule with overlapping keys are the same role. */
    key: string;
    /** The role in words. */
    role: string;
    /** What in the workload shows it. */
    evidence: string;
    /** A consumer of every queue (a Celery worker that names none). */
    every?: boolean;
    /** A CronJob's schedule, normalised. */
    schedule?: string;
}

/** Workload kinds that hold roles: what runs pods, and a CronJob, which runs them on a schedule. */
export const ROLE_KINDS: readonly string[] = [...POD_RUNNING_KINDS, "CronJob"];

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

/** The values a command line gives `flag` (`--flag=v`, `--flag v`; `-Qv` for a one-letter flag). */
function flagValues(tokens: readonly string[], flag: string): string[] {
    return tokens.flatMap((t, i) => {
        if (t === flag && i + 1 < tokens.length) return [tokens[i + 1]];
        if (t.startsWith(`${flag}=`)) return [t.slice(flag.length + 1)];
        return !flag.startsWith("--") && t.startsWith(flag) && t.length > flag.length
            ? [t.slice(flag.length)]
            : [];
    });
}

/** An environment variable's literal value, `null` when it comes from a reference, undefined when unset. */
function envValue(c: V1Container, name: string): string | null | undefined {
    const e = (c.env ?? []).find((x) => x.name === name);
    return e && (typeof e.value === "string" ? e.value : null);
}

/** A schedule as five fields: `@hourly` and `0 * * * *` start the same job at the same minutes. */
function cronField(schedule: string): string {
    const aliases: Record<string, string> = {
        "@yearly": "0 0 1 1 *",
        "@annually": "0 0 1 1 *",
        "@monthly": "0 0 1 * *",
        "@weekly": "0 0 * * 0",
        "@daily": "0 0 * * *",
        "@midnight": "0 0 * * *",
        "@hourly": "0 * * * *",
    };
    const s = schedule.trim().replace(/\s+/g, " ");
    return aliases[s] ?? s;
}

function binaryHolds(rule: BinaryRule, c: V1Container): Held[] {
    const names = programNames(c);
    const binary = rule.binaries.find((b) => names.has(b));
    if (!binary) return [];
    const tokens = words(c.args ?? []);
    const scope = (rule.scopeFlags ?? [])
        .flatMap((f) => flagValues(tokens, f).map((v) => `${f}=${v}`))
        .sort()
        .join(" ");
    const image = c.image && imageName(c.image) === binary;
    return [
        {
            rule,
            nature: "controller",
            key: `${rule.role}|${scope}`,
            role: `Prow's ${rule.role}${scope ? ` (${scope})` : ""}`,
            evidence: image ? `image ${c.image}` : `runs ${binary} (${[...(c.command ?? [])].join(" ")})`,
        },
    ];
}

function celeryHolds(rule: CeleryRule, c: V1Container): Held[] {
    const tokens = words([...(c.command ?? []), ...(c.args ?? [])]);
    for (const l of rule.launchers) {
        const start = tokens.findIndex((t) => baseName(t) === l.command);
        const byImage = start < 0 && !c.command?.length && c.image && l.images?.includes(imageName(c.image));
        if (start < 0 && !byImage) continue;
        if (l.subcommand && !tokens.slice(start + 1).includes(l.subcommand)) continue;
        const launched = byImage ? `image ${c.image} (its command is ${l.command})` : l.command;
        if (l.commandEnv) {
            const command = envValue(c, l.commandEnv.name);
            if (typeof command === "string" && command !== l.commandEnv.worker) continue;
        }
        const flagged = (l.queueFlags ?? []).flatMap((f) =>
            flagValues(tokens, f).map((v) => ({ how: `${f} ${v}`, v })),
        );
        const fromEnv = l.queueEnv ? envValue(c, l.queueEnv) : undefined;
        const listed = [
            ...flagged,
            ...(typeof fromEnv === "string" ? [{ how: `${l.queueEnv}=${fromEnv}`, v: fromEnv }] : []),
        ];
        // Each queue of a comma-separated list, without the blanks around it.
        const queues = [...new Set(listed.flatMap((x) => x.v.trim().split(/\s*,\s*/)).filter(Boolean))];
        if (queues.length === 0) {
            const why =
                fromEnv === null
                    ? `${l.queueEnv} from a reference the report cannot read`
                    : `no ${[...(l.queueFlags ?? []), ...(l.queueEnv ? [l.queueEnv] : [])].join("/")}`;
            return [
                {
                    rule,
                    nature: "consumer",
                    key: "*",
                    every: true,
                    role: "a consumer of every Celery queue",
                    evidence: `${launched} worker, ${why}: it consumes every queue`,
                },
            ];
        }
        const how = listed.map((x) => x.how).join(", ");
        return queues.map((q) => ({
            rule,
            nature: "consumer" as const,
            key: q,
            role: `the consumer of Celery queue ${q}`,
            evidence: `${launched} worker, ${how}`,
        }));
    }
    return [];
}

/** The Services of `services` in `o`'s namespace whose selector selects `o`'s pods. */
export function servicesSelecting(o: KubeObject, services: readonly KubeObject[]): KubeObject[] {
    if (!POD_RUNNING_KINDS.includes(o.kind)) return [];
    const labels = templateLabels(o);
    return services.filter(
        (s) =>
            (s.metadata.namespace ?? "") === (o.metadata.namespace ?? "") &&
            serviceSelects(at(s, "spec", "selector"), labels),
    );
}

/** The Service a client's value names (a host, or a URL's host), relative to the client's namespace. */
function serviceNamed(value: string, url: boolean, callerNamespace: string) {
    let host = value.trim();
    if (url) {
        try {
            host = new URL(host).hostname;
        } catch {
            return undefined;
        }
    } else host = host.replace(/:\d+$/, ""); // `host:port`, as clients name a server with its port
    return serviceOfHost(host, callerNamespace);
}

/** What one side (the live cluster, or the program) has in a namespace, to recognise roles held through others. */
export interface Side {
    workloads: readonly KubeObject[];
    services: readonly KubeObject[];
}

function clientEnvHolds(rule: ClientEnvRule, o: KubeObject, side: Side): Held[] {
    const mine = new Set(servicesSelecting(o, side.services).map((s) => s.metadata.name));
    if (mine.size === 0) return [];
    const clients = new Map<string, string[]>();
    for (const w of side.workloads) {
        for (const c of containersOf(w)) {
            const v = envValue(c, rule.env);
            const service =
                typeof v === "string" ? serviceNamed(v, !!rule.url, w.metadata.namespace ?? "") : undefined;
            if (service?.namespace === (o.metadata.namespace ?? "") && mine.has(service.name))
                clients.set(service.name, [...(clients.get(service.name) ?? []), w.metadata.name]);
        }
    }
    return [...clients].map(([service, names]) => ({
        rule,
        nature: "server" as const,
        key: rule.env,
        role: rule.role,
        evidence: `Service ${service} selects its pods, and ${rule.env} of ${[...new Set(names)].sort().join(", ")} names it`,
    }));
}

function identity(o: KubeObject): string {
    return containersOf(o)
        .map((c) => [c.image ? imageName(c.image) : "", ...(c.command ?? []), ...(c.args ?? [])].join(" "))
        .join(" + ");
}

/** Every role `o` holds, recognised from its own fields and what `side` (its namespace, the same side) wires to it. */
export function rolesHeld(o: KubeObject, side: Side): Held[] {
    if (!ROLE_KINDS.includes(o.kind)) return [];
    const held: Held[] = [];
    const containers = containersOf(o);
    for (const rule of roleRules()) {
        if (rule.kind === "binary") held.push(...containers.flatMap((c) => binaryHolds(rule, c)));
        if (rule.kind === "celery") held.push(...containers.flatMap((c) => celeryHolds(rule, c)));
        if (rule.kind === "service")
            held.push(
                ...servicesSelecting(o, side.services).map((s) => ({
                    rule,
                    nature: "server" as const,
                    key: s.metadata.name,
                    role: `the server of Service ${s.metadata.name}`,
                    evidence: `Service ${s.metadata.name} selects its pods (${selectorArgument({ matchLabels: (at(s, "spec", "selector") ?? {}) as Record<string, string> })})`,
                })),
            );
        if (rule.kind === "clientEnv") held.push(...clientEnvHolds(rule, o, side));
        if (rule.kind === "schedule" && containers.length > 0) {
            const schedule =
                o.kind === "CronJob" ? cronField(String(at(o, "spec", "schedule") ?? "")) : undefined;
            held.push({
                rule,
                nature: "controller",
                key: identity(o),
                role: `the job ${identity(o)}`,
                evidence: schedule
                    ? `runs ${identity(o)} on schedule ${schedule}`
                    : `runs ${identity(o)} all the time (a ${o.kind})`,
                ...(schedule ? { schedule } : {}),
            });
        }
    }
    return held;
}

/** Whether two holds are the same role. */
export function sameRole(a: Held, b: Held): boolean {
    if (a.rule !== b.rule) return false;
    if (a.rule.kind === "celery") return a.every || b.every || a.key === b.key;
    if (a.rule.kind === "schedule") {
        // Two workloads that run the same command all the time are not a scheduled job (other rules judge them).
        if (a.schedule === undefined && b.schedule === undefined) return false;
        return (
            a.key === b.key &&
            (a.schedule === undefined || b.schedule === undefined || a.schedule === b.schedule)
        );
    }
    return a.key === b.key;
}

/** Whether a workload runs anything now: replicas above 0, a CronJob not suspended. */
export function runsNow(o: KubeObject): boolean {
    if (o.kind === "CronJob") return at(o, "spec", "suspend") !== true;
    if (o.kind === "DaemonSet") return true;
    return Number(at(o, "spec", "replicas") ?? 1) > 0;
}

/** A live workload that holds a role one of the program's workloads holds, under another name. */
export interface RoleMatch {
    live: KubeObject;
    /** Every role it holds, matched or not (a consumer's other queues). */
    held: Held[];
    /** Its roles the program's workloads hold too, each with the program's holders. */
    roles: { live: Held; program: { object: KubeObject; held: Held }[] }[];
    /** It runs pods now. */
    liveRuns: boolean;
    /** A program holder runs pods (one of 0 replicas holds the role in name only). */
    programRuns: boolean;
    /** The most careful nature among its roles (a server's data outweighs the rest). */
    nature: RoleNature;
}

const CAREFUL: readonly RoleNature[] = ["server", "consumer", "controller"];

/** What `objects` have in namespace `ns`: its workloads and Services. */
export function sideOf(objects: readonly KubeObject[], ns: string): Side {
    const here = objects.filter((o) => (o.metadata.namespace ?? "") === ns);
    return {
        workloads: here.filter((o) => ROLE_KINDS.includes(o.kind)),
        services: here.filter((o) => o.kind === "Service"),
    };
}

/**
 * The live workloads (of `live`, the cluster's objects in the program's namespaces) that hold a role a program
 * workload of the same namespace holds, and are not one the program runs: not the program's object, no program
 * workload of their name (the handover and replacement rules judge another kind under the same name), not `replaced`
 * (ids whose single-writer claim a program workload takes over).
 */
export function roleMatches(
    live: readonly KubeObject[],
    desired: readonly KubeObject[],
    replaced: ReadonlySet<string> = new Set(),
): RoleMatch[] {
    const mine = new Set(desired.map(objectId));
    const named = new Set(desired.filter((d) => ROLE_KINDS.includes(d.kind)).map(namespacedName));
    const out: RoleMatch[] = [];
    const namespaces = [...new Set(live.map((o) => o.metadata.namespace ?? ""))].sort();
    for (const ns of namespaces) {
        const liveSide = sideOf(live, ns);
        const programSide = sideOf(desired, ns);
        const programHeld = programSide.workloads.flatMap((object) =>
            rolesHeld(object, programSide).map((held) => ({ object, held })),
        );
        if (programHeld.length === 0) continue;
        for (const l of liveSide.workloads) {
            const id = objectId(l);
            if (mine.has(id) || named.has(`${ns}/${l.metadata.name}`) || replaced.has(id)) continue;
            const held = rolesHeld(l, liveSide);
            const roles = held
                .map((h) => ({ live: h, program: programHeld.filter((p) => sameRole(h, p.held)) }))
                .filter((r) => r.program.length > 0);
            if (roles.length === 0) continue;
            const natures = new Set(roles.map((r) => r.live.nature));
            out.push({
                live: l,
                held,
                roles,
                liveRuns: runsNow(l),
                programRuns: roles.some((r) => r.program.some((p) => runsNow(p.object))),
                nature: CAREFUL.find((n) => natures.has(n))!,
            });
        }
    }
    return out;
}

/** A match blocks when both sides run: the first deploy would start a second holder beside the live one. */
export const blocks = (m: RoleMatch): boolean => m.liveRuns && m.programRuns;

/** The program's running holders of the match, in one list. */
function holders(m: RoleMatch): KubeObject[] {
    const seen = new Map<string, KubeObject>();
    for (const r of m.roles)
        for (const p of r.program) if (runsNow(p.object)) seen.set(objectId(p.object), p.object);
    return [...seen.values()];
}

/** The commands that stop a live workload running pods, and undo it; how to check none is left. */
function stopSteps(l: KubeObject): { stop: string; check: string; undo: string; remove: string } {
    const ns = l.metadata.namespace ?? "";
    const name = l.metadata.name;
    const kind = l.kind.toLowerCase();
    if (l.kind === "CronJob")
        return {
            stop: `kubectl -n ${ns} patch cronjob ${name} --type=merge -p '{"spec":{"suspend":true}}'`,
            check: `kubectl -n ${ns} get pods --field-selector=status.phase=Running -o name | grep '^pod/${name}-' prints nothing (a Job it started before is finished)`,
            undo: `kubectl -n ${ns} patch cronjob ${name} --type=merge -p '{"spec":{"suspend":false}}'`,
            remove: `kubectl -n ${ns} delete cronjob ${name}`,
        };
    const selector = selectorArgument(workloadSelector(l) ?? {});
    const check = `kubectl -n ${ns} wait --for=delete pod -l '${selector}' --timeout=300s`;
    // A DaemonSet has no replicas to scale: its manifest is kept before it goes, so the undo can bring it back.
    if (l.kind === "DaemonSet")
        return {
            stop: `kubectl -n ${ns} get daemonset ${name} -o yaml > ${ns}-${name}.yaml, then kubectl -n ${ns} delete daemonset ${name}`,
            check,
            undo: `kubectl -n ${ns} apply -f ${ns}-${name}.yaml`,
            remove: `rm ${ns}-${name}.yaml (the DaemonSet is gone since 1)`,
        };
    return {
        stop: `kubectl -n ${ns} scale ${kind} ${name} --replicas=0`,
        check,
        undo: `kubectl -n ${ns} scale ${kind} ${name} --replicas=${Number(at(l, "spec", "replicas") ?? 1)}`,
        remove: `kubectl -n ${ns} delete ${kind} ${name}`,
    };
}

/** The queues a live consumer serves that no program holder does: they would stall once it stops. */
function unservedQueues(m: RoleMatch): string[] {
    const programQueues = m.roles.flatMap((r) => r.program.map((p) => p.held));
    if (programQueues.some((h) => h.every)) return [];
    const served = new Set(programQueues.map((h) => h.key));
    return m.held.filter((h) => h.rule.kind === "celery" && !h.every && !served.has(h.key)).map((h) => h.key);
}

/**
 * Why a match blocks and the one safe way out, as the report prints it: what was found (the roles, the program's
 * holders, the evidence on both sides), what two holders do, and the order that never runs both, never deletes blindly
 * and never drops a server's data; what the cluster cannot tell is said as a question for the system's owner. Names
 * alone are no fix here: a stack edit derived from the live names (a known layout's) would name the wrong queue or
 * worker when the live holder runs under another name. `system` names the stack section.
 */
export function roleProblem(m: RoleMatch, system: string): string {
    const l = m.live;
    const name = l.metadata.name;
    const program = holders(m);
    const programList = program.map(kindAndName).join(", ");
    const roles = [...new Set(m.roles.map((r) => r.live.role))].join("; ");
    const evidence = [...new Set(m.roles.map((r) => r.live.evidence))].join("; ");
    const theirs = [
        ...new Set(
            m.roles.flatMap((r) => r.program.map((p) => `${p.object.metadata.name}: ${p.held.evidence}`)),
        ),
    ].join("; ");
    const twice = [...new Set(m.roles.map((r) => r.live.rule.twice))].join("; ");
    const found =
        `${kindAndName(l)} runs today as ${roles} (evidence: ${evidence}), and the program does not run it: it would ` +
        `add ${programList} for the same role (evidence: ${theirs}), so ${twice}. `;
    const ready = program
        .map((p) => `${kindAndName(p)} ${p.kind === "CronJob" ? "created" : "Ready"}`)
        .join(", ");
    const { stop, check, undo, remove } = stopSteps(l);
    if (m.nature === "server") {
        const keep = m.roles
            .map((r) => r.live)
            .find((h) => h.rule.kind === "clientEnv" && h.rule.keepLive?.systems.includes(system));
        const service = keep && /^Service (\S+)/.exec(keep.evidence)?.[1];
        const keepFix =
            keep && service && keep.rule.kind === "clientEnv" && keep.rule.keepLive
                ? `To keep it, set ${system}.${keep.rule.keepLive.key}: ${service} in the stack file (the program then ` +
                  `makes no broker of its own and its clients use ${service}) and run this report again. `
                : "";
        return (
            found +
            `Do not scale ${name} down or delete it: what its clients stored is in it, and the program's starts empty. ` +
            keepFix +
            `Whether that data may be left behind cannot be told from the cluster: ask ${system}'s owner. The report ` +
            `blocks until ${name} no longer holds this role or the program no longer adds its own`
        );
    }
    const unserved = unservedQueues(m);
    const stall =
        unserved.length > 0
            ? `It also consumes ${unserved.join(", ")}, which no program worker consumes: those queues would stall once ` +
              `it stops; ask ${system}'s owner which worker should consume them before stopping it. `
            : m.held.some((h) => h.every)
              ? "It consumes every queue, and the report cannot list which of them no program worker consumes (those " +
                `would stall once it stops): check in flower, and ask ${system}'s owner about any such queue before ` +
                "stopping it. "
              : "";
    const drain =
        m.nature === "consumer"
            ? "first make sure it runs no task (flower, or celery inspect active): its pods stop within their grace " +
              "period and a longer task is lost, while the queued tasks stay in the broker for the program's workers; then "
            : "";
    return (
        found +
        stall +
        `Whether ${name} should be the one that stays (the program running it under its live name) cannot be told ` +
        `from the cluster: if so, ask ${system}'s owner how the stack file names it. Otherwise never delete it ` +
        `blindly and never let both run: ${drain}right before step 4, in this order: 1) ${stop}; 2) ${check}; 3) run ` +
        `this report again (it no longer blocks: ${name} runs nothing) and pulumi up at once. After step 5 (the ` +
        `program's ${ready}): ${remove}. If the up fails, undo 1: ${undo}`
    );
}

/** What the left-behind list says of a live holder whose role the program's workload takes: deleted after step 5. */
export function roleReplacement(m: RoleMatch): string | undefined {
    if (m.nature === "server" || !m.programRuns) return undefined;
    const roles = [...new Set(m.roles.map((r) => r.live.role))].join("; ");
    return `the program's ${holders(m).map(kindAndName).join(", ")} holds its role (${roles}) now`;
}
