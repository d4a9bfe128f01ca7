import * as assert from "assert";
import { readFileSync } from "fs";
import * as path from "path";
import { Report } from "../tools/adopt/report";
import { DIALS_LIVE } from "../test/fixtures/live/dials";
import { PROW_TODAY } from "../test/fixtures/live/prowToday";
import { LiveSystem, onlyStray, renamed } from "../test/fixtures/live/types";
import { liveStorageClasses } from "./firstDeploy";
import { adoptReport, applyToday, clusterSetup, firstDeployCopy, ownCluster } from "./firstDeployCluster";
import { StackCopy } from "./localStack";

// The declared takeover (components/config/takeover.ts, tools/adopt/declared.ts) over production as the deployment
// repositories have it today, on a real API server: today's KubeVirt Prow (kubevirt/project-infra@2c863fd,
// test/fixtures/live/prowToday.ts) applied as its team applies it, with the list reviewed for it
// (test/fixtures/live/takeovers.ts); and controls that block until declared: a live controller under another name,
// a stray of another team under a program workload's name. The offline twins read the same fixtures through a fake
// cluster (tools/test/adopt/).

const CLUSTER_NAME = "runbooks-e2e-declared";

const listProblems = (r: Report) => r.takeovers.flatMap((t) => t.problems);
const at = (section: string, id: string) => `${section}.takeover.objects["${id}"]`;

describe("first deploy: the declared takeover list against what runs (kwok, the adoption report)", function () {
    const own = ownCluster(CLUSTER_NAME, "declared", liveStorageClasses([PROW_TODAY, DIALS_LIVE]));
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

    it("today's Prow with its reviewed list: every live object is declared, the list is recorded, the external plugins are left alone", async function () {
        apply(PROW_TODAY);
        const { out, report: r } = await report([PROW_TODAY], "today");
        assert.deepEqual(listProblems(r), [], out);
        const prow = r.takeovers.find((t) => t.system === "prow");
        assert.match(
            prow?.record ?? "",
            /^pulumi config set --stack prod --path prow\.takeover\.read [0-9a-f]{16}$/,
            out,
        );
        const left = new Map(r.leftBehind.map((l) => [l.id, l]));
        for (const name of ["coverage", "phased", "referee", "test-subset"]) {
            const l = left.get(`apps/v1/Deployment/kubevirt-prow/${name}`);
            assert.ok(l && !l.replacedBy, `${name} not left running:\n${out}`);
        }
    });

    it("control: horologium renamed horologium-old blocks at its key until declared replaced, then is stopped before the up", async function () {
        own.kubectl.ok(["delete", "deployment", "horologium", "-n", PROW_TODAY.namespace, "--wait=true"]);
        apply(renamed(PROW_TODAY, "horologium", "horologium-old"));
        const ns = PROW_TODAY.namespace;
        const first = await report([PROW_TODAY], "renamed");
        assert.equal(first.code, 2, first.out);
        const problems = listProblems(first.report);
        assert.ok(
            problems.some(
                (p) =>
                    p.startsWith(`${ns}/Deployment/horologium-old runs on cluster`) &&
                    p.includes(at("prow", `${ns}/Deployment/horologium-old`)),
            ),
            first.out,
        );
        assert.ok(
            problems.some((p) =>
                p.startsWith(`${at("prow", `${ns}/Deployment/horologium`)} is listed, but nothing`),
            ),
            first.out,
        );
        const declared = await report([PROW_TODAY], "renamed-declared", (values) => {
            const objects = (values.prow as { takeover: { objects: Record<string, string> } }).takeover
                .objects;
            delete objects[`${ns}/Deployment/horologium`];
            objects[`${ns}/Deployment/horologium-old`] = "replace with Deployment/horologium";
        });
        assert.deepEqual(listProblems(declared.report), [], declared.out);
        const horologium = declared.report.findings.find(
            (f) => f.id === `apps/v1/Deployment/${ns}/horologium`,
        );
        assert.deepEqual(
            horologium?.handover?.beforeUp[0],
            `kubectl -n ${ns} scale deployment horologium-old --replicas=0`,
            declared.out,
        );
        assert.deepEqual(
            horologium?.handover?.afterUp,
            [`kubectl -n ${ns} delete deployment horologium-old`],
            declared.out,
        );
    });

    it("control: a stray of another team under DIALS' frontend name, declared adopt, is other software and blocks", async function () {
        const stray = renamed(onlyStray(DIALS_LIVE), "backup-tool", "frontend");
        apply(stray);
        const ns = DIALS_LIVE.namespace;
        const { code, out, report: r } = await report([DIALS_LIVE], "stray");
        assert.equal(code, 2, out);
        const problems = listProblems(r);
        assert.ok(
            problems.some(
                (p) =>
                    p.startsWith(
                        `${at("dials", `${ns}/Deployment/frontend`)} adopts it, but it runs restic`,
                    ) && p.includes("other software"),
            ),
            out,
        );
    });
});
