import { strict as assert } from "assert";
import { ConfigError } from "../../components/config/problems";
import { loadProgramConfig } from "../../components/config/load";
import { memoryConfigSource } from "../../components/config/source";
import { SYSTEMS } from "../../components/systems";
import { configErrorOf } from "../harness";
import { DIALS, DIALS_SECRETS, DialsSection, dialsSection, dialsValues, runDials } from "./fixtures";
import { runSystem } from "../fixtures/system";
import { readTakeover } from "../fixtures/runningReleases";

/** Runs a changed prod config and returns the ConfigError it must raise, after checking nothing was registered. */
const configError = (change: (dials: DialsSection) => void, secrets = DIALS_SECRETS) =>
    configErrorOf(() => runDials("prod", change, secrets));

/**
 * Fails unless the checks accept a stack's (changed) DIALS config: what rejects a configuration is the config load,
 * so the program is not evaluated (the suites of stack.test.ts evaluate both stacks).
 */
function accepts(stack: "stage" | "prod", change?: (dials: DialsSection) => void): void {
    const values = dialsValues(stack);
    change?.(dialsSection(values));
    const config = loadProgramConfig(memoryConfigSource(values, DIALS_SECRETS), SYSTEMS);
    assert.deepEqual(
        config.deployments.map((d) => d.def.section),
        ["dials"],
        stack,
    );
}

function keysOf(err: ConfigError): string[] {
    return err.problems.map((p) => p.key).sort();
}

