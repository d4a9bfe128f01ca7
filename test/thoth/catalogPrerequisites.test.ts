import { strict as assert } from "assert";
import {
    CATALOG_IMAGE_STREAMS,
    MOUNTED_OBJECTS,
    RENDERED_MODULES,
    catalogNotices,
    keepsRendered,
} from "../../components/thoth/station/catalog/catalogPrerequisites";
import { CatalogConfig, catalogSchema, thothSchema } from "../../components/thoth/config";
import { thothCheck } from "../../components/thoth/checks";
import { thoth } from "../../components/thoth/index";
import { stationSecretSpecs } from "../../components/thoth/station/stationSecrets";
import { tierNamespaces } from "../../components/thoth/station/tiers";
import { catalogPlan, remoteTarget } from "../../components/thoth/station/catalog/workflowCatalog";
import { RecordedResource, answerKustomize } from "../../tools/mocks/recorder";
import { ofType, recorder } from "../harness";
import { Json, catalogSwitchedOff, stationModules, thothStack } from "./fixtures";
import { evaluateThoth } from "./parts";
import { KUSTOMIZE_DIRECTORY as DIRECTORY } from "../fixtures/resourceTypes";

const TYPE = {
    ImageStream: "kubernetes:image.openshift.io/v1:ImageStream",
    WorkflowTemplate: "kubernetes:argoproj.io/v1alpha1:WorkflowTemplate",
    Template: "kubernetes:template.openshift.io/v1:Template",
    Secret: "kubernetes:core/v1:Secret",
    ConfigMap: "kubernetes:core/v1:ConfigMap",
    CronJob: "kubernetes:batch/v1:CronJob",
} as const;
const API = {
    ImageStream: "image.openshift.io/v1",
    WorkflowTemplate: "argoproj.io/v1alpha1",
    Template: "template.openshift.io/v1",
    ConfigMap: "v1",
    CronJob: "batch/v1",
} as const;
type Stack = "stage" | "prod";
const ENVIRONMENT: Record<Stack, "stage" | "test"> = { stage: "stage", prod: "test" };

function catalogOf(stack: Stack): CatalogConfig {
    return catalogSchema.parse((thothStack(stack).thoth as Json).station.modules.catalog);
}

function meta(r: RecordedResource): { name: string; namespace?: string } {
    return r.inputs.metadata as { name: string; namespace?: string };
}

const rendered = (kind: keyof typeof API, name: string) => ({
    apiVersion: API[kind],
    kind,
    metadata: { name },
    spec: {},
});

/**
 * Stand-ins for what each configured module directory renders: the objects the list expects from it, plus what the
 * station must not take from it (a base's tagless copy of every stream, core's ConfigMap, mi-scheduler's CronJob).
 */
function standIns(stack: Stack): Record<string, object[]> {
    const catalog = catalogOf(stack);
    return Object.fromEntries(
        catalog.modules.map((m) => {
            const expected = RENDERED_MODULES.find((r) => r.path === m.path);
            const objects = [
                ...new Map(
                    (expected?.objects ?? []).map((o) => [`${o.kind}/${o.name}`, rendered(o.kind, o.name)]),
                ).values(),
                ...CATALOG_IMAGE_STREAMS.map((s) => rendered("ImageStream", s.name)),
                ...(m.path === "core/base" ? [rendered("ConfigMap", "thoth")] : []),
                ...(m.path === "mi-scheduler/base" ? [rendered("CronJob", "mi-scheduler-gh")] : []),
            ];
            return [remoteTarget(catalog.repository, m.path, catalog.ref), objects];
        }),
    );
}

async function runRendered(stack: Stack, change?: (t: Record<string, Json>) => void) {
    answerKustomize(standIns(stack));
    try {
        return await evaluateThoth(stack, {
            change: (t) => {
                stationModules(t);
                change?.(t);
            },
        });
    } finally {
        answerKustomize();
    }
}

/** The objects the catalog's Directories registered. */
function catalogObjects(): RecordedResource[] {
    const dirs = new Set(ofType(DIRECTORY).map((d) => d.urn));
    return recorder.resources.filter((r) => dirs.has(r.parent));
}

