import { testCluster } from "../fixtures/cluster";
import * as k8s from "@pulumi/kubernetes";
import { strict as assert } from "assert";
import { ClusterContext } from "../../components/shared/cluster";
import { ContainerSpec } from "../../components/shared/container";
import { PlainConfigMap } from "../../components/shared/configMap";
import { ConfigMapHandle, SecretHandle } from "../../components/shared/handles";
import { Namespace } from "../../components/shared/namespace";
import { PersistentVolumeClaim } from "../../components/shared/persistentVolumeClaim";
import { sized } from "../../components/shared/resources";
import { READS_CHECKSUM_ANNOTATION } from "../../components/shared/startupReads";
import { ConfigSecret } from "../../components/shared/secret";
import { ServiceAccount } from "../../components/shared/serviceAccount";
import { Workload } from "../../components/shared/workload";
import { field, k8sObject, resetRecorder, settled } from "../harness";
import { randomBytes } from "crypto";

type Volume = k8s.types.input.core.v1.Volume;

// Objects wired by handles (issue 28): a pod names a Secret, ConfigMap, claim or account through the object's own
// name, so the engine orders it after the object from the reference alone, and what it reads is known for restarts.

let serial = 0;
const cluster = (): ClusterContext => testCluster("handles");

const app = (name: string) => ({ name, partOf: "test", component: "c" });

/** A Secret, a ConfigMap and a claim in `ns`, made by the shared builders. */
function objects(c: ClusterContext, ns: string, password = "one") {
    const n = ++serial;
    const secret = new ConfigSecret(
        `handles-secret-${n}`,
        { namespace: ns, name: "db", app: app("db"), data: { password } },
        { provider: c.provider },
    );
    const configMap = new PlainConfigMap(
        `handles-cm-${n}`,
        { namespace: ns, name: "settings", app: app("settings"), data: { mode: "x" } },
        { provider: c.provider },
    );
    const claim = new PersistentVolumeClaim(
        `handles-pvc-${n}`,
        { name: "data", namespace: ns, labels: {}, storage: "1Gi", protectStateful: false },
        { provider: c.provider },
    );
    return { secret, configMap, claim };
}

function reader(
    c: ClusterContext,
    ns: string,
    o: ReturnType<typeof objects>,
    extra: { restart?: boolean; account?: ServiceAccount } = {},
): Workload {
    const data = o.claim.handle.mount("/data", { volume: "data" });
    return new Workload(`handles-web-${++serial}`, {
        cluster: c,
        namespace: ns,
        app: app("web"),
        containers: [
            {
                name: "web",
                image: "quay.io/example/web:1.0",
                resources: sized("10m", "16Mi", "10m", "16Mi"),
                env: {
                    PASSWORD: o.secret.handle.env("password"),
                    MODE: o.configMap.handle.env("mode", { optional: true }),
                },
                envFrom: [o.configMap.handle.envFrom()],
                mounts: [data],
            },
        ],
        volumes: [data.volume, o.secret.handle.volume("tls", { items: [{ key: "password", path: "p" }] })],
        ...(extra.account ? { serviceAccountName: extra.account.handle.name } : {}),
        ...(extra.restart ? { restartOnChange: { key: c.provider.urn.apply(() => "k".repeat(64)) } } : {}),
    });
}

