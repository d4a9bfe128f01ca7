import { strict as assert } from "assert";
import fc from "fast-check";
import { objectDrift } from "../../tools/drift/analyse";
import {
    CLUSTER_CONTROLLERS,
    PROVIDER_CLIENT_SIDE_MANAGERS,
    classifyEntry,
} from "../../tools/drift/managers";
import { replaceReason } from "../../tools/drift/replace";
import { ManagedObject } from "../../tools/drift/state";
import { Step } from "../../tools/drift/fields";

// Which managedFields entries of a managed object are drift, and what the next `pulumi up` does with each field.

const PROGRAM = "pulumi-kubernetes-1a2b3c4d";

function deployment(): ManagedObject {
    return {
        urn: "urn:pulumi:local::runbooks::runbooks:dials:Dials$kubernetes:apps/v1:Deployment::backend",
        cluster: "local-openshift",
        system: "dials",
        apiVersion: "apps/v1",
        kind: "Deployment",
        namespace: "cms-dials-local",
        name: "backend",
        fieldManager: PROGRAM,
        replaceOnChanges: [],
        inputs: {
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata: { name: "backend", namespace: "cms-dials-local", labels: { app: "backend" } },
            spec: {
                replicas: 1,
                selector: { matchLabels: { app: "backend" } },
                template: {
                    metadata: { labels: { app: "backend" } },
                    spec: {
                        containers: [
                            { name: "backend", image: "reg/backend:1", env: [{ name: "A", value: "1" }] },
                        ],
                    },
                },
            },
        },
    };
}

/** The live Deployment as the tests edit it. */
interface LiveDeployment {
    metadata: {
        labels: Record<string, string>;
        annotations?: Record<string, string>;
        managedFields?: object[];
    };
    spec: {
        replicas: number;
        selector: { matchLabels: Record<string, string> };
        template: {
            spec: { containers: { image: string; env: object[]; terminationMessagePath?: string }[] };
        };
    };
}

/** The live object after an up: the program's apply, the controller's revision annotation and status. */
function liveAfterUp(extra: object[] = [], change: (o: LiveDeployment) => void = () => {}) {
    const o = structuredClone(deployment().inputs) as unknown as LiveDeployment;
    o.metadata.annotations = { "deployment.kubernetes.io/revision": "1" };
    o.spec.template.spec.containers[0].terminationMessagePath = "/dev/termination-log";
    change(o);
    o.metadata.managedFields = [
        {
            manager: PROGRAM,
            operation: "Apply",
            time: "2026-01-01T00:00:00Z",
            fieldsType: "FieldsV1",
            fieldsV1: { "f:spec": { "f:replicas": {} } },
        },
        updatedBy("kube-controller-manager", {
            "f:metadata": { "f:annotations": { "f:deployment.kubernetes.io/revision": {} } },
        }),
        updatedBy("kube-controller-manager", { "f:status": { "f:replicas": {} } }, { subresource: "status" }),
        ...extra,
    ];
    return o as unknown as Record<string, unknown>;
}

/** A managedFields entry of an Update by `manager` (of `subresource`, at `time`, when given). */
function updatedBy(
    manager: string,
    fieldsV1: object,
    more: { subresource?: string; time?: string } = {},
): object {
    return { manager, operation: "Update", ...more, fieldsV1 };
}

const container = (fields: object) => ({
    "f:spec": { "f:template": { "f:spec": { "f:containers": { 'k:{"name":"backend"}': fields } } } },
});

