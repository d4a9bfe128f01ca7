// `npm run kube-score`: what counts as a finding, the one list of skips, and the arguments kube-score gets.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import { existsSync } from "fs";
import * as os from "os";
import * as path from "path";
import { kubeScoreArgs, kubeScoreCommand } from "../../kubescore/cli";
import { countByCheck, findingsOf } from "../../kubescore/findings";
import { KUBE_SCORE_FLAGS, KUBE_SCORE_SKIPS } from "../../kubescore/skips";

/** The binary .ci/run builds, when this machine has it. */
const CACHED = path.join(
    process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"),
    "runbooks-ci",
    "kube-score-v1.20.0",
    "kube-score",
);

function check(id: string, grade: number, skipped = false, comments = [{ summary: `${id} says so` }]) {
    return { check: { id }, grade, skipped, comments };
}

describe("kube-score over the plans", () => {
    it("counts critical and warning grades that are not skipped, one finding per comment", () => {
        const report = JSON.stringify([
            {
                object_name: "ns/Deployment/apps/v1/ns/web",
                checks: [
                    check("pod-probes", 1),
                    check("pod-probes-identical", 10),
                    check("pod-networkpolicy", 1, true),
                    check("deployment-has-host-podantiaffinity", 5),
                    // "Almost OK" passes: e.g. a readiness probe and no liveness probe.
                    check("pod-probes", 7),
                    check("container-resources", 1, false, [
                        { summary: "CPU request is not set", path: "web" } as never,
                        { summary: "Memory limit is not set", path: "web" } as never,
                    ]),
                    check("container-image-pull-policy", 1),
                ],
            },
        ]);
        const findings = findingsOf(report);
        assert.deepEqual(countByCheck(findings), {
            "pod-probes": 1,
            "deployment-has-host-podantiaffinity": 1,
            "container-resources": 2,
        });
        assert.deepEqual(
            findings.find((f) => f.check === "container-resources")?.message,
            "(web) CPU request is not set",
        );
        // Without the skips, the skipped check counts too.
        assert.equal(countByCheck(findingsOf(report, []))["container-image-pull-policy"], 1);
    });

    it("skips only the egress half of the NetworkPolicy check and the default deny's empty selection, nothing else of them", () => {
        const report = JSON.stringify([
            {
                object_name: "Deployment/apps/v1/packit-prod/redis",
                checks: [
                    check("pod-networkpolicy", 1, false, [
                        { summary: "The pod does not have a matching egress NetworkPolicy" },
                        { summary: "The pod does not have a matching ingress NetworkPolicy" },
                    ]),
                ],
            },
            {
                object_name: "NetworkPolicy/networking.k8s.io/v1/kubevirt-prow-jobs/default-deny-ingress",
                checks: [check("networkpolicy-targets-pod", 1)],
            },
            {
                object_name: "NetworkPolicy/networking.k8s.io/v1/packit-prod/allow-to-redis",
                checks: [check("networkpolicy-targets-pod", 1)],
            },
        ]);
        assert.deepEqual(
            findingsOf(report).map((f) => `${f.check} ${f.object} ${f.message}`),
            [
                "pod-networkpolicy Deployment/apps/v1/packit-prod/redis The pod does not have a matching ingress NetworkPolicy",
                "networkpolicy-targets-pod NetworkPolicy/networking.k8s.io/v1/packit-prod/allow-to-redis networkpolicy-targets-pod says so",
            ],
        );
        // A partial skip never becomes kube-score's --ignore-test (which would drop the whole check).
        const args = kubeScoreArgs(["a.yaml"]).join(" ");
        assert.ok(!args.includes("--ignore-test pod-networkpolicy"));
        assert.ok(!args.includes("--ignore-test networkpolicy-targets-pod"));
    });

    it("skips each check once, with a reason, and never the network checks or the ones the hardening fixed", () => {
        const ids = KUBE_SCORE_SKIPS.filter((s) => !s.only).map((s) => s.check);
        assert.equal(new Set(ids).size, ids.length);
        assert.ok(KUBE_SCORE_SKIPS.every((s) => s.reason.length > 60));
        // A partial skip names the part: never a whole check by another name.
        for (const s of KUBE_SCORE_SKIPS.filter((x) => x.only))
            assert.ok(s.only?.message ?? s.only?.object, s.check);
        for (const enforced of [
            "pod-networkpolicy",
            "networkpolicy-targets-pod",
            "pod-probes",
            "pod-probes-identical",
            "cronjob-has-deadline",
            "container-resources",
            "deployment-has-poddisruptionbudget",
            "statefulset-has-poddisruptionbudget",
            "statefulset-has-servicename",
            "deployment-has-host-podantiaffinity",
        ]) {
            assert.ok(!ids.includes(enforced), enforced);
        }
        const args = kubeScoreArgs(["a.yaml"]);
        for (const id of ids) assert.ok(args.join(" ").includes(`--ignore-test ${id}`));
        assert.deepEqual(args.slice(-1 - KUBE_SCORE_FLAGS.length), [...KUBE_SCORE_FLAGS, "a.yaml"]);
    });

    it("skips only checks kube-score v1.20.0 has (when .ci/run's cached build is here)", function () {
        if (!existsSync(CACHED)) this.skip();
        const list = spawnSync(CACHED, ["list"], { encoding: "utf8" }).stdout;
        const known = new Set(list.split("\n").map((l) => l.split(",")[0]));
        for (const s of KUBE_SCORE_SKIPS) assert.ok(known.has(s.check), s.check);
    });

    it("says which plan is missing and how to make it", () => {
        const r = kubeScoreCommand(["--stack", "nosuch"], os.tmpdir());
        assert.equal(r.code, 1);
        assert.match(r.stderr, /stack nosuch: no plan in .*; run npm run plan -- --stack nosuch first/);
        assert.equal(kubeScoreCommand(["--stak", "x"]).code, 2);
    });
});
