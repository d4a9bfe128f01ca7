import { runSystem } from "../fixtures/system";
import { strict as assert } from "assert";
import { ConfigError } from "../../components/config/problems";
import { REQUIRES, packitProblems } from "../../components/packit/checks";
import { Component, packitSchema } from "../../components/packit/config";
import { packitSecretSpecs } from "../../components/packit/secrets";
import { readStackFile } from "../../tools/plan/stackfile";
import { configErrorOf, field, k8sObject, k8sObjects, runWith } from "../harness";
import {
    DEPLOYMENT,
    ROUTE,
    committedStage,
    SECRET,
    envOf,
    packitValues,
    PACKIT_SYSTEMS,
    PACKIT_ALONE,
    packitSections,
    secretsFor,
    Values,
    onlyComponents,
    STATEFULSET,
} from "./fixtures";

/** Runs a changed stage config that must be rejected; returns the error. */
async function rejected(change: (v: Values) => void, dropSecret?: string): Promise<ConfigError> {
    const values = packitValues("stage");
    change(values);
    const secrets = secretsFor(packitValues("stage"));
    if (dropSecret) delete secrets[dropSecret];
    return configErrorOf(() => runWith({ values, secrets, systems: PACKIT_SYSTEMS }));
}

function problem(err: ConfigError, key: string) {
    const found = err.problems.filter((p) => p.key === key);
    assert.ok(found.length > 0, `no problem for ${key}; got ${err.problems.map((p) => p.key).join(", ")}`);
    return found;
}

