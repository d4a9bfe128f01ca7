import { strict as assert } from "assert";
import { catalogSchema } from "../../components/thoth/config";
import { revsolverAccount } from "../../components/thoth/station/modules/rbac";
import { tierNamespaces } from "../../components/thoth/station/tiers";
import { k8sObjects } from "../harness";
import { Json, KIND, catalogSwitchedOff, thothStack } from "./fixtures";
import { evaluateThoth, plannedBefore } from "./parts";

const INFRA = "thoth-infra-stage";
const MIDDLETIER = "thoth-middletier-stage";
const TEST_NS = "thoth-test-core";
const SUBJECT = (namespace: string) => [{ kind: "ServiceAccount", name: "revsolver", namespace }];
const CONFIGMAP_READ = [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list"] }];

/** Revsolver's three bindings: Role revsolver where the ConfigMaps are, argo and argo-admin where it runs. */
const THREE_BINDINGS = (roleNamespace: string, argoNamespace: string) => [
    `${roleNamespace}/revsolver -> Role revsolver`,
    `${argoNamespace}/revsolver-argo -> ClusterRole argo`,
    `${argoNamespace}/revsolver-argo-admin -> ClusterRole argo-admin`,
];

/** RoleBindings naming revsolver as subject: `<namespace>/<name> -> <kind> <role>`. */
function revsolverBindings(): string[] {
    return k8sObjects(KIND.roleBinding)
        .filter((b) => ((b.inputs.subjects as Json[]) ?? []).some((s) => s.name === "revsolver"))
        .map((b) => {
            const md = b.inputs.metadata as Json;
            const ref = b.inputs.roleRef as Json;
            return `${md.namespace}/${md.name} -> ${ref.kind} ${ref.name}`;
        })
        .sort();
}

function revsolverRoles(): Record<string, Json> {
    return Object.fromEntries(
        k8sObjects(KIND.role)
            .filter((r) => (r.inputs.metadata as Json).name === "revsolver")
            .map((r) => [(r.inputs.metadata as Json).namespace, r.inputs.rules]),
    );
}

describe("thoth revsolver RBAC", function () {
    this.timeout(60_000);

    describe("grants (pure)", () => {
        const stageCatalog = catalogSchema.parse((thothStack("stage").thoth as Json).station.modules.catalog);
        const testCatalog = catalogSchema.parse((thothStack("prod").thoth as Json).station.modules.catalog);

        it("never creates the account: the catalog's revsolver base renders it", () => {
            for (const catalog of [stageCatalog, undefined]) {
                const a = revsolverAccount(tierNamespaces("stage"), catalog);
                assert.equal(a.createAccount, false);
                assert.equal(`${a.name}@${a.namespace}`, `revsolver@${MIDDLETIER}`);
            }
        });

        it("makes the infra Role itself unless the catalog's base lands in infra, whether or not it is enabled", () => {
            const stage = revsolverAccount(tierNamespaces("stage"), stageCatalog).grants[0];
            assert.deepEqual(stage, {
                namespace: INFRA,
                role: "revsolver",
                objectName: "revsolver",
                rules: CONFIGMAP_READ,
            });
            for (const enabled of [true, false]) {
                const grant = revsolverAccount(tierNamespaces("test"), { ...testCatalog, enabled }).grants[0];
                assert.deepEqual(grant, {
                    namespace: TEST_NS,
                    existingRole: "revsolver",
                    objectName: "revsolver",
                });
            }
            const withoutRevsolver = {
                ...testCatalog,
                modules: testCatalog.modules.filter((m) => m.name !== "revsolver"),
            };
            assert.ok("rules" in revsolverAccount(tierNamespaces("test"), withoutRevsolver).grants[0]);
            assert.ok("rules" in revsolverAccount(tierNamespaces("test"), undefined).grants[0]);
        });
    });

    describe("stage", () => {
        plannedBefore("stage");

        it("binds revsolver (middletier) to Role revsolver in infra and to argo, argo-admin in middletier", () => {
            assert.deepEqual(revsolverBindings(), THREE_BINDINGS(INFRA, MIDDLETIER));
            for (const b of k8sObjects(KIND.roleBinding).filter((r) =>
                ((r.inputs.subjects as Json[]) ?? []).some((s) => s.name === "revsolver"),
            )) {
                assert.deepEqual(b.inputs.subjects, SUBJECT(MIDDLETIER));
            }
            assert.deepEqual(revsolverRoles(), { [INFRA]: CONFIGMAP_READ });
        });

        it("creates no ServiceAccount revsolver (the catalog does), even with the catalog switched off", async () => {
            const named = () =>
                k8sObjects(KIND.serviceAccount).filter(
                    (s) => (s.inputs.metadata as Json).name === "revsolver",
                );
            assert.deepEqual(named(), []);
            // The modules' accounts, which make revsolver's grants (bots, tunnels and Dgraph off).
            await evaluateThoth("stage", { change: catalogSwitchedOff });
            assert.deepEqual(named(), []);
            assert.equal(revsolverBindings().length, 3, "the bindings do not depend on the catalog switch");
        });
    });

    describe("test layout (prod stack)", () => {
        plannedBefore("prod");

        it("makes the three bindings in thoth-test-core and leaves Role revsolver to the catalog rendered there", () => {
            assert.deepEqual(revsolverBindings(), THREE_BINDINGS(TEST_NS, TEST_NS));
            assert.deepEqual(
                revsolverRoles(),
                {},
                "the catalog's revsolver base renders Role revsolver here",
            );
        });
    });
});
