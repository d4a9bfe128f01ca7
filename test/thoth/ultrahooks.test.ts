import { strict as assert } from "assert";
import { byName, field, k8sObject, k8sObjects, runWith, stackValues } from "../harness";

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const SECRETS = {
    "kubeconfig-psi": "apiVersion: v1\nkind: Config\n",
    "thoth-ultrahook-aicoe-api-key": "aicoe-key",
    "thoth-ultrahook-thoth-api-key": "thoth-key",
};

describe("thoth ultrahooks", () => {
    it("creates one Recreate deployment per subdomain in the ultrahook namespace (prod)", async () => {
        await runWith({ values: stackValues("prod"), secrets: SECRETS });
        const deployments = k8sObjects(DEPLOYMENT, "aicoe").map((d) => field(d.inputs, "metadata.name"));
        assert.deepEqual(deployments.sort(), [
            "ultrahook-cyborg-regidores",
            "ultrahook-review-manager",
            "ultrahook-webhooks",
            "ultrahook-zuul-thoth-test-core",
        ]);
        const d = k8sObject(DEPLOYMENT, "ultrahook-review-manager", "aicoe");
        assert.equal(field(d.inputs, "spec.strategy.type"), "Recreate");
        const env = field(d.inputs, "spec.template.spec.containers[0].env") as { name: string; value?: string; valueFrom?: unknown }[];
        assert.deepEqual(env.find((e) => e.name === "ULTRAHOOK_DESTINATION")?.value, "https://review-manager-aicoe-prod-bots.apps.ocp4.prod.psi.redhat.com/github");
        assert.deepEqual(env.find((e) => e.name === "ULTRAHOOK_API_KEY")?.valueFrom, { secretKeyRef: { name: "ultrahook-aicoe", key: "api.key" } });
        assert.equal(field(d.inputs, "spec.template.spec.containers[0].resources.limits.memory"), "50Mi");
    });

    it("keeps API keys in Secrets marked secret, never in the deployment", async () => {
        await runWith({ values: stackValues("prod"), secrets: SECRETS });
        const secret = k8sObject("kubernetes:core/v1:Secret", "ultrahook-aicoe", "aicoe");
        assert.deepEqual(secret.secretPaths, ["stringData"]);
        assert.equal(field(secret.inputs, "stringData")!["api.key" as never], "aicoe-key");
        for (const d of k8sObjects(DEPLOYMENT, "aicoe")) {
            assert.ok(!JSON.stringify(d.inputs).includes("aicoe-key"));
        }
    });

    it("uses the cluster's explicit provider for every Kubernetes object", async () => {
        await runWith({ values: stackValues("prod"), secrets: SECRETS });
        const provider = byName("cluster-psi", "pulumi:providers:kubernetes");
        for (const d of k8sObjects(DEPLOYMENT)) {
            assert.ok(d.provider.startsWith(provider.urn), `${d.name} uses ${d.provider}`);
        }
    });

    it("does not create the prod namespace it does not own, but creates stage's", async () => {
        await runWith({ values: stackValues("prod"), secrets: SECRETS });
        assert.equal(k8sObjects("kubernetes:core/v1:Namespace").length, 0);
        await runWith({ values: stackValues("stage"), secrets: SECRETS });
        assert.ok(k8sObject("kubernetes:core/v1:Namespace", "aicoe-stage"));
    });
});
