import { strict as assert } from "assert";
import { thothSchema } from "../../components/thoth/config";
import { thothSecrets } from "../../components/thoth/secrets";
import { byName, field, k8sObject, k8sObjects, onlyProblem, recorder } from "../harness";
import {
    Json,
    KIND,
    botsAndTunnels,
    envOf,
    isSecretAt,
    runThoth,
    thothConfigError,
    thothStack,
    withoutStation,
} from "./fixtures";
import { plannedBefore, sharedEvaluation } from "./parts";

/**
 * Prod's bots and tunnels, evaluated for what the plan masks (neither the station nor the nodepool is handed a
 * tunnel's key).
 */
const prodTunnels = sharedEvaluation(() => runThoth("prod", botsAndTunnels));

const DEPLOYMENT = KIND.deployment;
const DOMAIN = "apps.ocp4.prod.psi.redhat.com";

function destinationOf(subdomain: string, ns = "aicoe"): string | undefined {
    return envOf(k8sObject(DEPLOYMENT, `ultrahook-${subdomain}`, ns)).ULTRAHOOK_DESTINATION.value;
}

describe("thoth ultrahooks", function () {
    // Each run plans the whole station (~400 objects); on a loaded machine that takes longer than the default.
    this.timeout(60_000);
    // The tests of this level read the prod stack (a cached run still costs a copy of ~300 objects: taken once).
    plannedBefore("prod");

    it("creates one Recreate deployment per subdomain in the ultrahook namespace (prod)", () => {
        const deployments = k8sObjects(DEPLOYMENT, "aicoe").map((d) => field(d.inputs, "metadata.name"));
        assert.deepEqual(deployments.sort(), [
            "ultrahook-cyborg-regidores",
            "ultrahook-review-manager",
            "ultrahook-webhooks",
            "ultrahook-zuul-thoth-test-core",
        ]);
        const d = k8sObject(DEPLOYMENT, "ultrahook-review-manager", "aicoe");
        assert.equal(field(d.inputs, "spec.strategy.type"), "Recreate");
        const env = envOf(d);
        assert.equal(env.ULTRAHOOK_SUBDOMAIN.value, "review-manager");
        assert.deepEqual(env.ULTRAHOOK_API_KEY.valueFrom, {
            secretKeyRef: { name: "ultrahook-aicoe", key: "api.key" },
        });
        assert.equal(field(d.inputs, "spec.template.spec.containers[0].resources.limits.memory"), "50Mi");
    });

    it("keeps API keys in Secrets marked secret, never in the deployment", () =>
        prodTunnels(() => {
            const secret = k8sObject(KIND.secret, "ultrahook-aicoe", "aicoe");
            assert.ok(isSecretAt(secret.secretPaths, "stringData.api.key"));
            assert.equal((secret.inputs.stringData as Record<string, string>)["api.key"], "aicoe-key");
            for (const d of k8sObjects(DEPLOYMENT, "aicoe")) {
                assert.ok(!JSON.stringify(d.inputs).includes("aicoe-key"));
            }
        }));

    it("uses the cluster's explicit provider for every Kubernetes object", () => {
        const provider = byName("cluster-psi", "pulumi:providers:kubernetes");
        const objects = recorder.resources.filter((r) => r.custom && r.type.startsWith("kubernetes:"));
        assert.ok(objects.length > 40);
        for (const o of objects) {
            assert.ok(o.provider.startsWith(provider.urn), `${o.type} ${o.name} uses ${o.provider}`);
        }
    });

    // Last of this level: it moves the recorder to stage.
    it("does not create the prod namespace it does not own, but creates stage's", async () => {
        assert.throws(() => k8sObject(KIND.namespace, "aicoe"));
        // Stage's tunnels: the station, which never creates the ultrahook namespace, is off.
        await runThoth("stage", withoutStation);
        assert.ok(k8sObject(KIND.namespace, "aicoe-stage"));
    });

    // The variants change only bots and tunnels: the station (most of an evaluation) and the nodepool are off.
    describe("destinations named by bot", () => {
        plannedBefore("prod");

        it("follows each bot's Route (plus path) and keeps plain URLs as they are", () => {
            assert.equal(
                destinationOf("cyborg-regidores"),
                `https://webhook2kafka-aicoe-prod-bots.${DOMAIN}`,
            );
            assert.equal(destinationOf("webhooks"), `https://sesheta-webhooks-aicoe-prod-bots.${DOMAIN}`);
            assert.equal(
                destinationOf("review-manager"),
                `https://review-manager-aicoe-prod-bots.${DOMAIN}/github`,
            );
            assert.equal(destinationOf("zuul-thoth-test-core"), "https://managesf.thoth-station.ninja");
        });

        it("moves the tunnel with the bot: a new host or namespace changes the Route and the destination together", async () => {
            await runThoth("prod", (t) => {
                botsAndTunnels(t);
                t.bots.namespace = "aicoe-bots";
                t.bots["sesheta-webhooks"].host = "sesheta.thoth-station.ninja";
            });
            assert.equal(
                (k8sObject(KIND.route, "sesheta-webhooks", "aicoe-bots").inputs.spec as Json).host,
                "sesheta.thoth-station.ninja",
            );
            assert.equal(destinationOf("webhooks"), "https://sesheta.thoth-station.ninja");
            assert.equal(destinationOf("cyborg-regidores"), `https://webhook2kafka-aicoe-bots.${DOMAIN}`);
        });

        it("uses the bot's Service when asked to, or when the bot has no Route", async () => {
            await runThoth("prod", (t) => {
                botsAndTunnels(t);
                t.ultrahooks.instances[0].via = "service";
                t.bots["review-manager"].route = false;
            });
            assert.equal(destinationOf("cyborg-regidores"), "http://webhook2kafka.aicoe-prod-bots.svc:8080");
            assert.equal(
                destinationOf("review-manager"),
                "http://review-manager.aicoe-prod-bots.svc:8080/github",
            );
            assert.throws(() => k8sObject(KIND.route, "review-manager", "aicoe-prod-bots"));
        });
    });

    describe("bad configuration", () => {
        it("rejects unknown, scheduled and disabled bots, ambiguous or missing destinations and duplicate subdomains", async () => {
            const err = await thothConfigError("prod", (t) => {
                t.bots.webhook2kafka.enabled = false;
                t.ultrahooks.instances.push(
                    { subdomain: "typo", apiKeySecret: "ultrahook-aicoe", bot: "sesheta-webhook" },
                    { subdomain: "cron", apiKeySecret: "ultrahook-aicoe", bot: "kebechet" },
                    {
                        subdomain: "both",
                        apiKeySecret: "ultrahook-aicoe",
                        bot: "sesheta-webhooks",
                        destination: "https://example.org",
                    },
                    { subdomain: "neither", apiKeySecret: "ultrahook-aicoe" },
                    { subdomain: "webhooks", apiKeySecret: "ultrahook-thoth", bot: "sesheta-webhooks" },
                    {
                        subdomain: "pathy",
                        apiKeySecret: "ultrahook-thoth",
                        destination: "https://example.org",
                        path: "/x",
                    },
                );
            });
            const byKey = new Map(err.problems.map((p) => [p.key, p]));
            const at = (i: number, f: string) => byKey.get(`runbooks:thoth.ultrahooks.instances[${i}].${f}`);
            assert.match(
                at(0, "bot")!.message,
                /points at bot "webhook2kafka", which this stack does not deploy \(thoth\.bots\.webhook2kafka\.enabled is false\)/,
            );
            assert.equal(at(0, "bot")!.fix, undefined);
            assert.match(at(4, "bot")!.message, /names bot "sesheta-webhook", which is not a Thoth bot/);
            assert.match(
                at(5, "bot")!.message,
                /"kebechet", which runs on a schedule and receives no webhooks/,
            );
            assert.match(at(6, "destination")!.message, /either to a URL or to a bot/);
            assert.match(at(7, "bot")!.message, /has no destination/);
            assert.match(at(8, "subdomain")!.message, /"webhooks" is configured twice/);
            assert.match(at(9, "path")!.message, /bot destinations only/);
            assert.equal(err.problems.length, 7);
            assert.doesNotMatch(err.message, /fix: pulumi config set/);
            assert.equal(recorder.resources.length, 0, "nothing is registered when the config is wrong");
        });

        it("rejects a tunnel to a bot when the stack deploys no bots", async () => {
            const err = await thothConfigError("prod", (t) => {
                t.bots.enabled = false;
            });
            const keys = err.problems.map((p) => p.key).sort();
            assert.deepEqual(
                keys,
                [0, 1, 2].map((i) => `runbooks:thoth.ultrahooks.instances[${i}].bot`),
            );
            assert.match(err.problems[0].message, /thoth\.bots\.enabled is false/);
            assert.equal(err.problems[0].fix, undefined);

            const missing = await thothConfigError("prod", (t) => {
                delete t.bots["review-manager"];
            });
            assert.match(
                onlyProblem(missing, "runbooks:thoth.ultrahooks.instances[2].bot").message,
                /thoth\.bots\.review-manager is not configured/,
            );
            assert.equal(missing.problems[0].fix, undefined);
        });

        it("rejects via: route for a bot without a Route", async () => {
            const err = await thothConfigError("prod", (t) => {
                t.bots["sesheta-webhooks"].route = false;
                t.ultrahooks.instances[1].via = "route";
            });
            onlyProblem(err, "runbooks:thoth.ultrahooks.instances[1].via");
        });
    });
});

describe("thoth secrets: where each value lives today (runbook 000)", () => {
    const specs = () =>
        new Map(
            thothSecrets(thothSchema.parse(thothStack("prod").thoth)).map((s) => [s.key, s.today] as const),
        );

    it("sends the operator to gopass aicoe/thoth/ultrahook for every ultrahook API key", () => {
        for (const key of ["thoth-ultrahook-aicoe-api-key", "thoth-ultrahook-thoth-api-key"]) {
            assert.match(specs().get(key) ?? "", /^gopass aicoe\/thoth\/ultrahook, /, key);
        }
    });

    it("sends the operator to the gopass paths of Sesheta's SSH key and chat bot credentials", () => {
        assert.match(
            specs().get("thoth-sesheta-ssh-privatekey") ?? "",
            /^gopass aicoe\/thoth\/sesheta-ssh\/sesheta /,
        );
        assert.match(
            specs().get("thoth-sesheta-pubsub-consumer") ?? "",
            /^gopass aicoe\/thoth\/sesheta-chatbot-968e13a86991 /,
        );
    });
});
