import { strict as assert } from "assert";
import fc from "fast-check";
import { objectDrift } from "../../drift/analyse";
import { CLUSTER_CONTROLLERS, PROVIDER_CLIENT_SIDE_MANAGERS, classifyEntry } from "../../drift/managers";
import { EngineStep, declaredAt, ignoredAt, pathSegments } from "../../drift/engine";
import { ManagedObject } from "../../drift/state";

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
        ignoreChanges: [],
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
        const withoutList = objectDrift(deployment(), liveAfterUp(), undefined, []);
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

    it("a hand-changed ConfigMap value is a replace when the engine plans one, an update when it does not; an added key is neither", () => {
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
        const replace: EngineStep = {
            op: "replace",
            replaceKeys: ["data"],
            diffs: [{ path: 'data["nginx.conf"]', kind: "update-replace" }],
            errors: [],
        };
        const fields = objectDrift(cm, live, replace)!.changes[0].fields;
        assert.match(fields[0].replace ?? "", /engine's preview replaces the object \(replace keys: data\)/);
        assert.equal(fields[1].state, "added");
        assert.equal(fields[1].replace, undefined);
        // Control: the same edit, the engine planning an update: no replace is claimed.
        const update = objectDrift(cm, live, {
            ...replace,
            op: "update",
            replaceKeys: [],
            diffs: [{ path: 'data["nginx.conf"]', kind: "update" }],
        })!.changes[0].fields;
        assert.deepEqual([update[0].state, update[0].replace], ["changed", undefined]);
        // The same value as the program's: co-owned, nothing for the up to do.
        const same = liveAfterUp([updatedBy("kubectl-client-side-apply", container({ "f:image": {} }))]);
        assert.equal(objectDrift(deployment(), same)!.changes[0].fields[0].state, "same");
    });

    it("compares with what the program declares now (the engine's inputs), not with the refreshed state", () => {
        // After a refresh the state holds the hand value; the engine's inputs hold the program's.
        const refreshed = deployment();
        (refreshed.inputs.spec as { replicas: number }).replicas = 3;
        const live = liveAfterUp(
            [updatedBy("kubectl", { "f:spec": { "f:replicas": {} } })],
            (o) => (o.spec.replicas = 3),
        );
        assert.equal(
            objectDrift(refreshed, live)!.changes[0].fields[0].state,
            "same",
            "the state alone is fooled",
        );
        const step: EngineStep = {
            op: "update",
            replaceKeys: [],
            diffs: [],
            errors: [],
            inputs: deployment().inputs,
        };
        assert.equal(objectDrift(refreshed, live, step)!.changes[0].fields[0].state, "changed");
    });

    it("a Secret is compared key by key through the engine's diff, its values never read", () => {
        const secret: ManagedObject = {
            ...deployment(),
            apiVersion: "v1",
            kind: "Secret",
            name: "packit-sentry",
            inputs: {
                apiVersion: "v1",
                kind: "Secret",
                metadata: { name: "packit-sentry" },
                stringData: "[secret]",
            },
        };
        const live = {
            metadata: {
                name: "packit-sentry",
                managedFields: [updatedBy("kubectl-patch", { "f:data": { "f:dsn": {}, "f:other": {} } })],
            },
            data: { dsn: "aGFuZA==", other: "eA==" },
        };
        const step: EngineStep = {
            op: "replace",
            replaceKeys: ["data"],
            diffs: [{ path: "data.dsn", kind: "update-replace" }],
            errors: [],
            inputs: secret.inputs,
        };
        const fields = objectDrift(secret, live, step)!.changes[0].fields;
        assert.deepEqual(
            fields.map((f) => [f.path, f.state, !!f.replace]),
            [
                ["data.dsn", "changed", true],
                ["data.other", "same", false],
            ],
        );
        assert.deepEqual(
            objectDrift(secret, live)!.changes[0].fields.map((f) => f.state),
            ["secret", "secret"],
            "without the engine: not compared",
        );
        assert.doesNotMatch(JSON.stringify(fields), /aGFuZA|eA==/, "no value in the verdicts");
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

describe("drift: paths between managed fields and the engine's diff", () => {
    it("generated: a keyed list item resolves to its index in the program's list, and back from the diff's path", () => {
        fc.assert(
            fc.property(
                fc.uniqueArray(fc.stringMatching(/^[A-Z_]{1,8}$/), { minLength: 1, maxLength: 6 }),
                fc.nat(),
                (names, pick) => {
                    const env = names.map((name, i) => ({ name, value: String(i) }));
                    const i = pick % names.length;
                    const inputs = { spec: { containers: [{ name: "app", env }] } };
                    const at = declaredAt(inputs, [
                        { field: "spec" },
                        { field: "containers" },
                        { key: { name: "app" } },
                        { field: "env" },
                        { key: { name: names[i] } },
                        { field: "value" },
                    ]);
                    assert.deepEqual(at.segments, ["spec", "containers", 0, "env", i, "value"]);
                    assert.equal(at.value, String(i));
                    assert.deepEqual(pathSegments(`spec.containers[0].env[${i}].value`), at.segments);
                    // An item the program does not declare is not the program's.
                    const other = declaredAt(inputs, [
                        { field: "spec" },
                        { field: "containers" },
                        { key: { name: "app" } },
                        { field: "env" },
                        { key: { name: `${names.join("")}X` } },
                    ]);
                    assert.equal(other.declared, false);
                },
            ),
        );
        assert.deepEqual(pathSegments('metadata.labels["app.kubernetes.io/name"]'), [
            "metadata",
            "labels",
            "app.kubernetes.io/name",
        ]);
    });

    it("generated: an ignoreChanges path covers itself and everything below it, `*` any one step, nothing beside it", () => {
        const step = fc.oneof(fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9]{0,6}$/), fc.nat({ max: 4 }));
        const text = (segments: readonly (string | number)[]) =>
            segments.map((s, i) => (typeof s === "number" ? `[${s}]` : `${i ? "." : ""}${s}`)).join("");
        fc.assert(
            fc.property(
                fc.array(step, { minLength: 1, maxLength: 6 }),
                fc.array(step, { maxLength: 3 }),
                fc.nat(),
                (path, below, star) => {
                    const full = [...path, ...below];
                    assert.equal(ignoredAt([text(path)], full), text(path));
                    const wild = path.map((s, i) => (i === star % path.length ? "*" : s));
                    assert.equal(ignoredAt([text(wild)], full), text(wild));
                    // Control: a sibling of the last step, and the parent, are not covered.
                    const last = path[path.length - 1];
                    const sibling = [...path.slice(0, -1), typeof last === "number" ? last + 1 : `${last}x`];
                    assert.equal(ignoredAt([text(path)], [...sibling, ...below]), undefined);
                    assert.equal(ignoredAt([text(path)], path.slice(0, -1)), undefined);
                },
            ),
        );
    });

    it("a field under the resource's ignoreChanges (an image trigger's image, a controller's data) is left to others", () => {
        const triggered: ManagedObject = {
            ...deployment(),
            ignoreChanges: ["spec.template.spec.containers[0].image"],
        };
        const live = liveAfterUp(
            [updatedBy("kubectl", container({ "f:image": {}, "f:env": { 'k:{"name":"B"}': { ".": {} } } }))],
            (o) => {
                o.spec.template.spec.containers[0].image = "reg/backend:0";
                o.spec.template.spec.containers[0].env.push({ name: "B", value: "2" });
            },
        );
        const fields = objectDrift(triggered, live)!.changes[0].fields;
        assert.deepEqual(
            fields.map((f) => [f.path, f.state, f.ignoredBy]),
            [
                [
                    "spec.template.spec.containers[name=backend].image",
                    "ignored",
                    "spec.template.spec.containers[0].image",
                ],
                ["spec.template.spec.containers[name=backend].env[name=B]", "added", undefined],
            ],
        );
        // Control: without the option the same image is the program's to set back.
        assert.equal(objectDrift(deployment(), live)!.changes[0].fields[0].state, "changed");
        // A key added under an ignored map (a controller's data) is left too: no removal is printed for it.
        const seeded: ManagedObject = {
            ...deployment(),
            kind: "ConfigMap",
            ignoreChanges: ["data"],
            inputs: { metadata: { name: "config" }, data: { a: "1" } },
        };
        const cm = {
            metadata: {
                name: "config",
                managedFields: [updatedBy("hook", { "f:data": { "f:b": {}, "f:a": {} } })],
            },
            data: { a: "2", b: "1" },
        };
        assert.deepEqual(
            objectDrift(seeded, cm)!.changes[0].fields.map((f) => f.state),
            ["ignored", "ignored"],
        );
    });
});
