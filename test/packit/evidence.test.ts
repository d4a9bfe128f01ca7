import { strict as assert } from "assert";
import { QueueView, containerVerdict, unservedQueues } from "../evidence/check";
import { evidenceFor, imageVersion } from "../../components/shared/evidence/lookup";
import type { ImageEvidence } from "../../components/shared/evidence/schema";
import { PACKIT_EVIDENCE } from "../../components/packit/evidence";
import { podSpecOf } from "../../policy/rules/k8s";
import { Obj, objectsOf } from "../../policy/rules/types";
import type { PlanResource } from "../../tools/plan/render";
import { COMMITTED_STACKS, recordedResources, stackPlan } from "../fixtures/plans";
import { PlannedContainer, plannedContainers, queueViews, replay } from "../../tools/evidence/replay";

// The shared replay (test/evidence) on the packit and stream deployments, with the controls of what issue 51 found
// there: the Secret keys a container is given against the files its process opens, the variables it needs, and
// whether every Celery queue one of its processes publishes to is served by a worker of the same namespace (each has
// its own Redis).

const TABLE: readonly ImageEvidence[] = PACKIT_EVIDENCE.images;

/**
 * centosmsg publishes to the queue this variable names, and without it to Celery's default queue `celery`, which no
 * worker serves.
 */
function centosmsgQueueVariable(): string {
    const { entry } = evidenceFor(TABLE, "quay.io/packit/packit-service-centosmsg:prod");
    const env = entry?.facts.state === "read" ? entry.facts.queues?.publishedFrom?.env : undefined;
    assert.ok(env, "centosmsg's evidence names no variable for its queue");
    return env;
}
const ours = (where: string): boolean => /^(packit|stream) /.test(where);

/** The shared replay's findings on packit and stream. */
const mismatches = (resources: readonly PlanResource[]): string[] =>
    replay(resources, TABLE).mismatches.filter(ours);

/** The shared queue rule over the plan's packit and stream containers. */
function queueMismatches(views: readonly QueueView[]): string[] {
    return unservedQueues(views.filter((v) => ours(v.where)));
}

/** The plan with every packit and stream pod spec changed by `edit`. */
function editPods(resources: readonly PlanResource[], edit: (pod: Obj) => void): PlanResource[] {
    return resources.map((r) => {
        if (!["packit", "stream"].includes(r.system)) return r;
        const inputs = JSON.parse(JSON.stringify(r.inputs)) as Obj;
        const pod = podSpecOf(r.type, inputs);
        if (!pod) return r;
        edit(pod.spec);
        return { ...r, inputs };
    });
}

for (const stack of COMMITTED_STACKS) {
    describe(`packit and stream against their evidence, ${stack} plan (issue 51)`, () => {
        let resources: PlanResource[];
        let containers: PlannedContainer[];
        let queues: QueueView[];
        before(async () => {
            resources = recordedResources(await stackPlan(stack));
            containers = plannedContainers(resources).filter((c) => ours(c.where));
            queues = queueViews(containers, TABLE);
        });

        it("the Packit images the source was read of are checked, not passed as unread", () => {
            const checked = containers
                .filter((c) => containerVerdict(TABLE, c.view).state === "checked")
                .map((c) => imageVersion(c.view.image).repository);
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
            assert.deepEqual(mismatches(resources), []);
        });

        it("every container is given exactly the Secret keys its process opens, and each file its start script needs", () => {
            const given = containers.flatMap((c) => c.view.secretFiles?.files ?? []);
            assert.ok(given.length >= 10, `only ${given.length} Secret files are checked`);
            assert.deepEqual(
                containers.flatMap((c) => c.view.secretFiles?.undecided ?? []),
                [],
                "a Secret volume whose keys the plan cannot show",
            );
            assert.deepEqual(
                mismatches(resources).filter((m) => / Secret | opens /.test(m)),
                [],
            );
        });

        it("control: a worker without APP, a variable run_worker.sh needs, fails the shared replay", () => {
            const edited = editPods(resources, (pod) => {
                for (const container of objectsOf(pod.containers))
                    container.env = objectsOf(container.env).filter((e) => e.name !== "APP");
            });
            const found = mismatches(edited).filter((m) => m.includes("sets no APP"));
            assert.ok(found.length > 0, "no worker reported without APP");
            assert.match(found[0], /run_worker\.sh/);
        });

        it("every queue a process publishes to is served by a worker of its namespace", () => {
            assert.deepEqual(queueMismatches(queues), []);
        });

        it("control: a worker serving no rate-limited, and a centosmsg without its queue, fail", () => {
            const centosmsgQueue = centosmsgQueueVariable();
            const edited = queues.map((c) => {
                const values = new Map(c.values);
                const q = values.get("QUEUES");
                if (q !== undefined) values.set("QUEUES", q.replace(",rate-limited", ""));
                values.delete(centosmsgQueue);
                return { ...c, values };
            });
            const found = queueMismatches(edited);
            assert.ok(
                found.some((m) => m.includes("publishes to rate-limited")),
                found.join("\n"),
            );
            if (stack === "prod" || containers.some((c) => c.view.image.includes("centosmsg")))
                assert.ok(
                    found.some((m) => m.includes("publishes to celery")),
                    found.join("\n"),
                );
        });

        it("control: a second namespace's worker does not serve the first's queues", () => {
            const moved = queues.map((c) =>
                c.values.has("QUEUES") ? { ...c, scope: `${c.scope}-elsewhere`, namespace: "elsewhere" } : c,
            );
            assert.ok(
                queueMismatches(moved).some((m) => /publishes to short-running, which no worker of/.test(m)),
            );
        });

        it("control: an id_rsa in place of id_ed25519 fails both ways", () => {
            const edited = editPods(resources, (pod) => {
                for (const v of objectsOf(pod.volumes))
                    for (const item of objectsOf((v.secret as Obj | undefined)?.items))
                        if (String(item.path).startsWith("id_ed25519")) {
                            item.path = String(item.path).replace("id_ed25519", "id_rsa");
                            item.key = String(item.key).replace("id_ed25519", "id_rsa");
                        }
            });
            const found = mismatches(edited);
            assert.ok(
                found.some((m) => /key id_rsa at \/packit-ssh\/id_rsa, which .* never opens/.test(m)),
                found.join("\n"),
            );
            assert.ok(
                found.some((m) => m.includes("opens /packit-ssh/id_ed25519 ")),
                found.join("\n"),
            );
        });
    });
}
