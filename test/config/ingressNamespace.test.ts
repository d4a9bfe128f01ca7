import { strict as assert } from "assert";
import { ingressNamespaceProblems } from "../../components/config/ingressNamespace";
import { ClustersConfig } from "../../components/config/program";
import { stackFileSource } from "../../tools/plan/stackfile";
import { configProblems, liveStackFile } from "../harness";

const KEY = "runbooks:clusters.ibmcloud-prow.ingressNamespace";

/** The committed stack with its Prow cluster's ingressNamespace replaced (`undefined`: removed). */
function problems(stack: "prod" | "stage", value: string | undefined, offline: boolean) {
    const file = liveStackFile(stack);
    const clusters = structuredClone(file.values["clusters"]) as Record<string, Record<string, unknown>>;
    if (value === undefined) delete clusters["ibmcloud-prow"].ingressNamespace;
    else clusters["ibmcloud-prow"].ingressNamespace = value;
    const source = stackFileSource({ ...file, values: { ...file.values, clusters } }, "[secret]");
    return configProblems(source, offline ? { placeholderSecret: () => "x" } : {}).filter(
        (p) => p.key === KEY,
    );
}

describe("clusters.<name>.ingressNamespace", function () {
    this.timeout(120_000);

    it("is required on a Kubernetes cluster a system deploys to, with a fix that asks for the namespace", () => {
        for (const stack of ["prod", "stage"] as const) {
            const [problem, ...rest] = problems(stack, undefined, true);
            assert.equal(rest.length, 0);
            assert.match(problem.message, /is required on a Kubernetes cluster/);
            assert.match(
                problem.message,
                /set it to the namespace of this cluster's ingress controller pods/,
            );
            assert.equal(problem.fix, "kubectl get pods -A -l app.kubernetes.io/component=controller");
            assert.ok(!problem.placeholder);
        }
    });

    it("as the committed placeholder: the offline plan goes past it, a real run stops on it", () => {
        assert.deepEqual(problems("prod", "set-by-operator", true), []);
        const [real] = problems("prod", "set-by-operator", false);
        assert.equal(real?.placeholder, true);
        assert.deepEqual(problems("prod", "kube-system", false), []);
    });

    it("is asked only of Kubernetes clusters (OpenShift's routers are found by their policy group)", () => {
        const clusters = {
            os: { platform: "openshift" },
            k8s: { platform: "kubernetes" },
        } as unknown as ClustersConfig;
        assert.deepEqual(ingressNamespaceProblems("os", clusters), []);
        assert.equal(ingressNamespaceProblems("k8s", clusters).length, 1);
        assert.deepEqual(ingressNamespaceProblems("unknown", clusters), []);
    });
});
