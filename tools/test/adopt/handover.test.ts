import * as assert from "node:assert/strict";
import { handoverOf } from "../../adopt/handover";
import { KubeObject } from "../../adopt/model";

// The handover of a live workload of another kind under a program workload's name, over every combination of what
// decides it: today's replicas and pods, whether the program's selector selects them, the program's strategy and
// the claim both mount (single-writer or shared).

const NS = "graph";
const LIVE_LABELS = { name: "db", tier: "core" };

function dc(replicas: number, claim?: string): KubeObject {
    return {
        apiVersion: "apps.openshift.io/v1",
        kind: "DeploymentConfig",
        metadata: { name: "db", namespace: NS, uid: "dc-uid" },
        spec: {
            replicas,
            selector: { name: "db" },
            template: {
                metadata: { labels: LIVE_LABELS },
                spec: {
                    containers: [{ name: "db", image: "db:1" }],
                    ...(claim
                        ? { volumes: [{ name: "data", persistentVolumeClaim: { claimName: claim } }] }
                        : {}),
                },
            },
        },
    };
}

function deployment(selector: Record<string, string>, strategy: string, claim?: string): KubeObject {
    return {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "db", namespace: NS },
        spec: {
            selector: { matchLabels: selector },
            strategy: { type: strategy },
            template: {
                metadata: { labels: { ...selector, "app.kubernetes.io/name": "db" } },
                spec: {
                    containers: [{ name: "db", image: "db:2" }],
                    ...(claim
                        ? { volumes: [{ name: "data", persistentVolumeClaim: { claimName: claim } }] }
                        : {}),
                },
            },
        },
    };
}

const pod = (i: number): KubeObject => ({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: `db-1-${i}`, namespace: NS, labels: { ...LIVE_LABELS, deployment: "db-1" } },
});

describe("adopt: handing a live workload of another kind over (tools/adopt/handover.ts)", () => {
    const cases = [];
    for (const replicas of [0, 1, 2])
        for (const running of [0, replicas])
            for (const kept of [true, false])
                for (const strategy of ["Recreate", "RollingUpdate"])
                    for (const claim of [undefined, "single", "many"])
                        cases.push({ replicas, running, kept, strategy, claim });

    for (const c of cases) {
        it(`replicas ${c.replicas}, ${c.running} pod(s), selector ${c.kept ? "kept" : "the program's own"}, ${c.strategy}, claim ${c.claim ?? "none"}`, () => {
            const live = dc(c.replicas, c.claim);
            const desired = deployment(
                c.kept ? { name: "db" } : { "app.kubernetes.io/name": "db" },
                c.strategy,
                c.claim,
            );
            const pods = Array.from({ length: c.running }, (_, i) => pod(i));
            const h = handoverOf(live, desired, pods, new Set([`${NS}/many`]));
            const remove = "kubectl -n graph delete deploymentconfig db";
            // Nothing runs and nothing will: delete it after the deploy, whatever the program selects.
            if (c.replicas === 0 && c.running === 0) {
                assert.deepEqual(h && { before: h.beforeUp, after: h.afterUp }, {
                    before: [],
                    after: [remove],
                });
                return;
            }
            // Pods the program does not select would be left beside its own: no handover, only a replacement.
            if (!c.kept) return assert.equal(h, undefined);
            const exclusive = c.strategy === "Recreate" || c.claim === "single";
            assert.deepEqual(h?.afterUp, [remove]);
            assert.deepEqual(
                h?.beforeUp,
                exclusive
                    ? [
                          "kubectl -n graph scale deploymentconfig db --replicas=0",
                          "kubectl -n graph wait --for=delete pod -l 'name=db' --timeout=300s",
                      ]
                    : [],
            );
            assert.match(h!.why, exclusive ? /must never run at once/ : /start beside them/);
        });
    }

    it("a pod the program's selector misses (an old revision's labels) stops the handover even when the template matches", () => {
        const stray = { ...pod(9), metadata: { ...pod(9).metadata, labels: { tier: "core" } } };
        assert.equal(
            handoverOf(dc(1), deployment({ name: "db" }, "RollingUpdate"), [pod(0), stray], new Set()),
            undefined,
        );
    });
});
