import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { KubernetesContext } from "../../components/config/system";
import { DialsSection } from "../../components/dials/config";
import { Etl } from "../../components/dials/etl";
import { DIALS_PART_OF, Images } from "../../components/dials/images";
import { dials } from "../../components/dials/index";
import { Web } from "../../components/dials/web";
import { SIZES } from "../../components/dials/workers";
import { Namespace } from "../../components/shared/namespace";
import { Redis, RedisAuth } from "../../components/shared/redis";
import { RecordedResource } from "../../tools/mocks/recorder";
import { evaluatePart } from "../fixtures/part";
import { evaluatedBefore } from "../fixtures/system";
import { DIALS, fewerWorkspaces, onDials } from "./fixtures";

// Issue 40: a DIALS part is placed with the Namespace component's `name` and needs no `dependsOn` on the namespace:
// built alone, with no option ordering it, each of its namespaced objects waits for the Namespace itself.

const NAMESPACE = "kubernetes:core/v1:Namespace";
/** The objects of the parts under test: the streams, the ETL and the web tier (not the Redis the test makes). */
const PART = /(::|\$)runbooks:dials:(Images|Etl|Web)\$/;

/** The three parts, each given what it reads and the Namespace's name, and no option that orders them. */
function buildParts(config: DialsSection, context: KubernetesContext): void {
    const { cluster } = context;
    const namespace = new Namespace(
        "parts-ns",
        { cluster, name: config.namespace, app: { name: "cms-dials", partOf: DIALS_PART_OF }, create: true },
        { provider: cluster.provider },
    );
    const redis = (name: string): Redis<RedisAuth> =>
        new Redis(
            `parts-${name}`,
            {
                cluster,
                namespace: config.namespace,
                app: { name, partOf: DIALS_PART_OF, component: "database" },
                image: config.images.redis,
                resources: SIZES.redis,
                protectStateful: false,
                auth: { password: "test-password" },
            },
            { provider: cluster.provider, dependsOn: [namespace] },
        );
    const restartKey = pulumi.secret("test-checksum-key");
    const images = new Images("dials-images", { config, context, namespace: namespace.name });
    new Etl("dials-etl", {
        config,
        context,
        namespace,
        image: images.refs.etl,
        broker: redis("redis-etl-broker"),
        restartKey,
    });
    new Web("dials-web", {
        config,
        context,
        namespace: namespace.name,
        images: images.refs,
        cache: redis("redis-web-cache"),
        restartKey,
    });
}

function namespaceOf(r: RecordedResource): unknown {
    return (r.inputs.metadata as { namespace?: unknown } | undefined)?.namespace;
}

describe("dials parts wait for their namespace through its name (issue 40)", function () {
    this.timeout(120_000);
    const resources = evaluatedBefore(() =>
        evaluatePart(
            DIALS,
            dials,
            "prod",
            onDials((d) => {
                d.createNamespace = true;
                fewerWorkspaces(d);
                // The reviewed migration, so its Job is among the objects.
                d.migration = { from: "v1.7.0", to: d.images.tag };
            }),
            buildParts,
        ),
    );

    it("every namespaced object of the streams, the ETL and the web tier depends on the Namespace itself", () => {
        const all = resources();
        const ns = all.filter((r) => r.type === NAMESPACE);
        assert.equal(ns.length, 1, "the test creates the namespace");
        const placed = all.filter((r) => r.custom && PART.test(r.urn) && typeof namespaceOf(r) === "string");
        const types = new Set(placed.map((r) => r.type));
        for (const kind of [
            "ImageStream",
            "ConfigMap",
            "Secret",
            "PersistentVolumeClaim",
            "Deployment",
            "Job",
        ]) {
            assert.ok(
                [...types].some((t) => t.endsWith(`:${kind}`)),
                `the parts place a ${kind}`,
            );
        }
        assert.deepEqual(
            placed.filter((r) => !r.dependencies.includes(ns[0].urn)).map((r) => `${r.type} ${r.name}`),
            [],
        );
    });
});
