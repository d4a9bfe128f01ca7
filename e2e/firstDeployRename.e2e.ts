import * as assert from "assert";
import { readFileSync } from "fs";
import * as path from "path";
import { Report } from "../tools/adopt/report";
import { DIALS_LIVE } from "../test/fixtures/live/dials";
import { datastoreRenamed } from "../test/fixtures/live/types";
import { liveStorageClasses } from "./firstDeploy";
import { adoptReport, applyToday, firstDeployCopy, ownCluster } from "./firstDeployCluster";

// The first deploy's datastore control on a real API server: today's DIALS with its Celery broker's Redis running
// under another name (workload, Service and the claim that holds the queue), as a team that renamed it would run it.
// The report must block, naming the claim it would create empty beside the live one, and the layout it found.

const CLUSTER_NAME = "runbooks-e2e-rename";

describe("first deploy control: a live datastore under another name (kwok, the adoption report)", function () {
    const renamed = datastoreRenamed(DIALS_LIVE, "redis-etl-broker", "redis");
    const own = ownCluster(CLUSTER_NAME, "rename", liveStorageClasses([renamed]));
    const log = (line: string) => process.stdout.write(`      [rename] ${line}\n`);

    it("the report blocks (exit 2): the claim it would create EMPTY beside the live one, and the renamed workload", async function () {
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
        const prepared = firstDeployCopy(kubectl, [DIALS_LIVE], workDir);
        const copy = (own.copy = prepared.copy);
        const json = path.join(workDir, "report.json");
        const res = await adoptReport(copy.dir, kubectl.kubeconfig, prepared.clusters, json);
        const report = JSON.parse(readFileSync(json, "utf8")) as Report;
        assert.equal(res.code, 2, res.out);
        const claim = report.findings.find(
            (f) => f.id === `v1/PersistentVolumeClaim/${renamed.namespace}/redis-etl-broker`,
        );
        assert.equal(claim?.verdict, "data-at-risk", res.out);
        assert.match(claim!.reasons.join("\n"), /would be created EMPTY.*holds data in .*redis/s);
        assert.match(
            report.layouts.flatMap((l) => l.problems).join("\n"),
            /^Deployment redis runs today .* would add Deployment redis-etl-broker/m,
        );
        log(`blocked: ${report.blocking} item(s), exit ${res.code}; the claim ${claim!.verdict}`);
    });
});
