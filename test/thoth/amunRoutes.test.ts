// Issue 39, finding 2: amun-api served a public Route while amun's inspection WorkflowTemplates and Templates are not
// deployed, so an inspection it accepted could not run. Its Routes are held until `exposeAmunApi` says they exist.
import { strict as assert } from "assert";
import { thothSchema } from "../../components/thoth/config";
import { heldRouteNotices } from "../../components/thoth/notices";
import { servicePlans } from "../../components/thoth/station/modules/services";
import { tierNamespaces } from "../../components/thoth/station/tiers";
import { k8sObjects, recorder } from "../harness";
import { KIND, Json, thothStack } from "./fixtures";
import { evaluateThoth, plannedThoth } from "./parts";

const HOSTS = { userApi: "u.example", managementApi: "m.example", amunApi: "a.example" };

/** Route name → host of the Routes in a namespace, as the recorder holds them. */
function routes(namespace: string): Record<string, string> {
    return Object.fromEntries(
        k8sObjects(KIND.route, namespace).map((r) => [
            (r.inputs.metadata as Json).name,
            (r.inputs.spec as Json).host,
        ]),
    );
}

function modulesOf(stack: "stage" | "prod", change?: (modules: Json) => void) {
    const thoth = structuredClone(thothStack(stack).thoth) as Json;
    change?.(thoth.station.modules);
    return thothSchema.parse(thoth);
}

describe("thoth amun-api Routes are held while amun's inspection templates are not deployed", function () {
    this.timeout(120_000);

    it("every API plan is exposed except amun-api, which is exposed exactly when exposeAmunApi is set", () => {
        for (const environment of ["stage", "test"] as const) {
            for (const exposeAmunApi of [false, true]) {
                const plans = servicePlans(environment, { hosts: HOSTS, exposeAmunApi });
                const held = plans.filter((p) => p.exposed === false).map((p) => p.name);
                assert.deepEqual(held, exposeAmunApi ? [] : ["amun-api"], `${environment} ${exposeAmunApi}`);
            }
        }
    });

    for (const stack of ["stage", "prod"] as const) {
        it(`${stack}: the committed plan has amun-api and its Service but no Route to it; the other APIs keep theirs`, async () => {
            const before = [...recorder.resources];
            try {
                recorder.restore(await plannedThoth(stack));
                const env = stack === "stage" ? "stage" : "test";
                const ns = tierNamespaces(env);
                const toAmun = k8sObjects(KIND.route, ns["amun-api"]).filter(
                    (r) => ((r.inputs.spec as Json).to as Json).name === "amun-api",
                );
                assert.deepEqual(toAmun, []);
                assert.equal(
                    k8sObjects(KIND.service, ns["amun-api"]).filter(
                        (s) => (s.inputs.metadata as Json).name === "amun-api",
                    ).length,
                    1,
                );
                const front = routes(ns.frontend);
                assert.ok(
                    front["user-api-route53"] && front["management-api-route53"],
                    Object.keys(front).join(),
                );
            } finally {
                recorder.restore(before);
            }
        });
    }

    it("exposeAmunApi true: both amun-api Routes, the generated one and -route53 at hosts.amunApi", async () => {
        const before = [...recorder.resources];
        try {
            // The evaluation hands back the recorder's own list: restore a copy.
            const evaluated = [
                ...(await evaluateThoth("stage", {
                    change: (thoth) => {
                        thoth.station.modules.exposeAmunApi = true;
                    },
                })),
            ];
            recorder.restore(evaluated);
            const amun = routes("thoth-amun-api-stage");
            assert.equal(amun["amun-api-route53"], "amun.stage.thoth-station.ninja");
            assert.equal(amun["amun-api"], "amun-api-thoth-amun-api-stage.apps.ocp4.prod.psi.redhat.com");
        } finally {
            recorder.restore(before);
        }
    });

    it("a held Route is a notice naming why, what still answers and the key that serves it; none once served", () => {
        for (const stack of ["stage", "prod"] as const) {
            const ns = tierNamespaces(stack === "stage" ? "stage" : "test");
            const notices = heldRouteNotices(modulesOf(stack));
            assert.equal(notices.length, 1, stack);
            assert.equal(notices[0].kind, "HELD ROUTE");
            const notice = notices[0].text;
            assert.match(notice, /^HELD ROUTE runbooks:thoth\.station\.modules\.exposeAmunApi = false: /);
            assert.ok(notice.includes(`amun-api runs in ${ns["amun-api"]}`), notice);
            assert.ok(notice.includes(`not deployed in ${ns["amun-inspection"]}`), notice);
            assert.ok(notice.includes("amun-api-route53 for amun."), notice);
            assert.ok(
                notice.endsWith("pulumi config set --path thoth.station.modules.exposeAmunApi true"),
                notice,
            );
            assert.doesNotMatch(notice, /\n/);
            assert.deepEqual(
                heldRouteNotices(
                    modulesOf(stack, (m) => {
                        m.exposeAmunApi = true;
                    }),
                ),
                [],
            );
            assert.deepEqual(
                heldRouteNotices(
                    modulesOf(stack, (m) => {
                        m.enabled = false;
                    }),
                ),
                [],
            );
        }
    });
});
