import { strict as assert } from "assert";
import { repoRoot } from "../../root";
import { allSteps, stepOf } from "../../verify/steps";
import { recordWithMarkers, targetsOf } from "../../verify/stack";
import { verifiedSystems } from "../../verify/systems";
import { readStackFile } from "../../plan/stackfile";
import { Targets } from "../../verify/model";

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
            reader: async (key) => {
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

    it("checks Callysto's production address where the stack file states it", () => {
        assert.deepEqual(
            targets.records.map((r) => `${r.name} ${r.type} ${r.addresses.join(",")}`),
            ["hub.callysto.ca A 162.246.156.97"],
        );
    });
});

describe("verify's targets of a stack whose systems are staged", () => {
    it("checks nothing of a staged system, and a live one's hosts (control: DIALS live)", async function () {
        this.timeout(120_000);
        const root = repoRoot();
        const values = readStackFile("prod", root).values;
        const recorded = await recordWithMarkers("prod", root);
        const reader = async (key: string) => ({ value: `value-of-${key}` });
        const staged = await targetsOf({ stack: "prod", values, recorded, reader });
        assert.deepEqual(staged.hosts, []);
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