/** `<namespace>/<name>` of every recorded object of a type. */
function present(type: string, from: RecordedResource[] = recorder.resources): string[] {
    return from.filter((r) => r.type === type).map((r) => `${meta(r).namespace}/${meta(r).name}`);
}

/** Every name on the list that the plan of a stack lacks in its namespace, as `<kind> <namespace>/<name>`. */
function missing(stack: Stack): string[] {
    const ns = tierNamespaces(ENVIRONMENT[stack]);
    const gaps: string[] = [];
    const need = (kind: keyof typeof TYPE, namespace: string, name: string, from?: RecordedResource[]) => {
        if (!present(TYPE[kind], from).includes(`${namespace}/${name}`)) {
            gaps.push(`${kind} ${namespace}/${name}`);
        }
    };
    for (const s of CATALOG_IMAGE_STREAMS) for (const t of s.tiers) need("ImageStream", ns[t], s.name);
    for (const o of MOUNTED_OBJECTS) for (const t of o.tiers) need(o.kind, ns[t], o.name);
    for (const m of RENDERED_MODULES) {
        for (const o of m.objects) need(o.kind, ns[o.tier], o.name, catalogObjects());
    }
    return [...new Set(gaps)];
}

const CATALOG_KEY = "runbooks:thoth.station.modules.catalog";

