import { strict as assert } from "assert";
import { KubeError } from "../../tools/adopt/kube";
import { KubeObject } from "../../tools/adopt/model";
import { LiveCluster } from "../../tools/drift/kube";
import { exitCode, renderReport } from "../../tools/drift/report";
import { checkDrift } from "../../tools/drift/run";
import { Checkpoint, managedObjects } from "../../tools/drift/state";
import { runbookTables } from "../../tools/conformance/load";
import { ServedKind } from "../../tools/drift/unmanaged";

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

function fakeCluster(objects: KubeObject[]): LiveCluster {
    const kinds: ServedKind[] = [
        { apiVersion: "v1", kind: "ConfigMap", resource: "configmaps" },
        { apiVersion: "v1", kind: "Event", resource: "events" },
    ];
    return {
        get: async (ref) => objects.find((o) => o.kind === ref.kind && o.metadata.name === ref.name),
        list: async (k, ns) => objects.filter((o) => o.kind === k.kind && o.metadata.namespace === ns),
        namespacedKinds: async () => kinds,
    };
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
    const input = (live: LiveCluster | Error) => ({
        stack: "local",
        objects,
        ownedNamespaces: new Map([["local-openshift", ["cms-dials-local"]]]),
        tables: runbookTables(),
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
        const edited = await checkDrift(
            input(
                fakeCluster([
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
                ]),
            ),
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
            /by kubectl-patch \(Update\):\n {6}data\.a: .*REPLACES the object.*\n {6}data\.b: added outside the program/,
        );
        assert.match(
            text,
            /ConfigMap cms-dials-local\/by-hand on cluster local-openshift.* by kubectl-create/,
        );
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
