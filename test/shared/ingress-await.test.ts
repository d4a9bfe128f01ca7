// clusters.<name>.skipIngressAwait: Ingresses of such a cluster carry pulumi.com/skipAwait (its controller publishes
// no load-balancer status, so the provider would wait 10 minutes per Ingress); other clusters' Ingresses do not.
import * as k8s from "@pulumi/kubernetes";
import { strict as assert } from "assert";
import { Exposure } from "../../components/shared/exposure";
import { field, k8sObject, resetRecorder, settled } from "../harness";

function ingressOn(skipIngressAwait: boolean, platform: "kubernetes" | "openshift" = "kubernetes"): void {
    const name = `await-${platform}-${skipIngressAwait}`;
    new Exposure(
        name,
        {
            cluster: {
                name,
                platform,
                provider: new k8s.Provider(`cluster-${name}`, { kubeconfig: "{}" }),
                skipIngressAwait,
                production: false,
            },
            namespace: "ns",
            serviceName: name,
            app: { name, partOf: "test" },
            host: `${name}.example.org`,
            purpose: "application",
            servicePort: "http",
            tls: { termination: "edge" },
            annotations: { "example.org/kept": "yes" },
        },
        {},
    );
}

describe("Ingress await per cluster", () => {
    beforeEach(resetRecorder);

    it("adds pulumi.com/skipAwait only on a cluster with skipIngressAwait, keeping the other annotations", async () => {
        ingressOn(true);
        ingressOn(false);
        await settled();
        const skipped = k8sObject("kubernetes:networking.k8s.io/v1:Ingress", "await-kubernetes-true", "ns");
        const awaited = k8sObject("kubernetes:networking.k8s.io/v1:Ingress", "await-kubernetes-false", "ns");
        const annotations = field(skipped.inputs, "metadata.annotations") as Record<string, string>;
        assert.equal(annotations["pulumi.com/skipAwait"], "true");
        assert.equal(annotations["example.org/kept"], "yes");
        assert.equal(
            (field(awaited.inputs, "metadata.annotations") as Record<string, string>)["pulumi.com/skipAwait"],
            undefined,
            "off by default: the provider awaits the Ingress",
        );
    });

    it("leaves Routes alone (the provider does not await them)", async () => {
        ingressOn(true, "openshift");
        await settled();
        const route = k8sObject("kubernetes:route.openshift.io/v1:Route", "await-openshift-true", "ns");
        assert.equal(
            (field(route.inputs, "metadata.annotations") as Record<string, string>)["pulumi.com/skipAwait"],
            undefined,
        );
    });
});
