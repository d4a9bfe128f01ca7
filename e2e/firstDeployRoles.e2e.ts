import * as assert from "assert";
import { readFileSync } from "fs";
import * as path from "path";
import { Report } from "../tools/adopt/report";
import { DIALS_LIVE } from "../test/fixtures/live/dials";
import { PACKIT_LIVE } from "../test/fixtures/live/packit";
import { PROW_TODAY } from "../test/fixtures/live/prowToday";
import { LiveSystem, onlyStray, renamed, withoutPorts } from "../test/fixtures/live/types";
import { liveStorageClasses } from "./firstDeploy";
import { adoptReport, applyToday, clusterSetup, firstDeployCopy, ownCluster } from "./firstDeployCluster";
import { StackCopy } from "./localStack";

// The report's roles (tools/adopt/roles.ts) over production as the deployment repositories have it today, on a real
// API server: today's KubeVirt Prow (kubevirt/project-infra@2c863fd, test/fixtures/live/prowToday.ts) applied as its
// team applies it, and issue 68's three controls, each of which must block the first `up`: a live controller under
// another name, a broker that declares no port, a stray Deployment in a namespace the program plans a system into.
// The offline twins of these cases (tools/test/adopt/liveRoles.test.ts) read the same fixtures through a fake cluster.

const CLUSTER_NAME = "runbooks-e2e-roles";

const layoutProblems = (r: Report) => r.layouts.flatMap((l) => l.problems);
const heldAs = (r: Report, workload: string) =>
    layoutProblems(r).filter((p) => p.startsWith(`${workload} runs today`));

describe("first deploy: live workloads known by their role (kwok, the adoption report)", function () {
    const own = ownCluster(CLUSTER_NAME, "roles", liveStorageClasses([PROW_TODAY, PACKIT_LIVE, DIALS_LIVE]));
    const copies: StackCopy[] = [];
    after(() => {
        if (process.env.E2E_KEEP !== "1") for (const c of copies) c.dispose();
    });

    /** The report of the prod stack (the `proved` fixtures' first-deploy fixes, then `edit`), on today's objects. */
    async function report(
        proved: readonly LiveSystem[],
        tag: string,
        edit?: Parameters<typeof firstDeployCopy>[3],
    ): Promise<{ code: number; out: string; report: Report }> {
        const { kubectl, workDir } = own;
        const dir = path.join(workDir, tag);
        const prepared = firstDeployCopy(kubectl, proved, workDir, edit);
        copies.push(prepared.copy);
        const json = `${dir}.json`;
        const res = await adoptReport(prepared.copy.dir, kubectl.kubeconfig, prepared.clusters, json);
        return { ...res, report: JSON.parse(readFileSync(json, "utf8")) as Report };
    }

    function apply(live: LiveSystem): void {
        const setup = clusterSetup([live.system]);
        if (setup.length > 0)
            own.kubectl.ok(
                ["apply", "-f", "-"],
                JSON.stringify({ apiVersion: "v1", kind: "List", items: setup }),
            );
        applyToday(own.kubectl, live);
    }

    it("today's Prow: the one live holder of a role the program adds under another name (label-sync-kubevirt) blocks; production's own workloads are left alone", async function () {
        apply(PROW_TODAY);
        const { code, out, report: r } = await report([PROW_TODAY], "today");
        assert.equal(code, 2, out);
        assert.equal(heldAs(r, "CronJob label-sync-kubevirt").length, 1, out);
        const left = new Set(r.leftBehind.map((l) => l.id));
        for (const name of ["coverage", "phased", "referee", "test-subset", "docker-mirror-proxy"])
            assert.ok(
                left.has(`apps/v1/Deployment/kubevirt-prow/${name}`),
                `${name} not left alone:\n${out}`,
            );
        for (const name of ["coverage", "phased", "referee", "test-subset", "docker-mirror-proxy"])
            assert.equal(heldAs(r, `Deployment ${name}`).length, 0, out);
    });

    it("control: horologium renamed horologium-old, on today's registry: blocks naming horologium's role", async function () {
        own.kubectl.ok(["delete", "deployment", "horologium", "-n", PROW_TODAY.namespace, "--wait=true"]);
        apply(renamed(PROW_TODAY, "horologium", "horologium-old"));
        const { code, out, report: r } = await report([PROW_TODAY], "renamed");
        assert.equal(code, 2, out);
        const [problem, ...more] = heldAs(r, "Deployment horologium-old");
        assert.equal(more.length, 0, out);
        assert.match(
            problem ?? "",
            /as Prow's horologium .*it would add Deployment horologium for the same role/,
            out,
        );
    });

    it("control: Packit's broker declaring no containerPort, named by no client's env, is still the broker: the program's own Redis beside it blocks", async function () {
        const live = withoutPorts(PACKIT_LIVE, "redict");
        for (const w of live.workloads) for (const c of w.containers) delete c.env?.REDIS_SERVICE_HOST;
        apply(live);
        const {
            code,
            out,
            report: r,
        } = await report([PACKIT_LIVE], "broker", (values) => {
            delete (values.packit as { redis: { liveService?: string } }).redis.liveService;
        });
        assert.equal(code, 2, out);
        assert.match(
            heldAs(r, "Deployment redict")[0] ?? "",
            /\(port 6379\).*would add Deployment redis/,
            out,
        );
    });

    it("control: one stray Deployment in cms-dials-prod while DIALS runs elsewhere: blocks naming it", async function () {
        apply(onlyStray(DIALS_LIVE));
        const { code, out, report: r } = await report([DIALS_LIVE], "stray");
        assert.equal(code, 2, out);
        const stray = layoutProblems(r).filter((p) => p.startsWith("only workloads of no known role"));
        assert.equal(stray.length, 1, out);
        assert.match(stray[0], /run in cms-dials-prod today \(1 Deployment \(backup-tool\)\)/);
    });
});