describe("packit configuration", () => {
    it("keeps redis-commander and flower off unless a stack turns them on", async () => {
        const parsed = packitSchema.parse({ ...packitValues("stage").packit, components: undefined });
        assert.equal(parsed.components.redisCommander, false);
        assert.equal(parsed.components.flower, false);
        assert.equal(parsed.components.service, true);
        assert.equal(parsed.components.sandboxCleanup, true);

        const stage = await committedStage();
        const names = stage.ofType(DEPLOYMENT).map((d) => field(d.inputs, "metadata.name"));
        assert.ok(names.includes("packit-service"), "the stage plan has Packit's Deployments");
        assert.ok(!names.includes("flower") && !names.includes("redis-commander"));
        assert.equal(
            stage.ofType(SECRET).filter((s) => field(s.inputs, "metadata.name") === "flower-secret").length,
            0,
        );
    });

    it("puts flower and redis-commander behind authentication when turned on", async () => {
        // Only the debugging tools and the Redis they need: the case reads nothing of the other components, which
        // make no Deployment or Route of these names.
        const tools: Component[] = ["flower", "redisCommander"];
        await runSystem(PACKIT_ALONE, "stage", (values) => {
            onlyComponents(packitSections(values).packit, [
                ...tools,
                ...tools.flatMap((c) => REQUIRES[c] ?? []),
            ]);
        });
        const flower = envOf(k8sObject(DEPLOYMENT, "flower", "packit-stg"));
        assert.deepEqual(flower.FLOWER_BASIC_AUTH.valueFrom, {
            secretKeyRef: { name: "flower-secret", key: "flower-basic-auth" },
        });
        assert.equal(flower.CELERY_BROKER_URL.value, "redis://redis:6379/0");
        const commander = envOf(k8sObject(DEPLOYMENT, "redis-commander", "packit-stg"));
        assert.deepEqual(commander.HTTP_USER.valueFrom, {
            secretKeyRef: { name: "redis-commander-secret", key: "user" },
        });
        assert.deepEqual(commander.HTTP_PASSWORD.valueFrom, {
            secretKeyRef: { name: "redis-commander-secret", key: "password" },
        });
        const route = k8sObject(ROUTE, "flower", "packit-stg");
        assert.equal(field(route.inputs, "spec.host"), "flower.stg.packit.dev");
        assert.equal(field(route.inputs, "spec.tls.termination"), "edge");
        assert.equal(
            field(route.inputs, "spec.tls.certificate"),
            "SECRET<packit-packit-secrets-fullchain-pem>",
        );
        assert.ok(
            route.secretPaths.includes("spec.tls.certificate") && route.secretPaths.includes("spec.tls.key"),
        );
        assert.equal(
            field(k8sObject(ROUTE, "redis-commander", "packit-stg").inputs, "spec.host"),
            "redis-commander.stg.packit.dev",
        );
    });

    it("rejects an unknown queue split with the allowed values", async () => {
        const err = await rejected((v) => {
            v.packit.workers.split = "medium-running";
        });
        const [p] = problem(err, "runbooks:packit.workers.split");
        assert.match(p.message, /all-queues/);
        assert.match(p.message, /short-long/);
        assert.equal(p.fix, undefined);
        assert.match(p.message, /expected one of "all-queues"\|"short-long"/);
    });

    it("rejects a worker count below one", async () => {
        const err = await rejected((v) => {
            v.stream.workers.allQueues = 0;
        });
        const [p] = problem(err, "runbooks:stream.workers.allQueues");
        assert.match(p.message, /at least 1/);
        assert.equal(p.fix, undefined);
    });

    it("rejects counts that do not belong to the split", async () => {
        const err = await rejected((v) => {
            v.packit.workers.shortRunning = 2;
        });
        const [p] = problem(err, "runbooks:packit.workers.shortRunning");
        assert.match(p.message, /only applies to split short-long/);
        assert.equal(p.fix, undefined);
    });

    it("reports a missing certificate secret with the command that stores it", async () => {
        const err = await rejected(() => {}, "packit-packit-secrets-fullchain-pem");
        const [p] = problem(err, "runbooks:packit-packit-secrets-fullchain-pem");
        assert.match(p.message, /secret is missing/);
        assert.equal(
            p.fix,
            "pulumi config set --secret packit-packit-secrets-fullchain-pem --stack <stack> < fullchain.pem",
        );
    });

    it("reports a public host no certificate covers, for every such host", async () => {
        const err = await rejected((v) => {
            v.packit.tls.certificateNames = ["*.packit.dev"];
        });
        const found = problem(err, "runbooks:packit.tls.certificateNames");
        assert.deepEqual(
            found.map((p) => /covers (\S+)/.exec(p.message)?.[1]),
            ["dashboard.stg.packit.dev", "workers.stg.packit.dev"],
        );
        assert.equal(found[0].fix, undefined);
    });

    it("collects every problem of both sections in one error", async () => {
        const err = await rejected((v) => {
            v.packit.workers.split = "medium-running";
            v.stream.tls.certificateNames = ["*.example.org"];
        }, "stream-aws-access-key-id");
        problem(err, "runbooks:packit.workers.split");
        problem(err, "runbooks:stream.tls.certificateNames");
        problem(err, "runbooks:stream-aws-access-key-id");
        assert.match(err.message, /The stack configuration has 3 problems/);
        assert.match(err.message, /Nothing was created/);
    });

    it("refuses scheduled image imports in production", async () => {
        const values = packitValues("prod");
        values.packit.images.updates = "scheduled";
        try {
            await runWith({ values, secrets: secretsFor(values), systems: PACKIT_SYSTEMS });
            assert.fail("accepted");
        } catch (err) {
            assert.ok(err instanceof ConfigError);
            const [p] = problem(err, "runbooks:packit.images.updates");
            assert.equal(p.fix, undefined);
        }
    });

    it("requires the database and Redis of the components that use them, and an older previous Postgres", async () => {
        const err = await rejected((v) => {
            v.packit.components = { ...v.packit.components, redis: false };
            v.packit.postgres.previous = { version: 16, image: "quay.io/sclorg/postgresql-16-c9s:c9s" };
        });
        const [redis] = problem(err, "runbooks:packit.components.redis");
        assert.match(redis.message, /service needs it/);
        assert.equal(redis.fix, undefined);
        problem(err, "runbooks:packit.postgres.previous.version");
    });

    it("leaves a broker running under its live name as it is: no Redis of its own, every Celery process and flower on that Service", async () => {
        await runSystem(PACKIT_ALONE, "stage", (values) => {
            const packit = packitSections(values).packit;
            packit.createNamespaces = false;
            packit.redis = { liveService: "redict" };
            packit.components = { ...packit.components, flower: true };
        });
        const names = (type: string) =>
            k8sObjects(type, "packit-stg").map((o) => field(o.inputs, "metadata.name"));
        assert.ok(!names(DEPLOYMENT).includes("redis"), "no Redis Deployment");
        assert.ok(!names("kubernetes:core/v1:PersistentVolumeClaim").includes("redis-pvc"), "no Redis claim");
        assert.ok(!names("kubernetes:core/v1:Service").includes("redis"), "no Redis Service");
        for (const [type, name] of [
            [STATEFULSET, "packit-worker"],
            [DEPLOYMENT, "packit-service-beat"],
            [DEPLOYMENT, "packit-service"],
        ] as const)
            assert.equal(
                envOf(k8sObject(type, name, "packit-stg")).REDIS_SERVICE_HOST?.value,
                "redict",
                name,
            );
        assert.equal(
            envOf(k8sObject(DEPLOYMENT, "flower", "packit-stg")).CELERY_BROKER_URL.value,
            "redis://redict:6379/0",
        );
    });

    it("keeps a live broker in a namespace the program creates (its deny isolates only the program's pods), and refuses one no Celery process would use", async () => {
        const values = packitValues("stage");
        values.packit.redis = { liveService: "redict" };
        await runWith({ values, secrets: secretsFor(packitValues("stage")), systems: PACKIT_SYSTEMS });
        const off = await rejected((v) => {
            v.packit.createNamespaces = false;
            v.packit.redis = { liveService: "redict" };
            v.packit.components = {
                ...Object.fromEntries(Object.keys(v.packit.components ?? {}).map((c) => [c, false])),
                redis: false,
                pushgateway: true,
            };
        });
        const [unused] = problem(off, "runbooks:packit.redis.liveService");
        assert.match(unused.message, /components\.redis is off/);
    });

    it("rejects unknown settings such as a mistyped component", async () => {
        const err = await rejected((v) => {
            v.packit.components = { ...v.packit.components, flowers: true };
        });
        const [p] = problem(err, "runbooks:packit.components.flowers");
        assert.match(p.message, /known settings are: .*flower/);
    });
});

describe("packit adoption of the running database", () => {
    it("stops a real prod run until the claim of the running database is named, with the command that reads it", () => {
        const values = readStackFile("prod").values as { packit: unknown };
        const problems = packitProblems("packit", packitSchema.parse(values.packit));
        const claim = problems.find((p) => p.key === "runbooks:packit.postgres.claimName")!;
        assert.ok(claim.placeholder, "the offline plan renders it; a real run stops");
        assert.equal(
            claim.fix,
            "oc -n packit-prod get deployment postgres -o jsonpath='{.spec.template.spec.volumes[0].persistentVolumeClaim.claimName}'",
        );
        const specs = packitSecretSpecs("packit", packitSchema.parse(values.packit));
        const password = specs.find((s) => s.key === "packit-postgres-secret-database-password")!;
        assert.ok(!password.optional, "the running password is required, never generated anew");
    });
});
