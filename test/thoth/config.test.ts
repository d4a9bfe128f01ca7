import { runSystem } from "../fixtures/system";
import { strict as assert } from "assert";
import { ConfigError } from "../../components/config/problems";
import { thothSchema } from "../../components/thoth/config";
import { thothSecrets } from "../../components/thoth/secrets";
import { thothConfigError, thothStack, Json, THOTH } from "./fixtures";
import { onlyProblem } from "../harness";

describe("thoth config checks", function () {
    // Each run plans the whole station (~400 objects); on a loaded machine that takes longer than the default.
    this.timeout(60_000);
    it("accepts both committed stacks", () => {
        for (const stack of ["stage", "prod"] as const) {
            assert.ok(thothSchema.safeParse(thothStack(stack).thoth).success, stack);
        }
    });

    it("needs a domain for derived Route hosts of bots and Dgraph", async () => {
        const err = await thothConfigError("stage", (t) => {
            delete t.domain;
        });
        const domain = err.problems.filter((p) => p.key === "runbooks:thoth.domain");
        assert.equal(domain.length, 3);
        assert.match(domain[2].message, /station's generated Routes/);
        assert.match(domain[0].message + domain[1].message, /sesheta-webhooks, review-manager/);
        assert.match(domain[0].message + domain[1].message, /Dgraph's Routes/);
        assert.equal(domain[0].fix, undefined);
    });

    it("needs Kafka bootstrap servers when webhook2kafka or normalizers run", async () => {
        const err = await thothConfigError("prod", (t) => {
            delete t.bots.kafkaBootstrapServers;
        });
        assert.match(
            onlyProblem(err, "runbooks:thoth.bots.kafkaBootstrapServers").message,
            /webhook2kafka and normalizers/,
        );
    });

    it("refuses two parts creating the same namespace", async () => {
        const err = await thothConfigError("stage", (t) => {
            t.ultrahooks.namespace = "aicoe-stage-bots";
        });
        const p = onlyProblem(err, "runbooks:thoth.ultrahooks.namespace");
        assert.match(
            p.message,
            /is also created by thoth\.bots\.namespace; use another namespace, or let only one part create it/,
        );
        assert.equal(p.fix, undefined);
    });

    it("refuses a restart target listed twice", async () => {
        const err = await thothConfigError("prod", (t) => {
            t.station.watcherRestart.targets.push("investigator-consumers");
        });
        assert.match(
            onlyProblem(err, "runbooks:thoth.station.watcherRestart.targets[2]").message,
            /investigator-consumers a second time/,
        );
    });

    it("reports schema errors with the full key and what is allowed: latest tags, typos, bad schedules, request above limit", async () => {
        const err = await thothConfigError("prod", (t) => {
            t.bots.kebechet.image = "quay.io/thoth-station/kebechet-job:latest";
            t.bots.nepthys.shedule = "@daily";
            t.bots["sesheta-approver"].schedule = "every ten minutes";
        });
        const keys = err.problems.map((p) => p.key).sort();
        assert.deepEqual(keys, [
            "runbooks:thoth.bots.kebechet.image",
            "runbooks:thoth.bots.nepthys.shedule",
            "runbooks:thoth.bots.sesheta-approver.schedule",
        ]);
        assert.doesNotMatch(
            err.message,
            /fix: pulumi config (set|rm) /,
            "no command sets or removes a value",
        );
        assert.match(err.message, /thoth\.bots\.nepthys\.shedule: unknown setting "shedule"/);

        const sizing = await thothConfigError("prod", (t) => {
            t.bots.nepthys.resources = { requests: { memory: "2Gi" }, limits: { memory: "1Gi" } };
        });
        assert.match(
            onlyProblem(sizing, "runbooks:thoth.bots.nepthys.resources").message,
            /memory request 2Gi is above the limit 1Gi/,
        );
    });

    it("sizes a request in any suffix the schema accepts, and refuses one too large to size with, by its full key", async () => {
        // Both stopped the program with a plain error and no key: the schema took them, the sizing could not read them.
        const micro = await thothConfigError("prod", (t) => {
            t.bots.nepthys.resources = {
                requests: { cpu: "600000u", memory: "128Mi" },
                limits: { cpu: "500m", memory: "256Mi" },
            };
        });
        assert.match(
            onlyProblem(micro, "runbooks:thoth.bots.nepthys.resources").message,
            /cpu request 600000u is above the limit 500m/,
        );

        const huge = await thothConfigError("prod", (t) => {
            t.bots.nepthys.resources = { requests: { memory: "1e400" }, limits: { memory: "1Gi" } };
        });
        assert.match(
            onlyProblem(huge, "runbooks:thoth.bots.nepthys.resources.requests.memory").message,
            /too large/,
        );
    });

    it("asks only for the secrets of what is enabled", () => {
        const stage = thothSecrets(thothSchema.parse(thothStack("stage").thoth)).map((s) => s.key);
        const prod = thothSecrets(thothSchema.parse(thothStack("prod").thoth)).map((s) => s.key);
        assert.ok(!stage.includes("thoth-cyborg-regidores-root-ca-cert"), "stage runs no Kafka writers");
        assert.ok(prod.includes("thoth-cyborg-regidores-root-ca-cert"));
        assert.ok(stage.includes("thoth-stage-dgraph-tls-node-key"));
        assert.ok(stage.includes("thoth-stage-sesheta-ssh-privatekey"));
        assert.ok(prod.includes("thoth-dgraph-tls-node-key"));
        assert.ok(prod.includes("thoth-sesheta-ssh-privatekey"));
        const noStation = thothStack("prod").thoth as Record<string, Json>;
        noStation.station.enabled = false;
        assert.ok(!thothSecrets(thothSchema.parse(noStation)).some((s) => s.key.startsWith("thoth-dgraph")));
        const specs = thothSecrets(thothSchema.parse(thothStack("prod").thoth));
        for (const spec of specs) {
            assert.match(spec.key, /^thoth-[a-z0-9-]+$/);
            assert.ok(spec.today.length > 10 && spec.description.length > 10, spec.key);
        }
        assert.deepEqual(
            specs
                .filter((s) => s.optional)
                .map((s) => s.key)
                .sort(),
            [
                "thoth-kebechet-gitlab-oauth-token",
                "thoth-kebechet-pagure-oauth-token",
                "thoth-kebechet-sentry-dsn",
                "thoth-station-amun-sentry-dsn",
                "thoth-station-kafka-kafka-user-crt",
                "thoth-station-kafka-kafka-user-key",
                "thoth-station-kafka-kafka-user-password",
                "thoth-station-postgresql-database-admin-password",
                "thoth-station-thoth-sentry-dsn",
            ],
        );
    });

    it("reports a missing secret with the command that sets it", async () => {
        try {
            await runSystem(THOTH, "prod", undefined, { "kubeconfig-psi": "x" });
            assert.fail("expected a ConfigError");
        } catch (err) {
            assert.ok(err instanceof ConfigError);
            const p = err.problems.find((q) => q.key === "runbooks:thoth-sesheta-ssh-privatekey")!;
            assert.equal(
                p.fix,
                "pulumi config set --secret thoth-sesheta-ssh-privatekey --stack <stack> < id_rsa",
            );
        }
    });

    it("refuses the retired copies of Sesheta's identity with a fix that moves or compares them (runbook 000)", async () => {
        try {
            await runSystem(THOTH, "prod", undefined, {
                "thoth-kebechet-ssh-privatekey": "-----BEGIN KEBECHET KEY-----",
                "thoth-nepthys-github-oauth-token": "ses-github-token",
            });
            assert.fail("expected a ConfigError");
        } catch (err) {
            assert.ok(err instanceof ConfigError);
            const ssh = err.problems.find((q) => q.key === "runbooks:thoth-kebechet-ssh-privatekey")!;
            assert.match(ssh.message, /used by sesheta, kebechet and nepthys/);
            // Sesheta's key is not set here: the fix moves the value, then removes the retired key.
            assert.match(
                ssh.fix ?? "",
                /^pulumi config get thoth-kebechet-ssh-privatekey.* \| pulumi config set --secret thoth-sesheta-ssh-privatekey.* && pulumi config rm thoth-kebechet-ssh-privatekey/,
            );
            assert.ok(err.problems.some((q) => q.key === "runbooks:thoth-nepthys-github-oauth-token"));
        }
    });
});
