import * as assert from "assert";
import { applyForm, classify } from "../../adopt/classify";
import fc from "fast-check";
import {
    Double,
    claimsKeptInUse,
    dataAtRisk,
    leftBehind,
    mayHoldDataOf,
    programClaims,
} from "../../adopt/claims";
import { checkTakeover, decisionFor, declaredReplacements, listId } from "../../adopt/declared";
import { KubeObject } from "../../adopt/model";
import type { TakeoverList } from "../../../components/config/takeover";
import { deployment, desired, live, pvc, secret, statefulSet } from "./fixtures";

/** The checked takeover list of one system over `liveObjects` (tools/adopt/declared.ts), as the report reads it. */
function checked(list: TakeoverList, liveObjects: readonly KubeObject[], program: readonly KubeObject[]) {
    return checkTakeover({
        cluster: "main",
        system: "shop",
        stack: "prod",
        list,
        live: liveObjects,
        program,
    });
}

/** The program workloads and the live ones `list` says they replace: the report's doubles (tools/adopt/run.ts). */
function declaredDoubles(
    list: TakeoverList,
    liveObjects: readonly KubeObject[],
    program: readonly KubeObject[],
): Double[] {
    const replacements = declaredReplacements([checked(list, liveObjects, program)], liveObjects);
    return program.flatMap((p) => (replacements.get(listId(p)) ?? []).map((l) => ({ program: p, live: l })));
}

describe("adopt: classification of one object", function () {
    it("absent → create; absent claim while another holds data → data-at-risk", function () {
        assert.equal(classify(desired(pvc("data", "1Gi")), undefined, undefined).verdict, "create");
        const f = classify(
            desired(pvc("data", "1Gi")),
            undefined,
            undefined,
            "claim data ... would be created EMPTY",
        );
        assert.equal(f.verdict, "data-at-risk");
        assert.deepEqual(f.reasons, ["claim data ... would be created EMPTY"]);
    });

    it("present and the dry run changes nothing → unchanged; a changed field → update with old → new", function () {
        const today = live(deployment("web:v1"));
        const same = classify(desired(deployment("web:v1")), today, { result: structuredClone(today) });
        assert.equal(same.verdict, "unchanged");
        assert.deepEqual(same.changes, []);
        const after = live(deployment("web:v2"));
        const changed = classify(desired(deployment("web:v2")), today, { result: after });
        assert.equal(changed.verdict, "update");
        assert.deepEqual(changed.changes, [
            { path: "spec.template.spec.containers[web].image", old: "web:v1", new: "web:v2" },
        ]);
        assert.equal(changed.id, "apps/v1/Deployment/shop/web");
    });

    it("an immutable difference blocks, and so does the API server's 422 Invalid answer", function () {
        const today = live(deployment("web:v1", { app: "web" }));
        const selector = classify(desired(deployment("web:v1", { app: "shop-web" })), today, {
            refused: 'Deployment.apps "web" is invalid: spec.selector: Invalid value: field is immutable',
        });
        assert.equal(selector.verdict, "blocking");
        assert.equal(selector.reasons.length, 2);
        assert.match(selector.reasons[0], /^spec\.selector is immutable/);
        assert.match(selector.reasons[1], /^the API server refuses the apply: .*field is immutable/);
        const refusedOnly = classify(desired(deployment("web:v1")), today, {
            refused: "spec.foo: Invalid value",
        });
        assert.equal(refusedOnly.verdict, "blocking");
    });

    it("a Recreate the live RollingUpdate defaults refuse blocks with the patch that sets the live strategy first", function () {
        const today = live(deployment("web:v1"));
        const refused = classify(desired(deployment("web:v1")), today, {
            refused:
                "Deployment.apps \"web\" is invalid: spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'",
        });
        assert.equal(refused.verdict, "blocking");
        assert.match(
            refused.reasons[0],
            /cannot remove under server-side apply.*kubectl -n shop patch deployment web --type=json -p '\[\{"op":"replace","path":"\/spec\/strategy","value":\{"type":"Recreate"\}\}\]', then run the report again$/,
        );
        // Any other refusal has no such fix.
        const other = classify(desired(deployment("web:v1")), today, { refused: "spec.foo: Invalid value" });
        assert.doesNotMatch(other.reasons[0], /kubectl/);
    });

    it("Secrets: masked plan values are taken from the live object; a key the live object lacks shows as added", function () {
        const today = live(secret({ password: "b2xk" }));
        const form = applyForm(secret({}, { password: "[secret]", user: "[secret]" }), today);
        assert.ok(form.masked);
        assert.deepEqual(form.object.data, {
            password: "b2xk",
            user: Buffer.from("[secret]").toString("base64"),
        });
        assert.equal(form.object.stringData, undefined);
        const plain = deployment("web:v1");
        assert.equal(
            applyForm(plain, live(plain)).object,
            plain,
            "objects without secrets are sent as they are",
        );
        const f = classify(desired(secret({}, { password: "[secret]" })), today, {
            result: structuredClone(today),
        });
        assert.equal(f.verdict, "unchanged");
        assert.equal(f.secretValuesNotCompared, true);
    });
});

