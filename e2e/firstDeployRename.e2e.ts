import * as assert from "assert";
import { readFileSync } from "fs";
import * as path from "path";
import { Report } from "../tools/adopt/report";
import { DIALS_LIVE } from "../test/fixtures/live/dials";
import { datastoreRenamed } from "../test/fixtures/live/types";
import { liveStorageClasses } from "./firstDeploy";
import { adoptReport, applyToday, firstDeployCopy, ownCluster } from "./firstDeployCluster";
import { StackCopy } from "./localStack";

// The first deploy's datastore control on a real API server: today's DIALS with its Celery broker's Redis running
// under another name (workload, Service and the claim that holds the queue), as a team that renamed it would run it.
// The report must block: the reviewed takeover list does not name the renamed broker; declared as replaced by the
// program's, the claim the program would create empty beside the live one.

const CLUSTER_NAME = "runbooks-e2e-rename";

describe("first deploy control: a live datastore under another name (kwok, the adoption report)", function () {
    const renamed = datastoreRenamed(DIALS_LIVE, "redis-etl-broker", "redis");
    const own = ownCluster(CLUSTER_NAME, "rename", liveStorageClasses([renamed]));
    const copies: StackCopy[] = [];
    after(() => {
        if (process.env.E2E_KEEP !== "1") for (const c of copies) c.dispose();
    });
    const log = (line: string) => process.stdout.write(`      [rename] ${line}\n`);

    it("the report blocks (exit 2): the renamed broker is unlisted; declared replaced, the claim it would create EMPTY beside the live one", async function () {
        const { kubectl, workDir } = own;
        applyToday(kubectl, renamed);
        // The rule reads a Bound claim as one holding data: wait for the binding, as the team's cluster has it.
        const deadline = Date.now() + 60_000;
        const phase = () =>
            kubectl
                .ok(["get", "pvc", "-n", renamed.namespace, "redis", "-o", "jsonpath={.status.phase}"])
                .trim();
        while (phase() !== "Bound") {
            assert.ok(Date.now() < deadline, "the renamed claim never bound");
            await new Promise((r) => setTimeout(r, 500));
        }
        const ns = renamed.namespace;
        /** The report over the prod copy with DIALS' reviewed takeover list, and `edit` on top. */
        const reportWith = async (tag: string, edit?: Parameters<typeof firstDeployCopy>[3]) => {
            const prepared = firstDeployCopy(kubectl, [DIALS_LIVE], workDir, edit);
            copies.push(prepared.copy);
            const json = path.join(workDir, `${tag}.json`);
            const res = await adoptReport(prepared.copy.dir, kubectl.kubeconfig, prepared.clusters, json);
            return { res, report: JSON.parse(readFileSync(json, "utf8")) as Report };
        };
        // The list reviewed for DIALS as it ran does not name the renamed broker: it blocks at its key.
        const first = await reportWith("listed");
        assert.equal(first.res.code, 2, first.res.out);
        const unlisted = first.report.takeovers
            .flatMap((t) => t.problems)
            .filter((p) => p.includes("does not name it"));
        for (const id of [`${ns}/Deployment/redis`, `${ns}/PersistentVolumeClaim/redis`])
            assert.ok(
                unlisted.some(
                    (p) =>
                        p.startsWith(`${id} runs on cluster`) &&
                        p.includes(`dials.takeover.objects["${id}"]`),
                ),
                `${id} not named:\n${first.res.out}`,
            );
        // Declared as what it is, the renamed broker replaced by the program's: the program's claim would be
        // created EMPTY beside the live one that holds the queue.
        const { res, report } = await reportWith("declared", (values) => {
            const dials = values.dials as { takeover: { objects: Record<string, string> } };
            dials.takeover.objects[`${ns}/Deployment/redis`] = "replace with Deployment/redis-etl-broker";
            dials.takeover.objects[`${ns}/Service/redis`] = "replace with Service/redis-etl-broker";
            dials.takeover.objects[`${ns}/PersistentVolumeClaim/redis`] =
                "leave running: the live broker's queue, copied before the up";
        });
        assert.equal(res.code, 2, res.out);
        const claim = report.findings.find((f) => f.id === `v1/PersistentVolumeClaim/${ns}/redis-etl-broker`);
        assert.equal(claim?.verdict, "data-at-risk", res.out);
        assert.match(claim!.reasons.join("\n"), /would be created EMPTY.*holds data in .*redis/s);
        log(`blocked: ${report.blocking} item(s), exit ${res.code}; the claim ${claim!.verdict}`);
    });
});
