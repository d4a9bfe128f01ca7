import * as assert from "node:assert/strict";
import fc from "fast-check";
import { DesiredObject, objectId } from "../../adopt/model";
import { exitCode, renderReport } from "../../adopt/report";
import { listKey, liveReport } from "./fixtures";
import { LiveSystem } from "../../../test/fixtures/live/types";
import { declaredTakeover } from "../../../test/fixtures/live/takeovers";
import { PACKIT_TODAY } from "../../../test/fixtures/live/packitToday";
import { deniedFlows, externalDeleted, notInPlace } from "../../../test/fixtures/live/checks";
import { systemObjects } from "../../../test/fixtures/live/program";
import { packitTodayWhereItRuns, packitWhereItRuns } from "../../../test/fixtures/live/fixes";

// The first deploy of Pulumi.prod.yaml's Packit over Packit as packit/deployment@1c48cd8 runs it today: no tokman,
// the broker is valkey, OpenShift's resolved image digests, and the long-running workers also serve rate-limited.

const CLUSTER = "packit-auto";
const NS = PACKIT_TODAY.namespace;
const WORKERS = [
    "apps/v1/StatefulSet/packit--prod/packit-worker-long-running",
    "apps/v1/StatefulSet/packit--prod/packit-worker-short-running",
];

/** Today's Packit with its broker (Deployment, Service, claim) under another name, declaring ports or not. */
function brokerNamed(name: string, ports: boolean): LiveSystem {
    const rename = (v: string) => (v === "valkey" ? name : v);
    return {
        ...PACKIT_TODAY,
        workloads: PACKIT_TODAY.workloads.map((w) => ({
            ...w,
            name: rename(w.name),
            selector: w.name === "valkey" ? { component: name } : w.selector,
            podLabels: w.name === "valkey" ? { component: name } : w.podLabels,
            containers: w.containers.map((c) => ({
                ...c,
                ports: w.name === "valkey" && !ports ? undefined : c.ports,
                env: c.env && {
                    ...c.env,
                    ...(c.env.REDIS_SERVICE_HOST ? { REDIS_SERVICE_HOST: name } : {}),
                    ...(c.env.CELERY_BROKER_URL ? { CELERY_BROKER_URL: `redis://${name}:6379/0` } : {}),
                },
            })),
        })),
        services: PACKIT_TODAY.services.map((s) =>
            s.name === "valkey" ? { ...s, name, selector: { component: name } } : s,
        ),
        flows: PACKIT_TODAY.flows.map((f) => ({ ...f, to: rename(f.to) })),
    };
}

/** Names a live broker may have that are none of the program's or today's other objects. */
const OTHER_NAMES = new Set([
    ...PACKIT_TODAY.workloads.map((w) => w.name),
    ...PACKIT_TODAY.services.map((s) => s.name),
    "redis",
    "tokman",
]);
const brokerName = fc
    .stringMatching(/^[a-z]([-a-z0-9]{0,14}[a-z0-9])?$/)
    .filter((n) => !OTHER_NAMES.has(n) || n === "valkey");

