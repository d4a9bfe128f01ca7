import { strict as assert } from "assert";
import fc from "fast-check";
import { packitCheck } from "../../components/packit/checks";
import { COMPONENTS, PackitConfig, SERVICES, packitSchema } from "../../components/packit/config";
import { mainNamespace } from "../../components/packit/layout";
import { PLACEHOLDER } from "../../components/shared/placeholder";
import { packitValues } from "./fixtures";

// The check narrows the section deploy reads (issue 40): a component's settings are present exactly when the component
// is on, the namespace is the resolved one and the service is named, so deploy tests one field, never two.

/** Stage's packit section, parsed, with `change` applied to the raw values first. */
function stageSection(change: (raw: Record<string, unknown>) => void = () => {}): PackitConfig {
    const raw = structuredClone(packitValues("stage").packit);
    change(raw);
    return packitSchema.parse(raw);
}

describe("packit check: the section deploy reads", () => {
    it("names the service and resolves the main namespace", () => {
        for (const service of SERVICES) {
            const config = stageSection((raw) => delete raw.namespace);
            const { section } = packitCheck(service, config);
            assert.ok(section, "stage's section is accepted");
            assert.equal(section.service, service);
            assert.equal(section.namespace, `${service}-stg`);
            assert.equal(section.namespace, mainNamespace(service, config));
        }
    });

    it("drops tokman's and centosmsg's settings while their components are off", () => {
        const config = stageSection((raw) => {
            raw.components = { ...(raw.components as object), tokman: false, centosmsg: false };
            raw.tokman = { githubAppId: "12345" };
            raw.centosmsg = { mqttHost: "mqtt.stg.centos.org", topics: "git.stg.centos.org/#" };
        });
        const { section } = packitCheck("packit", config);
        assert.ok(section);
        assert.equal(section.tokman, undefined);
        assert.equal(section.centosmsg, undefined);
    });

    it("rejects with the blocking problems only, leaving the claim's placeholder to the run after the fixes", () => {
        const config = stageSection((raw) => {
            raw.components = { ...(raw.components as object), redis: false, tokman: true };
            delete raw.tokman;
        });
        const result = packitCheck("packit", {
            ...config,
            postgres: { ...config.postgres, claimName: PLACEHOLDER },
        });
        assert.equal(result.section, undefined);
        const keys = result.problems!.map((p) => p.key);
        assert.ok(keys.includes("runbooks:packit.components.redis"), keys.join(", "));
        assert.ok(keys.includes("runbooks:packit.tokman.githubAppId"), keys.join(", "));
        assert.ok(result.problems!.every((p) => !p.placeholder));
    });

    it("holds for generated switches: a built section has a component's settings exactly when it is on", () => {
        const switches = fc.record(
            Object.fromEntries(COMPONENTS.map((c) => [c, fc.boolean()])) as Record<
                (typeof COMPONENTS)[number],
                fc.Arbitrary<boolean>
            >,
        );
        fc.assert(
            fc.property(switches, fc.boolean(), fc.boolean(), (on, tokman, centosmsg) => {
                const config = stageSection((raw) => {
                    raw.components = on;
                    raw.hosts = {};
                    if (tokman) raw.tokman = { githubAppId: "12345" };
                    else delete raw.tokman;
                    if (centosmsg) raw.centosmsg = { mqttHost: "mqtt.stg.centos.org", topics: "t/#" };
                    else delete raw.centosmsg;
                });
                const result = packitCheck("stream", config);
                if (result.section === undefined) {
                    assert.ok(result.problems.length > 0 && result.problems.every((p) => !p.placeholder));
                    return;
                }
                assert.ok(result.problems?.every((p) => p.placeholder) ?? true);
                assert.equal(result.section.tokman !== undefined, on.tokman);
                assert.equal(result.section.centosmsg !== undefined, on.centosmsg);
            }),
            { numRuns: 200 },
        );
    });
});
