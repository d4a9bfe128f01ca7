import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { strict as assert } from "assert";
import fc from "fast-check";
import { PlainConfigMap } from "../../components/shared/configMap";
import {
    AccountHandle,
    ClaimHandle,
    ConfigMapHandle,
    Handle,
    KeyedHandle,
    SecretHandle,
} from "../../components/shared/handles";
import { ConfigSecret } from "../../components/shared/secret";
import { resetRecorder, settled } from "../harness";

// A handle knows the keys of the object the program wrote (issue 40): naming another key stops the evaluation,
// offline, instead of a pod stuck in CreateContainerConfigError or started without its file.

const provider = new k8s.Provider("handle-keys", { kubeconfig: "{}" });
const app = { name: "db", partOf: "test", component: "c" };
let serial = 0;

function secret(): ConfigSecret {
    return new ConfigSecret(
        `keys-secret-${++serial}`,
        {
            namespace: "ns",
            name: "db",
            app,
            data: { password: "p", user: "u" },
            base64Data: { keytab: Buffer.from("k").toString("base64") },
        },
        { provider },
    );
}

function configMap(keys: readonly string[]): PlainConfigMap {
    return new PlainConfigMap(
        `keys-cm-${++serial}`,
        { namespace: "ns", name: "settings", app, data: Object.fromEntries(keys.map((k) => [k, "v"])) },
        { provider },
    );
}

/** The error `read` throws, asserting it is a ResourceError. */
function rejection(read: () => unknown): pulumi.ResourceError {
    try {
        read();
    } catch (e) {
        assert.ok(e instanceof pulumi.ResourceError, `a ResourceError, not ${String(e)}`);
        return e;
    }
    assert.fail("the read was accepted");
}

/** The handle names `value` is an `instanceof`. */
function instanceOf(value: object): string[] {
    return [
        value instanceof Handle && "Handle",
        value instanceof SecretHandle && "SecretHandle",
        value instanceof ConfigMapHandle && "ConfigMapHandle",
        value instanceof KeyedHandle && "KeyedHandle",
        value instanceof ClaimHandle && "ClaimHandle",
        value instanceof AccountHandle && "AccountHandle",
    ].filter((n): n is string => n !== false);
}

describe("a handle knows the keys of its object", () => {
    beforeEach(resetRecorder);

    it("accepts every key the Secret carries (data and base64Data) through env and volume items", async () => {
        const handle = secret().handle;
        for (const key of ["password", "user", "keytab"]) assert.equal(handle.env(key).key, key);
        handle.volume("v", { items: [{ key: "keytab", path: "k" }] });
        handle.mount("/etc/db", { items: [{ key: "user", path: "u" }] });
        await settled();
    });

    it("stops a key the object does not carry, naming the object, the key and the keys it has", async () => {
        const handle = secret().handle;
        const cases: [string, () => unknown][] = [
            ["env", () => handle.env("pasword")],
            ["optional env", () => handle.env("pasword", { optional: true })],
            ["volume items", () => handle.volume("v", { items: [{ key: "pasword", path: "p" }] })],
            ["mount items", () => handle.mount("/x", { items: [{ key: "pasword", path: "p" }] })],
        ];
        for (const [how, read] of cases) {
            const error = rejection(read);
            assert.match(error.message, /Secret ns\/db has no key "pasword"/, how);
            assert.match(error.message, /it has: keytab, password, user/, how);
        }
        const cm = configMap(["mode"]).handle;
        assert.match(
            rejection(() => cm.env("mdoe")).message,
            /ConfigMap ns\/settings has no key "mdoe".*it has: mode/,
        );
        await settled();
        // An object made elsewhere: its keys are not known here, nothing is checked.
        assert.equal(SecretHandle.existing("operator-token", "ns").env("anything").key, "anything");
        ConfigMapHandle.existing("cluster-ca").volume("ca", { items: [{ key: "ca.crt", path: "ca.crt" }] });
    });

    it("any key not among a ConfigMap's keys fails, every key among them passes", async () => {
        // Keys named like a member of Object.prototype (toString, constructor) are left out: with one, the SDK's
        // ConfigMap constructor leaves `metadata` unset (seen at seed 21782464); no ConfigMap of the runbooks has one.
        const key = fc.stringMatching(/^[A-Za-z0-9._-]{1,12}$/).filter((k) => !(k in Object.prototype));
        fc.assert(
            fc.property(fc.uniqueArray(key, { maxLength: 6 }), key, (keys, probe) => {
                const handle = configMap(keys).handle;
                for (const k of keys) handle.env(k);
                let failed = false;
                try {
                    handle.env(probe);
                } catch (e) {
                    failed = e instanceof pulumi.ResourceError && e.message.includes(JSON.stringify(probe));
                }
                assert.equal(failed, !keys.includes(probe));
            }),
            { numRuns: 40 },
        );
        await settled();
    });

    it("one Handle class: each kind's factories make it and instanceof tells the kinds apart", () => {
        const s = SecretHandle.existing("s", "ns");
        const c = ConfigMapHandle.existing("c", "ns");
        const claim = ClaimHandle.existing("d", "ns");
        const account = AccountHandle.existing("a", "ns");
        assert.deepEqual(instanceOf(s), ["Handle", "SecretHandle", "KeyedHandle"]);
        assert.deepEqual(instanceOf(c), ["Handle", "ConfigMapHandle", "KeyedHandle"]);
        assert.deepEqual(instanceOf(claim), ["Handle", "ClaimHandle"]);
        assert.deepEqual(instanceOf(account), ["Handle", "AccountHandle"]);
        assert.deepEqual(
            [s, c, claim, account].map((h) => h.kind),
            ["Secret", "ConfigMap", "PersistentVolumeClaim", "ServiceAccount"],
        );
    });
});
