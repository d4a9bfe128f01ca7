// The policy pack catches the removal of each thing the hardening added, in both committed plans: every serving
// container's readiness probe, every PodDisruptionBudget, every CronJob's start deadline, every CPU request. Each
// removal, one at a time, gives exactly one violation of its rule, about the object it was removed from.
import { strict as assert } from "assert";
import { checkResources } from "../../policy/rules";
import { containersOf, kindOf, podSpecOf } from "../../policy/rules/k8s";
import { isObj, type Obj, type PolicyInput, type Rule, type StackRule } from "../../policy/rules/types";
import {
    cpuRequests,
    cronJobDeadline,
    disruptionBudgets,
    readinessOnServing,
    servingContainers,
} from "../../policy/rules/workloads";
import { COMMITTED_STACKS } from "../fixtures/plans";
import { committedPolicyInputs } from "./committedInputs";

const CONTEXT = { production: false };

/** The stack with resource `at` replaced by a copy that `edit` changed. */
function withEdit(resources: readonly PolicyInput[], at: number, edit: (props: Obj) => void): PolicyInput[] {
    const copy = structuredClone(resources[at]);
    edit(copy.props);
    return resources.map((r, i) => (i === at ? copy : r));
}

/** The container named `name` of a resource's pod spec (a live reference into `props`). */
function container(r: PolicyInput, props: Obj, name: string): Obj {
    const pod = podSpecOf(r.type, props);
    const found = pod && containersOf(pod).find((c) => c.name === name);
    if (!found) throw new Error(`${r.urn} has no container ${name}`);
    return found.container;
}

function violations(resources: readonly PolicyInput[], rule: Rule | StackRule) {
    return checkResources(resources, CONTEXT, [rule]);
}

describe("the policy pack fails on removing any of the hardening", function () {
    this.timeout(180_000);
    const inputs = committedPolicyInputs();

    for (const stack of COMMITTED_STACKS) {
        it(`${stack}: readiness-on-serving, for every serving container's readiness probe`, () => {
            const resources = inputs[stack];
            assert.deepEqual(violations(resources, readinessOnServing), []);
            let removed = 0;
            resources.forEach((r, i) => {
                for (const name of servingContainers(r, resources).keys()) {
                    const edited = withEdit(resources, i, (props) => {
                        delete container(r, props, name).readinessProbe;
                    });
                    const found = violations(edited, readinessOnServing);
                    assert.equal(found.length, 1, `${r.urn} ${name}: ${JSON.stringify(found)}`);
                    assert.equal(found[0].urn, r.urn);
                    assert.match(found[0].message, new RegExp(`container "${name}" serves`));
                    removed++;
                }
            });
            assert.ok(removed > 40, `${removed} removals`);
        });

        it(`${stack}: disruption-budgets, for every PodDisruptionBudget`, () => {
            const resources = inputs[stack];
            assert.deepEqual(violations(resources, disruptionBudgets), []);
            const budgets = resources.filter((r) => kindOf(r.type) === "PodDisruptionBudget");
            assert.ok(budgets.length >= 5);
            for (const budget of budgets) {
                const found = violations(
                    resources.filter((r) => r !== budget),
                    disruptionBudgets,
                );
                assert.equal(found.length, 1, `${budget.urn}: ${JSON.stringify(found)}`);
                assert.match(found[0].message, /replicas and 0 PodDisruptionBudgets/);
                // A budget that would block drains (minAvailable = replicas) fails too.
                const at = resources.indexOf(budget);
                const blocking = withEdit(resources, at, (props) => {
                    const spec = props.spec as Obj;
                    delete spec.maxUnavailable;
                    spec.minAvailable = "100%";
                });
                assert.match(
                    violations(blocking, disruptionBudgets)[0]?.message ?? "",
                    /never lets a drain evict/,
                );
            }
        });

        it(`${stack}: cronjob-starting-deadline, for every CronJob`, () => {
            const resources = inputs[stack];
            assert.deepEqual(violations(resources, cronJobDeadline), []);
            let removed = 0;
            resources.forEach((r, i) => {
                if (kindOf(r.type) !== "CronJob") return;
                const edited = withEdit(
                    resources,
                    i,
                    (props) => delete (props.spec as Obj).startingDeadlineSeconds,
                );
                const found = violations(edited, cronJobDeadline);
                assert.deepEqual(
                    found.map((v) => v.urn),
                    [r.urn],
                );
                removed++;
            });
            assert.ok(removed >= 20, `${removed} CronJobs`);
        });

        it(`${stack}: cpu-requests, for every container's CPU request`, () => {
            const resources = inputs[stack];
            assert.deepEqual(violations(resources, cpuRequests), []);
            let removed = 0;
            resources.forEach((r, i) => {
                const pod = podSpecOf(r.type, r.props);
                for (const c of pod ? containersOf(pod) : []) {
                    const edited = withEdit(resources, i, (props) => {
                        const resourcesOf = container(r, props, c.name).resources;
                        if (isObj(resourcesOf) && isObj(resourcesOf.requests))
                            delete resourcesOf.requests.cpu;
                    });
                    // Only the edited resource can change: the rule looks at one resource at a time.
                    const found = cpuRequests.check(edited[i], CONTEXT);
                    assert.equal(found.length, 1, `${r.urn} ${c.name}`);
                    assert.match(found[0], new RegExp(`container "${c.name}" requests no CPU`));
                    removed++;
                }
            });
            assert.ok(removed > 100, `${removed} containers`);
        });
    }
});
