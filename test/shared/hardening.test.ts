// The shared rules of the hardening: probes that never repeat the readiness check as liveness, start deadlines from
// a schedule, CPU requests from memory, disruption budgets and node spreading for multi-replica workloads.
import { strict as assert } from "assert";
import fc from "fast-check";
import { toContainer } from "../../components/shared/container";
import { execProbe, httpProbe, httpServerProbes, sameCheck, tcpProbe } from "../../components/shared/probes";
import { cpuRequestOf, parseQuantity, sized } from "../../components/shared/resources";
import {
    MAX_STARTING_DEADLINE_SECONDS,
    shortestIntervalSeconds,
    startingDeadlineFor,
} from "../../components/shared/scheduledJob";
import { disruptionBudgetSpec, spreadOverNodes } from "../../components/shared/workload";
import { budgetAllowsEviction } from "../../policy/rules/workloads";
import { labelSelectorMatches } from "../../components/shared/labelSelector";

describe("hardening helpers", () => {
    describe("sameCheck (kube-score's identical probes)", () => {
        // fc.webPath() costs ~25 ms a sample, which timed this test out on a loaded machine; the probe only needs
        // distinct path strings.
        const urlPath = fc
            .array(
                fc.string({
                    unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789-._~%"),
                    maxLength: 12,
                }),
                {
                    maxLength: 4,
                },
            )
            .map((segments) => `/${segments.join("/")}`);
        it("compares the check, not the timing", () => {
            assert.ok(sameCheck(httpProbe("/h", 80), httpProbe("/h", 80, { initialDelaySeconds: 30 })));
            assert.ok(sameCheck(tcpProbe("http"), tcpProbe("http", { periodSeconds: 20 })));
            assert.ok(sameCheck(execProbe(["a", "b"]), execProbe(["a", "b"], { timeoutSeconds: 9 })));
            assert.ok(!sameCheck(httpProbe("/h", 80), httpProbe("/ready", 80)));
            assert.ok(!sameCheck(httpProbe("/h", 80), httpProbe("/h", 81)));
            assert.ok(!sameCheck(httpProbe("/h", 80), tcpProbe(80)));
            assert.ok(!sameCheck(execProbe(["a", "b"]), execProbe(["a", "b", "c"])));
        });

        it("httpServerProbes never gives the same check twice", () => {
            fc.assert(
                fc.property(
                    urlPath,
                    fc.oneof(fc.integer({ min: 1, max: 65535 }), fc.constant("http")),
                    (p, port) => {
                        const { readinessProbe, livenessProbe } = httpServerProbes(httpProbe(p, port));
                        assert.ok(!sameCheck(readinessProbe, livenessProbe));
                        assert.deepEqual(livenessProbe.tcpSocket, { port });
                    },
                ),
            );
            assert.throws(() => httpServerProbes(tcpProbe(80)), /HTTP readiness probe/);
        });

        it("a container whose liveness repeats its readiness check is refused", () => {
            const base = {
                name: "web",
                image: "quay.io/x/y:1",
                resources: sized("10m", "64Mi", undefined, "64Mi"),
            };
            assert.throws(
                () => toContainer({ ...base, readinessProbe: tcpProbe(80), livenessProbe: tcpProbe(80) }),
                /container web: its livenessProbe makes the same check as its readinessProbe/,
            );
            assert.doesNotThrow(() => toContainer({ ...base, ...httpServerProbes(httpProbe("/", 80)) }));
        });
    });

    describe("startingDeadlineFor", () => {
        it("is half the shortest interval, at least 10 s and at most an hour", () => {
            const cases: [string, number][] = [
                ["* * * * *", 30],
                ["*/10 * * * *", 300],
                ["*/20 * * * *", 600],
                ["54 * * * *", 1800],
                ["17 23 * * *", 3600],
                ["29 12 * * 1,3,5", 3600],
                ["@daily", 3600],
                ["@midnight", 3600],
                ["@every 30s", 15],
                ["@every 10s", 10],
                // Irregular: the closest pair counts (00:00 and 00:05).
                ["0,5 0 * * *", 150],
            ];
            for (const [schedule, want] of cases) assert.equal(startingDeadlineFor(schedule), want, schedule);
        });

        it("holds for generated schedules: never more than half the interval, never past the cap", () => {
            fc.assert(
                fc.property(
                    fc.integer({ min: 1, max: 59 }),
                    fc.integer({ min: 0, max: 59 }),
                    (step, minute) => {
                        for (const schedule of [
                            `*/${step} * * * *`,
                            `${minute} */${Math.min(step, 23)} * * *`,
                        ]) {
                            const interval = shortestIntervalSeconds(schedule);
                            const deadline = startingDeadlineFor(schedule);
                            assert.ok(
                                deadline <= Math.max(10, interval / 2),
                                `${schedule}: ${deadline} / ${interval}`,
                            );
                            assert.ok(deadline >= 10 && deadline <= MAX_STARTING_DEADLINE_SECONDS);
                        }
                    },
                ),
                { numRuns: 8 },
            );
        });
    });

    describe("cpuRequestOf", () => {
        it("keeps a given request, takes a limit as the API would, else the memory's share of a node", () => {
            assert.equal(cpuRequestOf(sized("125m", "128Mi", "500m", "256Mi")), "125m");
            assert.equal(cpuRequestOf(sized(undefined, "128Mi", "500m", "256Mi")), "500m");
            assert.equal(cpuRequestOf(sized(undefined, "1024Mi", undefined, "5120Mi")), "250m");
            assert.equal(cpuRequestOf(sized(undefined, "512Mi", undefined, "2048Mi")), "130m");
            assert.equal(cpuRequestOf(sized(undefined, "3Gi", undefined, "3Gi")), "750m");
            assert.equal(cpuRequestOf(sized(undefined, "1Mi", undefined, "1Mi")), "10m");
        });

        it("grows with memory and stays within 10m of 1 core per 4 GiB", () => {
            fc.assert(
                fc.property(fc.integer({ min: 1, max: 64 * 1024 }), (mi) => {
                    const cpu = parseQuantity(
                        cpuRequestOf(sized(undefined, `${mi}Mi`, undefined, `${mi}Mi`)),
                    );
                    const share = mi / (4 * 1024);
                    assert.ok(cpu >= share && cpu <= Math.max(share, 0.01) + 0.01, `${mi}Mi → ${cpu}`);
                }),
            );
        });
    });

    describe("disruption budgets and node spreading", () => {
        const selector = { "app.kubernetes.io/name": "deck", "app.kubernetes.io/instance": "deck" };

        it("only for more than one replica", () => {
            assert.equal(disruptionBudgetSpec(0, selector), undefined);
            assert.equal(disruptionBudgetSpec(1, selector), undefined);
            assert.equal(spreadOverNodes(1, selector), undefined);
        });

        it("select exactly the workload's pods and always let a drain evict one", () => {
            fc.assert(
                fc.property(
                    fc.integer({ min: 2, max: 50 }),
                    fc.dictionary(
                        fc.stringMatching(/^[a-z][a-z0-9.-]{0,20}$/),
                        fc.stringMatching(/^[a-z0-9]{1,10}$/),
                        {
                            minKeys: 1,
                        },
                    ),
                    (replicas, labels) => {
                        const budget = disruptionBudgetSpec(replicas, labels)!;
                        assert.ok(budgetAllowsEviction(budget as Record<string, unknown>, replicas));
                        assert.ok(labelSelectorMatches(budget.selector, labels));
                        // Another workload's pods (one label value different) are not selected.
                        const [key] = Object.keys(labels);
                        assert.ok(
                            !labelSelectorMatches(budget.selector, { ...labels, [key]: `${labels[key]}x` }),
                        );
                        const term = spreadOverNodes(replicas, labels)!.podAntiAffinity as {
                            preferredDuringSchedulingIgnoredDuringExecution: {
                                podAffinityTerm: { topologyKey: string; labelSelector: unknown };
                            }[];
                        };
                        const [preferred] = term.preferredDuringSchedulingIgnoredDuringExecution;
                        assert.equal(preferred.podAffinityTerm.topologyKey, "kubernetes.io/hostname");
                        assert.ok(labelSelectorMatches(preferred.podAffinityTerm.labelSelector, labels));
                    },
                ),
            );
        });

        it("budgetAllowsEviction: maxUnavailable ≥ 1 or minAvailable below replicas, percentages rounded up as the API does", () => {
            assert.ok(budgetAllowsEviction({ maxUnavailable: 1 }, 2));
            assert.ok(!budgetAllowsEviction({ maxUnavailable: 0 }, 3));
            assert.ok(budgetAllowsEviction({ maxUnavailable: "10%" }, 3));
            assert.ok(!budgetAllowsEviction({ maxUnavailable: "0%" }, 3));
            assert.ok(budgetAllowsEviction({ maxUnavailable: "50%" }, 3));
            assert.ok(budgetAllowsEviction({ minAvailable: 2 }, 3));
            assert.ok(!budgetAllowsEviction({ minAvailable: 3 }, 3));
            assert.ok(!budgetAllowsEviction({ minAvailable: "100%" }, 3));
            assert.ok(!budgetAllowsEviction({ minAvailable: "90%" }, 3));
            assert.ok(!budgetAllowsEviction({}, 3));
        });
    });
});
