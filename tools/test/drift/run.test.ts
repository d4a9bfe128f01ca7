import { strict as assert } from "assert";
import { KubeError } from "../../adopt/kube";
import { KubeObject } from "../../adopt/model";
import { LiveCluster } from "../../drift/kube";
import { exitCode, procedure, renderReport } from "../../drift/report";
import { EnginePreview, EngineStep } from "../../drift/engine";
import { checkDrift } from "../../drift/run";
import { Checkpoint, managedObjects } from "../../drift/state";
import { runbookTables } from "../../conformance/load";
import { ServedKind } from "../../drift/unmanaged";

// The drift check over a stack's state and a fake cluster: what it reports, and that a cluster it cannot read is
// never "no drift".

const PROVIDER = "urn:pulumi:local::runbooks::pulumi:providers:kubernetes::cluster-local-openshift::0d1e";
const checkpoint: Checkpoint = {
    deployment: {
        resources: [
            // The engine parents every top-level component to the stack (the plan's mocks record none).
            {
                urn: "urn:pulumi:local::runbooks::pulumi:pulumi:Stack::runbooks-local",
                type: "pulumi:pulumi:Stack",
                custom: false,
            },
            {
                urn: "urn:pulumi:local::runbooks::runbooks:dials:Dials::dials",
                type: "runbooks:dials:Dials",
                custom: false,
                parent: "urn:pulumi:local::runbooks::pulumi:pulumi:Stack::runbooks-local",
            },
            {
                urn: "urn:pulumi:local::runbooks::runbooks:dials:Dials$kubernetes:core/v1:ConfigMap::backend-nginx-conf",
                type: "kubernetes:core/v1:ConfigMap",
                custom: true,
                parent: "urn:pulumi:local::runbooks::runbooks:dials:Dials::dials",
                provider: PROVIDER,
                inputs: {
                    apiVersion: "v1",
                    kind: "ConfigMap",
                    metadata: { name: "backend-nginx-conf", namespace: "cms-dials-local" },
                    data: { a: "1" },
                },
                outputs: {
                    apiVersion: "v1",
                    kind: "ConfigMap",
                    metadata: { name: "backend-nginx-conf", namespace: "cms-dials-local", uid: "u1" },
                    __fieldManager: "pulumi-kubernetes-x1",
                },
            },
            {
                urn: PROVIDER.split("::").slice(0, -1).join("::"),
                type: "pulumi:providers:kubernetes",
                custom: true,
            },
        ],
    },
};

/** A fake cluster; the JSON patches it was asked to dry-run are recorded, and refused when `refuse` is set. */
function fakeCluster(objects: KubeObject[], dryRuns: object[][] = [], refuse?: string): LiveCluster {
    const kinds: ServedKind[] = [
        { apiVersion: "v1", kind: "ConfigMap", resource: "configmaps" },
        { apiVersion: "v1", kind: "Event", resource: "events" },
    ];
    return {
        get: async (ref) => objects.find((o) => o.kind === ref.kind && o.metadata.name === ref.name),
        list: async (k, ns) => objects.filter((o) => o.kind === k.kind && o.metadata.namespace === ns),
        namespacedKinds: async () => kinds,
        patchDryRun: async (_ref, ops) => {
            dryRuns.push([...ops]);
            if (refuse) throw new KubeError(422, refuse);
        },
    };
}

const CM_URN =
    "urn:pulumi:local::runbooks::runbooks:dials:Dials$kubernetes:core/v1:ConfigMap::backend-nginx-conf";

/** The engine's preview with one step for the ConfigMap (none: every resource the same). */
function engineSays(step?: Partial<EngineStep>, failure?: string): EnginePreview {
    const steps = new Map<string, EngineStep>();
    if (step) steps.set(CM_URN, { op: "update", replaceKeys: [], diffs: [], errors: [], ...step });
    return { steps, ...(failure ? { failure } : {}) };
}

const liveCm = (
    managers: { manager: string; fieldsV1: object }[],
    data: Record<string, string>,
): KubeObject => ({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
        name: "backend-nginx-conf",
        namespace: "cms-dials-local",
        uid: "u1",
        managedFields: managers.map((m) => ({ ...m, operation: "Update" })),
    },
    data,
});

