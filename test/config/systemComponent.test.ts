import * as pulumi from "@pulumi/pulumi";
import { strict as assert } from "assert";
import { KubernetesContext } from "../../components/config/system";
import { SystemComponent } from "../../components/config/systemComponent";
import { testCluster } from "../fixtures/cluster";
import { settled } from "../harness";

// A system's outputs are what `pulumi stack output` shows: typed, set once as its constructor's last step, and never
// changed after; a constructor that forgets them, or sets them twice, stops the evaluation naming the system.

type Outputs = { url: string };

class Demo extends SystemComponent<{ set: number }, KubernetesContext, Outputs> {
    constructor(name: string, sets: number) {
        const context = {
            tier: "local",
            protectStateful: false,
            secrets: { require: () => pulumi.output(""), get: () => undefined },
            cluster: testCluster("system"),
        } as KubernetesContext;
        super("runbooks:test:Demo", name, { config: { set: sets }, context }, undefined);
        for (let i = 0; i < sets; i++) this.setOutputs({ url: `https://demo/${i}` });
    }
}

describe("SystemComponent's outputs", () => {
    it("are the ones set, frozen", async () => {
        const demo = new Demo("system-demo-once", 1);
        assert.deepEqual(demo.outputs, { url: "https://demo/0" });
        assert.ok(Object.isFrozen(demo.outputs));
        await settled();
    });

    it("stop a system that never sets them, or sets them twice, naming it", async () => {
        assert.throws(
            () => new Demo("system-demo-never", 0).outputs,
            /system-demo-never: .* did not set its outputs/,
        );
        assert.throws(
            () => new Demo("system-demo-twice", 2),
            /system-demo-twice: the system's outputs are set twice/,
        );
        await settled();
    });
});
