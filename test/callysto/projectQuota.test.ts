import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { callystoSchema } from "../../components/callysto/config";
import { resolveHosts } from "../../components/callysto/hosts";
import {
    QuotaAmounts,
    quotaMessage,
    quotaShortfalls,
    stackNeed,
} from "../../components/callysto/projectQuota";
import { evaluatingAgain } from "../harness";
import { runSystem } from "../fixtures/system";
import { CALLYSTO, callystoValues, checked } from "./helpers";

// The modules behind the quota lookups; their exports are looked up on every call, so a test can answer for OpenStack.
/* eslint-disable @typescript-eslint/no-require-imports */
const LOOKUPS = {
    scope: require("@pulumi/openstack/identity/getAuthScope") as Record<string, unknown>,
    compute: require("@pulumi/openstack/compute/getQuotaSetV2") as Record<string, unknown>,
    volume: require("@pulumi/openstack/blockstorage/getQuotasetV3") as Record<string, unknown>,
    network: require("@pulumi/openstack/networking/getQuotaV2") as Record<string, unknown>,
    flavor: require("@pulumi/openstack/compute/getFlavor") as Record<string, unknown>,
};
/* eslint-enable @typescript-eslint/no-require-imports */

const FLAVORS: Record<string, { vcpus: number; ram: number }> = {
    "m1.40g100g4c8g": { vcpus: 4, ram: 8192 },
    "m1.40g100g8c32g": { vcpus: 8, ram: 32768 },
    "m1.small": { vcpus: 1, ram: 2048 },
    "m1.medium": { vcpus: 2, ram: 4096 },
};

const ROOMY: QuotaAmounts = {
    instances: 10,
    cores: 100,
    ram: 512000,
    volumes: 20,
    gigabytes: 1000,
    "floating-ips": 10,
};

/** Runs the stage program with OpenStack answering `limits` for project `callysto`; records what was asked. */
async function withQuota(limits: QuotaAmounts, stack: "stage" | "prod" = "stage") {
    const asked: { token: string; args: Record<string, unknown> }[] = [];
    const answer =
        (token: string, result: (args: Record<string, unknown>) => object) =>
        (args: Record<string, unknown>) => {
            return pulumi.output(args).apply((a) => {
                asked.push({ token, args: a });
                return result(a);
            });
        };
    const stand: [Record<string, unknown>, string, unknown][] = [
        [
            LOOKUPS.scope,
            "getAuthScopeOutput",
            answer("scope", () => ({ projectId: "p-123", projectName: "callysto" })),
        ],
        [
            LOOKUPS.compute,
            "getQuotaSetV2Output",
            answer("compute", () => ({ instances: limits.instances, cores: limits.cores, ram: limits.ram })),
        ],
        [
            LOOKUPS.volume,
            "getQuotasetV3Output",
            answer("volume", () => ({ volumes: limits.volumes, gigabytes: limits.gigabytes })),
        ],
        [
            LOOKUPS.network,
            "getQuotaV2Output",
            answer("network", () => ({ floatingip: limits["floating-ips"] })),
        ],
        [LOOKUPS.flavor, "getFlavorOutput", answer("flavor", (a) => FLAVORS[String(a.name)])],
    ];
    const originals = stand.map(([module, name]) => module[name]);
    for (const [module, name, value] of stand) module[name] = value;
    // The language host fails the run on an unhandled rejection (the SDK re-raises a failed registration as one);
    // under the mocks nothing listens, so the test does.
    const rejections: unknown[] = [];
    const listen = (reason: unknown) => rejections.push(reason);
    process.on("unhandledRejection", listen);
    try {
        const resources = await evaluatingAgain(() => runSystem(CALLYSTO, stack));
        await new Promise((resolve) => setImmediate(resolve));
        return { resources: [...resources], asked, errors: rejections };
    } finally {
        process.off("unhandledRejection", listen);
        stand.forEach(([module, name], i) => (module[name] = originals[i]));
    }
}

