import * as k8s from "@pulumi/kubernetes";
import { strict as assert } from "assert";
import { ClusterContext } from "../../components/shared/cluster";
import { Redis, RedisArgs, RedisAuth } from "../../components/shared/redis";
import { fixedSize } from "../../components/shared/resources";
import { field, k8sObject, ofType, resetRecorder, settled, unwrap } from "../harness";

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const SECRET = "kubernetes:core/v1:Secret";
const PVC = "kubernetes:core/v1:PersistentVolumeClaim";
const PASSWORD = "random:index/randomPassword:RandomPassword";

const cluster: ClusterContext = {
    name: "redis-test",
    platform: "openshift",
    provider: new k8s.Provider("cluster-redis-test", { kubeconfig: "{}" }),
    skipIngressAwait: false,
    production: false,
};

function redis<A extends RedisAuth | undefined>(name: string, extra: Partial<RedisArgs<A>>): Redis<A> {
    return new Redis<A>(`redis-test-${name}`, {
        cluster,
        namespace: "ns",
        app: { name, partOf: "test", component: "broker" },
        image: "quay.io/sclorg/redis-7-c9s:c9s",
        resources: fixedSize("100m", "80Mi"),
        protectStateful: false,
        ...extra,
    });
}

describe("shared Redis", () => {
    beforeEach(resetRecorder);

    it("without auth: no Secret, no password, a plain ping; a protected volume and Recreate in production", async () => {
        const r = redis("broker", {
            storage: { size: "2Gi", claimName: "redis-pvc" },
            protectStateful: true,
        });
        assert.equal(r.password, undefined);
        await settled();
        assert.equal(ofType(SECRET).length, 0);
        assert.equal(ofType(PASSWORD).length, 0);
        const claim = k8sObject(PVC, "redis-pvc", "ns");
        assert.equal(field(claim.inputs, "spec.resources.requests.storage"), "2Gi");
        assert.ok(claim.protect && claim.retainOnDelete, "production data survives a destroy");
        const d = k8sObject(DEPLOYMENT, "broker", "ns");
        assert.equal(field(d.inputs, "spec.strategy.type"), "Recreate", "one pod holds the RWO claim");
        assert.ok(d.dependencies.includes(claim.urn), "Redis starts once its volume is there");
        const c = field(d.inputs, "spec.template.spec.containers[0]") as Record<string, unknown>;
        assert.equal(c.env, undefined, "no password in the environment");
        assert.deepEqual(field(c, "readinessProbe.exec.command"), ["redis-cli", "ping"]);
        assert.deepEqual(field(c, "volumeMounts"), [
            { name: "redis-data", mountPath: "/var/lib/redis/data" },
        ]);
        assert.deepEqual(field(d.inputs, "spec.template.spec.volumes"), [
            { name: "redis-data", persistentVolumeClaim: { claimName: "redis-pvc" } },
        ]);
    });

    it("with auth and no value: a generated password, only in a Secret; a cache keeps no volume", async () => {
        const r = redis("cache", { auth: {} });
        await settled();
        assert.equal(ofType(PASSWORD).length, 1);
        assert.equal(ofType(PVC).length, 0);
        const secret = k8sObject(SECRET, "cache", "ns");
        assert.ok(
            secret.secretPaths.some((p) => "stringData.database-password".startsWith(p)),
            "the password is a secret input",
        );
        const d = k8sObject(DEPLOYMENT, "cache", "ns");
        assert.equal(field(d.inputs, "spec.strategy.type"), "RollingUpdate");
        assert.ok(d.dependencies.includes(secret.urn), "Redis starts once its password Secret is there");
        assert.deepEqual(field(d.inputs, "spec.template.spec.containers[0].env"), [
            {
                name: "REDIS_PASSWORD",
                valueFrom: { secretKeyRef: { name: "cache", key: "database-password" } },
            },
        ]);
        assert.match(
            JSON.stringify(field(d.inputs, "spec.template.spec.containers[0].readinessProbe")),
            /redis-cli -h 127.0.0.1 -a \$REDIS_PASSWORD ping/,
        );
        assert.equal(field(d.inputs, "spec.template.spec.volumes"), undefined);
        assert.ok(r.password);
    });

    it("with auth and a value from secret config: that value, nothing generated, a claim unprotected outside production", async () => {
        const r = redis("given", { auth: { password: "from-config" }, storage: { size: "1Gi" } });
        assert.equal(await unwrap(r.password), "from-config");
        await settled();
        assert.equal(ofType(PASSWORD).length, 0);
        assert.equal(
            field(k8sObject(SECRET, "given", "ns").inputs, "stringData.database-password"),
            "from-config",
        );
        const claim = k8sObject(PVC, "given", "ns");
        assert.ok(!claim.protect && !claim.retainOnDelete);
    });
});
