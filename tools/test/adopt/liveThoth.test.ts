import * as assert from "node:assert/strict";
import { DesiredObject } from "../../adopt/model";
import { exitCode, renderReport } from "../../adopt/report";
import { BLOCKING } from "../../adopt/model";
import { liveReport } from "./fixtures";
import { THOTH_LIVE } from "../../../test/fixtures/live/thoth";
import { classification, notInPlace } from "../../../test/fixtures/live/checks";
import { systemObjects } from "../../../test/fixtures/live/program";
import { declaredTakeover } from "../../../test/fixtures/live/takeovers";

// The first deploy of Pulumi.prod.yaml's Thoth test station over thoth-test-core as thoth-application@f2cf35f runs
// it: DeploymentConfigs the program runs as Deployments are another kind, which no apply takes over; the program's
// Deployments keep their selectors, so each is handed over (tools/adopt/handover.ts).

describe("adopt: Thoth's test station over thoth-station/thoth-application@f2cf35f", function () {
    this.timeout(120_000);
    let desired: DesiredObject[];

    before(async () => {
        desired = (await systemObjects("prod", "thoth")).filter(
            (d) => d.object.metadata.namespace === THOTH_LIVE.namespace,
        );
    });

    it("takes the Argo Deployments over in place and selects the pods of every running DeploymentConfig", () => {
        assert.deepEqual(notInPlace(THOTH_LIVE, desired), []);
    });

    it("hands every DeploymentConfig the takeover list replaces with the program's Deployment of its name over: side by side, or scaled to 0 right before the up where the two must never run at once", async () => {
        const r = await liveReport("psi", THOTH_LIVE, desired);
        const text = renderReport(r);
        const [takeover] = r.takeovers;
        assert.deepEqual(takeover.problems, [], text);
        assert.deepEqual(
            takeover.decided
                .filter((d) => d.decision.do === "replace")
                .map((d) => d.id)
                .sort(),
            THOTH_LIVE.workloads
                .filter((w) => w.kind === "DeploymentConfig")
                .map((w) => `thoth-test-core/DeploymentConfig/${w.name}`)
                .sort(),
        );
        const programDeployments = desired
            .filter((d) => d.object.kind === "Deployment")
            .map((d) => d.object.metadata.name);
        const dcs = THOTH_LIVE.workloads.filter(
            (w) => w.kind === "DeploymentConfig" && programDeployments.includes(w.name),
        );
        assert.ok(dcs.length >= 5, dcs.map((w) => w.name).join());
        for (const w of dcs) {
            const f = r.findings.find((x) => x.id === `apps/v1/Deployment/thoth-test-core/${w.name}`)!;
            assert.deepEqual(f.leftRunning ?? [], [], `${w.name} leaves pods running`);
            assert.deepEqual(f.handover?.afterUp, [
                `kubectl -n thoth-test-core delete deploymentconfig ${w.name}`,
            ]);
            // Only the single writer on the claim stops before the up; the others run beside the program's pods.
            assert.deepEqual(
                f.handover?.beforeUp,
                w.name === "postgresql"
                    ? [
                          "kubectl -n thoth-test-core scale deploymentconfig postgresql --replicas=0",
                          "kubectl -n thoth-test-core wait --for=delete pod -l 'name=postgresql' --timeout=300s",
                      ]
                    : [],
                w.name,
            );
            const left = r.leftBehind.find(
                (l) => l.id === `apps.openshift.io/v1/DeploymentConfig/thoth-test-core/${w.name}`,
            );
            assert.match(
                left?.replacedBy ?? "",
                new RegExp(
                    `the program's Deployment ${w.name} takes its place, as the takeover list declares`,
                ),
                w.name,
            );
        }
        // What still blocks is the database takeover (no dump, the version unread offline), never a workload.
        assert.equal(exitCode(r), 2);
        assert.deepEqual(
            r.findings.filter((f) => BLOCKING.includes(f.verdict) || (f.leftRunning ?? []).length > 0),
            [],
            text,
        );
        assert.deepEqual(
            r.databases?.map((d) => `${d.namespace}/${d.claim}`),
            ["thoth-test-core/pgsql-data"],
        );
        // Nothing live is left unnamed.
        const c = classification(THOTH_LIVE, r);
        assert.deepEqual(c.problems, []);
    });

    it("control: with the program's own selector (none declared live), each running DeploymentConfig is stopped before the up and deleted after it, its pods never beside the Deployment's", async () => {
        const own = desired.map((d) => {
            const o = structuredClone(d.object) as DesiredObject["object"] & {
                spec?: Record<string, unknown>;
            };
            if (o.kind === "Deployment" && ["pgbouncer", "postgresql"].includes(o.metadata.name)) {
                const labels = {
                    "app.kubernetes.io/name": o.metadata.name,
                    "app.kubernetes.io/instance": o.metadata.name,
                };
                (o.spec as { selector: unknown }).selector = { matchLabels: labels };
                (o.spec as { template: { metadata: { labels: unknown } } }).template.metadata.labels = labels;
            }
            return { ...d, object: o };
        });
        const r = await liveReport("psi", THOTH_LIVE, own);
        for (const name of ["pgbouncer", "postgresql"]) {
            const f = r.findings.find((x) => x.id === `apps/v1/Deployment/thoth-test-core/${name}`)!;
            assert.equal(f.leftRunning, undefined, name);
            assert.deepEqual(
                f.handover?.beforeUp[0],
                `kubectl -n thoth-test-core scale deploymentconfig ${name} --replicas=0`,
                name,
            );
            assert.deepEqual(
                f.handover?.afterUp,
                [`kubectl -n thoth-test-core delete deploymentconfig ${name}`],
                name,
            );
        }
    });

    it("a Service the program does not manage that selects a DeploymentConfig's pods by the label OpenShift adds to them blocks, named, with the question for its owner", async () => {
        const extra = structuredClone(THOTH_LIVE);
        extra.services.push({
            name: "pgbouncer-direct",
            selector: { deploymentconfig: "pgbouncer" },
            ports: [{ port: 5432, targetPort: 5432 }],
            src: "made here: a Service another team added",
        });
        // The same label the program's pods carry: still served after step 5, so nothing to say.
        extra.services.push({
            name: "pgbouncer-mirror",
            selector: { service: "pgbouncer" },
            ports: [{ port: 5432, targetPort: 5432 }],
            src: "made here: a Service another team added",
        });
        // The operator declares both left running: the takeover list passes, the stranded Service still blocks.
        const list = declaredTakeover(THOTH_LIVE);
        for (const name of ["pgbouncer-direct", "pgbouncer-mirror"])
            list.objects[`thoth-test-core/Service/${name}`] =
                "leave running: another team's Service, theirs to move";
        const r = await liveReport("psi", extra, desired, undefined, {}, list);
        assert.deepEqual(r.takeovers[0].problems, []);
        const f = r.findings.find((x) => x.id === "apps/v1/Deployment/thoth-test-core/pgbouncer")!;
        assert.deepEqual(f.strandedServices, ["v1/Service/thoth-test-core/pgbouncer-direct"]);
        assert.match(
            f.reasons.join("\n"),
            /Service pgbouncer-direct, which the program does not manage, selects today's pods \(deploymentconfig=pgbouncer\) by deploymentconfig=pgbouncer/,
        );
        assert.equal(r.counts.strandedServices, 1);
        assert.match(
            renderReport(r),
            /\[BLOCKING: a Service the program does not manage, left without pods\] v1\/Service\/thoth-test-core\/pgbouncer-direct/,
        );
        assert.equal(exitCode(r), 2);
    });
});
