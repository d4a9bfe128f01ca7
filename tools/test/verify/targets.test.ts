import { strict as assert } from "assert";
import { repoRoot } from "../../root";
import { allSteps, stepOf } from "../../verify/steps";
import { recordWithMarkers, targetsOf } from "../../verify/stack";
import { verifiedSystems } from "../../verify/systems";
import { readStackFile } from "../../plan/stackfile";
import { Targets } from "../../verify/model";
import { SecretRef } from "../../verify/targets";
import { generatedInState } from "../../engine/automation";

// What verify derives from a committed stack, offline: the hosts of its Ingresses and Routes, the certificate
// deployed for each (read by config key, only the keys it needs), Packit's /metrics, Prow's hook and its HMAC key.

/** The stack file's values with each enabled system turned live (`status: live`). */
function everyEnabledLive(values: Record<string, unknown>): Record<string, unknown> {
    return Object.fromEntries(
        Object.entries(values).map(([k, v]) => {
            const s = v as { enabled?: unknown } | null;
            return [
                k,
                typeof s === "object" && s !== null && s.enabled === true ? { ...s, status: "live" } : v,
            ];
        }),
    );
}

const FULLCHAIN = "-----BEGIN CERTIFICATE-----\nfake\n-----END CERTIFICATE-----\n";