describe("callysto OpenStack quota check", function () {
    this.timeout(120_000);

    const stage = resolveHosts(checked(callystoSchema.parse(callystoValues("stage").callysto)));

    it("counts what the stack holds when complete: instances, cores, RAM, volumes, gigabytes, floating IPs", () => {
        // stage: hub-dev (4c/8G, 2×25 GB), sharder hub (1c/2G, 2×5 GB), ssp (1c/2G), stats (2c/4G, 2×25 GB).
        assert.deepEqual(stackNeed(stage, FLAVORS), {
            instances: 4,
            cores: 8,
            ram: 16384,
            volumes: 6,
            gigabytes: 110,
            "floating-ips": 4,
        });
        // prod: the adopted hub (its 2×250 GB volumes and address count against the same quota); clavius exists
        // outside the stack (workstation.create false), and counts only when a new one is asked for.
        const prodConfig = callystoSchema.parse(callystoValues("prod").callysto);
        assert.deepEqual(stackNeed(resolveHosts(checked(prodConfig)), FLAVORS), {
            instances: 1,
            cores: 8,
            ram: 32768,
            volumes: 2,
            gigabytes: 500,
            "floating-ips": 1,
        });
        prodConfig.workstation!.create = true;
        assert.deepEqual(stackNeed(resolveHosts(checked(prodConfig)), FLAVORS), {
            instances: 2,
            cores: 9,
            ram: 34816,
            volumes: 4,
            gigabytes: 620,
            "floating-ips": 2,
        });
    });

    it("passes an exact fit and an unlimited (-1) quota, and names every quota the stack exceeds", () => {
        const need = stackNeed(stage, FLAVORS);
        assert.deepEqual(quotaShortfalls(need, need), []);
        assert.deepEqual(quotaShortfalls(need, { ...need, cores: -1, gigabytes: -1 }), []);
        assert.deepEqual(quotaShortfalls(need, { ...need, cores: 7, "floating-ips": 2 }), [
            { quota: "cores", need: 8, limit: 7 },
            { quota: "floating-ips", need: 4, limit: 2 },
        ]);
    });

    it("says in one message which quota, what the stack needs, what is allowed and how to fix it", () => {
        const message = quotaMessage(
            [
                { quota: "ram", need: 16384, limit: 8192 },
                { quota: "volumes", need: 6, limit: 4 },
            ],
            "callysto",
        );
        assert.match(message, /project callysto has too small a quota for this stack; nothing was created/);
        assert.match(
            message,
            /ram: the stack needs 16384 MiB in all \(adopted objects included\), the quota allows 8192 MiB/,
        );
        assert.match(message, /volumes: the stack needs 6 in all .*the quota allows 4/);
        assert.match(message, /openstack quota set --ram 16384 --volumes 6 callysto/);
        assert.match(message, /openstack quota show/);
    });

    it("asks OpenStack for the project's quota and each flavor's size, and creates everything when it fits", async () => {
        const { resources, asked, errors } = await withQuota(ROOMY);
        assert.deepEqual(errors, []);
        const tokens = asked.map((a) => a.token).sort();
        assert.deepEqual(tokens, ["compute", "flavor", "flavor", "flavor", "network", "scope", "volume"]);
        for (const a of asked.filter((x) => ["compute", "volume", "network"].includes(x.token))) {
            assert.equal(a.args.projectId, "p-123", `${a.token} is read for the provider's own project`);
        }
        assert.deepEqual(
            asked
                .filter((a) => a.token === "flavor")
                .map((a) => a.args.name)
                .sort(),
            ["m1.40g100g4c8g", "m1.medium", "m1.small"],
        );
        assert.equal(resources.filter((r) => r.type === "openstack:compute/instance:Instance").length, 4);
    });

    it("stops before any OpenStack object or command is created when one quota is too small", async () => {
        const { resources, errors } = await withQuota({ ...ROOMY, "floating-ips": 3 });
        assert.ok(errors.length > 0, "the run fails");
        // One error object however many resources waited on it: the language host prints it once, without a trace.
        assert.equal(new Set(errors).size, 1);
        const error = errors[0] as pulumi.RunError;
        assert.ok(pulumi.RunError.isInstance(error));
        // The SDK prefixes the message of an error it meets while serializing inputs (`error serializing property
        // ...`); the whole message stays, at its end.
        assert.ok(
            error.message.endsWith(
                [
                    "The OpenStack project callysto has too small a quota for this stack; nothing was created:",
                    "  floating-ips: the stack needs 4 in all (adopted objects included), the quota allows 3",
                    "Fix: ask the cloud's administrators to raise it (they run: openstack quota set --floating-ips 4 callysto), or remove hosts or volumes from runbooks:callysto.hosts; see the current values with: openstack quota show",
                ].join("\n"),
            ),
            error.message,
        );
        const created = resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"));
        assert.deepEqual(
            created.map((r) => r.type),
            [],
            "nothing is registered before the quota check passes",
        );
    });
});