describe("dials config checks", () => {
    it("accepts both committed stacks", () => {
        accepts("prod");
        accepts("stage");
    });

    it("refuses the takeover up until today's workers are drained, with runbook 003's drain step (issue 68)", async () => {
        const adopting = (drained?: boolean) => (values: Record<string, unknown>) => {
            const dials = dialsSection(values);
            const clusters = values.clusters as Record<string, Record<string, unknown>>;
            const cluster = dials.cluster ?? "cern-paas";
            // The running releases recorded (the release gate, test/dials/releaseGate.test.ts): this test is the drain.
            const release = dials.images.tag;
            const running = {
                dials: {
                    etl: release,
                    backend: release,
                    frontend: release,
                    "nginx-unprivileged": "1.27.4",
                    "redis-7-c9s": "7.2.4",
                },
            };
            clusters[cluster] = { ...clusters[cluster], adoptExisting: true, running };
            // ...and the takeover list read by the migration report (test/config/takeover.test.ts).
            readTakeover(dials);
            if (drained !== undefined) dials.workersDrained = drained;
        };
        for (const stack of ["stage", "prod"] as const) {
            const values = dialsValues(stack);
            adopting()(values);
            const ns = dialsSection(values).namespace;
            const err = await configErrorOf(() => runSystem(DIALS, stack, adopting()));
            const [p] = err.problems.filter((x) => x.key === "runbooks:dials.workersDrained");
            assert.ok(p, `${stack}: ${keysOf(err).join(", ")}`);
            assert.match(p.message, /adoptExisting is on: .* no drain/);
            assert.ok(
                p.message.includes(`oc -n ${ns} port-forward deployment/flower 5555, then in flower`),
                p.message,
            );
            assert.match(p.message, /then set it to true$/);
            assert.equal(p.fix, undefined);
            // Confirmed: the takeover goes on; every later up (adoptExisting off) never asks.
            const confirmed = dialsValues(stack);
            adopting(true)(confirmed);
            loadProgramConfig(memoryConfigSource(confirmed, DIALS_SECRETS), SYSTEMS);
        }
        accepts("prod", (d) => (d.workersDrained = false));
    });

    it("rejects a workspace configured twice, pointing at the second entry", async () => {
        const err = await configError((d) => {
            d.workspaces.push({ name: "csc", egroup: "cms-dqm-runregistry-offline-csc-certifiers" });
        });
        assert.deepEqual(keysOf(err), ["runbooks:dials.workspaces[5].name"]);
        assert.match(
            err.problems[0].message,
            /workspace "csc" is configured twice \(workspaces\[0\] and \[5\]\)/,
        );
        assert.equal(err.problems[0].fix, undefined);
    });

    it("rejects a workspace whose workers would get invalid Kubernetes names, naming them", async () => {
        const err = await configError((d) => {
            d.workspaces.push({ name: "muon_staging", egroup: "unknown" });
        });
        assert.deepEqual(keysOf(err), ["runbooks:dials.workspaces[5].name"]);
        assert.match(err.problems[0].message, /"muon_staging-bulk", "muon_staging-priority"/);
        assert.equal(err.problems[0].fix, undefined);
    });

    it("rejects a workspace name too long for its workers' names", async () => {
        const name = "a".repeat(56);
        const err = await configError((d) => {
            d.workspaces[0].name = name;
        });
        assert.deepEqual(keysOf(err), ["runbooks:dials.workspaces[0].name"]);
        assert.match(err.problems[0].message, new RegExp(`"${name}-priority"`));
        assert.ok(
            !err.problems[0].message.includes(`"${name}-bulk"`),
            "a 61-character -bulk name is still valid",
        );
    });

    it("rejects a grace period that is not longer than the task limit plus the pre-stop hook", async () => {
        for (const grace of [600, 7200, 7320]) {
            const err = await configError((d) => {
                d.etl.taskTimeLimitSeconds = 7200;
                d.etl.terminationGracePeriodSeconds = grace;
            });
            assert.deepEqual(keysOf(err), ["runbooks:dials.etl.terminationGracePeriodSeconds"]);
            assert.match(
                err.problems[0].message,
                new RegExp(
                    `\\(${grace} s\\) must be longer than dials.etl.taskTimeLimitSeconds \\(7200 s\\) plus 120 s`,
                ),
            );
            assert.equal(err.problems[0].fix, undefined);
        }
        accepts("prod", (d) => {
            d.etl.taskTimeLimitSeconds = 7200;
            d.etl.terminationGracePeriodSeconds = 7321;
        });
        // Without a task limit (the running system) there is nothing to outlast.
        accepts("prod", (d) => {
            d.etl.terminationGracePeriodSeconds = 600;
        });
    });

    it("rejects a default workspace that does not exist and a worker name already taken", async () => {
        const err = await configError((d) => {
            d.defaultWorkspace = "pixel";
            d.etl.extraQueues = ["private-bulk", "csc-bulk", "backend"];
        });
        assert.deepEqual(keysOf(err), [
            "runbooks:dials.defaultWorkspace",
            "runbooks:dials.etl.extraQueues[1]",
            "runbooks:dials.etl.extraQueues[2]",
        ]);
        const byKey = Object.fromEntries(err.problems.map((p) => [p.key, p]));
        assert.match(
            byKey["runbooks:dials.etl.extraQueues[1]"].message,
            /"csc-bulk", which runbooks:dials.workspaces\[0\].name already uses/,
        );
        assert.match(
            byKey["runbooks:dials.etl.extraQueues[2]"].message,
            /"backend", which the web tier already uses/,
        );
        assert.match(
            byKey["runbooks:dials.defaultWorkspace"].message,
            /"pixel" is not one of the workspaces \(.*csc/,
        );
        assert.ok(
            err.problems.every((p) => p.fix === undefined),
            err.message,
        );
    });

    it("reports every schema mistake at its full key, with no command that sets a value", async () => {
        const err = await configError((d) => {
            d.images.tag = "latest";
            d.web.apiHost = "Not A Host";
        });
        assert.deepEqual(
            keysOf(err).filter((k) => k.startsWith("runbooks:dials")),
            ["runbooks:dials.images.tag", "runbooks:dials.web.apiHost"],
        );
        assert.doesNotMatch(err.message, /pulumi config set --path/);
    });

    it("lets a cross-field problem and a missing secret be reported together", async () => {
        const secrets = { ...DIALS_SECRETS };
        delete secrets["dials-django-secret-key"];
        const err = await configError((d) => {
            d.etl.taskTimeLimitSeconds = 7200;
            d.etl.terminationGracePeriodSeconds = 30;
        }, secrets);
        assert.deepEqual(keysOf(err), [
            "runbooks:dials-django-secret-key",
            "runbooks:dials.etl.terminationGracePeriodSeconds",
        ]);
        assert.ok(err.message.includes("pulumi config set --secret dials-django-secret-key"), err.message);
    });
});
