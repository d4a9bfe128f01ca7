import { strict as assert } from "assert";
import { repoRoot } from "../../tools/root";
import { keepsRendered } from "../../components/thoth/station/catalog/catalogPrerequisites";
import { CatalogConfig, catalogSchema } from "../../components/thoth/config";
import { tierNamespaces } from "../../components/thoth/station/tiers";
import {
    CatalogInstance,
    catalogPlan,
    placeObject,
    remoteTarget,
} from "../../components/thoth/station/catalog/workflowCatalog";
import { RecordedResource, answerKustomize } from "../../tools/mocks/recorder";
import { readStackFile } from "../../tools/plan/stackfile";
import { ofType, recorder } from "../harness";
import { Json, catalogSwitchedOff, stationModules, thothConfigError, thothStack } from "./fixtures";
import { evaluateThoth, plannedThoth } from "./parts";
import {
    KUSTOMIZE_DIRECTORY as DIRECTORY,
    TEMPLATE,
    WORKFLOW_TEMPLATE,
    NAMESPACE,
    CRD,
} from "../fixtures/resourceTypes";

const PIN = "f2cf35f51e9a1eaace66cb4c5a568f3e2ee02a8d";
const REPO = "https://github.com/thoth-station/thoth-application";

/** Fails unless `instance` places its `kind` `name` into `namespace`, creating it there (`keep`) or leaving it. */
function assertPlaced(
    instance: CatalogInstance,
    kind: string,
    name: string,
    namespace: string,
    keep: boolean,
): void {
    assert.deepEqual(placeObject(instance, kind, name), { namespace, keep }, `${kind} ${name}`);
}

function catalogOf(stack: "stage" | "prod"): CatalogConfig {
    const thoth = thothStack(stack).thoth as Json;
    return catalogSchema.parse(thoth.station.modules.catalog);
}

/** A rendered object of a base, as the provider's kustomize invoke returns it (no namespace: bases set none). */
function rendered(apiVersion: string, kind: string, name: string): object {
    return { apiVersion, kind, metadata: { name, labels: { app: "thoth" } }, spec: {} };
}
const template = (name: string) => rendered("template.openshift.io/v1", "Template", name);
const workflowTemplate = (name: string) => rendered("argoproj.io/v1alpha1", "WorkflowTemplate", name);
const imageStream = (name: string) => rendered("image.openshift.io/v1", "ImageStream", name);

/** Stand-ins for two upstream bases (names as thoth-station.md lists them; bodies left out). */
const BASES = {
    [remoteTarget(REPO, "adviser/base", PIN)]: [
        rendered("v1", "ConfigMap", "adviser"),
        imageStream("adviser"),
        template("adviser"),
        template("dependency-monkey"),
        template("provenance-checker"),
        workflowTemplate("advise"),
        workflowTemplate("dm"),
        workflowTemplate("provenance-check"),
    ],
    [remoteTarget(REPO, "graph-sync/base", PIN)]: [
        imageStream("graph-sync"),
        template("graph-sync"),
        template("graph-sync-job"),
        workflowTemplate("graph-sync"),
    ],
};

/**
 * Runs a stack's thoth part with the kustomize invoke rendering {@link BASES}: the station's namespaces, the Argo CRDs
 * where the stack owns them and the modules' catalog, what the catalog's objects land in and wait for; the rest of
 * the stack and the modules' other parts off.
 */
async function runRendered(stack: "stage" | "prod"): Promise<RecordedResource[]> {
    answerKustomize(BASES);
    try {
        return await evaluateThoth(stack, { change: stationModules });
    } finally {
        answerKustomize();
    }
}

/** Stage's rendered run, evaluated by the first case that reads it; each case reads it through the recorder. */
let stageRendered: Promise<RecordedResource[]> | undefined;
async function readStageRendered(): Promise<void> {
    stageRendered ??= runRendered("stage").then((r) => [...r]);
    recorder.restore(await stageRendered);
}

function meta(r: RecordedResource): { name: string; namespace?: string } {
    return r.inputs.metadata as { name: string; namespace?: string };
}

/** `<namespace>/<name>` of the rendered objects of a type, sorted. */
/** The objects the catalog's Directories registered. */
function catalogObjects(): RecordedResource[] {
    const dirs = new Set(ofType(DIRECTORY).map((d) => d.urn));
    return recorder.resources.filter((r) => dirs.has(r.parent));
}

/** `<namespace>/<name>` of the catalog's objects of one type (the station's own objects of that type left out). */
function placed(type: string): string[] {
    return catalogObjects()
        .filter((r) => r.type === type)
        .map((r) => `${meta(r).namespace}/${meta(r).name}`)
        .sort();
}

