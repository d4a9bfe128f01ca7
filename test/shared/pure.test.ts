import { strict as assert } from "assert";
import { mergeEnv, toEnvVars } from "../../components/shared/env";
import * as labelRules from "../../components/shared/labels";
import { contentHash, duplicates, isDnsLabel } from "../../components/shared/naming";
import {
    parseQuantity,
    sized,
    sizingProblems,
    toResourceRequirements,
} from "../../components/shared/resources";
import { imageTriggerAnnotation } from "../../components/shared/imagestream";
import { exposureUrl } from "../../components/shared/exposure";

describe("shared pure helpers", () => {
    it("validates DNS labels", () => {
        assert.ok(isDnsLabel("staging-deck"));
        assert.ok(!isDnsLabel("Staging-deck"));
        assert.ok(!isDnsLabel("-deck"));
        assert.ok(!isDnsLabel("d".repeat(64)));
    });

    it("hashes content independently of key order, so only real changes roll pods", () => {
        assert.equal(contentHash({ a: 1, b: { c: 2, d: 3 } }), contentHash({ b: { d: 3, c: 2 }, a: 1 }));
        assert.notEqual(contentHash({ a: 1 }), contentHash({ a: 2 }));
        // The hash of the sorted JSON text: a new stringifier must not change it (that would roll every pod).
        assert.equal(contentHash({ b: 1, a: [{ d: 1, c: 2 }] }), "af94ade43ccb3c37");
        assert.notEqual(contentHash([1, 2]), contentHash([2, 1]));
    });

    it("finds duplicates once each", () => {
        assert.deepEqual(duplicates(["a", "b", "a", "a", "c", "b"]), ["a", "b"]);
        assert.deepEqual(duplicates([]), []);
    });

    it("keeps selector labels free of the version (selectors are immutable)", () => {
        const id = { name: "kebechet", partOf: "thoth-station", component: "bot", version: "v1.2.3" };
        assert.deepEqual(labelRules.selectorLabels(id), {
            "app.kubernetes.io/name": "kebechet",
            "app.kubernetes.io/instance": "kebechet",
        });
        const labels = labelRules.standardLabels(id);
        assert.equal(
            labels["app.kubernetes.io/version"],
            undefined,
            "services and secrets do not change with a release",
        );
        assert.equal(labelRules.workloadLabels(id)["app.kubernetes.io/version"], "v1.2.3");
        assert.equal(labels["app.kubernetes.io/managed-by"], "pulumi");
        assert.equal(labels["app.kubernetes.io/component"], "bot");
    });

    it("cuts label values to what Kubernetes accepts", () => {
        const digest = `sha256:${"a".repeat(64)}`;
        const v = labelRules.sanitizeLabelValue(digest);
        assert.ok(v.length <= 63);
        assert.match(v, /^[A-Za-z0-9]([A-Za-z0-9_.-]*[A-Za-z0-9])?$/);
    });

    it("merges env layers with later layers winning and undefined removing", () => {
        const pod = { fieldRef: { fieldPath: "metadata.name" } };
        const merged = mergeEnv({ A: "1", B: "2" }, { B: "3", C: pod }, { A: undefined });
        assert.deepEqual(toEnvVars(merged), [
            { name: "B", value: "3" },
            { name: "C", valueFrom: pod },
        ]);
    });

    it("renders env sorted by name so manifests are stable", () => {
        assert.deepEqual(
            toEnvVars({ Z: "z", A: "a" }).map((e) => e.name),
            ["A", "Z"],
        );
    });

    it("parses quantities and spots requests above limits", () => {
        assert.equal(parseQuantity("500m"), 0.5);
        assert.equal(parseQuantity("1Gi"), 1024 ** 3);
        assert.equal(parseQuantity("2"), 2);
        assert.throws(() => parseQuantity("1 GB"));
        assert.deepEqual(sizingProblems(sized("100m", "64Mi", "250m", "128Mi")), []);
        assert.deepEqual(sizingProblems(sized("1", "2Gi", "500m", "1Gi")), [
            "memory request 2Gi is above the limit 1Gi",
            "cpu request 1 is above the limit 500m",
        ]);
        // No CPU in the source: the CPU share of its memory request (cpuRequestOf).
        assert.deepEqual(toResourceRequirements(sized(undefined, "50Mi", undefined, "50Mi")), {
            requests: { cpu: "20m", memory: "50Mi" },
            limits: { memory: "50Mi" },
        });
    });

    it("builds OpenShift image triggers per container", () => {
        const parsed = JSON.parse(
            imageTriggerAnnotation([{ stream: "packit-service", tag: "stg", container: "packit-service" }]),
        );
        assert.deepEqual(parsed, [
            {
                from: { kind: "ImageStreamTag", name: "packit-service:stg" },
                fieldPath: 'spec.template.spec.containers[?(@.name=="packit-service")].image',
            },
        ]);
    });

    it("derives public URLs from exposures", () => {
        assert.equal(
            exposureUrl({ host: "workers.packit.dev", path: "/metrics" }),
            "https://workers.packit.dev/metrics",
        );
        assert.equal(exposureUrl({ host: "prod.packit.dev" }), "https://prod.packit.dev");
    });
});
