import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { DefinitionError } from "../../components/shared/errors";
import { parseQuantity, sized } from "../../components/shared/resources";
import { Workload } from "../../components/shared/workload";
import { testCluster } from "../fixtures/cluster";
import { resetRecorder, settled } from "../harness";

// Issue 53: what stops the program in components/ says whose mistake it is. A stack file's value never gets here
// (the config passes refuse it with its key); what is left names the resource it is about, or says it is a bug.

describe("a mistake of the program's own definitions", () => {
    beforeEach(resetRecorder);

    it("in a component names the component: a ResourceError on the Workload", async () => {
        let workload: unknown;
        assert.throws(
            () =>
                new Workload("errors-deployment-claims", {
                    cluster: testCluster("errors"),
                    namespace: "ns",
                    app: { name: "web", partOf: "test", component: "c" },
                    containers: [{ name: "c", image: "i:1", resources: sized("10m", "16Mi", "10m", "16Mi") }],
                    volumeClaimTemplates: [{ name: "data", size: "1Gi" }],
                }),
            (e: unknown) => {
                assert.ok(pulumi.ResourceError.isInstance(e), `a ResourceError, not ${String(e)}`);
                assert.match(
                    e.message,
                    /errors-deployment-claims: volumeClaimTemplates need kind StatefulSet/,
                );
                workload = e.resource;
                return true;
            },
        );
        assert.ok(workload instanceof Workload, "the error carries the Workload it is about");
        await settled();
    });

    it("without a resource is a DefinitionError that says it is a bug and keeps the trace to its line", () => {
        assert.throws(
            () => parseQuantity("1 GB"),
            (e: unknown) => {
                assert.ok(e instanceof DefinitionError, String(e));
                assert.match(
                    e.message,
                    /^not a Kubernetes quantity: 1 GB \(a definition error of the program/,
                );
                assert.match(e.message, /not a problem of the stack file: report it as a bug\)$/);
                assert.match(e.stack ?? "", /parseQuantity/);
                assert.ok(!pulumi.RunError.isInstance(e), "a RunError would hide the trace");
                return true;
            },
        );
    });
});