describe("thoth workflow and template catalog", function () {
    this.timeout(60_000);

    describe("plan (pure)", () => {
        it("names the upstream directory at the pinned commit as the provider's folder URL", () => {
            assert.equal(
                remoteTarget(`${REPO}.git/`, "adviser/base", PIN),
                `${REPO}/tree/${PIN}/adviser/base`,
            );
        });

        it("stage: the eleven modules in their tiers' namespaces, graph-sync in two tiers, core in all five", () => {
            const plan = catalogPlan(catalogOf("stage"), tierNamespaces("stage"));
            assert.deepEqual(
                plan.map((i) => `${i.module}@${i.namespace}${i.first ? "" : " (second)"}`),
                [
                    "adviser@thoth-backend-stage",
                    "solver@thoth-middletier-stage",
                    "revsolver@thoth-middletier-stage",
                    "package-extract@thoth-middletier-stage",
                    "graph-sync@thoth-backend-stage",
                    "graph-sync@thoth-middletier-stage (second)",
                    "security-indicators@thoth-middletier-stage",
                    "kebechet@thoth-backend-stage",
                    "graph-schema-update@thoth-infra-stage",
                    "core@thoth-frontend-stage",
                    "core@thoth-middletier-stage (second)",
                    "core@thoth-backend-stage (second)",
                    "core@thoth-graph-stage (second)",
                    "core@thoth-infra-stage (second)",
                    "purge-job@thoth-backend-stage",
                    "mi-scheduler@thoth-middletier-stage",
                ],
            );
            assert.ok(plan.every((i) => i.directory.startsWith(`${REPO}/tree/${PIN}/`)));
        });

        it("stage: Templates to infra, adviser's dm to amun-inspection, everything else stays", () => {
            const plan = catalogPlan(catalogOf("stage"), tierNamespaces("stage"));
            const adviser = plan.find((i) => i.module === "adviser")!;
            assertPlaced(adviser, "Template", "adviser", "thoth-infra-stage", true);
            assertPlaced(adviser, "WorkflowTemplate", "dm", "thoth-amun-inspection-stage", true);
            assertPlaced(adviser, "WorkflowTemplate", "advise", "thoth-backend-stage", true);
            assertPlaced(adviser, "ConfigMap", "adviser", "thoth-backend-stage", true);
            // Every module that keeps Templates moves them to infra (core keeps only its WorkflowTemplates).
            for (const i of plan.filter((p) => p.module !== "core")) {
                assert.equal(placeObject(i, "Template", "any").namespace, "thoth-infra-stage", i.module);
            }
        });

        it("stage: graph-sync's first tier keeps the Templates both tiers would put into infra", () => {
            const [backend, middletier] = catalogPlan(catalogOf("stage"), tierNamespaces("stage")).filter(
                (i) => i.module === "graph-sync",
            );
            assertPlaced(backend, "Template", "graph-sync-job", "thoth-infra-stage", true);
            assertPlaced(middletier, "Template", "graph-sync-job", "thoth-infra-stage", false);
            // What is not moved exists once per tier.
            assertPlaced(middletier, "WorkflowTemplate", "graph-sync", "thoth-middletier-stage", true);
            // A cluster-wide object would be the same object from both: the first keeps it.
            assert.equal(placeObject(backend, "ClusterRole", "x").keep, true);
            assert.equal(placeObject(middletier, "ClusterRole", "x").keep, false);
            assert.equal(placeObject(middletier, "ClusterRole", "x").namespace, undefined);
        });

        it("the first tier in config order owns moved objects, and a rule naming an object beats its kind's", () => {
            const config = catalogSchema.parse({
                ...catalogOf("stage"),
                modules: [
                    {
                        name: "graph-sync",
                        path: "graph-sync/base",
                        tiers: ["middletier", "backend"],
                        place: [
                            { kind: "Template", tier: "infra" },
                            { kind: "Template", name: "graph-sync", tier: "backend" },
                        ],
                    },
                ],
            });
            const [middletier, backend] = catalogPlan(config, tierNamespaces("stage"));
            assert.equal(middletier.namespace, "thoth-middletier-stage");
            assertPlaced(middletier, "Template", "graph-sync", "thoth-backend-stage", true);
            // backend would create it in its own namespace too: middletier already does.
            assertPlaced(backend, "Template", "graph-sync", "thoth-backend-stage", false);
            assertPlaced(middletier, "Template", "graph-sync-job", "thoth-infra-stage", true);
        });

        it("test: every module once in thoth-test-core, where stage's rules would move nothing", () => {
            const plan = catalogPlan(catalogOf("prod"), tierNamespaces("test"));
            assert.equal(plan.length, 11);
            assert.ok(plan.every((i) => i.namespace === "thoth-test-core" && i.first));
            assert.ok(
                plan.every((i) => i.placements.length === 0),
                "the test stack has no rules",
            );
            for (const i of catalogPlan(catalogOf("stage"), tierNamespaces("test"))) {
                // (Streams the station creates tagged itself, and kinds core and mi-scheduler do not keep, are left
                // out: catalogPrerequisites.test.ts.)
                for (const [kind, name] of [
                    ["Template", "adviser"],
                    ["WorkflowTemplate", "dm"],
                    ["ImageStream", "not-on-the-list"],
                ].filter(([kind, name]) => keepsRendered(i.path, kind, name))) {
                    assert.deepEqual(placeObject(i, kind, name), {
                        namespace: "thoth-test-core",
                        keep: true,
                    });
                }
            }
        });
    });

    describe("what the stacks record", () => {
        it("stage plan: one Directory per instance at the pinned folder URL, and no objects (no network)", async () => {
            // The committed stage stack unchanged: its plan, made once for the test run.
            recorder.restore(await plannedThoth("stage"));
            const dirs = ofType(DIRECTORY);
            assert.equal(dirs.length, 16);
            const adviser = dirs.find(
                (d) => d.name === "thoth-station-modules-catalog-adviser-thoth-backend-stage",
            )!;
            assert.equal(adviser.inputs.directory, `${REPO}/tree/${PIN}/adviser/base`);
            assert.deepEqual(catalogObjects(), []);
        });

        it("stage: each object where the overlays put it, graph-sync's Templates once, on the cluster's provider", async () => {
            await readStageRendered();
            assert.deepEqual(placed(TEMPLATE), [
                "thoth-infra-stage/adviser",
                "thoth-infra-stage/dependency-monkey",
                "thoth-infra-stage/graph-sync",
                "thoth-infra-stage/graph-sync-job",
                "thoth-infra-stage/provenance-checker",
            ]);
            assert.deepEqual(placed(WORKFLOW_TEMPLATE), [
                "thoth-amun-inspection-stage/dm",
                "thoth-backend-stage/advise",
                "thoth-backend-stage/graph-sync",
                "thoth-backend-stage/provenance-check",
                "thoth-middletier-stage/graph-sync",
            ]);
            // adviser's base stream is left out: the station creates it tagged (catalogPrerequisites.ts).
            assert.deepEqual(placed("kubernetes:image.openshift.io/v1:ImageStream"), [
                "thoth-backend-stage/graph-sync",
                "thoth-middletier-stage/graph-sync",
            ]);
            assert.deepEqual(
                placed("kubernetes:core/v1:ConfigMap").filter((p) => p.endsWith("/adviser")),
                ["thoth-backend-stage/adviser"],
            );
            const objects = catalogObjects();
            assert.equal(
                objects.length,
                7 + 4 + 2,
                "adviser's 8 but its tagless stream, graph-sync backend's 4, middletier's 2",
            );
            assert.ok(
                objects.every((o) => o.provider.includes("cluster-psi")),
                "explicit cluster provider",
            );
            // The moved Template is named for its module and where it lands.
            assert.ok(
                objects.some(
                    (o) =>
                        o.type === TEMPLATE &&
                        o.name === "thoth-station-modules-catalog-adviser-thoth-infra-stage/adviser",
                ),
            );
        });

        it("stage: every object waits for the Namespace it lands in", async () => {
            await readStageRendered();
            const namespaces = new Map(ofType(NAMESPACE).map((n) => [meta(n).name, n.urn]));
            const objects = catalogObjects();
            assert.ok(objects.length > 0);
            for (const o of objects) {
                const ns = namespaces.get(meta(o).namespace!);
                assert.ok(ns, `${o.name}: a Namespace of the station`);
                assert.ok(o.dependencies.includes(ns), `${o.name} waits for ${meta(o).namespace}`);
            }
            // dm waits for amun-inspection, not only for the backend tier its module is deployed to.
            const dm = objects.find((o) => meta(o).name === "dm")!;
            assert.ok(dm.dependencies.includes(namespaces.get("thoth-amun-inspection-stage")!));
            assert.ok(!dm.dependencies.includes(namespaces.get("thoth-backend-stage")!));
        });

        it("test: everything stays in thoth-test-core, once, after the Namespace; the Argo CRDs are PSI's", async () => {
            await runRendered("prod");
            const objects = catalogObjects();
            assert.equal(objects.length, 7 + 4, "adviser's 8 but its tagless stream, graph-sync's 4");
            assert.ok(objects.every((o) => meta(o).namespace === "thoth-test-core"));
            assert.deepEqual(placed(TEMPLATE), [
                "thoth-test-core/adviser",
                "thoth-test-core/dependency-monkey",
                "thoth-test-core/graph-sync",
                "thoth-test-core/graph-sync-job",
                "thoth-test-core/provenance-checker",
            ]);
            const namespace = ofType(NAMESPACE).find((n) => meta(n).name === "thoth-test-core")!;
            // The cluster setup provides the Argo CRDs on PSI (thoth-station.md §6.3, §7): prod creates none, so
            // nothing of stage or prod waits on the other stack's deploy.
            assert.deepEqual(
                ofType(CRD).filter((c) => meta(c).name.endsWith(".argoproj.io")),
                [],
            );
            for (const o of objects) assert.ok(o.dependencies.includes(namespace.urn), o.name);
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
            // The modules' catalog part alone: whether it registers anything is all this reads.
            await evaluateThoth("stage", { change: catalogSwitchedOff });
            assert.equal(ofType(DIRECTORY).length, 0);
        });
    });

    describe("bad configuration", () => {
        it("refuses an overlay path, a moving ref and a path leaving the repository", async () => {
            const err = await thothConfigError("stage", (t) => {
                const c = t.station.modules.catalog;
                c.ref = "master";
                c.modules[0].path = "adviser/overlays/ocp4-stage";
                c.modules[1].path = "solver/../core/base";
            });
            const byKey = Object.fromEntries(err.problems.map((p) => [p.key, p.message]));
            const base = "runbooks:thoth.station.modules.catalog";
            assert.match(byKey[`${base}.ref`], /full 40-character commit SHA/);
            assert.match(byKey[`${base}.modules[0].path`], /hook Jobs and ksops secret generators/);
            assert.match(byKey[`${base}.modules[1].path`], /must be a relative path/);
            assert.equal(err.problems.length, 3, JSON.stringify(err.problems));
        });

        it("refuses a module or a placement rule listed twice, at the later one, saying to remove it", async () => {
            const err = await thothConfigError("stage", (t) => {
                const c = t.station.modules.catalog;
                c.modules[2].name = "adviser";
                c.modules[0].place.push({ kind: "Template", tier: "backend" });
                c.modules[0].place.push({ kind: "WorkflowTemplate", name: "dm", tier: "infra" });
            });
            const at = "thoth.station.modules.catalog.modules";
            assert.deepEqual(err.problems.map((p) => [p.key, p.message, p.fix]).sort(), [
                [`runbooks:${at}[0].place[2]`, "is a second rule for every Template; remove it", undefined],
                [
                    `runbooks:${at}[0].place[3]`,
                    "is a second rule for WorkflowTemplate dm; remove it",
                    undefined,
                ],
                [`runbooks:${at}[2]`, "lists module adviser a second time; remove it", undefined],
            ]);
        });

        it("refuses a repository URL the provider cannot clone and placement rules it cannot apply", async () => {
            const err = await thothConfigError("stage", (t) => {
                const c = t.station.modules.catalog;
                c.repository = `${REPO}/tree/master`;
                c.modules[0].place = [
                    { kind: "template", tier: "infra" },
                    { kind: "WorkflowTemplate", name: "Dm_", tier: "amun" },
                ];
                c.modules[1].place = [{ kind: "Template", namespace: "thoth-infra-stage", tier: "infra" }];
            });
            const byKey = Object.fromEntries(err.problems.map((p) => [p.key, p]));
            const base = "runbooks:thoth.station.modules.catalog";
            assert.match(byKey[`${base}.repository`].message, /https:\/\/<host>\/<owner>\/<repository>/);
            assert.match(
                byKey[`${base}.modules[0].place[0].kind`].message,
                /Kubernetes kind such as Template/,
            );
            assert.match(byKey[`${base}.modules[0].place[1].name`].message, /DNS name/);
            assert.ok(byKey[`${base}.modules[0].place[1].tier`], "unknown tier amun");
            assert.match(
                byKey[`${base}.modules[1].place[0].namespace`].message,
                /unknown setting "namespace"/,
            );
            // No command writes a value into the broken key: the message says what is allowed.
            assert.equal(byKey[`${base}.modules[0].place[1].tier`].fix, undefined);
            assert.equal(err.problems.length, 5, JSON.stringify(err.problems, null, 1));
        });
    });
});