describe("drift: field managers", () => {
    it("a clean up is no drift; the same object is drift when the controller list is emptied (control)", () => {
        assert.equal(objectDrift(deployment(), liveAfterUp()), undefined);
        const withoutList = objectDrift(deployment(), liveAfterUp(), []);
        assert.deepEqual(
            withoutList?.changes.map((c) => c.manager),
            ["kube-controller-manager"],
            "with no controller listed, the revision annotation must show as drift",
        );
    });

    it("names kubectl set env, set image, label and scale with their fields and what the next up does", () => {
        const live = liveAfterUp(
            [
                updatedBy(
                    "kubectl-set",
                    container({
                        "f:env": { 'k:{"name":"HELDOUT_DRIFT"}': { ".": {}, "f:name": {}, "f:value": {} } },
                        "f:image": {},
                    }),
                    { time: "2026-01-02T03:04:05Z" },
                ),
                updatedBy("kubectl-label", { "f:metadata": { "f:labels": { "f:team": {} } } }),
                updatedBy("kubectl", { "f:spec": { "f:replicas": {} } }, { subresource: "scale" }),
            ],
            (o) => {
                o.spec.template.spec.containers[0].env.push({ name: "HELDOUT_DRIFT", value: "1" });
                o.spec.template.spec.containers[0].image = "reg/backend:hand";
                o.metadata.labels.team = "x";
                o.spec.replicas = 3;
            },
        );
        const drift = objectDrift(deployment(), live)!;
        assert.deepEqual(
            drift.changes.map((c) => [
                c.manager,
                c.subresource ?? "",
                c.fields.map((f) => `${f.path}:${f.state}:${f.replace ?? ""}`),
            ]),
            [
                [
                    "kubectl-set",
                    "",
                    [
                        "spec.template.spec.containers[name=backend].env[name=HELDOUT_DRIFT]:added:",
                        "spec.template.spec.containers[name=backend].image:changed:",
                    ],
                ],
                ["kubectl-label", "", ["metadata.labels.team:added:"]],
                ["kubectl", "scale", ["spec.replicas:changed:"]],
            ],
        );
        assert.equal(drift.changes[0].time, "2026-01-02T03:04:05Z");
    });

    it("a hand-changed selector or ConfigMap value is named a replace, with the reason; an added key is not", () => {
        const cm: ManagedObject = {
            ...deployment(),
            apiVersion: "v1",
            kind: "ConfigMap",
            name: "backend-nginx-conf",
            inputs: {
                apiVersion: "v1",
                kind: "ConfigMap",
                metadata: { name: "backend-nginx-conf" },
                data: { "nginx.conf": "a" },
            },
        };
        const live = {
            apiVersion: "v1",
            kind: "ConfigMap",
            metadata: {
                name: "backend-nginx-conf",
                managedFields: [
                    updatedBy("kubectl-edit", { "f:data": { "f:nginx.conf": {}, "f:extra": {} } }),
                ],
            },
            data: { "nginx.conf": "b", extra: "1" },
        };
        const fields = objectDrift(cm, live)!.changes[0].fields;
        assert.match(fields[0].replace ?? "", /^data: the provider replaces a ConfigMap/);
        assert.equal(fields[1].state, "added");
        assert.equal(fields[1].replace, undefined);
        const sel = liveAfterUp(
            [updatedBy("kubectl-edit", { "f:spec": { "f:selector": { "f:matchLabels": { "f:app": {} } } } })],
            (o) => (o.spec.selector.matchLabels.app = "other"),
        );
        assert.match(
            objectDrift(deployment(), sel)!.changes[0].fields[0].replace ?? "",
            /^spec\.selector: .*immutable/,
        );
        // The same value as the program's: co-owned, nothing for the up to do.
        const same = liveAfterUp([updatedBy("kubectl-client-side-apply", container({ "f:image": {} }))]);
        assert.equal(objectDrift(deployment(), same)!.changes[0].fields[0].state, "same");
    });

    it("any manager that is neither the program's nor a listed controller is drift; status entries never are (generated)", () => {
        fc.assert(
            fc.property(
                fc.string(),
                fc.constantFrom(undefined, "status", "scale"),
                (manager, subresource) => {
                    const v = classifyEntry({ manager, subresource }, PROGRAM);
                    const expected =
                        manager !== PROGRAM &&
                        !PROVIDER_CLIENT_SIDE_MANAGERS.includes(manager) &&
                        subresource !== "status" &&
                        !CLUSTER_CONTROLLERS.some((c) => c.manager.test(manager));
                    assert.equal(v.drift, expected);
                },
            ),
        );
        assert.equal(
            classifyEntry({ manager: "pulumi-kubernetes-other" }, PROGRAM).drift,
            true,
            "another Pulumi program",
        );
        // The provider creates under its client-side name, then moves the fields on its first update.
        for (const m of PROVIDER_CLIENT_SIDE_MANAGERS)
            assert.equal(classifyEntry({ manager: m, operation: "Update" }, PROGRAM).drift, false, m);
        assert.equal(
            classifyEntry({ manager: "pulumi-kubernetes-other" }, undefined).drift,
            false,
            "no recorded manager",
        );
        for (const c of CLUSTER_CONTROLLERS) assert.ok(c.reason.length > 20, `${c.manager}: a reason`);
    });
});