describe("adopt: claims with data, and what the program leaves behind", function () {
    it("StatefulSet claims are named <template>-<set>-<ordinal>", function () {
        assert.deepEqual(
            programClaims([statefulSet("1Gi", 2), pvc("uploads", "1Gi")]).map((c) => c.name),
            ["data-db-0", "data-db-1", "uploads"],
        );
    });

    it("a program claim absent while a Bound claim of another name holds data is at risk; Pending ones hold none", function () {
        const claims = programClaims([pvc("uploads", "1Gi"), statefulSet("1Gi")]);
        const risks = dataAtRisk(claims, [
            pvc("uploads-old", "5Gi", "standard", "Bound"),
            pvc("scratch", "1Gi", "standard", "Pending"),
        ]);
        assert.deepEqual([...risks.keys()], ["shop/uploads", "shop/data-db-0"]);
        assert.match(risks.get("shop/uploads")!, /created EMPTY.*uploads-old \(Bound, 5Gi, class standard\)/);
        assert.doesNotMatch(risks.get("shop/uploads")!, /scratch/);
        // When the program's claims exist, nothing is at risk, whatever else is there.
        assert.equal(
            dataAtRisk(claims, [pvc("uploads", "1Gi"), pvc("data-db-0", "1Gi"), pvc("other", "1Gi")]).size,
            0,
        );
    });

    it("data a live workload keeps using where it runs is not at risk; data of one the program replaces or doubles is, named only for a claim of the workload that takes its job", function () {
        // Live: Deployments w<i>, each mounting its Bound claim c<i>, doing their own job (left running), the job of
        // the program's Deployment web (a second server of it: the takeover list declares it replaced with
        // Deployment/web), or replaced by a program object of their name; and maybe a Bound claim no workload
        // mounts. The program adds web and a new claim uploads, which web mounts or not.
        const role = fc.constantFrom("own job", "web's job", "replaced");
        fc.assert(
            fc.property(
                fc.array(role, { maxLength: 5 }),
                fc.boolean(),
                fc.boolean(),
                (roles, unmounted, webMounts) => {
                    const volume = (w: KubeObject, claimName: string) => {
                        const spec = (w.spec as { template: { spec: { volumes?: unknown } } }).template.spec;
                        spec.volumes = [{ name: "data", persistentVolumeClaim: { claimName } }];
                        return w;
                    };
                    const workloads = roles.map((r, i) => {
                        const w = deployment(r === "web's job" ? "web:v1" : `tool-${i}:1`, { app: `w${i}` });
                        w.metadata.name = `w${i}`;
                        const spec = (w.spec as { template: { spec: { containers: { ports: object[] }[] } } })
                            .template.spec;
                        // Its own job: another image and another port than web's 8080.
                        if (r !== "web's job") spec.containers[0].ports = [{ containerPort: 9000 + i }];
                        return live(volume(w, `c${i}`));
                    });
                    const web = deployment("web:v1");
                    const program = [
                        webMounts ? volume(web, "uploads") : web,
                        pvc("uploads", "1Gi"),
                        ...roles.flatMap((r, i) => {
                            if (r !== "replaced") return [];
                            const d = deployment("tool-new:2", { app: `w${i}` });
                            d.metadata.name = `w${i}`;
                            d.kind = "StatefulSet";
                            return [d];
                        }),
                    ];
                    const pvcs = [
                        ...roles.map((_, i) => live(pvc(`c${i}`, "1Gi"))),
                        ...(unmounted ? [live(pvc("old-uploads", "1Gi"))] : []),
                    ];
                    const liveObjects = [...workloads, ...pvcs];
                    const list: TakeoverList = {
                        objects: Object.fromEntries(
                            roles.map((r, i) => [
                                `shop/Deployment/w${i}`,
                                r === "web's job"
                                    ? "replace with Deployment/web"
                                    : r === "replaced"
                                      ? `replace with StatefulSet/w${i}`
                                      : "leave running: its own job, not the program's",
                            ]),
                        ),
                    };
                    const doubles = declaredDoubles(list, liveObjects, program);
                    const risks = dataAtRisk(
                        programClaims(program),
                        pvcs,
                        claimsKeptInUse(liveObjects, program, doubles),
                        mayHoldDataOf(liveObjects, program, doubles),
                    );
                    // A claim web mounts may hold the data of what does web's job (or of a claim nobody mounts); a
                    // claim nothing of the program mounts, of any workload whose data is left.
                    const named = (r: string) => (webMounts ? r === "web's job" : r !== "own job");
                    const expected = unmounted || roles.some(named);
                    assert.equal(risks.has("shop/uploads"), expected, [...risks.values()].join("\n"));
                    if (!expected) return;
                    const reason = risks.get("shop/uploads")!;
                    roles.forEach((r, i) => assert.equal(reason.includes(`c${i} (`), named(r), reason));
                },
            ),
            { seed: 6802 },
        );
    });

    it("lists unmanaged live objects, not what the cluster makes by itself or what owners manage", function () {
        const obj = (kind: string, name: string, extra: Record<string, unknown> = {}): KubeObject => ({
            apiVersion: kind === "RoleBinding" ? "rbac.authorization.k8s.io/v1" : "v1",
            kind,
            metadata: { name, namespace: "shop", ...extra },
        });
        const liveObjects = [
            obj("ConfigMap", "kube-root-ca.crt"),
            obj("ServiceAccount", "default"),
            obj("RoleBinding", "system:image-pullers"),
            obj("Secret", "builder-token", { ownerReferences: [{ kind: "ServiceAccount" }] }),
            obj("ConfigMap", "legacy-settings"),
            obj("ConfigMap", "managed"),
            pvc("data-db-0", "1Gi"),
            pvc("uploads-old", "1Gi"),
        ];
        const left = leftBehind(
            "main",
            liveObjects,
            new Set(["v1/ConfigMap/shop/managed"]),
            programClaims([statefulSet("1Gi")]),
            new Map([["shop", "shop-system"]]),
        );
        assert.deepEqual(left, [
            { cluster: "main", system: "shop-system", id: "v1/ConfigMap/shop/legacy-settings" },
            { cluster: "main", system: "shop-system", id: "v1/PersistentVolumeClaim/shop/uploads-old" },
        ]);
    });
});

