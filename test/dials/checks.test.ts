import { strict as assert } from "assert";
import fc from "fast-check";
import { loadProgramConfig } from "../../components/config/load";
import { ConfigError } from "../../components/config/problems";
import { memoryConfigSource } from "../../components/config/source";
import { dialsCheck } from "../../components/dials/checks";
import { DialsConfig, DialsSection, dialsSchema } from "../../components/dials/config";
import { migrationJobName } from "../../components/dials/workers";
import { SYSTEMS } from "../../components/systems";
import { checkOutcome } from "../../components/config/system";
import { PLACEHOLDER } from "../../components/shared/placeholder";
import { DIALS_SECRETS, DialsSection as WrittenSection, dialsSection, dialsValues } from "./fixtures";

// Issue 40: the check hands deploy the section it proved, so no code after it re-decides whether a migration runs.

/** The section the program deploys for a stack's DIALS config after `change`, or the ConfigError that stops it. */
function deployed(
    stack: "stage" | "prod",
    change: (dials: WrittenSection) => void,
): DialsSection | ConfigError {
    const values = dialsValues(stack);
    change(dialsSection(values));
    try {
        const config = loadProgramConfig(memoryConfigSource(values, DIALS_SECRETS), SYSTEMS);
        return config.deployments.find((d) => d.def.section === "dials")!.section as DialsSection;
    } catch (err) {
        assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
        return err;
    }
}

/** Prod's parsed DIALS section, for the check itself. */
function parsedProd(change: (dials: WrittenSection) => void = () => {}): DialsConfig {
    const values = dialsValues("prod");
    change(dialsSection(values));
    return dialsSchema.parse(dialsSection(values));
}

describe("dials check: deploy receives the section the check proved (issue 40)", function () {
    this.timeout(120_000);

    it("a migration reaches deploy only as the reviewed one, with its Job; any other stops the program", () => {
        // None without dials.migration, whatever the release (stage: one nobody confirmed may run, not be migrated to).
        const none = deployed("stage", (d) => {
            delete d.migration;
            d.images.tag = "v1.9.0";
            delete d.images.confirmed;
        });
        assert.ok(!(none instanceof ConfigError), none instanceof ConfigError ? none.message : "");
        assert.equal(none.migration, undefined);
        const deployedTag = dialsSection(dialsValues("prod")).images.tag;
        const release = fc.constantFrom("v1.7.0", deployedTag, "v1.9.0");
        fc.assert(
            fc.property(
                fc.option(release, { nil: undefined }),
                fc.option(release, { nil: undefined }),
                (from, to) => {
                    const result = deployed("prod", (d) => {
                        d.migration = { ...(from ? { from } : {}), ...(to ? { to } : {}) };
                    });
                    // Prod's release is confirmed: a migration is reviewed exactly when it goes from another release to it.
                    const reviewed = from !== undefined && to === deployedTag && from !== to;
                    if (!reviewed) {
                        assert.ok(result instanceof ConfigError, `${from} → ${to} was accepted`);
                        assert.ok(
                            result.problems.every((p) => p.key.startsWith("runbooks:dials.migration.")),
                        );
                        return;
                    }
                    assert.ok(
                        !(result instanceof ConfigError),
                        result instanceof ConfigError ? result.message : "",
                    );
                    assert.deepEqual(result.migration, { from, to, job: migrationJobName(to) });
                },
            ),
            { numRuns: 30 },
        );
    });

    it("a placeholder database server passes an offline plan, beside other problems too; every other problem stops it", () => {
        const passes = (change: (d: WrittenSection) => void) => {
            const parsed = parsedProd(change);
            const outcome = checkOutcome<DialsConfig | DialsSection>(parsed, dialsCheck(parsed));
            return outcome.problems.map((p) => [p.key, outcome.passable(p)]);
        };
        assert.deepEqual(
            passes((d) => (d.databaseServer = PLACEHOLDER)),
            [["runbooks:dials.databaseServer", true]],
        );
        assert.deepEqual(
            passes((d) => {
                d.databaseServer = PLACEHOLDER;
                d.defaultWorkspace = "nowhere";
            }),
            [
                ["runbooks:dials.databaseServer", true],
                ["runbooks:dials.defaultWorkspace", false],
            ],
        );
        const rejected = dialsCheck(parsedProd((d) => (d.defaultWorkspace = "nowhere")));
        assert.equal(rejected.section, undefined, "problems that all stop the run reject the section");
        assert.deepEqual(
            rejected.problems?.map((p) => p.key),
            ["runbooks:dials.defaultWorkspace"],
        );
    });
});
