import { strict as assert } from "assert";
import { SECRET_PLACEHOLDER } from "../../tools/plan/render";
import { duplicateObjects, validateObject } from "../oracles/validate/k8s";
import { freshStackPlan, manifestObjects, stackPlan } from "../fixtures/plans";

for (const stack of ["stage", "prod"] as const) {
    describe(`offline plan of ${stack}`, function () {
        this.timeout(180000);
        let first: Record<string, string>;
        let summary: string;
        /** Each manifest file's objects, parsed once. */
        let manifests: [string, Record<string, unknown>[]][];

        before(async () => {
            const plan = await stackPlan(stack);
            first = plan.files;
            summary = plan.summary;
            // A second evaluation of the same inputs, in this process. Under `npm test` the first is the global
            // setup's, made in another process (test/fixtures/plans.ts), so the two come from two processes; the plan
            // CLI as a user runs it (its own process, --out on disk) is run by test/delivery/freshness.test.ts.
            const second = (await freshStackPlan(stack)).files;
            assert.deepEqual(Object.keys(second).sort(), Object.keys(first).sort());
            for (const file of Object.keys(first)) {
                assert.equal(
                    second[file],
                    first[file],
                    `${file} differs between two plans of the same inputs`,
                );
            }
            manifests = Object.entries(first)
                .filter(([file]) => file.startsWith("kubernetes/"))
                .map(([file, text]) => [file, manifestObjects(text)]);
        });

        it("writes resources.json and one manifest file per cluster, byte-identical across runs", () => {
            assert.ok(first["resources.json"]);
            assert.ok(Object.keys(first).some((f) => f.startsWith("kubernetes/")));
            assert.match(summary, new RegExp(`Plan of stack ${stack}: \\d+ resources`));
        });

        it("says which required secrets are unset (pulumi up would stop on them) and lists them in a file", () => {
            // The live systems' unset secrets stop `pulumi up`; the staged systems' are their to-do (staged.txt).
            const m = new RegExp(`(\\d+) required secrets are not set: .*pulumi up --stack ${stack}`).exec(
                summary,
            );
            // With no system live, the summary says only that every one is staged.
            const none = /Every required secret of the live systems is set\.|^Staged \(planned above/m.test(
                summary,
            );
            assert.ok(m || none, summary);
            const file = first["unset-secrets.txt"];
            const staged = /^# (\d+) more are staged systems' to-do/m.exec(file);
            const listed = file.split("\n").filter((l) => l !== "" && !l.startsWith("#"));
            assert.equal(listed.length, Number(m?.[1] ?? 0) + Number(staged?.[1] ?? 0));
            assert.ok(listed.includes("kubeconfig-cern-paas"));
            assert.equal(first[".runbooks-plan"], `stack: ${stack}\n`);
        });

        it("gives every resource the URN the engine gives it: the parent's whole type chain", () => {
            const resources = JSON.parse(first["resources.json"]) as {
                urn: string;
                type: string;
                name: string;
                parent: string;
            }[];
            const byUrn = new Map(resources.map((r) => [r.urn, r]));
            for (const r of resources) {
                const parent = byUrn.get(r.parent);
                const chain = parent ? `${parent.urn.split("::")[2]}$${r.type}` : r.type;
                assert.equal(r.urn, `urn:pulumi:${stack}::runbooks::${chain}::${r.name}`);
            }
            assert.ok(
                resources.some((r) => r.urn.split("::")[2].split("$").length >= 3),
                "grandchildren exist",
            );
        });

        it("gives every Kubernetes object an explicit cluster provider", () => {
            assert.ok(
                !("kubernetes/_default-provider.yaml" in first),
                "objects without an explicit provider",
            );
        });

        it("renders only objects the Kubernetes API would accept, none twice", () => {
            const problems: string[] = [];
            assert.ok(manifests.length > 0);
            for (const [file, objects] of manifests) {
                assert.ok(objects.length > 0);
                for (const o of objects) problems.push(...validateObject(o).map((p) => `${file}: ${p}`));
                problems.push(...duplicateObjects(objects).map((d) => `${file}: duplicate ${d}`));
            }
            assert.deepEqual(problems, []);
        });

        it("shows no secret value: every Secret's values are masked", () => {
            for (const [, objects] of manifests) {
                for (const object of objects) {
                    const o = object as {
                        kind: string;
                        stringData?: Record<string, string>;
                        data?: Record<string, string>;
                    };
                    if (o.kind !== "Secret") continue;
                    for (const v of Object.values(o.stringData ?? {})) assert.equal(v, SECRET_PLACEHOLDER);
                    for (const v of Object.values(o.data ?? {})) {
                        assert.equal(Buffer.from(v, "base64").toString(), SECRET_PLACEHOLDER);
                    }
                }
            }
            assert.doesNotMatch(first["resources.json"], /placeholder-/);
        });
    });
}

describe("validateObject", () => {
    it("refuses a workload whose selector's expressions do not select its pod template, as the API server does", () => {
        const deployment = (selector: object) => ({
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata: { name: "d", namespace: "ns" },
            spec: {
                selector,
                template: {
                    metadata: { labels: { app: "a", tier: "web" } },
                    spec: { containers: [{ name: "c", image: "i:1" }] },
                },
            },
        });
        const selects = {
            matchLabels: { app: "a" },
            matchExpressions: [{ key: "tier", operator: "In", values: ["web"] }],
        };
        assert.doesNotMatch(validateObject(deployment(selects)).join("\n"), /selector does not match/);
        for (const requirement of [
            { key: "tier", operator: "NotIn", values: ["web"] },
            { key: "toString", operator: "Exists" },
        ])
            assert.match(
                validateObject(deployment({ ...selects, matchExpressions: [requirement] })).join("\n"),
                /selector does not match/,
                JSON.stringify(requirement),
            );
    });

    it("rejects what the API server rejects", () => {
        const bad = {
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata: {
                name: "Bad_Name",
                namespace: "ns",
                labels: { "app.kubernetes.io/version": "x".repeat(64) },
            },
            spec: {
                selector: { matchLabels: { app: "a" } },
                template: {
                    metadata: { labels: { app: "b" } },
                    spec: {
                        containers: [
                            {
                                name: "c",
                                image: "i:1",
                                ports: [{ name: "much-too-long-port-name", containerPort: 1 }],
                                volumeMounts: [{ name: "v", mountPath: "/v" }],
                            },
                        ],
                    },
                },
            },
        };
        const problems = validateObject(bad).join("\n");
        assert.match(problems, /metadata.name is not a valid DNS subdomain/);
        assert.match(problems, /bad value/);
        assert.match(problems, /port name much-too-long-port-name/);
        assert.match(problems, /mounts unknown volume v/);
        assert.match(problems, /selector does not match/);
        const dataObject = (
            kind: string,
            name: string,
            sections: Record<string, Record<string, string>>,
        ) => ({
            apiVersion: "v1",
            kind,
            metadata: { name, namespace: "ns" },
            ...sections,
        });
        assert.deepEqual(validateObject(dataObject("ConfigMap", "ok", { data: { a: "b" } })), []);
        // A data key becomes a file name where the object is mounted: no '/', not '..'.
        const keys = { "hmac/token": "x", "..data": "x", "kafka_ca.crt": "x", ".dockerconfigjson": "x" };
        assert.deepEqual(validateObject(dataObject("Secret", "s", { stringData: keys })), [
            `Secret ns/s: stringData key "hmac/token" must consist of letters, digits, '-', '_' or '.'`,
            `Secret ns/s: stringData key "..data" must not be '.' or start with '..'`,
        ]);
        const both = { data: { "config.yaml": "a" }, binaryData: { "config.yaml": "YQ==" } };
        assert.deepEqual(validateObject(dataObject("ConfigMap", "c", both)), [
            `ConfigMap ns/c: key "config.yaml" is in both data and binaryData`,
        ]);
        // The problems of one object of `kind` in namespace n, joined for matching.
        const specProblems = (
            apiVersion: string,
            kind: string,
            name: string,
            spec: Record<string, unknown>,
        ) => validateObject({ apiVersion, kind, metadata: { name, namespace: "n" }, spec }).join();
        assert.match(
            specProblems("batch/v1", "CronJob", "c", {
                schedule: "daily",
                jobTemplate: { spec: { template: { spec: { containers: [] } } } },
            }),
            /schedule daily must have five fields/,
        );
        assert.match(
            specProblems("route.openshift.io/v1", "Route", "r", {
                host: "x.example.org",
                to: { kind: "Service", name: "s" },
                path: "/a",
                tls: { termination: "passthrough" },
            }),
            /cannot have a path/,
        );
        assert.deepEqual(duplicateObjects([bad, bad]).length, 1);
        const crd = {
            apiVersion: "apiextensions.k8s.io/v1",
            kind: "CustomResourceDefinition",
            metadata: { name: "prowjobs.prow.k8s.io" },
            spec: {
                group: "prow.k8s.io",
                names: { kind: "ProwJob", plural: "prowjobs" },
                scope: "Namespaced",
                versions: [
                    {
                        name: "v1",
                        served: true,
                        storage: true,
                        schema: { openAPIV3Schema: { type: "object" } },
                    },
                ],
            },
        };
        assert.match(validateObject(crd).join(), /api-approved.kubernetes.io annotation is required/);
    });
});
