import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { ConfigError } from "../../components/config/problems";
import { nodepoolSchema } from "../../components/thoth/config";
import { nodepoolContext, nodepoolYaml } from "../../components/thoth/nodepool/nodepoolYaml";
import { k8sObject, onlyProblem } from "../harness";
import {
    Json,
    KIND,
    assertGrants,
    nodepoolOnly,
    runThoth,
    thothOf,
    thothOutputs,
    thothStack,
} from "./fixtures";
import { plannedBefore } from "./parts";

// psi is OpenShift 4: the context names its API server, thoth.apiServer, not the OpenShift 3 paas.psi host.
const API = "api.ocp4.prod.psi.redhat.com:6443";
const CONTEXT = "thoth-zuul/api-ocp4-prod-psi-redhat-com:6443/system:serviceaccount:thoth-zuul:nodepool";

describe("thoth Zuul nodepool", function () {
    // Each run plans the whole station (~400 objects); on a loaded machine that takes longer than the default.
    this.timeout(60_000);
    describe("provider YAML (pure)", () => {
        const config = nodepoolSchema.parse((thothStack("prod").thoth as Json).nodepool);

        it("names the context as `oc login` does for the service account on the section's API server", () => {
            assert.equal(nodepoolContext(config, API), CONTEXT);
            assert.equal(
                nodepoolContext(config, "api.new-cluster.example.org:6443"),
                "thoth-zuul/api-new-cluster-example-org:6443/system:serviceaccount:thoth-zuul:nodepool",
            );
        });

        it("lists every label with min-ready and one openshiftpods provider whose pool is the namespace", () => {
            const doc = parse(nodepoolYaml(config, API));
            assert.deepEqual(doc.labels, [
                { name: "thoth-coala", "min-ready": 1 },
                { name: "thoth-pylint", "min-ready": 1 },
                { name: "thoth-pytest", "min-ready": 1 },
                { name: "thoth-pytest-py37", "min-ready": 1 },
                { name: "thoth-mypy", "min-ready": 0 },
                { name: "thoth-ops", "min-ready": 0 },
                { name: "thoth-python36", "min-ready": 0 },
            ]);
            assert.equal(doc.providers.length, 1);
            const provider = doc.providers[0];
            assert.deepEqual(
                [provider.name, provider.driver, provider.context],
                ["psi", "openshiftpods", CONTEXT],
            );
            assert.equal(provider.pools.length, 1);
            assert.equal(provider.pools[0].name, "thoth-zuul");
            assert.equal(provider.pools[0]["max-pods"], undefined);
            assert.deepEqual(provider.pools[0].labels[3], {
                name: "thoth-pytest-py37",
                image: "thoth-pytest-f31-py37:v0.10.2",
                cpu: 1,
                memory: 1024,
            });
            assert.deepEqual(provider.pools[0].labels.map((l: Json) => l.image)[5], "thoth-ops:v0.16.0");
            // Runbook 000 (Zuul, second step) gives thoth-coala's image as `thoth-coala:ubi8`.
            assert.deepEqual(provider.pools[0].labels[0], {
                name: "thoth-coala",
                image: "thoth-coala:ubi8",
                cpu: 1,
                memory: 1024,
            });
            assert.ok(nodepoolYaml(config, API).startsWith("---\n"));
        });

        it("carries max-pods when configured", () => {
            assert.equal(
                parse(nodepoolYaml({ ...config, maxPods: 12 }, API)).providers[0].pools[0]["max-pods"],
                12,
            );
        });
    });

    describe("in the cluster (prod)", () => {
        plannedBefore("prod");

        it("creates the nodepool service account with edit in its namespace, and its token", () => {
            assert.ok(k8sObject(KIND.namespace, "thoth-zuul"));
            assert.ok(k8sObject(KIND.serviceAccount, "nodepool", "thoth-zuul"));
            const binding = k8sObject(KIND.roleBinding, "nodepool-edit", "thoth-zuul");
            assertGrants(binding, "ClusterRole", "edit", "nodepool", "thoth-zuul");
            const token = k8sObject(KIND.secret, "nodepool-token", "thoth-zuul");
            assert.equal(token.inputs.type, "kubernetes.io/service-account-token");
        });
    });

    it("exports the provider YAML in plain text and the token as a secret", async () => {
        // The outputs are the nodepool's own: evaluated without the station (most of the stack), the bots and the
        // tunnels, none of which the nodepool reads.
        const values = thothStack("prod");
        nodepoolOnly(thothOf(values));
        const nodepool = (await thothOutputs(values)).nodepool;
        assert.equal(
            nodepool.providerYaml,
            nodepoolYaml(
                nodepoolSchema.parse((values.thoth as Json).nodepool),
                (values.thoth as Json).apiServer,
            ),
        );
        assert.equal(nodepool.context, CONTEXT);
        assert.match(nodepool.providerYaml, /context: thoth-zuul\/api-ocp4-prod-psi-redhat-com:6443\//);
        assert.equal(await pulumi.isSecret(nodepool.token), true);
    });

    it("has one source for the API server: a nodepool setting of its own is rejected, a missing thoth.apiServer named", async () => {
        await assert.rejects(
            runThoth("prod", (t) => {
                t.nodepool.apiServer = "paas.psi.redhat.com:443";
            }),
            (err: unknown) =>
                err instanceof ConfigError &&
                err.problems.some((p) => p.key === "runbooks:thoth.nodepool.apiServer"),
        );
        await assert.rejects(
            runThoth("prod", (t) => {
                delete t.apiServer;
            }),
            (err: unknown) =>
                err instanceof ConfigError &&
                err.problems.length === 1 &&
                err.problems[0].key === "runbooks:thoth.apiServer" &&
                /is required/.test(err.problems[0].message),
        );
    });

    it("rejects a label defined twice", async () => {
        try {
            await runThoth("prod", (t) => {
                t.nodepool.labels.push({
                    name: "thoth-pylint",
                    image: "thoth-pylint:v0.10.3",
                    minReady: 0,
                });
            });
            assert.fail("expected a ConfigError");
        } catch (err) {
            assert.ok(err instanceof ConfigError, String(err));
            assert.match(
                onlyProblem(err, "runbooks:thoth.nodepool.labels[7].name").message,
                /"thoth-pylint" is defined twice/,
            );
        }
    });
});
