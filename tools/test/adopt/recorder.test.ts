import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { recorder, reinstallRecorder, resetRecorder, settled } from "../../../test/harness";

/** The smallest custom resource: the engine's view is all the recorder sees. */
class Volume extends pulumi.CustomResource {
    constructor(name: string, opts?: pulumi.CustomResourceOptions) {
        super("test:index:Volume", name, {}, opts);
    }
}

describe("adopt: the recorder keeps the import option (what the report lists as adopted by id)", function () {
    it("records the id of an adopted resource and none for a created one", async function () {
        // An earlier file in this mocha worker may have left its own plan's mocks installed (parallel runs share
        // workers): the Volumes must reach this recorder.
        reinstallRecorder();
        resetRecorder();
        new Volume("adopted", { import: "4f1c-volume" });
        new Volume("created");
        await settled();
        const ids = Object.fromEntries(recorder.resources.map((r) => [r.name, r.importId]));
        assert.deepEqual(ids, { adopted: "4f1c-volume", created: "" });
    });
});
