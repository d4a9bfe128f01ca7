import { strict as assert } from "assert";
import { evidenceFor, imageVersion } from "../../components/shared/evidence/lookup";
import type { ImageEvidence, ReadFacts } from "../../components/shared/evidence/types";
import { CENTOSMSG_QUEUE, PACKIT_EVIDENCE } from "../../components/packit/evidence";
import { containersOf, kindOf, podSpecOf } from "../../policy/rules/k8s";
import { Obj, isObj, objectsOf } from "../../policy/rules/types";
import type { PlanResource } from "../../tools/plan/render";
import { COMMITTED_STACKS, stackPlan } from "../fixtures/plans";
import { replay } from "../evidence/replay";

// What the shared replay (test/evidence) does not check, for the packit and stream deployments only: the files and
// Secret keys a container is given against those its process opens, the variables it needs, and whether every Celery
// queue one of its processes publishes to is served by a worker of the same namespace (each has its own Redis).

const SYSTEMS = new Set(["packit", "stream"]);
const TABLE: readonly ImageEvidence[] = PACKIT_EVIDENCE.images;

interface Container {
    where: string;
    namespace: string;
    image: string;
    facts?: ReadFacts;
    env: Map<string, unknown>;
    /** path → Secret key of every file a Secret volume places in the container. */
    secretFiles: Map<string, string>;
    /** Directories Secret volumes are mounted at. */
    secretDirs: Set<string>;
    /** Secrets mounted whole (no items): the plan cannot show which keys land, nor keep out those never opened. */
    wholeSecrets: string[];
}

const meta = (o: Obj): Obj => (isObj(o.metadata) ? o.metadata : {});

function packitContainers(resources: readonly PlanResource[]): Container[] {
    const secretKeys = new Map<string, string[]>();
    for (const r of resources.filter((x) => kindOf(x.type) === "Secret")) {
        const i = r.inputs as Obj;
        const keys = [i.data, i.stringData].filter(isObj).flatMap((d) => Object.keys(d));
        secretKeys.set(`${String(meta(i).namespace)}/${String(meta(i).name)}`, keys);
    }
    return resources
        .filter((r) => SYSTEMS.has(r.system))
        .flatMap((r) => {
            const props = r.inputs as Obj;
            const pod = podSpecOf(r.type, props);
            if (!pod) return [];
            const namespace = String(meta(props).namespace ?? "");
            const volumes = new Map(objectsOf(pod.spec.volumes).map((v) => [String(v.name), v]));
            return containersOf(pod).map(({ container: c }) => {
                const image = String(c.image);
                const { entry } = evidenceFor(TABLE, image);
                const secretFiles = new Map<string, string>();
                const secretDirs = new Set<string>();
                const wholeSecrets: string[] = [];
                for (const m of objectsOf(c.volumeMounts)) {
                    const v = volumes.get(String(m.name));
                    if (!v || !isObj(v.secret)) continue;
                    const dir = String(m.mountPath);
                    secretDirs.add(dir);
                    const items = objectsOf(v.secret.items);
                    if (items.length === 0) wholeSecrets.push(String(v.secret.secretName));
                    const keys = items.length
                        ? items.map((it) => [String(it.path), String(it.key)] as const)
                        : (secretKeys.get(`${namespace}/${String(v.secret.secretName)}`) ?? []).map(
                              (k) => [k, k] as const,
                          );
                    for (const [file, key] of keys) secretFiles.set(`${dir}/${file}`, key);
                }
                return {
                    where: `${r.system} ${kindOf(r.type)} ${namespace}/${String(meta(props).name)} ${String(c.name)}`,
                    namespace,
                    image,
                    facts: entry?.facts.state === "read" ? entry.facts : undefined,
                    env: new Map(objectsOf(c.env).map((e) => [String(e.name), e.value])),
                    secretFiles,
                    secretDirs,
                    wholeSecrets,
                };
            });
        });
}

/** `problems` of the plan's packit containers: files and Secret keys. */
export function fileMismatches(containers: readonly Container[]): string[] {
    const out: string[] = [];
    for (const c of containers) {
        if (!c.facts) continue;
        const opened = new Set(c.facts.files.map((f) => f.name));
        for (const name of c.wholeSecrets)
            out.push(`${c.where}: mounts Secret ${name} whole; name the keys ${c.image} opens as items`);
        for (const [path, key] of c.secretFiles)
            if (!opened.has(path))
                out.push(`${c.where}: is given Secret key ${key} at ${path}, which ${c.image} never opens`);
        for (const f of c.facts.files) {
            const dir = f.name.slice(0, f.name.lastIndexOf("/"));
            if (c.secretDirs.has(dir) && !c.secretFiles.has(f.name))
                out.push(
                    `${c.where}: ${c.image} opens ${f.name} (${f.at}), which its Secret volume at ${dir} does not hold`,
                );
        }
    }
    return out;
}

