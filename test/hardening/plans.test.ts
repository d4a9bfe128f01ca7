// Hardening of both committed plans, derived from the objects rather than from a list of names: every container a
// Service sends traffic to has a readiness probe (and no liveness probe repeating it), every workload of more than
// one replica exactly one PodDisruptionBudget that lets a drain proceed, every CronJob a start deadline that its
// schedule implies, every container a CPU request, every StatefulSet its governing headless Service.
import { strict as assert } from "assert";
import { sameCheck } from "../../components/shared/probes";
import { MAX_STARTING_DEADLINE_SECONDS, shortestIntervalSeconds } from "../../components/shared/scheduledJob";
import { containersOf, describe as describeObject, kindOf, podSpecOf } from "../../policy/rules/k8s";
import { labelSelectorMatches, serviceSelects } from "../../components/shared/labelSelector";
import { templateLabels } from "../../policy/rules/podTemplate";
import { isObj, type PolicyInput } from "../../policy/rules/types";
import { budgetAllowsEviction, servingContainers } from "../../policy/rules/workloads";
import { COMMITTED_STACKS } from "../fixtures/plans";
import { committedPolicyInputs } from "./committedInputs";

const spec = (r: PolicyInput): Record<string, unknown> => (isObj(r.props.spec) ? r.props.spec : {});
const namespaceOf = (r: PolicyInput): string =>
    `${r.provider}/${String((r.props.metadata as { namespace?: string }).namespace)}`;

describe("hardening of the committed plans", function () {
    this.timeout(180_000);
    const inputs = committedPolicyInputs();

    for (const stack of COMMITTED_STACKS) {
        const ofKind = (...kinds: string[]) =>
            inputs[stack].filter((r) => kinds.includes(kindOf(r.type) ?? ""));

        it(`${stack}: every container a Service's port targets has a readiness probe`, () => {
            const missing: string[] = [];
            let serving = 0;
            for (const workload of inputs[stack]) {
                const pod = podSpecOf(workload.type, workload.props);
                if (!pod) continue;
                const byName = new Map(containersOf(pod).map((c) => [c.name, c.container]));
                for (const [name, via] of servingContainers(workload, inputs[stack])) {
                    serving++;
                    if (!isObj(byName.get(name)?.readinessProbe)) {
                        missing.push(
                            `${describeObject(workload.type, workload.props)} ${name} (${via.join(", ")})`,
                        );
                    }
                }
            }
            assert.deepEqual(missing, []);
            // The rule found the servers: Prow, Thoth, Packit, DIALS all have some.
            assert.ok(serving > 40, `only ${serving} serving containers found`);
        });

        it(`${stack}: no container's liveness probe repeats its readiness check`, () => {
            const same = inputs[stack].flatMap((r) => {
                const pod = podSpecOf(r.type, r.props);
                return (pod ? containersOf(pod) : [])
                    .filter(
                        (c) =>
                            isObj(c.container.readinessProbe) &&
                            isObj(c.container.livenessProbe) &&
                            sameCheck(c.container.readinessProbe, c.container.livenessProbe),
                    )
                    .map((c) => `${describeObject(r.type, r.props)} ${c.name}`);
            });
            assert.deepEqual(same, []);
        });

        it(`${stack}: every workload of more than one replica has exactly one budget, selecting only its pods, that lets a drain evict one`, () => {
            const workloads = ofKind("Deployment", "StatefulSet");
            const budgets = ofKind("PodDisruptionBudget");
            const problems: string[] = [];
            for (const w of workloads) {
                const replicas = typeof spec(w).replicas === "number" ? (spec(w).replicas as number) : 1;
                const labels = templateLabels(w.props);
                const mine = budgets.filter(
                    (b) =>
                        namespaceOf(b) === namespaceOf(w) && labelSelectorMatches(spec(b).selector, labels),
                );
                const where = describeObject(w.type, w.props);
                if (replicas > 1 && mine.length !== 1) problems.push(`${where}: ${mine.length} budgets`);
                if (replicas <= 1 && mine.length > 0)
                    problems.push(`${where}: a budget on ${replicas} replica(s)`);
                for (const b of mine) {
                    if (!budgetAllowsEviction(spec(b), replicas))
                        problems.push(`${where}: budget blocks drains`);
                }
            }
            for (const b of budgets) {
                const selected = workloads.filter(
                    (w) =>
                        namespaceOf(b) === namespaceOf(w) &&
                        labelSelectorMatches(spec(b).selector, templateLabels(w.props)),
                );
                if (selected.length !== 1) {
                    problems.push(`${describeObject(b.type, b.props)} selects ${selected.length} workloads`);
                }
            }
            assert.deepEqual(problems, []);
            assert.ok(budgets.length >= 5, `${budgets.length} budgets`);
        });

        it(`${stack}: every CronJob may start late by at most half its shortest interval, and at most an hour`, () => {
            const problems = ofKind("CronJob").flatMap((c) => {
                const deadline = spec(c).startingDeadlineSeconds;
                const interval = shortestIntervalSeconds(
                    String(spec(c).schedule),
                    spec(c).timeZone as string,
                );
                const ok =
                    typeof deadline === "number" &&
                    deadline >= 10 &&
                    deadline <= Math.max(10, interval / 2) &&
                    deadline <= MAX_STARTING_DEADLINE_SECONDS;
                return ok
                    ? []
                    : [`${describeObject(c.type, c.props)}: ${String(deadline)} (every ${interval} s)`];
            });
            assert.deepEqual(problems, []);
        });

        it(`${stack}: every container, init containers included, requests CPU`, () => {
            const missing = inputs[stack].flatMap((r) => {
                const pod = podSpecOf(r.type, r.props);
                return (pod ? containersOf(pod) : [])
                    .filter((c) => {
                        const resources = isObj(c.container.resources) ? c.container.resources : {};
                        return !isObj(resources.requests) || resources.requests.cpu === undefined;
                    })
                    .map((c) => `${describeObject(r.type, r.props)} ${c.name}`);
            });
            assert.deepEqual(missing, []);
        });

        it(`${stack}: every StatefulSet's serviceName names a headless Service selecting its pods`, () => {
            const services = ofKind("Service");
            const problems = ofKind("StatefulSet").flatMap((s) => {
                const governing = services.find(
                    (svc) =>
                        namespaceOf(svc) === namespaceOf(s) &&
                        (svc.props.metadata as { name?: string }).name === spec(s).serviceName &&
                        spec(svc).clusterIP === "None" &&
                        serviceSelects(spec(svc).selector, templateLabels(s.props)),
                );
                return governing ? [] : [describeObject(s.type, s.props)];
            });
            assert.deepEqual(problems, []);
        });
    }
});
