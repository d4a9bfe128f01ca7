import { strict as assert } from "assert";
import fc from "fast-check";
import { packit } from "../../components/packit";
import { databaseSwitches, packitCheck } from "../../components/packit/checks";
import { COMPONENTS, PackitComponents, PackitConfig, packitSchema } from "../../components/packit/config";
import { appEnv, celeryEnv, packitReads } from "../../components/packit/env";
import { PackitImages } from "../../components/packit/images";
import { PackitPostgres, PostgresUpgrade } from "../../components/packit/postgres";
import { SANDBOX_EDIT_BINDING, Sandbox } from "../../components/packit/sandbox";
import { PackitSecretName, SOURCE_SECRETS } from "../../components/packit/secrets";
import type { DatabaseClients } from "../../components/packit/stores";
import { ServiceEndpoint } from "../../components/shared/endpoints";
import { SecretHandle, handlesIn } from "../../components/shared/handles";
import { Namespace } from "../../components/shared/namespace";
import { SystemPart } from "../../components/config/systemComponent";
import { evaluatePart } from "../fixtures/part";
import { field } from "../harness";
import { PACKIT_ALONE, ROLEBINDING, packitValues } from "./fixtures";

// Issue 40: Packit's parts are SystemParts, a pod names its Secrets by the table's names, a database client exists
// only beside the database's handle, and the workers push to the gateway's own Workload.

const NAMESPACE = "packit-stg";
const REDIS = ServiceEndpoint.existing("redis", 6379);

function stageConfig(change: (raw: Record<string, unknown>) => void = () => {}): PackitConfig {
    const raw = structuredClone(packitValues("stage").packit);
    change(raw);
    return packitSchema.parse(raw);
}

const switches = fc.record(
    Object.fromEntries(COMPONENTS.map((c) => [c, fc.boolean()])) as Record<
        (typeof COMPONENTS)[number],
        fc.Arbitrary<boolean>
    >,
);

describe("packit parts: one shape", () => {
    it("builds the images, the database, its upgrade copy and the sandbox as SystemParts", () => {
        for (const part of [PackitImages, PackitPostgres, PostgresUpgrade, Sandbox]) {
            assert.ok(part.prototype instanceof SystemPart, `${part.name} is a SystemPart`);
        }
    });

    it("builds the sandbox alone from the checked section: the workers' account of the main namespace edits it", async () => {
        let main = "";
        const objects = await evaluatePart(PACKIT_ALONE, packit, "stage", undefined, (config, context) => {
            main = config.namespace;
            const namespace = new Namespace("packit-namespace", {
                cluster: context.cluster,
                name: config.namespace,
                app: { name: config.namespace, partOf: config.service, component: "namespace" },
                create: false,
            });
            new Sandbox("packit-sandbox", {
                config,
                context,
                namespace: `${config.namespace}-sandbox`,
                main: namespace,
                repositoryCaches: [],
            });
        });
        const binding = objects.find(
            (r) => r.type === ROLEBINDING && field(r.inputs, "metadata.name") === SANDBOX_EDIT_BINDING,
        );
        assert.ok(binding, "the sandbox's edit binding is made");
        assert.equal(field(binding.inputs, "subjects[0].namespace"), main);
        const labels = field(binding.inputs, "metadata.labels") as Record<string, string>;
        assert.equal(labels["app.kubernetes.io/part-of"], "packit");
    });
});