describe("drift: the check over a stack", () => {
    const objects = managedObjects(checkpoint, ["dials"]);
    const input = (live: LiveCluster | Error, preview: EnginePreview = engineSays()) => ({
        stack: "local",
        objects,
        ownedNamespaces: new Map([["local-openshift", ["cms-dials-local"]]]),
        tables: runbookTables(),
        preview,
        kubectl: () => "kubectl --kubeconfig kc.yaml --context local",
        connect: () => {
            if (live instanceof Error) throw live;
            return live;
        },
    });

    it("reads the managed objects of a checkpoint with their cluster, system and field manager", () => {
        assert.deepEqual(
            objects.map((o) => [o.cluster, o.system, o.kind, o.namespace, o.name, o.fieldManager]),
            [
                [
                    "local-openshift",
                    "dials",
                    "ConfigMap",
                    "cms-dials-local",
                    "backend-nginx-conf",
                    "pulumi-kubernetes-x1",
                ],
            ],
        );
    });

    it("a clean cluster reports nothing and exits 0; a hand edit and a hand-made object exit 2 with object, field and step", async () => {
        const clean = await checkDrift(
            input(
                fakeCluster([
                    liveCm([{ manager: "pulumi-kubernetes-x1", fieldsV1: { "f:data": { "f:a": {} } } }], {
                        a: "1",
                    }),
                ]),
            ),
        );
        assert.equal(exitCode(clean), 0, renderReport(clean));
        const dryRuns: object[][] = [];
        const editedCluster = (refuse?: string) =>
            fakeCluster(
                [
                    liveCm(
                        [
                            { manager: "pulumi-kubernetes-x1", fieldsV1: { "f:data": {} } },
                            { manager: "kubectl-patch", fieldsV1: { "f:data": { "f:a": {}, "f:b": {} } } },
                        ],
                        { a: "2", b: "1" },
                    ),
                    {
                        apiVersion: "v1",
                        kind: "ConfigMap",
                        metadata: {
                            name: "by-hand",
                            namespace: "cms-dials-local",
                            uid: "u9",
                            managedFields: [{ manager: "kubectl-create", operation: "Update" }],
                        },
                    },
                ],
                dryRuns,
                refuse,
            );
        // The engine plans an update (no replace): the report says the up sets the value back, and removes the
        // added key first with a patch the API server has dry-run.
        const edited = await checkDrift(
            input(editedCluster(), engineSays({ diffs: [{ path: "data.a", kind: "update" }] })),
        );
        assert.equal(exitCode(edited), 2);
        const text = renderReport(edited);
        assert.match(
            text,
            /ConfigMap cms-dials-local\/backend-nginx-conf on cluster local-openshift: changed outside the program/,
        );
        assert.match(text, /system dials; runbook step: 003-cms-dials\.txt:\d+/);
        assert.match(
            text,
            /by kubectl-patch \(Update\):\n {6}data\.a: the program declares another value: pulumi up --refresh sets the program's value back\n {6}data\.b: added outside the program/,
        );
        assert.doesNotMatch(text, /REPLACES/);
        assert.match(
            text,
            /ConfigMap cms-dials-local\/by-hand on cluster local-openshift.* by kubectl-create/,
        );
        const patch = [
            { op: "test", path: "/data/b", value: "1" },
            { op: "remove", path: "/data/b" },
        ];
        assert.deepEqual(dryRuns, [patch], "the removal is dry-run before it is printed");
        const steps = text.slice(text.indexOf("To restore the program's state, run in order:")).split("\n");
        assert.equal(
            steps[1].trim().split("    #")[0],
            `kubectl --kubeconfig kc.yaml --context local -n cms-dials-local patch configmap/backend-nginx-conf --type=json -p '${JSON.stringify(patch)}'`,
        );
        // data.a is held by kubectl-patch now: the up is forced, or it stops on the conflict.
        assert.match(steps[2], /^ {2}PULUMI_K8S_ENABLE_PATCH_FORCE=true pulumi up --refresh --stack local /);
        // The engine plans a replace of the same object: the report says so, and removes nothing by hand (the
        // replace makes the object anew).
        const replaced = await checkDrift(
            input(
                editedCluster(),
                engineSays({
                    op: "replace",
                    replaceKeys: ["data"],
                    diffs: [{ path: "data.a", kind: "update-replace" }],
                }),
            ),
        );
        assert.match(renderReport(replaced), /data\.a: .*REPLACES the object.*replace keys: data/);
        assert.deepEqual(replaced.removals, []);
        // Control: the API server refuses the removal's dry run: no command is printed, the refusal is.
        const refused = await checkDrift(
            input(
                editedCluster("the request is invalid"),
                engineSays({ diffs: [{ path: "data.a", kind: "update" }] }),
            ),
        );
        assert.doesNotMatch(renderReport(refused), /patch configmap/);
        assert.match(
            renderReport(refused),
            /no command printed, the API server refused its dry run: .*invalid/,
        );
    });

    it("what only the engine sees (a field removed, an edit under the program's manager) is drift; a failed preview is unknown", async () => {
        const cluster = () =>
            fakeCluster([
                liveCm([{ manager: "pulumi-kubernetes-x1", fieldsV1: { "f:data": { "f:a": {} } } }], {
                    a: "1",
                }),
            ]);
        const restored = await checkDrift(
            input(cluster(), engineSays({ diffs: [{ path: 'metadata.labels["app"]', kind: "add" }] })),
        );
        assert.equal(exitCode(restored), 2);
        assert.match(
            renderReport(restored),
            /ConfigMap cms-dials-local\/backend-nginx-conf on cluster local-openshift \(system dials\): no other manager wrote it, yet the engine changes it.*\n.*update at metadata\.labels\["app"\][\s\S]*pulumi up --refresh --stack local/,
        );
        const failed = await checkDrift(input(cluster(), engineSays(undefined, "error: the program failed")));
        assert.equal(exitCode(failed), 1, "a preview that did not complete is never no drift");
        // A preview stopped by one resource's conflict still answers for the rest: drift, not unknown.
        const conflict = await checkDrift(
            input(
                cluster(),
                engineSays({ errors: ["Apply failed with 1 conflict"] }, "error: preview failed"),
            ),
        );
        assert.equal(exitCode(conflict), 2);
        assert.match(renderReport(conflict), /the preview stopped on it: Apply failed with 1 conflict/);
        // The stop is a finding with its own step, never "run drift again": the forced up ends the conflict, then
        // an unforced one puts the patch-force switch back.
        assert.match(
            renderReport(conflict),
            /ConfigMap cms-dials-local\/backend-nginx-conf on cluster local-openshift: the engine's preview stops on it, a server-side-apply conflict/,
        );
        assert.deepEqual(
            procedure(conflict).map((l) => l.split("    #")[0]),
            [
                "PULUMI_K8S_ENABLE_PATCH_FORCE=true pulumi up --refresh --stack local",
                "pulumi up --refresh --stack local",
            ],
        );
        assert.doesNotMatch(renderReport(conflict), /npm run drift -- --stack local +#/);
        const gone = await checkDrift(input(fakeCluster([]), engineSays({ op: "create" })));
        assert.match(renderReport(gone), /gone from the cluster: pulumi up --refresh creates it again/);
    });

    it("a kind the credentials may not list is named in the report, not taken for an empty namespace", async () => {
        const live = fakeCluster([
            liveCm([{ manager: "pulumi-kubernetes-x1", fieldsV1: { "f:data": { "f:a": {} } } }], { a: "1" }),
        ]);
        const list = live.list;
        live.list = async (k, ns) => {
            if (k.kind === "ConfigMap")
                throw new KubeError(403, 'configmaps is forbidden: User "drift" cannot list');
            return list(k, ns);
        };
        const r = await checkDrift(input(live));
        assert.deepEqual(
            r.unlisted.map((u) => [u.cluster, u.namespace, u.kind]),
            [["local-openshift", "cms-dials-local", "configmaps"]],
        );
        assert.match(
            renderReport(r),
            /not listed: configmaps in cms-dials-local on cluster local-openshift \(.*HTTP 403/,
        );
    });

    it("a cluster it cannot reach, or without a kubeconfig, is named with the reason and never reads as no drift", async () => {
        const r = await checkDrift(
            input(new Error("no kubeconfig (pulumi config get kubeconfig-local-openshift failed)")),
        );
        assert.equal(exitCode(r), 1);
        assert.match(renderReport(r), /cluster local-openshift: NOT CHECKED, drift unknown: no kubeconfig/);
        const refused = fakeCluster([]);
        refused.get = async () => {
            throw Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:6443"), {});
        };
        const down = await checkDrift(input(refused));
        assert.equal(exitCode(down), 1);
        assert.match(renderReport(down), /local-openshift: NOT CHECKED, drift unknown: connect ECONNREFUSED/);
    });
});
