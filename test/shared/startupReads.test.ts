import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { strict as assert } from "assert";
import { ConfigMapHandle, SecretHandle } from "../../components/shared/handles";
import { namesReadBy, readsChecksum } from "../../components/shared/startupReads";
import { ConfigSecret } from "../../components/shared/secret";
import { PlainConfigMap } from "../../components/shared/configMap";
import { reinstallRecorder, resetRecorder, settled } from "../harness";

let serial = 0;
const app = { name: "reader", partOf: "test" };

function secret(data: Record<string, string>, name = "s"): ConfigSecret {
    const provider = new k8s.Provider(`reads-provider-${++serial}`, { kubeconfig: "{}" });
    return new ConfigSecret(`reads-secret-${serial}`, { name, namespace: "ns", app, data }, { provider });
}

function configMap(data: Record<string, string>): PlainConfigMap {
    const provider = new k8s.Provider(`reads-provider-${++serial}`, { kubeconfig: "{}" });
    return new PlainConfigMap(`reads-cm-${serial}`, { name: "c", namespace: "ns", app, data }, { provider });
}

async function value(o: pulumi.Output<string>): Promise<{ value: string; secret: boolean }> {
    const secret = await pulumi.isSecret(o);
    const v = await new Promise<string>((resolve) => o.apply((x) => resolve(x)));
    return { value: v, secret };
}

describe("checksum of what pods read at start", () => {
    beforeEach(resetRecorder);
    afterEach(async () => {
        await settled();
    });

    it("changes with any value of a read Secret or ConfigMap, and with nothing else", async () => {
        const key = pulumi.secret("k".repeat(64));
        const a = await value(readsChecksum(key, [secret({ password: "one" }), configMap({ mode: "x" })]));
        const same = await value(readsChecksum(key, [configMap({ mode: "x" }), secret({ password: "one" })]));
        const rotated = await value(
            readsChecksum(key, [secret({ password: "two" }), configMap({ mode: "x" })]),
        );
        const reconfigured = await value(
            readsChecksum(key, [secret({ password: "one" }), configMap({ mode: "y" })]),
        );
        assert.equal(same.value, a.value, "order of the reads does not matter");
        assert.notEqual(rotated.value, a.value);
        assert.notEqual(reconfigured.value, a.value);
    });

    it("is keyed: without the key, the annotation says nothing about the values", async () => {
        const reads = () => [secret({ password: "one" })];
        const one = await value(readsChecksum(pulumi.secret("a".repeat(64)), reads()));
        const other = await value(readsChecksum(pulumi.secret("b".repeat(64)), reads()));
        assert.notEqual(one.value, other.value);
    });

    it("is shown in plans (only that it changed), though computed from secrets", async () => {
        const sum = await value(readsChecksum(pulumi.secret("k".repeat(64)), [secret({ password: "one" })]));
        assert.equal(sum.secret, false);
        assert.match(sum.value, /^[0-9a-f]{32}$/);
    });

    it("counts only the candidates the pod names: an unrelated Secret changes nothing", async () => {
        const key = pulumi.secret("k".repeat(64));
        const names = { secrets: ["mine"], configMaps: [] };
        const a = await value(
            readsChecksum(key, [secret({ v: "1" }, "mine"), secret({ v: "1" }, "other")], names),
        );
        const other = await value(
            readsChecksum(key, [secret({ v: "1" }, "mine"), secret({ v: "2" }, "other")], names),
        );
        const mine = await value(
            readsChecksum(key, [secret({ v: "2" }, "mine"), secret({ v: "1" }, "other")], names),
        );
        assert.equal(other.value, a.value);
        assert.notEqual(mine.value, a.value);
    });

    it("finds what a pod names: env references, envFrom, secret/configMap and projected volumes", () => {
        assert.deepEqual(
            namesReadBy({
                containers: [
                    {
                        env: {
                            A: "plain",
                            B: SecretHandle.existing("s-env").env("k"),
                            C: ConfigMapHandle.existing("c-env").env("k"),
                            D: { fieldRef: { fieldPath: "metadata.name" } },
                        },
                        envFrom: [
                            SecretHandle.existing("s-from").envFrom(),
                            ConfigMapHandle.existing("c-from").envFrom(),
                        ],
                    },
                ],
                volumes: [
                    { name: "a", secret: { secretName: "s-vol" } },
                    { name: "b", configMap: { name: "c-vol" } },
                    {
                        name: "c",
                        projected: {
                            sources: [{ secret: { name: "s-proj" } }, { configMap: { name: "c-proj" } }],
                        },
                    },
                    { name: "d", emptyDir: {} },
                ],
            }),
            {
                secrets: ["s-env", "s-from", "s-proj", "s-vol"],
                configMaps: ["c-env", "c-from", "c-proj", "c-vol"],
            },
        );
    });

    describe("in a preview, as the engine answers one", () => {
        // The engine returns a live object's outputs: a Secret without stringData (the API server folded it into
        // data), a ConfigMap without binaryData. A preview resolves every output the engine did not return as
        // unknown, so a checksum over outputs was [unknown] on every reader after each up (28 phantom updates).
        before(() =>
            pulumi.runtime.setMocks(
                {
                    newResource: (args) => {
                        const { stringData, binaryData, ...live } = args.inputs as Record<string, unknown>;
                        void stringData;
                        void binaryData;
                        return { id: args.custom ? `${args.name}-id` : undefined, state: live };
                    },
                    call: (args) => args.inputs,
                },
                "runbooks",
                "stage",
                true,
            ),
        );
        after(reinstallRecorder);

        it("is known whenever what the pods read is known: computed from what the program wrote", async () => {
            const sum = readsChecksum(pulumi.secret("k".repeat(64)), [
                secret({ password: "one" }),
                configMap({ mode: "x" }),
            ]);
            let known = false;
            sum.apply(() => (known = true));
            await pulumi.runtime.disconnect();
            assert.equal(
                known,
                true,
                "the checksum previews as [unknown]: every reader would show an update",
            );
        });

        it("hashes the form every up hashed (stored data, written stringData, type), so no deployed pod rolls", async () => {
            const written = secret({ password: "one" });
            const stored = await new Promise((resolve) => written.stored.content.apply(resolve));
            assert.deepEqual(stored, {
                type: "Opaque",
                data: { password: Buffer.from("one").toString("base64") },
                stringData: { password: "one" },
            });
        });
    });
});
