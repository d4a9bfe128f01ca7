import type { V1PodSpec } from "@kubernetes/client-node";
import {
    POSTGRES_MAJOR_ANNOTATION,
    POSTGRES_MAJOR_KEY_ANNOTATION,
} from "../../components/shared/postgresServer";
import { DumpHeader, readDumpHeader } from "../../components/shared/dumpHeader";
import { dumpFile, takeoverProblems } from "../../components/shared/databaseTakeover";
import type { ClusterApi } from "./kube";
import { DesiredObject, KubeObject, Placed, at, namespacedName } from "./model";

/**
 * The database takeover: a PostgreSQL server of the program that the first `pulumi up` starts on a claim that exists
 * today (Packit/Stream `postgres.claimName`, Thoth's knowledge graph `pgsql-data`). It must not start before (a) the data directory on that claim is of the
 * major version the server runs, or it refuses to start (or, on a layout it does not know, initialises an empty
 * database), and (b) a dump of the running database exists, the one way back if the takeover goes wrong.
 */
export interface DatabaseTakeover extends Placed {
    namespace: string;
    /** The program's server Deployment. */
    server: string;
    claim: string;
    /** The major version the program's server runs (its {@link POSTGRES_MAJOR_ANNOTATION}). */
    version: number;
    /** The stack key that sets it. */
    versionKey: string;
    /** The major version of the data directory on the claim, when it could be read. */
    dataVersion?: number;
    /** The dump the operator named with `--dump <namespace>=<path>`, when it is a usable one. */
    dump?: DumpHeader & { path: string };
    /** Why the takeover must not happen yet, each with the command that fixes it; empty = ready. */
    problems: string[];
}

/**
 * Where the sclorg PostgreSQL images the program runs keep the data directory inside their volume (`PGDATA` is
 * `<mount>/userdata`): `postgres-<version>` reads `<claim>/userdata/PG_VERSION` when it starts on the claim.
 */
export const DATA_SUBDIR = "userdata";

/** A program server: a Deployment that declares the major version it runs, its claim and mount path. */
interface Server {
    d: DesiredObject;
    version: number;
    versionKey: string;
    claim: string;
    mountPath: string;
}

/** The program's PostgreSQL servers: every Deployment that declares its major version (shared/postgresServer.ts). */
function servers(desired: readonly DesiredObject[]): Server[] {
    return desired.flatMap((d) => {
        const o = d.object;
        const annotations = (o.metadata.annotations ?? {}) as Record<string, string>;
        const version = Number(annotations[POSTGRES_MAJOR_ANNOTATION]);
        if (o.kind !== "Deployment" || annotations[POSTGRES_MAJOR_ANNOTATION] === undefined) return [];
        const versionKey = annotations[POSTGRES_MAJOR_KEY_ANNOTATION] ?? POSTGRES_MAJOR_ANNOTATION;
        const spec = at(o, "spec", "template", "spec") as V1PodSpec | undefined;
        return (spec?.volumes ?? []).flatMap((v) => {
            const claim = v.persistentVolumeClaim?.claimName;
            const mount = spec?.containers
                ?.flatMap((c) => c.volumeMounts ?? [])
                .find((m) => m.name === v.name);
            return claim && mount ? [{ d, version, versionKey, claim, mountPath: mount.mountPath }] : [];
        });
    });
}

/** Namespaces of the program's PostgreSQL servers: where `--dump` may name a dump. */
export function databaseNamespaces(desired: readonly DesiredObject[]): string[] {
    return [...new Set(servers(desired).map((s) => s.d.object.metadata.namespace ?? ""))].sort();
}

/** A running pod that mounts `claim`, with the container and path where it does (no subPath: the claim's root). */
function runningOn(
    pods: readonly KubeObject[],
    claim: string,
): { pod: string; container: string; mountPath: string } | undefined {
    for (const p of pods) {
        if (at(p, "status", "phase") !== "Running" || p.metadata.deletionTimestamp) continue;
        const spec = at(p, "spec") as V1PodSpec;
        const volume = spec.volumes?.find((v) => v.persistentVolumeClaim?.claimName === claim);
        if (!volume) continue;
        for (const c of spec.containers ?? []) {
            const m = c.volumeMounts?.find((x) => x.name === volume.name && !x.subPath);
            if (m) return { pod: p.metadata.name, container: c.name, mountPath: m.mountPath };
        }
    }
    return undefined;
}

/**
 * The dump of runbook 001 ("PostgreSQL data migration"), as one custom-format archive of the database the old
 * server serves. pg_dump only reads (one repeatable-read transaction). The file gets its final name only when
 * pg_dump exits 0: a failed or interrupted dump leaves `.partial`, which the report is never given.
 */
export function dumpCommand(namespace: string, pod: string, container: string): string {
    const file = dumpFile(namespace);
    return (
        `oc -n ${namespace} exec ${pod} -c ${container} -- bash -c 'pg_dump -U postgres -Fc "$POSTGRESQL_DATABASE"' ` +
        `> ${file}.partial && mv ${file}.partial ${file}`
    );
}

/** What the operator runs instead when the report cannot read the data directory's version itself. */
function versionCommand(namespace: string, pod: string, container: string, file: string): string {
    return `oc -n ${namespace} exec ${pod} -c ${container} -- cat ${file}`;
}