describe("thoth catalog prerequisites: what the catalog's templates need, in both plans", function () {
    this.timeout(60_000);

    for (const stack of ["stage", "prod"] as const) {
        describe(`${stack} (${ENVIRONMENT[stack]})`, () => {
            // One evaluation with the stand-in renders for the four cases that read it (they run before the
            // catalog-off case below, which evaluates again): each used to evaluate the same variant itself.
            before(async () => {
                await runRendered(stack);
            });

            it("has every ImageStream, Secret, ConfigMap and rendered template on the list in its namespace", () => {
                assert.deepEqual(missing(stack), []);
            });

            it("tags every ImageStream `latest` from its pinned image, once per namespace, pulled through the registry", () => {
                const ns = tierNamespaces(ENVIRONMENT[stack]);
                const streams = ofType(TYPE.ImageStream);
                const ids = streams.map((r) => `${meta(r).namespace}/${meta(r).name}`);
                assert.deepEqual(
                    ids.filter((id, i) => ids.indexOf(id) !== i),
                    [],
                    "no base's tagless copy beside the program's",
                );
                assert.deepEqual(
                    streams.filter((r) => catalogObjects().includes(r)).map((r) => meta(r).name),
                    [],
                    "the catalog registers none of the bases' streams",
                );
                for (const s of CATALOG_IMAGE_STREAMS) {
                    for (const t of s.tiers) {
                        const r = streams.find(
                            (x) => meta(x).name === s.name && meta(x).namespace === ns[t],
                        )!;
                        const tags = (r.inputs as Json).spec.tags;
                        assert.deepEqual(
                            tags.map((g: Json) => [g.name, g.from.kind, g.from.name, g.referencePolicy.type]),
                            [["latest", "DockerImage", s.image, "Local"]],
                            `${ns[t]}/${s.name}`,
                        );
                        assert.match(s.image, /:v\d+\.\d+\.\d+$/, `${s.name} is pinned to a release`);
                    }
                }
            });

            it("takes only WorkflowTemplates from core and only templates from mi-scheduler (the station makes the rest)", () => {
                const objects = catalogObjects();
                const fromModule = (path: string) => {
                    const dirs = ofType(DIRECTORY)
                        .filter((d) => String(d.inputs.directory).endsWith(`/${path}`))
                        .map((d) => d.urn);
                    assert.ok(dirs.length > 0, `${path} is configured`);
                    return objects.filter((o) => dirs.includes(o.parent));
                };
                assert.deepEqual(
                    [...new Set(fromModule("core/base").map((o) => o.type))],
                    [TYPE.WorkflowTemplate],
                );
                assert.deepEqual([...new Set(fromModule("mi-scheduler/base").map((o) => o.type))].sort(), [
                    TYPE.WorkflowTemplate,
                    TYPE.Template,
                ]);
                // The station's own ConfigMap thoth and CronJob mi-scheduler-gh stay the only ones.
                const ns = tierNamespaces(ENVIRONMENT[stack]);
                assert.equal(present(TYPE.ConfigMap).filter((p) => p === `${ns.backend}/thoth`).length, 1);
                assert.equal(
                    present(TYPE.CronJob).filter((p) => p === `${ns.middletier}/mi-scheduler-gh`).length,
                    1,
                );
            });

            it("Secret kebechet in the backend tier has every key the adviser Template and kebechet Workflows mount", () => {
                const ns = tierNamespaces(ENVIRONMENT[stack]);
                const secret = ofType(TYPE.Secret).find(
                    (r) => meta(r).name === "kebechet" && meta(r).namespace === ns.backend,
                )!;
                const inputs = secret.inputs as Json;
                assert.equal(inputs.type, "kubernetes.io/ssh-auth");
                assert.deepEqual(Object.keys(inputs.stringData).sort(), [
                    "GITHUB_APP_ID",
                    "KEBBHUT_GITHUB_PRIVATE_KEY",
                    "github-oauth-token",
                    "gitlab-oauth-token",
                    "kebechet-git-email",
                    "pagure-oauth-token",
                    "sentry-dsn",
                    "ssh-privatekey",
                ]);
                // Each value comes from its own encrypted config key, never from the repository.
                assert.match(
                    inputs.stringData["ssh-privatekey"],
                    /value-of-thoth-station-kebechet-ssh-privatekey$/,
                );
            });

            it("without the catalog: no tagged streams, and Secret kebechet with what metrics-exporter and prescriptions-refresh read", async () => {
                // Every part that makes an ImageStream (the catalog's streams, prescriptions-refresh-job's) and the
                // shared Secrets.
                await evaluateThoth(stack, {
                    change: catalogSwitchedOff,
                });
                assert.deepEqual(
                    ofType(TYPE.ImageStream).map((r) => meta(r).name),
                    ["prescriptions-refresh-job"],
                );
                const ns = tierNamespaces(ENVIRONMENT[stack]);
                const copies = ofType(TYPE.Secret).filter((r) => meta(r).name === "kebechet");
                // The prescriptions-refresh CronWorkflows (no part of the catalog) mount the SSH and GitHub App keys
                // and read GITHUB_APP_ID in backend (thoth-station.md §3.4); the keys only the catalog reads stay out.
                const backend = [
                    ns.backend,
                    "kubernetes.io/ssh-auth",
                    ["GITHUB_APP_ID", "KEBBHUT_GITHUB_PRIVATE_KEY", "github-oauth-token", "ssh-privatekey"],
                ];
                // By namespace: objects placed with their Namespace's name register as it resolves, in no set order.
                const byNamespace = (a: Json[], b: Json[]) => String(a[0]).localeCompare(String(b[0]));
                assert.deepEqual(
                    copies
                        .map((r) => [
                            meta(r).namespace,
                            (r.inputs as Json).type,
                            Object.keys((r.inputs as Json).stringData),
                        ])
                        .sort(byNamespace),
                    (ns.infra === ns.backend
                        ? [backend]
                        : [backend, [ns.infra, "Opaque", ["github-oauth-token"]]]
                    ).sort(byNamespace),
                );
                const t = thothSchema.parse(thothStack(stack).thoth);
                t.station!.modules!.catalog!.enabled = false;
                assert.deepEqual(
                    stationSecretSpecs(t)
                        .map((s) => s.key)
                        .filter((k) => k.startsWith("thoth-station-kebechet-")),
                    [
                        "thoth-station-kebechet-github-oauth-token",
                        "thoth-station-kebechet-ssh-privatekey",
                        "thoth-station-kebechet-kebbhut-github-private-key",
                        "thoth-station-kebechet-github-app-id",
                    ],
                );
            });

            it("says before `up` which objects only the deploy-time render shows, with the folder they come from", () => {
                // Notices read the section as the check built it, as the program passes it.
                const config = thothCheck(thothSchema.parse(thothStack(stack).thoth)).section;
                assert.ok(config, "the committed stack passes Thoth's check");
                // The catalog's own lines: Thoth also says which bot images nobody confirmed.
                const catalogLines = (c: typeof config) =>
                    thoth.notices!(c, { tier: "production" })
                        .map((n) => n.text)
                        .filter((n) => n.startsWith(CATALOG_KEY));
                const notices = catalogLines(config);
                const catalog = catalogOf(stack);
                const ns = tierNamespaces(ENVIRONMENT[stack]);
                for (const m of catalog.modules) {
                    const url = `${catalog.repository}/tree/${catalog.ref}/${m.path}`;
                    const line = notices.find((n) => n.includes(` ${url};`) || n.includes(` ${url} `));
                    assert.ok(line, `a notice names ${url}`);
                    for (const o of RENDERED_MODULES.find((r) => r.path === m.path)?.objects ?? []) {
                        // `<kind> <names> in <namespace>`: the object's name inside its kind's group there.
                        const group = line
                            .replace(/\. Compare .*$/, "")
                            .split(/; (?:expected: )?/)
                            .find((g) => g.startsWith(`${o.kind} `) && g.endsWith(` in ${ns[o.tier]}`));
                        assert.ok(group?.split(/[ ,]+/).includes(o.name), `${m.path}: ${o.kind} ${o.name}`);
                    }
                }
                assert.ok(notices.some((n) => CATALOG_IMAGE_STREAMS.every((s) => n.includes(s.name))));
                config.station!.modules!.catalog!.enabled = false;
                assert.deepEqual(catalogLines(config), []);
            });
        });
    }

    describe("the list itself", () => {
        it("deploys every module thoth-station.md §8 listed as absent except amun (README says why)", () => {
            for (const stack of ["stage", "prod"] as const) {
                const paths = catalogOf(stack).modules.map((m) => m.path);
                for (const m of RENDERED_MODULES) assert.ok(paths.includes(m.path), `${stack}: ${m.path}`);
            }
        });

        it("stage: core in all five core tiers, purge's and mi's Templates in infra", () => {
            const plan = catalogPlan(catalogOf("stage"), tierNamespaces("stage"));
            assert.deepEqual(
                plan.filter((i) => i.path === "core/base").map((i) => i.namespace),
                [
                    "thoth-frontend-stage",
                    "thoth-middletier-stage",
                    "thoth-backend-stage",
                    "thoth-graph-stage",
                    "thoth-infra-stage",
                ],
            );
        });

        it("leaves out exactly the bases' streams the program creates and the kinds a module does not keep", () => {
            assert.equal(keepsRendered("adviser/base", "ImageStream", "adviser"), false);
            assert.equal(keepsRendered("adviser/base", "ImageStream", "not-on-the-list"), true);
            assert.equal(keepsRendered("adviser/base", "ConfigMap", "adviser"), true);
            assert.equal(keepsRendered("core/base", "ConfigMap", "thoth"), false);
            assert.equal(keepsRendered("core/base", "ServiceAccount", "send-webhooks"), false);
            assert.equal(keepsRendered("core/base", "WorkflowTemplate", "send-webhooks"), true);
            assert.equal(keepsRendered("mi-scheduler/base", "CronJob", "mi-scheduler-gh"), false);
            assert.equal(keepsRendered("mi-scheduler/base", "Template", "mi"), true);
        });

        it("cites a source for every entry", () => {
            const entries = [
                ...CATALOG_IMAGE_STREAMS,
                ...MOUNTED_OBJECTS,
                ...RENDERED_MODULES.flatMap((m) => m.objects),
            ];
            for (const e of entries) assert.match(e.source, /thoth-station\.md (§|Appendix)/, e.name);
        });

        it("says nothing when the catalog is not configured", () => {
            assert.deepEqual(catalogNotices(undefined, "stage"), []);
        });
    });
});
