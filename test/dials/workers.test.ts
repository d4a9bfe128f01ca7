import { strict as assert } from "assert";
import * as dialsWorkers from "../../components/dials/workers";
import { PROD_WORKERS, dialsSection, dialsValues } from "./fixtures";

describe("dials workers (pure)", () => {
    it("turns the prod workspace list into exactly the running system's workers (runbook 003)", () => {
        const config = dialsSection(dialsValues("prod"));
        assert.deepEqual(
            dialsWorkers
                .etlWorkers(config as never)
                .map((w) => w.name)
                .sort(),
            PROD_WORKERS,
        );
    });

    it("adds exactly <ws>-bulk and <ws>-priority for one more workspace, and nothing else", () => {
        const before = dialsWorkers
            .etlWorkers({
                workspaces: [{ name: "csc" }],
                etl: { extraQueues: [], commonIndexer: true },
            })
            .map((w) => w.name);
        const after = dialsWorkers
            .etlWorkers({
                workspaces: [{ name: "csc" }, { name: "muon" }],
                etl: { extraQueues: [], commonIndexer: true },
            })
            .map((w) => w.name);
        assert.deepEqual(
            after.filter((n) => !before.includes(n)),
            ["muon-bulk", "muon-priority"],
        );
        assert.deepEqual(before, ["common-indexer", "csc-bulk", "csc-priority"]);
    });

    it("gives a workspace its own indexer only when asked, and extra queues a worker each", () => {
        const workers = dialsWorkers.etlWorkers({
            workspaces: [{ name: "csc", indexer: true }, { name: "hcal" }],
            etl: { extraQueues: ["private-bulk"], commonIndexer: true },
        });
        assert.deepEqual(
            workers.map((w) => [w.name, w.role, w.configKey]),
            [
                ["common-indexer", "indexer", "dials.etl.commonIndexer"],
                ["csc-bulk", "bulk", "dials.workspaces[0].name"],
                ["csc-priority", "priority", "dials.workspaces[0].name"],
                ["csc-indexer", "indexer", "dials.workspaces[0].indexer"],
                ["hcal-bulk", "bulk", "dials.workspaces[1].name"],
                ["hcal-priority", "priority", "dials.workspaces[1].name"],
                ["private-bulk", "extra", "dials.etl.extraQueues[0]"],
            ],
        );
        assert.deepEqual(dialsWorkers.workspaceObjectNames({ name: "csc", indexer: true }), [
            "csc-bulk",
            "csc-priority",
            "csc-indexer",
        ]);
    });

    it("sizes workers as the source does: 1024Mi→5120Mi for workspace queues, 256Mi→2048Mi for indexers", () => {
        const workers = dialsWorkers.etlWorkers({
            workspaces: [{ name: "csc", indexer: true }],
            etl: { extraQueues: ["private-bulk"], commonIndexer: true },
        });
        const memory = Object.fromEntries(
            workers.map((w) => [w.name, [w.sizing.requests.memory, w.sizing.limits.memory]]),
        );
        assert.deepEqual(memory, {
            [dialsWorkers.COMMON_INDEXER]: ["256Mi", "2048Mi"],
            "csc-bulk": ["1024Mi", "5120Mi"],
            "csc-priority": ["1024Mi", "5120Mi"],
            "csc-indexer": ["256Mi", "2048Mi"],
            "private-bulk": ["1024Mi", "5120Mi"],
        });
        assert.deepEqual(dialsWorkers.SIZES.scheduler, {
            requests: { cpu: undefined, memory: "256Mi" },
            limits: { cpu: undefined, memory: "1024Mi" },
        });
    });

    it("passes --time-limit only when a task limit is configured (the running system has none)", () => {
        assert.ok(
            !dialsWorkers.workerCommand({ name: "tracker-bulk" }).some((a) => a.startsWith("--time-limit")),
        );
        assert.equal(dialsWorkers.migrationJobName("v1.8.0"), "dials-etl-migrate-v1-8-0");
        assert.equal(dialsWorkers.migrationJobName("sha256-ABC"), "dials-etl-migrate-sha256-abc");
    });

    it("starts a worker with the source's command line, exec'd directly and with the task limit enforced", () => {
        assert.deepEqual(dialsWorkers.workerCommand({ name: "tracker-bulk" }, 7200), [
            "celery",
            "--app=python",
            "worker",
            "--loglevel=INFO",
            "--concurrency=1",
            "--autoscale=1,0",
            "--max-tasks-per-child=1",
            "--time-limit=7200",
            "--hostname=tracker-bulk@%h",
            "--queues=tracker-bulk",
        ]);
    });

    it("derives the pre-stop cancel from the worker's own node name and queue, then waits for it to take effect", () => {
        const lines = dialsWorkers.preStopScript({ name: "tracker-bulk" }).split("\n");
        assert.equal(dialsWorkers.nodeName({ name: "tracker-bulk" }), "tracker-bulk@$HOSTNAME");
        assert.deepEqual(lines, [
            'celery --app=python control cancel_consumer tracker-bulk --destination="tracker-bulk@$HOSTNAME" --timeout=10',
            "for i in 1 2 3 4 5 6; do",
            `celery --app=python inspect active_queues --destination="tracker-bulk@$HOSTNAME" --timeout=10 | grep -q "'name': 'tracker-bulk'" || break`,
            "sleep 5",
            "done",
        ]);
        // Worst case of the hook: cancel plus six checks (10 s reply timeout each) and five sleeps, within its budget.
        assert.ok(
            10 + dialsWorkers.CANCEL_CONFIRM_TRIES * (10 + dialsWorkers.CANCEL_CONFIRM_INTERVAL_SECONDS) <=
                dialsWorkers.PRE_STOP_BUDGET_SECONDS,
        );
        assert.deepEqual(dialsWorkers.startupCheckCommand({ name: "csc-priority" }), [
            "/bin/sh",
            "-c",
            'celery --app=python inspect ping --destination="csc-priority@$HOSTNAME" --timeout=10',
        ]);
    });
});
