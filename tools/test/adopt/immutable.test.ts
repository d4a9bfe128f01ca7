import * as assert from "assert";
import fc from "fast-check";
import { classify } from "../../adopt/classify";
import { covers, immutableConflicts } from "../../adopt/immutable";
import { KubeObject } from "../../adopt/model";
import { quantityValue } from "../../../components/shared/resources";
import { deployment, desired, live, pvc, statefulSet } from "./fixtures";
import { renderedObjects } from "../../../test/fixtures/plans";

function paths(reasons: string[]): string[] {
    return reasons.map((r) => r.split(" ")[0]);
}

describe("adopt: immutable fields that block adoption in place", function () {
    it("a Deployment whose selector differs cannot be adopted; the same selector with another image can", function () {
        const today = live(deployment("web:v1", { app: "web" }));
        assert.deepEqual(
            paths(immutableConflicts(today, deployment("web:v1", { app: "web", tier: "front" }))),
            ["spec.selector"],
        );
        assert.deepEqual(immutableConflicts(today, deployment("web:v2", { app: "web" })), []);
    });

    it("StatefulSet claim templates: server defaults are not a difference, another size is", function () {
        const today = live(statefulSet("10Gi"));
        const templates = (today.spec as { volumeClaimTemplates: Record<string, unknown>[] })
            .volumeClaimTemplates;
        Object.assign(templates[0], {
            apiVersion: "v1",
            kind: "PersistentVolumeClaim",
            status: { phase: "Pending" },
        });
        Object.assign(templates[0].spec as object, { volumeMode: "Filesystem" });
        assert.deepEqual(immutableConflicts(today, statefulSet("10Gi")), []);
        assert.deepEqual(immutableConflicts(today, statefulSet("10240Mi")), [], "equal quantities are equal");
        const reasons = immutableConflicts(today, statefulSet("20Gi"));
        assert.deepEqual(paths(reasons), ["spec.volumeClaimTemplates"]);
        // The claims keep the name, so the new StatefulSet's pods mount them as they are: no new, empty claim.
        assert.match(
            reasons[0],
            /the claims data-db-<ordinal> keep their data and their size, class and access modes/,
        );
        assert.doesNotMatch(reasons[0], /new and empty/);
    });

    describe("a StatefulSet whose claim templates, service name or pod management differ", function () {
        /** A StatefulSet `db` in `shop` with claim templates by name, `replicas` and a selector. */
        const set = (templates: string[], replicas = 2, selector: Record<string, string> = { app: "db" }) => {
            const o = statefulSet("10Gi", replicas);
            const spec = o.spec as Record<string, unknown> & { template: { metadata: { labels: object } } };
            spec.selector = { matchLabels: selector };
            spec.template.metadata.labels = { ...selector, tier: "data" };
            spec.volumeClaimTemplates = templates.map((name) => ({
                metadata: { name },
                spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "10Gi" } } },
            }));
            return o;
        };
        const NAMES = ["data", "cache", "scratch", "wal", "logs"];

        it("labels the live templates lack are a difference (the API server compares the templates whole)", function () {
            const program = set(["data"]);
            const t = (program.spec as { volumeClaimTemplates: { metadata: object }[] })
                .volumeClaimTemplates[0];
            t.metadata = { name: "data", labels: { "app.kubernetes.io/name": "db" } };
            assert.deepEqual(paths(immutableConflicts(live(set(["data"])), program)), [
                "spec.volumeClaimTemplates",
            ]);
            assert.deepEqual(immutableConflicts(live(set(["data"])), set(["data"])), []);
        });

        it("with the live selector kept: the orphan delete, and what becomes of every template's claims", function () {
            fc.assert(
                fc.property(
                    fc.subarray(NAMES),
                    fc.subarray(NAMES),
                    fc.integer({ min: 0, max: 4 }),
                    fc.constantFrom("serviceName", "podManagementPolicy", "templates"),
                    (before, after, replicas, what) => {
                        const today = live(set(before));
                        const program = set(what === "templates" ? after : before, replicas);
                        if (what === "serviceName")
                            (program.spec as Record<string, unknown>).serviceName = "db-x";
                        if (what === "podManagementPolicy")
                            (program.spec as Record<string, unknown>).podManagementPolicy = "Parallel";
                        const reasons = immutableConflicts(today, program);
                        const changed =
                            what !== "templates" ||
                            before.length !== after.length ||
                            before.some((n, i) => after[i] !== n);
                        if (!changed) return assert.deepEqual(reasons, []);
                        assert.equal(reasons.length, 1, reasons.join("\n"));
                        const [reason] = reasons;
                        assert.ok(
                            reason.includes("kubectl -n shop delete statefulset db --cascade=orphan"),
                            reason,
                        );
                        assert.ok(reason.includes("selects them (app=db)"), reason);
                        assert.equal(
                            reason.includes("no Ready pod while its one pod is replaced"),
                            replicas < 2,
                        );
                        // A new template or service name cannot be given to a running pod: the old pods are deleted
                        // from ordinal 0 up, every ordinal the live or the program's StatefulSet has.
                        const restart =
                            what === "serviceName" ||
                            (what === "templates" && after.some((n) => !before.includes(n)));
                        const deletes = [...reason.matchAll(/kubectl -n shop delete pod (db-\d+)/g)].map(
                            (m) => m[1],
                        );
                        assert.deepEqual(
                            deletes,
                            restart ? Array.from({ length: Math.max(replicas, 2) }, (_, k) => `db-${k}`) : [],
                            reason,
                        );
                        if (!restart) assert.ok(reason.includes("highest ordinal first"), reason);
                        const kept = what === "templates" ? after.filter((n) => before.includes(n)) : before;
                        const added = what === "templates" ? after.filter((n) => !before.includes(n)) : [];
                        const unused = what === "templates" ? before.filter((n) => !after.includes(n)) : [];
                        const clause = (names: string[], tail: string) =>
                            names.length === 0
                                ? undefined
                                : `the claims ${names.map((n) => `${n}-db-<ordinal>`).join(", ")} ${tail}`;
                        for (const [names, tail] of [
                            [kept, "keep their data"],
                            [added, "are made new and empty"],
                            [unused, "stay as they are, unused"],
                        ] as const) {
                            const c = clause(names, tail);
                            if (c) assert.ok(reason.includes(c), `${c}\n${reason}`);
                            else assert.ok(!reason.includes(tail), reason);
                        }
                    },
                ),
            );
        });

        it("with another selector: no orphan delete (the old pods would run unowned beside the new ones)", function () {
            const reasons = immutableConflicts(live(set(["data"])), set(["cache"], 2, { app: "db", v: "2" }));
            assert.deepEqual(paths(reasons), ["spec.selector", "spec.volumeClaimTemplates"]);
            assert.ok(!reasons[1].includes("cascade=orphan"), reasons[1]);
            assert.match(reasons[1], /the selector changes too/);
        });
    });

    it("a claim may grow but not shrink, and keeps its storage class", function () {
        const today = live(pvc("data", "10Gi", "standard"));
        assert.deepEqual(immutableConflicts(today, pvc("data", "20Gi", "standard")), []);
        assert.deepEqual(paths(immutableConflicts(today, pvc("data", "5Gi", "standard"))), [
            "spec.resources.requests.storage",
        ]);
        assert.deepEqual(paths(immutableConflicts(today, pvc("data", "10Gi", "fast"))), [
            "spec.storageClassName",
        ]);
        // A program claim without a class takes the live one: no conflict.
        const noClass = pvc("data", "10Gi");
        delete (noClass.spec as Record<string, unknown>).storageClassName;
        assert.deepEqual(immutableConflicts(today, noClass), []);
    });

    it("a headless Service cannot become one with a cluster IP, and back; an unset clusterIP takes the live one", function () {
        const svc = (clusterIP?: string): KubeObject => ({
            apiVersion: "v1",
            kind: "Service",
            metadata: { name: "db", namespace: "shop" },
            spec: { ...(clusterIP !== undefined ? { clusterIP } : {}), ports: [{ port: 5432 }] },
        });
        const today = live(svc("10.96.0.17"));
        assert.deepEqual(paths(immutableConflicts(today, svc("None"))), ["spec.clusterIP"]);
        assert.deepEqual(immutableConflicts(today, svc()), []);
        assert.deepEqual(immutableConflicts(today, svc("")), []);
        assert.deepEqual(paths(immutableConflicts(live(svc("None")), svc("10.96.0.20"))), ["spec.clusterIP"]);
    });

    it("a RoleBinding's roleRef and an immutable ConfigMap's data cannot change", function () {
        const binding = (role: string): KubeObject => ({
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "RoleBinding",
            metadata: { name: "edit", namespace: "shop" },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role },
            subjects: [],
        });
        assert.deepEqual(paths(immutableConflicts(live(binding("view")), binding("edit"))), ["roleRef"]);
        const cm = (v: string): KubeObject => ({
            apiVersion: "v1",
            kind: "ConfigMap",
            metadata: { name: "settings", namespace: "shop" },
            data: { a: v },
        });
        assert.equal(immutableConflicts(live(cm("1"), { immutable: true }), cm("2")).length, 1);
        assert.deepEqual(immutableConflicts(live(cm("1")), cm("2")), [], "a mutable ConfigMap just changes");
    });

    it("covers compares only what the program sets; quantities by value", function () {
        assert.ok(covers({ a: 1, b: 2 }, { a: 1 }));
        assert.ok(!covers({ a: 1 }, { a: 2 }));
        assert.ok(!covers([1, 2], [1]));
        assert.equal(quantityValue("1Gi"), 1024 ** 3);
        assert.equal(quantityValue("500M"), 5e8);
        assert.equal(quantityValue("lots"), undefined);
    });

    // Issue 39: the prod stack's thoth-test-core/kebechet becomes kubernetes.io/ssh-auth; the live one is Opaque. The
    // API server refuses a Secret's type change, so no adoption (and no update) can make it in place.
    describe("a Secret whose type differs", function () {
        const TYPES = [
            undefined,
            "",
            "Opaque",
            "kubernetes.io/ssh-auth",
            "kubernetes.io/tls",
            "kubernetes.io/basic-auth",
            "kubernetes.io/dockerconfigjson",
            "kubernetes.io/service-account-token",
        ];
        const secretOf = (type: string | undefined, namespace = "shop", name = "creds"): KubeObject => ({
            apiVersion: "v1",
            kind: "Secret",
            metadata: { name, namespace },
            ...(type !== undefined ? { type } : {}),
            data: { key: "c2VjcmV0" },
        });
        const opaque = (t: string | undefined) => (t === undefined || t === "" ? "Opaque" : t);

        it("blocks adoption exactly when the program sets another type (unset and empty are Opaque)", function () {
            fc.assert(
                fc.property(
                    fc.constantFrom(...TYPES),
                    fc.constantFrom(...TYPES),
                    fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/),
                    fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/),
                    (liveType, programType, namespace, name) => {
                        const reasons = immutableConflicts(
                            live(secretOf(liveType, namespace, name)),
                            secretOf(programType, namespace, name),
                        );
                        const blocked = programType !== undefined && opaque(liveType) !== opaque(programType);
                        assert.deepEqual(paths(reasons), blocked ? ["type"] : []);
                        if (!blocked) return;
                        const [reason] = reasons;
                        assert.ok(reason.startsWith(`type is immutable: live `), reason);
                        assert.ok(
                            reason.includes(` → program ${programType}; replace it in this order: `),
                            reason,
                        );
                        // The ordered steps: back up, check, delete right before the up, the up creates it, restore.
                        const steps = [
                            "(1) back it up",
                            "(2) check",
                            "(3) right before pulumi up",
                            "(4) pulumi up",
                            "(5) only if",
                        ];
                        const at = steps.map((step) => reason.indexOf(step));
                        assert.ok(
                            at.every((i, k) => i >= 0 && (k === 0 || i > at[k - 1])),
                            reason,
                        );
                        assert.ok(
                            reason.includes(`kubectl -n ${namespace} get secret ${name} -o json`),
                            reason,
                        );
                        assert.ok(reason.includes(`kubectl -n ${namespace} delete secret ${name}`), reason);
                        assert.ok(reason.includes(`creates it with type ${opaque(programType)}`), reason);
                        assert.ok(
                            reason.includes(
                                `kubectl -n ${namespace} create -f ${namespace}-${name}.secret.json`,
                            ),
                            reason,
                        );
                        // The backup can be created again: what a create refuses is stripped.
                        assert.ok(reason.includes("del(.metadata.uid, .metadata.resourceVersion"), reason);
                        // No value of the Secret is shown.
                        assert.ok(!reason.includes("c2VjcmV0"), reason);
                    },
                ),
            );
        });

        it("prod: the live Opaque thoth-test-core/kebechet against the program's is BLOCKING, with the steps", async function () {
            this.timeout(180_000);
            const [program] = await renderedObjects("prod", "psi", ["Secret thoth-test-core/kebechet"]);
            assert.equal(program.type, "kubernetes.io/ssh-auth");
            const today = live({ ...(structuredClone(program) as KubeObject), type: "Opaque" });
            const finding = classify(desired(program as KubeObject, "thoth"), today, undefined);
            assert.equal(finding.verdict, "blocking");
            assert.equal(finding.reasons.length, 1, finding.reasons.join("\n"));
            assert.match(
                finding.reasons[0],
                /^type is immutable: live Opaque → program kubernetes\.io\/ssh-auth; /,
            );
            assert.ok(finding.reasons[0].includes("kubectl -n thoth-test-core delete secret kebechet"));
        });
    });
});