describe("packit reads: Secrets by the names of SOURCE_SECRETS", () => {
    it("does not compile a misspelt Secret name", () => {
        const reads = packitReads([], NAMESPACE, { redis: REDIS });
        // @ts-expect-error: "packit-secret" is not a Secret of the source (packit-secrets is).
        assert.throws(() => reads.secret("packit-secret"), /Secret packit-secret/);
    });

    it("holds for generated sets of made Secrets: a name reads its handle exactly when it was made there", () => {
        const names = SOURCE_SECRETS.map((s) => s.name);
        fc.assert(
            fc.property(fc.subarray(names), fc.constantFrom(...names), (made, asked: PackitSecretName) => {
                const handles = made.map((n) => ({ handle: SecretHandle.existing(n, NAMESPACE) }));
                const reads = packitReads(handles, NAMESPACE, { redis: REDIS });
                if (made.includes(asked)) assert.equal(reads.secret(asked).objectName, asked);
                else
                    assert.throws(
                        () => reads.secret(asked),
                        new RegExp(`Secret ${asked}, which is not made`),
                    );
                // A Secret of another namespace is not one a pod here can read.
                const elsewhere = packitReads(
                    made.map((n) => ({ handle: SecretHandle.existing(n, "other") })),
                    NAMESPACE,
                    { redis: REDIS },
                );
                assert.throws(() => elsewhere.secret(asked), /not made there/);
            }),
            { numRuns: 100 },
        );
    });
});

describe("packit database clients: only beside the database", () => {
    it("does not type a database client without the database's handle", () => {
        // @ts-expect-error: the API reads the database, so it cannot be on without its handle.
        const api: DatabaseClients = { service: true, workers: false, beat: false };
        // @ts-expect-error: the checked switches never hold a client without components.postgres.
        const on: PackitComponents = { ...stageConfig().components, postgres: false, workers: true };
        assert.ok(api && on);
    });

    it("holds for generated switches: the section's switches exist exactly when no client runs without postgres", () => {
        fc.assert(
            fc.property(switches, (on) => {
                const clientWithout = !on.postgres && (on.service || on.workers || on.beat);
                const proven = databaseSwitches(on);
                assert.equal(proven === undefined, clientWithout);
                if (proven && !proven.postgres) assert.ok(!proven.service && !proven.workers && !proven.beat);
                const config = stageConfig((raw) => {
                    raw.components = on;
                    raw.hosts = {};
                    raw.tokman = { githubAppId: "12345" };
                    raw.centosmsg = { mqttHost: "mqtt.stg.centos.org", topics: "t/#" };
                });
                const result = packitCheck("packit", config);
                if (clientWithout) {
                    assert.equal(result.section, undefined);
                    const keys = result.problems!.map((p) => p.key);
                    assert.ok(keys.includes("runbooks:packit.components.postgres"), keys.join(", "));
                } else if (result.section) {
                    assert.deepEqual(result.section.components, { ...on });
                }
            }),
            { numRuns: 200 },
        );
    });
});

describe("packit pushgateway: the address is the gateway's Workload's endpoint", () => {
    const database = SecretHandle.existing("postgres-secret", NAMESPACE);
    const made = SOURCE_SECRETS.map((s) => ({ handle: SecretHandle.existing(s.name, NAMESPACE) }));

    it("pushes to the endpoint the gateway's Workload gives, whatever its Service is called, and nowhere without it", async () => {
        const config = packitCheck("packit", stageConfig()).section!;
        const gateway = ServiceEndpoint.of("metrics-push", NAMESPACE, 9091);
        const env = celeryEnv(
            config,
            packitReads(made, NAMESPACE, { redis: REDIS, pushgateway: gateway }),
            database,
            {},
        );
        const address = env.PUSHGATEWAY_ADDRESS as { computed: ServiceEndpoint["host"] };
        assert.deepEqual(handlesIn(address.computed), [gateway]);
        assert.equal(
            await new Promise((resolve) => address.computed.apply(resolve)),
            "http://metrics-push:9091",
        );
        const without = celeryEnv(config, packitReads(made, NAMESPACE, { redis: REDIS }), database, {});
        assert.equal(without.PUSHGATEWAY_ADDRESS, undefined);
        // The API never imports the modules that push (packit_service/worker/monitoring.py): it gets no address.
        const api = appEnv(
            config,
            packitReads(made, NAMESPACE, { redis: REDIS, pushgateway: gateway }),
            database,
        );
        assert.equal(api.PUSHGATEWAY_ADDRESS, undefined);
    });
});