describe("adopt: step 5 deletes only what the program replaced", function () {
    const workload = (kind: string, name: string, namespace: string, claim?: string): KubeObject => ({
        apiVersion: kind === "DeploymentConfig" ? "apps.openshift.io/v1" : "apps/v1",
        kind,
        metadata: { name, namespace },
        spec: {
            template: {
                spec: {
                    containers: [{ name }],
                    volumes: claim ? [{ name: "data", persistentVolumeClaim: { claimName: claim } }] : [],
                },
            },
        },
    });
    const object = (apiVersion: string, kind: string, name: string, namespace: string): KubeObject => ({
        apiVersion,
        kind,
        metadata: { name, namespace },
    });

    it("the old server on the adopted claim and a DeploymentConfig of a program Deployment's name, declared replaced, are replaced; the bazel cache's Service, the jobs' Secrets and what the list leaves running are left alone", function () {
        const program = [
            workload("Deployment", "postgres-15", "packit-prod", "postgres-data"),
            workload("Deployment", "user-api", "thoth-test-core"),
            workload("Deployment", "greenhouse", "kubevirt-prow", "greenhouse"),
        ];
        const liveObjects = [
            workload("Deployment", "postgres", "packit-prod", "postgres-data"),
            workload("DeploymentConfig", "user-api", "thoth-test-core"),
            object("v1", "Service", "bazel-cache", "kubevirt-prow"),
            object("v1", "Service", "postgres-old", "packit-prod"),
            object("v1", "Secret", "kubevirtci-ssh-key", "kubevirt-prow-jobs"),
            workload("Deployment", "someone-elses", "kubevirt-prow", "their-claim"),
        ];
        // The lists as the operator declares them; nothing is inferred from names, kinds or claims.
        const lists: Record<string, TakeoverList> = {
            "packit-prod": {
                objects: {
                    "packit-prod/Deployment/postgres": "replace with Deployment/postgres-15",
                    "packit-prod/Service/postgres-old":
                        "leave running: read by clients the program does not know",
                },
            },
            "thoth-test-core": {
                objects: { "thoth-test-core/DeploymentConfig/user-api": "replace with Deployment/user-api" },
            },
            "kubevirt-prow": {
                objects: {
                    "kubevirt-prow/Service/bazel-cache":
                        "leave running: the PR jobs reach the cache through it",
                    "kubevirt-prow/Deployment/someone-elses":
                        "leave running: another team's workload, not ours",
                },
            },
            "kubevirt-prow-jobs": {
                objects: {
                    "kubevirt-prow-jobs/Secret/kubevirtci-ssh-key": "leave running: the jobs mount it",
                },
            },
        };
        const checks = Object.entries(lists).map(([ns, list]) =>
            checked(
                list,
                liveObjects.filter((o) => o.metadata.namespace === ns),
                program.filter((o) => o.metadata.namespace === ns),
            ),
        );
        assert.deepEqual(
            checks.flatMap((c) => c.problems),
            [],
        );
        // What run.ts gives leftBehind: the declared replacement of each live object.
        const left = leftBehind("c", liveObjects, new Set(), [], new Map(), (o) => {
            const d = decisionFor(checks, o);
            return d?.do === "replace" ? `the program's ${d.kind} ${d.name} takes its place` : undefined;
        });
        const replaced = Object.fromEntries(left.map((l) => [l.id, l.replacedBy]));
        assert.match(
            replaced["apps/v1/Deployment/packit-prod/postgres"] ?? "",
            /the program's Deployment postgres-15 takes its place/,
        );
        assert.match(
            replaced["apps.openshift.io/v1/DeploymentConfig/thoth-test-core/user-api"] ?? "",
            /Deployment user-api takes its place/,
        );
        for (const id of [
            "v1/Service/kubevirt-prow/bazel-cache",
            "v1/Service/packit-prod/postgres-old",
            "v1/Secret/kubevirt-prow-jobs/kubevirtci-ssh-key",
            "apps/v1/Deployment/kubevirt-prow/someone-elses",
        ])
            assert.equal(replaced[id], undefined, `${id} is not the program's to delete`);
        assert.equal(left.length, liveObjects.length);
    });
});

describe("adopt: Secret values the program generates", function () {
    it("a live Secret whose key the program generates with @pulumi/random blocks; a new key does not", function () {
        const program = {
            ...desired(secret({}, { "database-password": "[secret]", "database-user": "[secret]" })),
        };
        program.generatedKeys = ["database-password"];
        const today = live(secret({ "database-password": "b2xk", "database-user": "cGFja2l0" }));
        const f = classify(program, today, { result: structuredClone(today) });
        assert.equal(f.verdict, "blocking");
        assert.deepEqual(f.reasons.length, 1);
        assert.match(f.reasons[0], /^data\.database-password is generated by @pulumi\/random/);
        const fresh = live(secret({ "database-user": "cGFja2l0" }));
        assert.equal(classify(program, fresh, { result: structuredClone(fresh) }).verdict, "unchanged");
    });
});
