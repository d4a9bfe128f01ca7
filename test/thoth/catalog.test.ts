import { strict as assert } from "assert";
import { repoRoot } from "../../tools/root";
import { CatalogConfig, catalogSchema } from "../../components/thoth/config";
import { tierNamespaces } from "../../components/thoth/tiers";
import { catalogPlan, remoteTarget } from "../../components/thoth/workflowCatalog";
import { readStackFile } from "../../tools/plan/stackfile";
import { ofType } from "../harness";
import { Json, runThoth, thothConfigError, thothStack } from "./fixtures";

const DIRECTORY = "kubernetes:kustomize/v2:Directory";
const PIN = "f2cf35f51e9a1eaace66cb4c5a568f3e2ee02a8d";

function catalogOf(stack: "stage" | "prod"): CatalogConfig {
    const thoth = thothStack(stack).thoth as Json;
    return catalogSchema.parse(thoth.station.modules.catalog);
}

describe("thoth workflow and template catalog", function () {
    this.timeout(60_000);

    describe("plan (pure)", () => {
        it("names the upstream directory at the pinned commit as a kustomize remote target", () => {
            assert.equal(
                remoteTarget("https://github.com/thoth-station/thoth-application.git/", "adviser/base", PIN),
                `https://github.com/thoth-station/thoth-application//adviser/base?ref=${PIN}`,
            );
        });

        it("stage: the eight modules in their tiers' namespaces, graph-sync in backend and middletier", () => {
            const plan = catalogPlan(catalogOf("stage"), tierNamespaces("stage"));
            assert.deepEqual(
                plan.map((i) => `${i.module}@${i.namespace}`),
                [
                    "adviser@thoth-backend-stage",
                    "solver@thoth-middletier-stage",
                    "revsolver@thoth-middletier-stage",
                    "package-extract@thoth-middletier-stage",
                    "graph-sync@thoth-backend-stage",
                    "graph-sync@thoth-middletier-stage",
                    "security-indicators@thoth-middletier-stage",
                    "kebechet@thoth-backend-stage",
                    "graph-schema-update@thoth-infra-stage",
                ],
            );
            assert.ok(plan.every((i) => i.directory.endsWith(`/base?ref=${PIN}`)));
        });

        it("test: every module once, in thoth-test-core (two tiers of one namespace are one instance)", () => {
            const plan = catalogPlan(catalogOf("prod"), tierNamespaces("test"));
            assert.equal(plan.length, 8);
            assert.ok(plan.every((i) => i.namespace === "thoth-test-core"));
        });
    });

    describe("what the stacks record", () => {
        it("stage: one Directory per instance, on the cluster's provider, after Argo's prerequisites", async () => {
            await runThoth("stage");
            const dirs = ofType(DIRECTORY);
            assert.equal(dirs.length, 9);
            const adviser = dirs.find((d) => d.name.endsWith("catalog-adviser-thoth-backend-stage"))!;
            assert.deepEqual(adviser.inputs, {
                directory: `https://github.com/thoth-station/thoth-application//adviser/base?ref=${PIN}`,
                namespace: "thoth-backend-stage",
            });
            assert.ok(
                dirs.every((d) => d.provider.includes("cluster-psi")),
                "explicit cluster provider",
            );
        });

        it("is off in the local e2e stack, whose cluster cannot reach github.com, and on in stage and prod", () => {
            const catalogIn = (stack: string) => {
                const file = readStackFile(stack, repoRoot());
                return (file.values.thoth as Json).station.modules.catalog;
            };
            assert.equal(catalogIn("local").enabled, false);
            assert.equal(catalogIn("stage").enabled, true);
            assert.equal(catalogIn("prod").enabled, true);
        });

        it("is not deployed when switched off", async () => {
            await runThoth("stage", (t) => {
                t.station.modules.catalog.enabled = false;
            });
            assert.equal(ofType(DIRECTORY).length, 0);
        });
    });

    describe("bad configuration", () => {
        it("refuses an overlay path, a moving ref, a path leaving the repository and a module listed twice", async () => {
            const err = await thothConfigError("stage", (t) => {
                const c = t.station.modules.catalog;
                c.ref = "master";
                c.modules[0].path = "adviser/overlays/ocp4-stage";
                c.modules[1].path = "solver/../core/base";
                c.modules[2].name = "adviser";
            });
            const byKey = Object.fromEntries(err.problems.map((p) => [p.key, p.message]));
            const base = "runbooks:thoth.station.modules.catalog";
            assert.match(byKey[`${base}.ref`], /full 40-character commit SHA/);
            assert.match(byKey[`${base}.modules[0].path`], /hook Jobs and ksops secret generators/);
            assert.match(byKey[`${base}.modules[1].path`], /must be a relative path/);
            assert.match(byKey[`${base}.modules[2].name`], /listed twice/);
            assert.equal(err.problems.length, 4, JSON.stringify(err.problems));
        });
    });
});
