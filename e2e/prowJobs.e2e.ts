import * as assert from "assert";
import { existsSync } from "fs";
import * as path from "path";
import { PROWJOB_CRD_ANNOTATIONS, PROWJOB_CRD_NAME, prowJobCrdSpec } from "../components/prow/crd";
import { connectKubeconfig } from "../tools/adopt/kubeconfig";
import { readStackFile } from "../tools/plan/stackfile";
import { ProwJobTarget } from "../tools/verify/model";
import { prowJobCheck, prowJobsOf, prowJobTargets } from "../tools/verify/prowJobs";
import { recordWithMarkers } from "../tools/verify/stack";
import { Kubectl, writeProwJob } from "./kube";
import { BIN, ROOT, STACK, kwokCluster, kwokKubeconfig } from "./localStack";

// verify's "a ProwJob succeeds after the deploy" against a real kube-apiserver (kwok, 127.0.0.1): the ProwJob CRD the
// program deploys, ProwJobs in the namespace the local stack's Prow config keeps them, their status written through
// the status subresource as plank writes it, read by verify's own lister through a checked kubeconfig. kwok runs no
// job, so the ProwJobs are made here: this proves what verify reads and how it decides, not that Prow runs jobs.

const CLUSTER_NAME = "runbooks-e2e-prowjobs";

describe("verify: a ProwJob succeeds after the deploy, on a real kube-apiserver (kwok, 127.0.0.1)", function () {
    const missing = ["kubectl", "kube-apiserver", "kube-controller-manager", "etcd", "kwokctl"].filter(
        (b) => !existsSync(path.join(BIN, b)),
    );
    let kubectl: Kubectl;
    let target: ProwJobTarget;
    let started = false;
    const deployedAt = new Date(Date.now() - 60 * 60_000);
    const minutesAfter = (m: number) => new Date(deployedAt.getTime() + m * 60_000).toISOString();

    const prowJob = (name: string, state: string, startTime: string) =>
        writeProwJob(kubectl, target.namespace, name, { state, startTime });

    const check = async () =>
        prowJobCheck(target, {
            deployedAt,
            waitMs: 0,
            pollMs: 1,
            // The CLI's own path: the kubeconfig given with --kubeconfig, checked, then listed.
            list: prowJobsOf(
                await connectKubeconfig(STACK, target.cluster, { file: kwokKubeconfig(CLUSTER_NAME) }),
            ),
        });

    before(async function () {
        if (missing.length > 0) {
            process.stdout.write(
                `      [prowjobs] SKIPPED: toolchain incomplete, missing in ${BIN}: ${missing.join(", ")} (npm run e2e:tools)\n`,
            );
            this.skip();
        }
        const values = readStackFile(STACK, ROOT).values as Record<string, { cluster?: string }>;
        const targets = prowJobTargets(
            await recordWithMarkers(STACK, ROOT),
            ["prow"],
            (s) => values[s]?.cluster,
        );
        assert.equal(
            targets.length,
            1,
            `the local stack's Prow config names one ProwJob namespace: ${JSON.stringify(targets)}`,
        );
        target = targets[0];
        kwokCluster(CLUSTER_NAME, "stop");
        started = true;
        kwokCluster(CLUSTER_NAME, "start");
        kubectl = new Kubectl(kwokKubeconfig(CLUSTER_NAME));
        const crd = {
            apiVersion: "apiextensions.k8s.io/v1",
            kind: "CustomResourceDefinition",
            metadata: { name: PROWJOB_CRD_NAME, annotations: PROWJOB_CRD_ANNOTATIONS },
            spec: prowJobCrdSpec(),
        };
        kubectl.ok(["apply", "-f", "-"], JSON.stringify(crd));
        kubectl.ok(["wait", "--for=condition=Established", "--timeout=60s", `crd/${PROWJOB_CRD_NAME}`]);
        kubectl.ok(["create", "namespace", target.namespace]);
    });

    after(function () {
        if (started) kwokCluster(CLUSTER_NAME, "stop");
    });

    it("control: no ProwJob since the deploy fails, and a success before it does not count", async () => {
        const none = await check();
        assert.equal(none.outcome, "FAIL", none.saw);
        assert.match(none.saw, /no ProwJob started since .* \(0 older\)/);
        prowJob("before-the-deploy", "success", minutesAfter(-10));
        const before = await check();
        assert.equal(before.outcome, "FAIL", before.saw);
        assert.match(before.saw, /\(1 older\): Prow is running but starts no job/);
    });

    it("control: jobs since the deploy that failed or still run fail the check, naming the newest failure", async () => {
        prowJob("failed-after", "failure", minutesAfter(5));
        prowJob("running-after", "pending", minutesAfter(6));
        const r = await check();
        assert.equal(r.outcome, "FAIL", r.saw);
        assert.match(r.saw, /none of the 2 ProwJobs started since .* succeeded \(1 pending, 1 failure\)/);
        assert.match(
            r.saw,
            /newest that failed: periodic-failed-after failure https:\/\/prow.example\/view\/failed-after/,
        );
    });

    it("a success since the deploy passes, naming the job", async () => {
        prowJob("succeeded-after", "success", minutesAfter(7));
        const r = await check();
        assert.equal(r.outcome, "PASS", r.saw);
        assert.match(
            r.saw,
            /^periodic-succeeded-after \(periodic, ProwJob succeeded-after\) started .* and succeeded/,
        );
        assert.equal(r.step.lines, "216-227");
    });
});
