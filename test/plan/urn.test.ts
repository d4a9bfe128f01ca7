import { strict as assert } from "assert";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { engineUrn } from "../../tools/mocks/recorder";
import { recorder, resetRecorder, settled } from "../harness";

// The engine's rule (resource.NewURN): the type part is the parent's whole qualified type, `$`, the resource's
// type; children of the stack get no prefix. Written out by hand for each shape so a wrong rule cannot pass.
describe("engine URNs", () => {
    const S = "urn:pulumi:stage::runbooks::";

    it("a root component has only its type", () => {
        assert.equal(
            engineUrn("stage", "runbooks", "", "runbooks:dials:Dials", "dials"),
            `${S}runbooks:dials:Dials::dials`,
        );
        assert.equal(
            engineUrn(
                "stage",
                "runbooks",
                `${S}pulumi:pulumi:Stack::runbooks-stage`,
                "runbooks:dials:Dials",
                "dials",
            ),
            `${S}runbooks:dials:Dials::dials`,
        );
    });

    it("a child and a grandchild carry the whole parent chain", () => {
        const child = engineUrn(
            "stage",
            "runbooks",
            `${S}runbooks:dials:Dials::dials`,
            "runbooks:shared:Workload",
            "dials-web",
        );
        assert.equal(child, `${S}runbooks:dials:Dials$runbooks:shared:Workload::dials-web`);
        assert.equal(
            engineUrn("stage", "runbooks", child, "kubernetes:apps/v1:Deployment", "dials-web"),
            `${S}runbooks:dials:Dials$runbooks:shared:Workload$kubernetes:apps/v1:Deployment::dials-web`,
        );
    });

    it("the recorder registers each shape with that URN (provider included)", async () => {
        resetRecorder();
        class Outer extends pulumi.ComponentResource {
            constructor(name: string) {
                super("runbooks:test:Outer", name);
                const inner = new Inner(`${name}-inner`, { parent: this });
                new k8s.Provider(`${name}-cluster`, { kubeconfig: "x" }, { parent: this });
                this.registerOutputs({ inner: inner.urn });
            }
        }
        class Inner extends pulumi.ComponentResource {
            constructor(name: string, opts: pulumi.ComponentResourceOptions) {
                super("runbooks:test:Inner", name, {}, opts);
                new k8s.core.v1.ConfigMap(`${name}-cm`, { data: { a: "b" } }, { parent: this });
                this.registerOutputs({});
            }
        }
        new Outer("urn-shapes");
        await settled();
        const urns = recorder.resources.map((r) => r.urn).filter((u) => u.includes("urn-shapes"));
        const T = "urn:pulumi:test::runbooks::";
        assert.deepEqual(
            urns.sort(),
            [
                `${T}runbooks:test:Outer$pulumi:providers:kubernetes::urn-shapes-cluster`,
                `${T}runbooks:test:Outer$runbooks:test:Inner$kubernetes:core/v1:ConfigMap::urn-shapes-inner-cm`,
                `${T}runbooks:test:Outer$runbooks:test:Inner::urn-shapes-inner`,
                `${T}runbooks:test:Outer::urn-shapes`,
            ].sort(),
        );
    });
});
