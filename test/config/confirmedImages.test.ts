import { strict as assert } from "assert";
import { loadProgramConfig } from "../../components/config/load";
import { memoryConfigSource } from "../../components/config/source";
import { isConfirmedImage } from "../../components/shared/confirmedImages";
import { SYSTEMS } from "../../components/systems";
import { SOURCED_IMAGES } from "../fixtures/sourcedImages";
import { KubeObject } from "../../tools/adopt/model";
import { operatorValuesOfSummary } from "../../tools/plan/render";
import { liveStackFile } from "../harness";
import { INTERNAL_REGISTRY } from "../../components/shared/imageRef";
import { imageUses } from "../../tools/preflight/images";
import { manifestObjects, stackPlan } from "../fixtures/plans";

/** Images of Argo's kinds (CronWorkflow, WorkflowTemplate, Workflow): every template's container, script, sidecar. */
function workflowImages(objects: readonly KubeObject[]): string[] {
    const images: string[] = [];
    for (const o of objects) {
        const spec = (o as { spec?: Record<string, unknown> }).spec ?? {};
        const templates = ((spec.workflowSpec as { templates?: unknown[] } | undefined)?.templates ??
            (spec.templates as unknown[] | undefined) ??
            []) as Record<string, unknown>[];
        for (const t of templates)
            for (const c of [
                t.container,
                t.script,
                ...((t.initContainers as unknown[]) ?? []),
                ...((t.sidecars as unknown[]) ?? []),
            ])
                if (c && typeof (c as { image?: unknown }).image === "string")
                    images.push((c as { image: string }).image);
    }
    return images;
}

// Issue 39, finding 4: an unconfirmed release rolled production. Every image the prod plan renders is confirmed,
// or is the subject of exactly one problem that stops `pulumi up` (the offline plan lists it and still renders).
describe("every image of the prod plan is confirmed, or stops pulumi up once per key that sets it", function () {
    this.timeout(120_000);

    it("walks containers, init containers, Jobs, CronJobs, Workflow templates and ImageStream sources", async () => {
        const plan = await stackPlan("prod");
        const objects = Object.entries(plan.files)
            .filter(([f]) => f.startsWith("kubernetes/"))
            .flatMap(([, text]) => manifestObjects<KubeObject>(text).filter(Boolean));
        const streams = new Set(
            objects
                .filter((o) => o.kind === "ImageStream")
                .map((o) => `${o.metadata.namespace}/${o.metadata.name}`),
        );
        const fromStream = (image: string) =>
            image.startsWith(`${INTERNAL_REGISTRY}/`) &&
            streams.has(image.slice(INTERNAL_REGISTRY.length + 1).replace(/:[^:/]*$/, ""));
        const images = [
            ...new Set([
                ...imageUses(objects).map((u) => u.image),
                ...workflowImages(objects).filter((i) => !fromStream(i)),
            ]),
        ].sort();
        assert.ok(images.length > 60, `${images.length} images`);
        assert.ok(workflowImages(objects).length > 0, "the plan has Workflow templates to walk");

        const values = liveStackFile("prod").values;
        const config = loadProgramConfig(memoryConfigSource(values, {}, { stack: "prod" }), SYSTEMS, {
            placeholderSecret: () => "x",
        });
        // The summary lists the operator values one section a line (test/plan/operatorValues.test.ts reads them back).
        const listed = operatorValuesOfSummary(plan.summary);
        const unconfirmed = images.filter((i) => !isConfirmedImage(i, SOURCED_IMAGES));
        assert.ok(unconfirmed.length > 0);
        for (const image of unconfirmed) {
            // One problem per key that sets it (Packit and Stream each set their own nginx, say), never two.
            const stopping = config.operatorValues.filter((p) => p.message.startsWith(`is ${image}: `));
            assert.ok(stopping.length > 0, `${image}: no problem stops pulumi up`);
            const keys = stopping.map((p) => p.key);
            assert.deepEqual(keys, [...new Set(keys)], image);
            for (const key of keys) assert.ok(listed.includes(key), `the plan lists ${key}`);
        }
        const imageKeys = config.operatorValues.filter((p) => p.message.startsWith("is ")).map((p) => p.key);
        assert.deepEqual(imageKeys, [...new Set(imageKeys)], "one problem per key");
        // The DIALS release is among them: the first prod up no longer rolls 21 Deployments onto a guess.
        for (const name of ["etl", "backend", "frontend"])
            assert.ok(
                config.operatorValues.some((p) => p.key === `runbooks:dials.images.confirmed.${name}`),
                name,
            );
    });
});
