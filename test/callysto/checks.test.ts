import { strict as assert } from "assert";
import fc from "fast-check";
import { callystoCheck, callystoProblems } from "../../components/callysto/checks";
import { CallystoConfig, callystoSchema } from "../../components/callysto/config";
import { StackTier } from "../../components/config/system";
import { PLACEHOLDER } from "../../components/shared/placeholder";
import { callystoValues } from "./helpers";

// The check builds the section deploy reads (components/callysto/checks.ts): a field it proves is a type, so deploy
// has no "should have been validated" branch left. These cases hold the proof to the rule it replaces: the section is
// built exactly when the rule lets the configuration through, and what it holds is what the rule chose.

const ZONE_ID = "1cf42d24-a04e-431b-a715-1701f297100e";
const TIERS: Record<"stage" | "prod", StackTier> = { stage: "staging", prod: "production" };

function parsed(stack: "stage" | "prod"): CallystoConfig {
    return callystoSchema.parse(callystoValues(stack).callysto);
}

/** Problems at `callysto.<path>` (any index), as full keys start. */
function at(problems: { key: string }[], path: RegExp): boolean {
    return problems.some((p) => path.test(p.key.replace(/^runbooks:callysto\./, "")));
}

describe("callysto check: the section deploy reads", () => {
    it("builds both stack files' sections, passing only placeholders beside them", () => {
        for (const stack of ["stage", "prod"] as const) {
            const result = callystoCheck(parsed(stack), TIERS[stack]);
            assert.ok(result.section, `${stack}: ${JSON.stringify(result.problems)}`);
            assert.ok(
                (result.problems ?? []).every((p) => p.placeholder),
                stack,
            );
        }
        const prod = callystoCheck(parsed("prod"), "production").section!;
        assert.deepEqual(prod.dns, { zone: "outside", recordTtl: 60 });
        assert.equal(prod.hosts[0].flavor, "m1.40g100g8c32g");
    });

    it("proves the zone: outside with no zone named, ours through exactly one of zoneId and createZone, or no section", () => {
        fc.assert(
            fc.property(
                fc.constantFrom("ours", "outside"),
                fc.boolean(),
                fc.boolean(),
                (zone: "ours" | "outside", withId, withCreate) => {
                    const config = parsed("stage");
                    // The zone alone is under test: a certificate's DNS-01 challenge needs a zone that is ours.
                    config.certificates!.obtainedBy = "operator";
                    const create = config.dns.createZone;
                    config.dns = {
                        zone,
                        recordTtl: 60,
                        ...(withId ? { zoneId: ZONE_ID } : {}),
                        ...(withCreate ? { createZone: create } : {}),
                    };
                    const result = callystoCheck(config, "staging");
                    // The rule, stated apart from the check: a zone outside is named nowhere; ours by exactly one key.
                    const allowed = zone === "outside" ? !withId && !withCreate : withId !== withCreate;
                    assert.equal(at(callystoProblems(config, "staging"), /^dns\./), !allowed);
                    assert.equal(result.section !== undefined, allowed, JSON.stringify(result.problems));
                    if (result.section === undefined) {
                        assert.ok(at(result.problems, /^dns\./));
                        assert.ok(result.problems.every((p) => !p.placeholder));
                        return;
                    }
                    const dns = result.section.dns;
                    assert.equal(dns.zone, zone);
                    if (dns.zone === "outside") {
                        assert.deepEqual(dns, { zone: "outside", recordTtl: 60 });
                    } else {
                        assert.equal((dns.zoneId === undefined) !== (dns.createZone === undefined), true);
                        assert.equal(dns.zoneId, withId ? ZONE_ID : undefined);
                    }
                },
            ),
        );
    });

    it("chooses each host's flavor and image, its own or its role's default; a host with neither leaves no section", () => {
        const choice = fc.option(fc.constantFrom("m1.small", "m1.medium"), { nil: undefined });
        const image = fc.option(fc.constantFrom("callysto-hub", "Alma Linux 9"), { nil: undefined });
        fc.assert(
            fc.property(
                fc.array(fc.record({ flavor: choice, image }), { minLength: 4, maxLength: 4 }),
                fc.record({ flavor: choice, image }),
                (own, defaults) => {
                    const config = parsed("stage");
                    config.hosts.forEach((host, i) => {
                        host.flavor = own[i].flavor;
                        host.image = own[i].image;
                        host.role = "hub";
                    });
                    config.roleDefaults.hub = { ...config.roleDefaults.hub, ...defaults };
                    const result = callystoCheck(config, "staging");
                    // The rule, stated apart from the check: every host has a flavor and an image, or its role does.
                    const allowed = own.every(
                        (o) =>
                            (o.flavor ?? defaults.flavor) !== undefined &&
                            (o.image ?? defaults.image) !== undefined,
                    );
                    const missing = /^hosts\[\d+\]\.(flavor|image)$/;
                    assert.equal(at(callystoProblems(config, "staging"), missing), !allowed);
                    assert.equal(result.section !== undefined, allowed, JSON.stringify(result.problems));
                    if (result.section === undefined) return;
                    result.section.hosts.forEach((host, i) => {
                        assert.equal(host.flavor, own[i].flavor ?? defaults.flavor);
                        assert.equal(host.image, own[i].image ?? defaults.image);
                    });
                },
            ),
        );
    });

    it("lists every problem beside a built section, and only the stopping ones where none can be built", () => {
        // An ssh source open to the world stops production, but the section can be built: a placeholder of the
        // adopted hub stays passable beside it, as the offline plan lists it.
        const open = parsed("prod");
        open.sshSources = ["0.0.0.0/0"];
        open.hosts[0].adopt!.instanceId = PLACEHOLDER;
        const built = callystoCheck(open, "production");
        assert.ok(built.section);
        assert.ok(at(built.problems ?? [], /^sshSources\[0\]$/));
        assert.ok((built.problems ?? []).some((p) => p.placeholder));
        // A zone named where it is managed outside: no section; every problem listed stops the run.
        const named = parsed("prod");
        named.dns.zoneId = ZONE_ID;
        named.hosts[0].adopt!.instanceId = PLACEHOLDER;
        const rejected = callystoCheck(named, "production");
        assert.equal(rejected.section, undefined);
        assert.deepEqual(
            rejected.problems.map((p) => p.key),
            callystoProblems(named, "production")
                .filter((p) => !p.placeholder)
                .map((p) => p.key),
        );
        assert.ok(at(rejected.problems, /^dns\.zoneId$/));
        assert.ok(callystoProblems(named, "production").some((p) => p.placeholder));
    });
});
