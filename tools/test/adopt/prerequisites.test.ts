import * as assert from "assert";
import { DesiredObject, KubeObject } from "../../adopt/model";
import { CLUSTER_PREREQUISITES } from "../../adopt/prerequisites";
import { checkPrerequisites, neededPrerequisites } from "../../adopt/provided";
import { buildReport, exitCode, renderReport } from "../../adopt/report";
import { inspectCluster } from "../../adopt/run";
import { FakeCluster, deployment, live } from "./fixtures";
import { stackPlan } from "../../../test/fixtures/plans";

// What the cluster setup provides and the program never creates (thoth-station.md §6.3, §7): checked on the
// cluster of each enabled system that uses it, BLOCKING with who provides it when missing.

const on = (object: KubeObject, system = "thoth", cluster = "psi"): DesiredObject => ({
    cluster,
    system,
    object,
});

const workflowTemplate: KubeObject = {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "WorkflowTemplate",
    metadata: { name: "adviser", namespace: "thoth-backend" },
    spec: {},
};

const bindingToArgo: KubeObject = {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "RoleBinding",
    metadata: { name: "argo", namespace: "thoth-backend" },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "argo" },
    subjects: [{ kind: "ServiceAccount", name: "argo", namespace: "thoth-backend" }],
};

/** The namespace the binding goes to, as the cluster has it (the report blocks on a namespace nobody makes). */
const itsNamespace: KubeObject = { apiVersion: "v1", kind: "Namespace", metadata: { name: "thoth-backend" } };

const argoCrd = (plural: string): KubeObject => ({
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `${plural}.argoproj.io` },
});

const clusterRole = (name: string): KubeObject => ({
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRole",
    metadata: { name },
});

/** The five CRDs of ARGO_KINDS in components/thoth/station/modules/argo.ts, and the two ClusterRoles of thoth-station.md §6.3. */
const ALL = [
    ...[
        "workflows",
        "workflowtemplates",
        "cronworkflows",
        "clusterworkflowtemplates",
        "workfloweventbindings",
    ].map((plural) => `apiextensions.k8s.io/v1/CustomResourceDefinition//${plural}.argoproj.io`),
    "rbac.authorization.k8s.io/v1/ClusterRole//argo",
    "rbac.authorization.k8s.io/v1/ClusterRole//argo-admin",
].sort();