describe("drift: replace detection (the provider's force-new fields)", () => {
    const steps = (...names: (string | number)[]): Step[] =>
        names.map((n) => (typeof n === "number" ? { index: n } : { field: n }));

    it("listed: selector, claim class, Secret data, role binding, Job template replace; an image or replicas does not", () => {
        const cases: [string, string, Step[], boolean][] = [
            ["apps/v1", "Deployment", steps("spec", "selector", "matchLabels", "app"), true],
            [
                "apps/v1",
                "Deployment",
                [
                    ...steps("spec", "template", "spec", "containers"),
                    { key: { name: "a" } },
                    { field: "image" },
                ],
                false,
            ],
            ["apps/v1", "Deployment", steps("spec", "replicas"), false],
            ["apps/v1", "StatefulSet", steps("spec", "volumeClaimTemplates"), true],
            ["v1", "PersistentVolumeClaim", steps("spec", "storageClassName"), true],
            ["v1", "Secret", steps("data", "token"), true],
            ["v1", "ConfigMap", steps("metadata", "labels", "x"), false],
            ["rbac.authorization.k8s.io/v1", "RoleBinding", steps("roleRef", "name"), true],
            ["batch/v1", "Job", steps("spec", "template", "spec"), true],
            ["batch/v1", "CronJob", steps("spec", "jobTemplate", "spec", "template"), false],
            ["v1", "Pod", [...steps("spec", "containers"), { key: { name: "a" } }, { field: "image" }], true],
            ["v1", "Service", steps("spec", "ports", 0, "port"), false],
        ];
        for (const [apiVersion, kind, path, replaces] of cases)
            assert.equal(
                replaceReason({ apiVersion, kind }, path) !== undefined,
                replaces,
                `${kind} ${JSON.stringify(path)}`,
            );
        assert.match(
            replaceReason({ apiVersion: "v1", kind: "Service" }, steps("spec", "type"), ["spec.type"]) ?? "",
            /replaceOnChanges/,
        );
    });

    it("generated: any path below, or above, a force-new field replaces; a metadata label never does", () => {
        const below = fc.array(fc.string({ minLength: 1 }), { maxLength: 3 });
        fc.assert(
            fc.property(below, fc.string({ minLength: 1 }), (rest, label) => {
                assert.ok(
                    replaceReason(
                        { apiVersion: "apps/v1", kind: "Deployment" },
                        steps("spec", "selector", ...rest),
                    ),
                );
                assert.ok(replaceReason({ apiVersion: "v1", kind: "ConfigMap" }, steps("data", ...rest)));
                assert.ok(
                    replaceReason({ apiVersion: "apps/v1", kind: "Deployment" }, steps("spec")),
                    "a whole spec",
                );
                for (const kind of ["Deployment", "ConfigMap", "Secret", "Service"])
                    assert.equal(
                        replaceReason({ apiVersion: "v1", kind }, steps("metadata", "labels", label)),
                        undefined,
                    );
            }),
        );
    });
});
