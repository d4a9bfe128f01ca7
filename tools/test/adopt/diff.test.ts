import * as assert from "assert";
import { fieldChanges } from "../../adopt/diff";
import { deployment, live, secret } from "./fixtures";

describe("adopt: field changes of a dry run against the live object", function () {
    it("lists each changed leaf old → new, containers matched by name, server bookkeeping ignored", function () {
        const before = live(deployment("quay.io/shop/web:v1"));
        const after = live(deployment("quay.io/shop/web:v2"));
        (after.metadata as Record<string, unknown>).resourceVersion = "4712";
        (after.metadata as Record<string, unknown>).generation = 4;
        (after.metadata as Record<string, unknown>).managedFields = [{ manager: "pulumi-kubernetes-x" }];
        assert.deepEqual(fieldChanges(before, after, "Deployment"), [
            {
                path: "spec.template.spec.containers[web].image",
                old: "quay.io/shop/web:v1",
                new: "quay.io/shop/web:v2",
            },
        ]);
    });

    it("shows added and removed fields with one side absent", function () {
        const before = live(deployment("web:v1"));
        const after = structuredClone(before);
        (after.metadata.labels as Record<string, string>)["app.kubernetes.io/managed-by"] = "pulumi";
        delete (after.metadata.labels as Record<string, string>).app;
        assert.deepEqual(fieldChanges(before, after, "Deployment"), [
            { path: "metadata.labels.app", old: "web" },
            { path: "metadata.labels.app.kubernetes.io/managed-by", new: "pulumi" },
        ]);
    });

    it("reads a ConfigMap's YAML documents on both sides: each changed setting, not two whole texts (Prow's config.yaml)", function () {
        const cm = (config: string, note: string) => ({
            apiVersion: "v1",
            kind: "ConfigMap",
            metadata: { name: "config", namespace: "kubevirt-prow" },
            data: { "config.yaml": config, note },
        });
        const live = cm(
            "tide:\n  sync_period: 2m\n  queries:\n    - repos: [kubevirt/kubevirt]\nplank: {}\n",
            "a",
        );
        const after = cm(
            "tide:\n  sync_period: 1m\n  queries:\n    - repos: [kubevirt/kubevirt, kubevirt/kubevirtci]\n",
            "b",
        );
        assert.deepEqual(fieldChanges(live, after, "ConfigMap"), [
            { path: "data.config.yaml.plank", old: {} },
            {
                path: "data.config.yaml.tide.queries[0].repos",
                old: ["kubevirt/kubevirt"],
                new: ["kubevirt/kubevirt", "kubevirt/kubevirtci"],
            },
            { path: "data.config.yaml.tide.sync_period", old: "2m", new: "1m" },
            { path: "data.note", old: "a", new: "b" },
        ]);
        // Control: a value that is a document on one side only stays one text change.
        const plain = cm("not: [a, document", "a");
        assert.deepEqual(
            fieldChanges(plain, after, "ConfigMap").map((c) => c.path),
            ["data.config.yaml", "data.note"],
        );
    });

    it("identical objects have no change", function () {
        const obj = live(deployment("web:v1"));
        assert.deepEqual(fieldChanges(obj, structuredClone(obj), "Deployment"), []);
    });

    it("masks Secret values: the key that changes is shown, never what it holds", function () {
        const before = live(secret({ password: Buffer.from("old-password").toString("base64") }));
        const after = live(
            secret({
                password: Buffer.from("new-password").toString("base64"),
                user: Buffer.from("shop").toString("base64"),
            }),
        );
        const changes = fieldChanges(before, after, "Secret");
        assert.deepEqual(changes, [
            { path: "data.password", old: "[secret]", new: "[secret]" },
            { path: "data.user", new: "[secret]" },
        ]);
        assert.ok(!JSON.stringify(changes).includes(Buffer.from("old-password").toString("base64")));
    });

    it("masks a whole Secret data map that appears or disappears", function () {
        const before = live(secret({}));
        const after = live(secret({ token: "c2VjcmV0" }));
        assert.deepEqual(fieldChanges(before, after, "Secret"), [
            { path: "data", new: { token: "[secret]" } },
        ]);
    });
});