describe("adopt: cluster prerequisites", function () {
    it("lists the five Argo CRDs of components/thoth/station/modules/argo.ts and ClusterRoles argo, argo-admin, provided by PSI's administrators", function () {
        const thoth = CLUSTER_PREREQUISITES.filter((p) => p.system === "thoth");
        assert.deepEqual(thoth.map((p) => `${p.apiVersion}/${p.kind}//${p.name}`).sort(), ALL);
        for (const p of thoth)
            assert.equal(p.providedBy, "the PSI cluster administrators (thoth-station.md §6.3)");
        assert.deepEqual(
            CLUSTER_PREREQUISITES.filter((p) => p.system !== "thoth").map((p) => `${p.system} ${p.name}`),
            ["prow prowjobs.prow.k8s.io"],
        );
    });

    it("are needed where the system uses one (an Argo object or a binding to an Argo ClusterRole), else not", function () {
        assert.equal(neededPrerequisites([on(workflowTemplate)]).length, 7);
        assert.equal(neededPrerequisites([on(bindingToArgo)]).length, 7);
        // Thoth without the station (bots only), or another system: nothing to check.
        assert.deepEqual(neededPrerequisites([on(deployment("web:v1"))]), []);
        assert.deepEqual(neededPrerequisites([on(workflowTemplate, "packit")]), []);
        // What the program creates itself is its own object, not a prerequisite.
        const own = neededPrerequisites([
            on(workflowTemplate),
            on(argoCrd("workflows")),
            on(clusterRole("argo")),
        ]);
        assert.equal(own.length, 5);
        assert.ok(!own.some((p) => p.name === "workflows.argoproj.io" || p.name === "argo"));
    });

    it("missing on the cluster: BLOCKING, naming who must provide each one; the Argo objects say why they fail", async function () {
        const cluster = new FakeCluster([live(clusterRole("argo-admin"))], { absentGroups: ["argoproj.io"] });
        const r = await inspectCluster("psi", [on(workflowTemplate), on(bindingToArgo)], cluster);
        const state = Object.fromEntries(r.prerequisites.map((p) => [p.id, p.state]));
        assert.deepEqual(Object.keys(state).sort(), ALL);
        assert.equal(state["rbac.authorization.k8s.io/v1/ClusterRole//argo"], "missing");
        assert.equal(state["rbac.authorization.k8s.io/v1/ClusterRole//argo-admin"], "present");
        assert.equal(
            state["apiextensions.k8s.io/v1/CustomResourceDefinition//workflows.argoproj.io"],
            "missing",
        );
        const wt = r.findings.find((f) => f.id.includes("WorkflowTemplate"))!;
        assert.match(
            wt.reasons[0],
            /does not serve argoproj\.io\/v1alpha1 WorkflowTemplate.*workflowtemplates\.argoproj\.io is a cluster prerequisite, provided by the PSI cluster administrators/,
        );

        const report = buildReport("stage", r.findings, r.leftBehind, [], r);
        assert.equal(report.counts.prerequisitesMissing, 6);
        assert.equal(exitCode(report), 2);
        const text = renderReport(report);
        assert.match(text, /== cluster prerequisites .*: 1 present, 6 BLOCKING: missing/);
        assert.match(
            text,
            /\[BLOCKING: missing\] rbac\.authorization\.k8s\.io\/v1\/ClusterRole\/\/argo \(cluster psi\), needed by thoth/,
        );
        assert.match(
            text,
            /! provided by the PSI cluster administrators \(thoth-station\.md §6\.3\): ask them to create it before the first pulumi up/,
        );
    });

    it("a missing ClusterRole alone blocks the deploy (the API server accepts a binding to a role that is absent)", async function () {
        const r = await inspectCluster("psi", [on(bindingToArgo)], new FakeCluster([live(itsNamespace)]));
        assert.deepEqual(
            r.findings.map((f) => f.verdict),
            ["create"],
        );
        const report = buildReport("stage", r.findings, r.leftBehind, [], r);
        assert.equal(report.blocking, 2);
        assert.equal(exitCode(report), 2);
        assert.match(renderReport(report), /2 blocking item\(s\)/);
    });

    it("all present: nothing blocks; a ClusterRole the user may not read is a warning, not a block", async function () {
        const present = new FakeCluster([
            live(itsNamespace),
            live(clusterRole("argo")),
            live(clusterRole("argo-admin")),
        ]);
        const ok = await inspectCluster("psi", [on(bindingToArgo)], present);
        assert.ok(ok.prerequisites.every((p) => p.state === "present"));
        assert.equal(exitCode(buildReport("stage", ok.findings, ok.leftBehind, [], ok)), 0);

        const forbidden = new FakeCluster([live(itsNamespace)], { forbiddenKinds: ["ClusterRole"] });
        const r = await inspectCluster("psi", [on(bindingToArgo)], forbidden);
        const roles = r.prerequisites.filter((p) => p.id.includes("ClusterRole"));
        assert.deepEqual(
            roles.map((p) => p.state),
            ["not-verified", "not-verified"],
        );
        const report = buildReport("stage", r.findings, r.leftBehind, [], r);
        assert.equal(report.blocking, 0);
        assert.match(renderReport(report), /\[WARNING: not verified\].*ClusterRole\/\/argo .*\n.*403/);
    });
    it("stage's Prow needs the ProwJob CRD that only the production stack creates: BLOCKING until production went first", async function () {
        this.timeout(120000);
        // The objects `stackObjects` gives the adoption report for each committed stack, from the run's one plan of it.
        const prow = async (stack: "stage" | "prod") =>
            (await stackPlan(stack)).objects.kubernetes.filter((d) => d.system === "prow");
        const stage = await prow("stage");
        const prod = await prow("prod");
        // Staging's Roles grant on prow.k8s.io; production owns the CRD (prow.manageCrd), so needs none.
        assert.deepEqual(
            neededPrerequisites(stage).map((p) => p.name),
            ["prowjobs.prow.k8s.io"],
        );
        assert.deepEqual(neededPrerequisites(prod), []);
        assert.ok(prod.some((d) => d.object.metadata.name === "prowjobs.prow.k8s.io"));

        const before = await checkPrerequisites(
            "ibmcloud-prow",
            neededPrerequisites(stage),
            new FakeCluster([], { absentGroups: ["prow.k8s.io"] }),
        );
        assert.deepEqual(
            before.map((c) => [c.id, c.state]),
            [["apiextensions.k8s.io/v1/CustomResourceDefinition//prowjobs.prow.k8s.io", "missing"]],
        );
        const report = buildReport("stage", [], [], [], { prerequisites: before });
        assert.equal(exitCode(report), 2);
        assert.match(
            renderReport(report),
            /\[BLOCKING: missing\] .*prowjobs\.prow\.k8s\.io \(cluster ibmcloud-prow\), needed by prow[\s\S]*provided by the stack that owns the cluster's ProwJob CRD \(prow\.manageCrd: true, the production stack\): run its first pulumi up before this stack's/,
        );
        const after = await checkPrerequisites(
            "ibmcloud-prow",
            neededPrerequisites(stage),
            new FakeCluster([]),
        );
        assert.deepEqual(
            after.map((c) => c.state),
            ["present"],
        );
    });
});