describe("verify's targets of the prod stack", function () {
    let targets: Targets;
    const asked: string[] = [];
    before(async function () {
        this.timeout(120_000);
        const root = repoRoot();
        targets = await targetsOf({
            stack: "prod",
            // Every system live, as once its operator has set its secrets (the committed file stages them all).
            values: everyEnabledLive(readStackFile("prod", root).values),
            recorded: await recordWithMarkers("prod", root),
            reader: async (ref) => {
                const key = "configKey" in ref ? ref.configKey : `generated ${ref.generated}`;
                asked.push(key);
                return key.endsWith("fullchain-pem") ? { value: FULLCHAIN } : { value: `value-of-${key}` };
            },
        });
    });

    it("takes every host of the plan's Ingresses and Routes, with its path", () => {
        const hosts = targets.hosts.map((h) => `${h.system} ${h.host}${h.path}`);
        for (const h of [
            "packit workers.packit.dev/",
            "packit prod.packit.dev/",
            "stream prod.stream.packit.dev/",
            "prow prow.ci.kubevirt.io/hook",
            "prow prow.ci.kubevirt.io/gcsweb",
            "dials cmsdials.web.cern.ch/",
            "dials cmsdials-api.web.cern.ch/",
            "callysto hub.callysto.ca/hub/login",
        ])
            assert.ok(hosts.includes(h), `${h} missing from ${hosts.join(", ")}`);
        // The page runbook 002's smoke test reads: deck's, by the Service its host routes to; no other host has one.
        assert.deepEqual(
            targets.hosts.filter((h) => h.page).map((h) => `${h.object} ${h.page!.contains}`),
            ["Ingress kubevirt-prow/deck Prow Status"],
        );
    });

    it("compares Packit's served certificate with the stack's secret, Prow's with nothing it holds", () => {
        const packit = targets.hosts.find((h) => h.host === "prod.packit.dev")!;
        assert.deepEqual(packit.certificate, {
            pem: FULLCHAIN,
            from: "Secret packit-prod/packit-secrets fullchain.pem",
        });
        const prow = targets.hosts.find((h) => h.host === "prow.ci.kubevirt.io")!;
        assert.match("none" in prow.certificate ? prow.certificate.none : "", /cert-manager/);
        const dials = targets.hosts.find((h) => h.host === "cmsdials.web.cern.ch")!;
        assert.match("none" in dials.certificate ? dials.certificate.none : "", /router's default/);
    });

    it("signs Prow's ping with prow-hmac-token, checks Packit's /metrics, and reads no other secret", () => {
        assert.deepEqual(targets.hooks, [
            {
                system: "prow",
                host: "prow.ci.kubevirt.io",
                path: "/hook",
                secret: "value-of-prow-hmac-token",
            },
        ]);
        assert.deepEqual(targets.metrics, [
            { system: "packit", host: "workers.packit.dev", path: "/metrics" },
        ]);
        assert.deepEqual([...new Set(asked)].sort(), [
            "packit-packit-secrets-fullchain-pem",
            "prow-hmac-token",
            "stream-packit-secrets-fullchain-pem",
        ]);
    });

    it("reads Prow's ProwJobs on its cluster in the namespace its config keeps them (the plan's prowjob_namespace)", () => {
        assert.deepEqual(targets.prowJobs, [
            {
                system: "prow",
                cluster: "ibmcloud-prow",
                namespace: "kubevirt-prow-jobs",
                from: "ConfigMap kubevirt-prow/config config.yaml prowjob_namespace",
            },
        ]);
    });

    it("checks Callysto's production address where the stack file states it", () => {
        assert.deepEqual(
            targets.records.map((r) => `${r.name} ${r.type} ${r.addresses.join(",")}`),
            ["hub.callysto.ca A 162.246.156.97"],
        );
    });
});

describe("verify's targets of a stack that generates its stand-in secrets (local)", function () {
    it("signs hook's ping with the password the stack generated, read from its state, never with the plan's stand-in (control: unreadable, the check cannot sign)", async function () {
        this.timeout(120_000);
        const root = repoRoot();
        const recorded = await recordWithMarkers("local", root);
        const values = readStackFile("local", root).values;
        const asked: SecretRef[] = [];
        const read = await targetsOf({
            stack: "local",
            values,
            recorded,
            only: ["prow"],
            reader: async (ref) => {
                asked.push(ref);
                return "generated" in ref ? { value: "the-state-holds-this" } : { none: "not set" };
            },
        });
        assert.deepEqual(
            read.hooks.map((h) => h.secret),
            ["the-state-holds-this"],
        );
        const hmac = asked.filter((r) => "generated" in r && /generated-hmac-token$/.test(r.generated));
        assert.equal(hmac.length, 1, JSON.stringify(asked));

        const unreadable = await targetsOf({
            stack: "local",
            values,
            recorded,
            only: ["prow"],
            reader: async () => ({ none: "the state cannot be read" }),
        });
        assert.deepEqual(
            unreadable.hooks.map((h) => h.secret),
            [{ none: "the state cannot be read" }],
        );
    });
});

describe("verify's targets of a stack whose systems are staged", () => {
    it("checks nothing of a staged system, and a live one's hosts (control: DIALS live)", async function () {
        this.timeout(120_000);
        const root = repoRoot();
        const values = readStackFile("prod", root).values;
        const recorded = await recordWithMarkers("prod", root);
        const reader = async (ref: SecretRef) => ({ value: `value-of-${JSON.stringify(ref)}` });
        const staged = await targetsOf({ stack: "prod", values, recorded, reader });
        assert.deepEqual(staged.hosts, []);
        assert.deepEqual(staged.prowJobs, []);
        const dialsLive = { ...values, dials: { ...(values.dials as object), status: "live" } };
        const live = await targetsOf({ stack: "prod", values: dialsLive, recorded, reader });
        assert.deepEqual([...new Set(live.hosts.map((h) => h.system))], ["dials"]);
    });
});

describe("verify's systems and steps", () => {
    it("verifies live systems only: enabled and not staged (the schema's default is live)", () => {
        const values = {
            a: { enabled: true },
            b: { enabled: false },
            c: { enabled: true, status: "staged" },
            d: {},
            f: { enabled: true, status: "live" },
            g: { enabled: false, status: "live" },
        };
        assert.deepEqual(verifiedSystems(values, ["a", "b", "c", "d", "e", "f", "g"]), ["a", "f"]);
    });

    it("names an existing runbook row for every check it runs or lists", () => {
        for (const { kind, system } of allSteps())
            assert.ok(stepOf(kind, system).step.length > 0, `${kind} ${system}`);
        assert.throws(() => stepOf("hook", "dials"), /no runbook step for hook in dials/);
    });
});

describe("verify's reading of a generated password from the state", () => {
    // The shape `pulumi stack export --show-secrets` (3.259.0) gives a secret output, checked on a file backend.
    const state = (name: string, result: unknown) => ({
        deployment: {
            resources: [
                { type: "pulumi:pulumi:Stack", urn: "urn:pulumi:s::p::pulumi:pulumi:Stack::p-s" },
                {
                    type: "random:index/randomPassword:RandomPassword",
                    urn: `urn:pulumi:s::p::runbooks:prow:Prow$random:index/randomPassword:RandomPassword::${name}`,
                    outputs: { length: 32, result },
                },
            ],
        },
    });
    const shown = {
        "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
        plaintext: '"s3cr3t"',
    };

    it("takes the named password's shown result, and nothing for another name or an encrypted one", () => {
        assert.equal(
            generatedInState(state("prow-generated-hmac-token", shown), "prow-generated-hmac-token"),
            "s3cr3t",
        );
        assert.equal(
            generatedInState(state("prow-generated-hmac-token", shown), "generated-hmac-token"),
            undefined,
        );
        const encrypted = { ...shown, plaintext: undefined, ciphertext: "v1:abc" };
        assert.equal(generatedInState(state("x", encrypted), "x"), undefined);
    });
});