describe("adopt: Packit over packit/deployment@1c48cd8 (production today)", function () {
    this.timeout(180_000);
    /** Where production runs, its broker not described: the program would add its own Redis. */
    let ownBroker: DesiredObject[];
    let fixed: DesiredObject[];

    before(async () => {
        ownBroker = await systemObjects("prod", "packit", (values) => {
            packitTodayWhereItRuns(values);
            delete (values.packit as { redis: { liveService?: string } }).redis.liveService;
        });
        fixed = await systemObjects("prod", "packit", packitTodayWhereItRuns);
    });

    it("the committed stack: packit-prod is empty where production runs in packit--prod: the list's objects run nowhere the stack writes, so it blocks, no second Packit", async () => {
        const r = await liveReport(CLUSTER, PACKIT_TODAY, await systemObjects("prod", "packit"));
        assert.equal(exitCode(r), 2);
        const absent = r.takeovers[0].problems
            .filter((p) =>
                p.includes(" is listed, but nothing of that kind and name runs on cluster packit-auto"),
            )
            .map((p) => p.split(" is listed")[0]);
        assert.deepEqual(
            absent.sort(),
            Object.keys(declaredTakeover(PACKIT_TODAY).objects)
                .map((id) => listKey("packit", id))
                .sort(),
        );
    });

    it("a broker under any name the list does not know blocks, named, whether it declares a port or not; declared replaced by the program's Redis, only the program's broker claim is at risk", async () => {
        await fc.assert(
            fc.asyncProperty(brokerName, fc.boolean(), async (name, ports) => {
                const system = brokerNamed(name, ports);
                const r = await liveReport(CLUSTER, system, ownBroker);
                const unlisted = r.takeovers[0].problems
                    .map(
                        (p) =>
                            /^(\S+) runs on cluster packit-auto and packit\.takeover does not name it/.exec(
                                p,
                            )?.[1],
                    )
                    .filter((id) => id !== undefined);
                assert.deepEqual(
                    unlisted.sort(),
                    name === "valkey" ? [] : [`${NS}/Deployment/${name}`, `${NS}/Service/${name}`],
                    renderReport(r),
                );
                if (name !== "valkey") assert.equal(exitCode(r), 2);
                // Declared: the program's Redis takes the broker's place, whatever its name.
                const list = declaredTakeover(PACKIT_TODAY);
                delete list.objects[`${NS}/Deployment/valkey`];
                delete list.objects[`${NS}/Service/valkey`];
                list.objects[`${NS}/Deployment/${name}`] = "replace with Deployment/redis";
                list.objects[`${NS}/Service/${name}`] = "replace with Service/redis";
                const declared = await liveReport(CLUSTER, system, ownBroker, undefined, {}, list);
                const text = renderReport(declared);
                assert.deepEqual(declared.takeovers[0].problems, [], text);
                // Only the program's broker claim may be the live broker's data: tokman's and the workers' new claims
                // are no other job's volume.
                const risks = declared.findings.filter((f) => f.verdict === "data-at-risk");
                assert.deepEqual(
                    risks.map((f) => f.id),
                    [`v1/PersistentVolumeClaim/${NS}/redis-pvc`],
                    text,
                );
                assert.match(risks[0].reasons[0], /holds data in valkey-pvc \(Bound, 4Gi, class aws-ebs\)/);
            }),
            { numRuns: 12, seed: 68 },
        );
    });

    it("with the broker left as it runs (redis.liveService: valkey): no second broker, no claim at risk; only the workers' StatefulSets block", async () => {
        const r = await liveReport(CLUSTER, PACKIT_TODAY, fixed);
        const text = renderReport(r);
        assert.deepEqual(r.takeovers[0].problems, [], text);
        assert.ok(!fixed.some((d) => d.object.metadata.name === "redis"), "the program makes no Redis");
        for (const id of WORKERS) {
            const env = (
                fixed.find((d) => objectId(d.object) === id)!.object.spec as {
                    template: { spec: { containers: { env: { name: string; value?: string }[] }[] } };
                }
            ).template.spec.containers[0].env;
            assert.equal(env.find((e) => e.name === "REDIS_SERVICE_HOST")?.value, "valkey");
        }
        assert.deepEqual(
            r.findings
                .filter((f) => f.verdict === "blocking" || f.verdict === "data-at-risk")
                .map((f) => f.id)
                .sort(),
            WORKERS,
            text,
        );
        // The broker, its config and data, and flower (which reads it) stay, named as never to be deleted.
        const kept = r.leftBehind.filter((l) => !l.replacedBy).map((l) => l.id);
        for (const id of [
            `apps/v1/Deployment/${NS}/valkey`,
            `v1/Service/${NS}/valkey`,
            `v1/PersistentVolumeClaim/${NS}/valkey-pvc`,
            `v1/ConfigMap/${NS}/redis-like-config`,
            `apps/v1/Deployment/${NS}/flower`,
        ])
            assert.ok(kept.includes(id), `${id} not left alone:\n${text}`);
        assert.deepEqual(externalDeleted(PACKIT_TODAY, r), []);
        assert.deepEqual(notInPlace(PACKIT_TODAY, fixed), []);
    });

    it("the database claim is 8Gi today: 1f79bca's 4Gi blocks, as a claim never shrinks", async () => {
        const older = await systemObjects("prod", "packit", (values) => {
            packitWhereItRuns(values);
            (values.packit as { redis: { liveService?: string } }).redis.liveService = "valkey";
        });
        const r = await liveReport(CLUSTER, PACKIT_TODAY, older);
        const claim = r.findings.find((f) => f.id === `v1/PersistentVolumeClaim/${NS}/postgres-15`);
        assert.equal(claim?.verdict, "blocking", renderReport(r));
        assert.match(claim!.reasons[0], /live 8Gi → program 4Gi/);
    });

    it("admits every live flow after the up: the Celery processes and flower to valkey, the workers to pushgateway", () => {
        assert.deepEqual(deniedFlows(PACKIT_TODAY, fixed), []);
    });
});