/**
 * Every database takeover of one cluster: each program server whose claim exists, with the running data directory's
 * major version and the operator's dump checked. `dumps` maps a namespace to the dump file named for it.
 *
 * The version is read as the file `<claim>/userdata/PG_VERSION` in the pod that mounts the claim today, with `cat`
 * and nothing else (no shell, no database session, no lock, nothing written): it is exactly the file the program's
 * server checks when it starts on that claim, so a data directory that is elsewhere on the claim (another image's
 * layout) is found too. `postgres --version` would name the old binary, not what the new server reads, and the
 * image's tag moves (`:c9s`). It needs the `pods/exec` permission; without it the version is unknown (blocking) and
 * the report prints the same command to run by hand.
 */
export async function databaseTakeovers(
    cluster: string,
    desired: readonly DesiredObject[],
    liveClaims: readonly KubeObject[],
    api: Pick<ClusterApi, "list" | "exec">,
    dumps: ReadonlyMap<string, string>,
    now: Date = new Date(),
): Promise<DatabaseTakeover[]> {
    const live = new Set(liveClaims.map(namespacedName));
    const takeovers: DatabaseTakeover[] = [];
    const pods = new Map<string, Promise<KubeObject[]>>();
    for (const s of servers(desired)) {
        const namespace = s.d.object.metadata.namespace ?? "";
        if (!live.has(`${namespace}/${s.claim}`)) continue;
        if (!pods.has(namespace)) pods.set(namespace, api.list("v1", "Pod", namespace));
        const running = runningOn(await pods.get(namespace)!, s.claim);
        const file = running && `${running.mountPath.replace(/\/+$/, "")}/${DATA_SUBDIR}/PG_VERSION`;
        let dataVersion: number | { unknown: string };
        if (!running) {
            dataVersion = {
                unknown:
                    `no running pod mounts it, so it cannot be read (run the report before scaling the old server to 0: ` +
                    `oc -n ${namespace} get pods -o wide)`,
            };
        } else {
            const byHand = versionCommand(namespace, running.pod, running.container, file!);
            dataVersion = await readVersion(api, namespace, running, file!, byHand);
        }
        const path = dumps.get(namespace);
        const header = path === undefined ? undefined : readDumpHeader(path);
        const dump = header && path !== undefined ? { path, ...header } : undefined;
        const { claim, version, versionKey } = s;
        const takeover = { namespace, server: s.d.object.metadata.name, claim, version, versionKey };
        const problems = takeoverProblems({
            ...takeover,
            dataVersion,
            dump,
            makeDump: running && dumpCommand(namespace, running.pod, running.container),
            now,
        });
        takeovers.push({
            cluster,
            system: s.d.system,
            ...takeover,
            ...(typeof dataVersion === "number" ? { dataVersion } : {}),
            ...(dump && !("problem" in dump) ? { dump } : {}),
            problems,
        });
    }
    return takeovers;
}

async function readVersion(
    api: Pick<ClusterApi, "list" | "exec">,
    namespace: string,
    running: { pod: string; container: string },
    file: string,
    byHand: string,
): Promise<number | { unknown: string }> {
    if (!api.exec) return { unknown: `read it by hand: ${byHand}` };
    let text: string;
    try {
        text = await api.exec(namespace, running.pod, running.container, ["cat", file]);
    } catch (err) {
        const why = err instanceof Error ? err.message.split("\n")[0] : String(err);
        return {
            unknown:
                `reading ${file} in pod ${running.pod} failed (${why}); when the file is missing, the data is not where ` +
                `the program's server looks and it would start an EMPTY database. Read it by hand: ${byHand}`,
        };
    }
    const major = /^\s*(\d+)\s*$/.exec(text);
    if (!major || Number(major[1]) < 10)
        return {
            unknown: `${file} in pod ${running.pod} holds "${text.trim().slice(0, 20)}", not a major version`,
        };
    return Number(major[1]);
}

/** The report's lines about the takeovers: one per server, each problem below it. */
export function takeoverLines(takeovers: readonly DatabaseTakeover[]): string[] {
    if (takeovers.length === 0) return [];
    const blocked = takeovers.filter((t) => t.problems.length > 0).length;
    const parts = [blocked > 0 ? `${blocked} BLOCKING` : "", `${takeovers.length - blocked} ready`].filter(
        Boolean,
    );
    const lines = [
        "",
        `== database takeovers (PostgreSQL started on a claim that holds data today): ${parts.join(", ")}`,
    ];
    for (const t of takeovers) {
        const id = `${t.server} on claim ${t.namespace}/${t.claim} (cluster ${t.cluster}, ${t.system})`;
        if (t.problems.length === 0) {
            const d = t.dump!;
            lines.push(
                `  [ready] ${id}: data directory ${t.dataVersion} = ${t.versionKey} ${t.version}; dump ${d.path} ` +
                    `(database ${d.database}, server ${d.serverVersion}, made ${d.made.toISOString()})`,
            );
            continue;
        }
        lines.push(`  [BLOCKING: database takeover not safe yet] ${id}`);
        for (const p of t.problems) lines.push(`      ! ${p}`);
    }
    return lines;
}