describe("objects wired by handles", () => {
    beforeEach(resetRecorder);

    it("a pod names each object by the object's own name and waits for it through that reference alone", async () => {
        const c = cluster();
        const o = objects(c, "ns");
        const account = new ServiceAccount(`handles-sa-${++serial}`, {
            cluster: c,
            namespace: "ns",
            name: "web",
            app: app("web"),
        });
        reader(c, "ns", o, { account });
        await settled();
        const d = k8sObject("kubernetes:apps/v1:Deployment", "web", "ns");
        const pod = "spec.template.spec";
        assert.deepEqual(field(d.inputs, `${pod}.containers[0].env`), [
            {
                name: "MODE",
                valueFrom: { configMapKeyRef: { name: "settings", key: "mode", optional: true } },
            },
            { name: "PASSWORD", valueFrom: { secretKeyRef: { name: "db", key: "password" } } },
        ]);
        assert.deepEqual(field(d.inputs, `${pod}.containers[0].envFrom`), [
            { configMapRef: { name: "settings" } },
        ]);
        assert.deepEqual(field(d.inputs, `${pod}.volumes`), [
            { name: "data", persistentVolumeClaim: { claimName: "data" } },
            { name: "tls", secret: { secretName: "db", items: [{ key: "password", path: "p" }] } },
        ]);
        assert.equal(field(d.inputs, `${pod}.serviceAccountName`), "web");
        for (const [kind, name] of [
            ["kubernetes:core/v1:Secret", "db"],
            ["kubernetes:core/v1:ConfigMap", "settings"],
            ["kubernetes:core/v1:PersistentVolumeClaim", "data"],
            ["kubernetes:core/v1:ServiceAccount", "web"],
        ]) {
            assert.ok(
                d.dependencies.includes(k8sObject(kind, name, "ns").urn),
                `the pods wait for ${kind} ${name}`,
            );
        }
    });

    it("each way of naming an object (env, envFrom, volume) carries the wait on its own", async () => {
        const c = cluster();
        const o = objects(c, "ns");
        const secret = ["kubernetes:core/v1:Secret", "db"];
        const configMap = ["kubernetes:core/v1:ConfigMap", "settings"];
        const claim = ["kubernetes:core/v1:PersistentVolumeClaim", "data"];
        const ways: [string, string[], Partial<ContainerSpec> & { volumes?: Volume[] }][] = [
            ["secret env", secret, { env: { P: o.secret.handle.env("password") } }],
            ["secret envFrom", secret, { envFrom: [o.secret.handle.envFrom()] }],
            ["secret volume", secret, { volumes: [o.secret.handle.volume("s")] }],
            ["configMap env", configMap, { env: { M: o.configMap.handle.env("mode") } }],
            ["configMap envFrom", configMap, { envFrom: [o.configMap.handle.envFrom()] }],
            ["configMap volume", configMap, { volumes: [o.configMap.handle.volume("c")] }],
            ["claim volume", claim, { volumes: [o.claim.handle.volume("d")] }],
        ];
        ways.forEach(([, , { env, envFrom, volumes }], i) => {
            new Workload(`handles-way-${++serial}`, {
                cluster: c,
                namespace: "ns",
                app: app(`way-${i}`),
                containers: [
                    { name: "c", image: "i:1", resources: sized("10m", "16Mi", "10m", "16Mi"), env, envFrom },
                ],
                volumes,
            });
        });
        await settled();
        ways.forEach(([way, [kind, name]], i) => {
            const d = k8sObject("kubernetes:apps/v1:Deployment", `way-${i}`, "ns");
            assert.deepEqual(
                d.dependencies,
                [k8sObject(kind, name, "ns").urn],
                `${way}: the pods wait for exactly it`,
            );
        });
    });

    it("an object made elsewhere is named once by existing() and orders nothing", async () => {
        const c = cluster();
        new Workload(`handles-web-${++serial}`, {
            cluster: c,
            namespace: "ns",
            app: app("web"),
            containers: [
                {
                    name: "web",
                    image: "quay.io/example/web:1.0",
                    resources: sized("10m", "16Mi", "10m", "16Mi"),
                    env: { TOKEN: SecretHandle.existing("operator-token", "ns").env("token") },
                    envFrom: [ConfigMapHandle.existing("cluster-ca").envFrom({ optional: true })],
                },
            ],
        });
        await settled();
        const d = k8sObject("kubernetes:apps/v1:Deployment", "web", "ns");
        assert.deepEqual(field(d.inputs, "spec.template.spec.containers[0].env"), [
            { name: "TOKEN", valueFrom: { secretKeyRef: { name: "operator-token", key: "token" } } },
        ]);
        assert.deepEqual(field(d.inputs, "spec.template.spec.containers[0].envFrom"), [
            { configMapRef: { name: "cluster-ca", optional: true } },
        ]);
        assert.deepEqual(d.dependencies, [], "nothing of this program to wait for");
    });

    it("restarts the pods when an object they read through a handle changes, without listing candidates", async () => {
        const annotation = async (password: string) => {
            resetRecorder();
            const c = cluster();
            reader(c, "ns", objects(c, "ns", password), { restart: true });
            await settled();
            const d = k8sObject("kubernetes:apps/v1:Deployment", "web", "ns");
            return field(d.inputs, `spec.template.metadata.annotations.${READS_CHECKSUM_ANNOTATION}`);
        };
        const one = await annotation("one");
        assert.equal(typeof one, "string", "the pods carry the checksum of what they read");
        assert.equal(await annotation("one"), one);
        assert.notEqual(
            await annotation(randomBytes(8).toString("hex")),
            one,
            "a new password rolls the pods",
        );
    });

    it("stops a pod that names an object of another namespace, before anything is created", () => {
        const c = cluster();
        const o = objects(c, "other");
        assert.throws(
            () => reader(c, "ns", o),
            /pods in namespace ns cannot read Secret other\/db, ConfigMap other\/settings, PersistentVolumeClaim other\/data/,
        );
    });

    it("a namespace's name carries the namespace: objects placed with it wait for it and are checked against it", async () => {
        const c = cluster();
        const ns = new Namespace(`handles-ns-${++serial}`, { cluster: c, name: "team", app: app("team") });
        const o = objects(c, "team");
        reader(c, "team", o);
        const placed = new ConfigSecret(
            `handles-placed-${++serial}`,
            { namespace: ns.name, name: "placed", app: app("placed"), data: { password: "v" } },
            { provider: c.provider },
        );
        assert.throws(
            () => reader(c, "elsewhere", { ...o, secret: placed }),
            /cannot read Secret team\/placed/,
        );
        await settled();
        const secret = k8sObject("kubernetes:core/v1:Secret", "placed", "team");
        assert.ok(secret.dependencies.includes(k8sObject("kubernetes:core/v1:Namespace", "team").urn));
    });
});