/** Queues a process of a namespace publishes to that no worker of that namespace serves. */
export function queueMismatches(containers: readonly Container[]): string[] {
    const out: string[] = [];
    const namespaces = new Set(containers.map((c) => c.namespace));
    for (const ns of namespaces) {
        const here = containers.filter((c) => c.namespace === ns && c.facts);
        // A worker serves what its QUEUES names, among the queues its image can consume.
        const served = new Set(
            here.flatMap((c) => {
                const queues = c.env.get("QUEUES");
                if (typeof queues !== "string" || !c.facts?.consumes) return [];
                const can = new Set(c.facts.consumes.map((q) => q.name));
                return queues.split(",").filter((q) => can.has(q));
            }),
        );
        for (const c of here) {
            const centos = imageVersion(c.image).repository === "quay.io/packit/packit-service-centosmsg";
            const published = centos
                ? [String(c.env.get(CENTOSMSG_QUEUE.env) ?? CENTOSMSG_QUEUE.unset)]
                : (c.facts?.publishes ?? []).map((q) => q.name);
            for (const q of published)
                if (!served.has(q))
                    out.push(`${c.where}: publishes to ${q}, which no worker of ${ns} serves`);
        }
    }
    return out;
}

for (const stack of COMMITTED_STACKS) {
    describe(`packit and stream against their evidence, ${stack} plan (issue 51)`, () => {
        let resources: PlanResource[];
        let containers: Container[];
        before(async () => {
            resources = (await stackPlan(stack)).resources;
            containers = packitContainers(resources);
        });

        it("the Packit images the source was read of are checked, not passed as unread", () => {
            const checked = containers.filter((c) => c.facts).map((c) => imageVersion(c.image).repository);
            for (const repo of [
                "packit-service",
                "packit-worker",
                "hardly",
                "packit-service-fedmsg",
                "tokman",
            ])
                assert.ok(checked.includes(`quay.io/packit/${repo}`), `${repo} is not checked`);
            for (const image of ["docker.io/nginxinc/nginx-unprivileged", "quay.io/openshift/origin-cli"])
                assert.ok(checked.includes(image), `${image} is not checked`);
        });

        it("every variable a container sets is one its image reads (the shared replay, on packit and stream)", () => {
            const mine = replay(resources, TABLE).mismatches.filter((m) => /^(packit|stream) /.test(m));
            assert.deepEqual(mine, []);
        });

        it("every container is given exactly the Secret keys its process opens, and each file its start script needs", () => {
            assert.deepEqual(fileMismatches(containers), []);
        });

        it("control: a worker without APP, a variable run_worker.sh needs, fails the shared replay", () => {
            const edited = resources.map((r) => {
                if (r.system !== "packit" || !/Deployment|StatefulSet/.test(r.type)) return r;
                const inputs = JSON.parse(JSON.stringify(r.inputs)) as Obj;
                const pod = podSpecOf(r.type, inputs);
                for (const { container } of pod ? containersOf(pod) : [])
                    container.env = objectsOf(container.env).filter((e) => e.name !== "APP");
                return { ...r, inputs };
            });
            const found = replay(edited, TABLE).mismatches.filter((m) => m.includes("sets no APP"));
            assert.ok(found.length > 0, "no worker reported without APP");
            assert.match(found[0], /run_worker\.sh/);
        });

        it("every queue a process publishes to is served by a worker of its namespace", () => {
            assert.deepEqual(queueMismatches(containers), []);
        });

        it("control: a worker serving no rate-limited, and a centosmsg without its queue, fail", () => {
            const edited = containers.map((c) => ({ ...c, env: new Map(c.env) }));
            for (const c of edited) {
                const q = c.env.get("QUEUES");
                if (typeof q === "string") c.env.set("QUEUES", q.replace(",rate-limited", ""));
                c.env.delete(CENTOSMSG_QUEUE.env);
            }
            const found = queueMismatches(edited);
            assert.ok(
                found.some((m) => m.includes("publishes to rate-limited")),
                found.join("\n"),
            );
            if (stack === "prod" || containers.some((c) => c.image.includes("centosmsg")))
                assert.ok(
                    found.some((m) => m.includes("publishes to celery")),
                    found.join("\n"),
                );
        });

        it("control: an id_rsa in place of id_ed25519 fails both ways", () => {
            const edited = containers.map((c) => {
                const files = new Map(
                    [...c.secretFiles].map(([p, k]) =>
                        p.startsWith("/packit-ssh/id_ed25519")
                            ? [p.replace("id_ed25519", "id_rsa"), k.replace("id_ed25519", "id_rsa")]
                            : [p, k],
                    ),
                );
                return { ...c, secretFiles: files };
            });
            const found = fileMismatches(edited);
            assert.ok(
                found.some((m) => m.includes("Secret key id_rsa at /packit-ssh/id_rsa")),
                found.join("\n"),
            );
            assert.ok(
                found.some((m) => m.includes("opens /packit-ssh/id_ed25519 ")),
                found.join("\n"),
            );
        });
    });
}
