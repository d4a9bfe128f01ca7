// The readers the engine checks rely on, proved on small inputs: each check of the e2e is only as good as the
// helper that reads the export, the live Secrets or the rewritten stack file, so each gets a case it must catch.
import { strict as assert } from "assert";
import { spawn } from "child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { setTimeout as sleep } from "node:timers/promises";
import { Toolchain, engineSkipLine, exportState, processesOf, toolchainReport } from "../../e2e/engine";
import { secretsRead } from "../../e2e/kube";
import type { StackCopy } from "../../e2e/localStack";
import {
    LiveSecret,
    changedLines,
    initRewrites,
    duplicateUrns,
    foundSecrets,
    generatedSecretValues,
    pendingOperations,
    uidsOf,
    unsearchable,
} from "../../e2e/state";

const b64 = (s: string) => Buffer.from(s).toString("base64");

describe("e2e state readers", () => {
    describe("pending operations of an export", () => {
        it("lists each pending operation as `<type> <urn>`, none for a clean state", () => {
            const urn = "urn:pulumi:local::runbooks::kubernetes:core/v1:Service::x";
            assert.deepEqual(
                pendingOperations({
                    deployment: {
                        resources: [],
                        pending_operations: [{ type: "creating", resource: { urn } }],
                    },
                }),
                [`creating ${urn}`],
            );
            assert.deepEqual(pendingOperations({ deployment: { resources: [] } }), []);
            assert.deepEqual(pendingOperations({}), []);
        });

        it("finds a URN recorded twice and the uid of each Kubernetes object", () => {
            const r = (urn: string, uid?: string) => ({
                urn,
                type: "kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition",
                outputs: { metadata: { name: urn, ...(uid ? { uid } : {}) } },
            });
            assert.deepEqual(duplicateUrns({ deployment: { resources: [r("a"), r("b"), r("a")] } }), ["a"]);
            assert.deepEqual(duplicateUrns({ deployment: { resources: [r("a"), r("b")] } }), []);
            assert.deepEqual(
                [...uidsOf({ deployment: { resources: [r("a", "u1"), r("b")] } })],
                [["kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition /a", "u1"]],
            );
        });
    });

    describe("secret values in an export", () => {
        const password = "p4ssw0rd-generated-0123456789";
        const entries = [["packit-token", password] as const];

        it("finds a value raw, base64-encoded or JSON-escaped, and not in an encrypted export", () => {
            assert.deepEqual(foundSecrets(`{"stringData":{"p":"${password}"}}`, entries), ["packit-token"]);
            assert.deepEqual(foundSecrets(`{"data":{"p":"${b64(password)}"}}`, entries), ["packit-token"]);
            const multiLine =
                "-----BEGIN KEY-----\n" + "A".repeat(20) + "b".repeat(30) + "\n-----END KEY-----\n";
            assert.deepEqual(foundSecrets(JSON.stringify({ v: multiLine }), [["key", multiLine]]), ["key"]);
            // What a plain export holds instead: the ciphertext.
            const encrypted = JSON.stringify({
                "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
                ciphertext: "v1:Gx8nKTAp:Zm9vYmFy",
            });
            assert.deepEqual(foundSecrets(encrypted, entries), []);
        });

        it("names the values too short to be searched for", () => {
            assert.deepEqual(
                unsearchable([
                    ["short", "abc"],
                    ["long", password],
                ]),
                ["short"],
            );
        });

        it("keeps generated values and token contents apart, and leaves out the namespace name of a token Secret", () => {
            const live: LiveSecret[] = [
                {
                    metadata: { name: "postgres-secret", namespace: "packit-dev" },
                    type: "Opaque",
                    data: { "database-password": b64(password), "database-user": b64("packit") },
                },
                {
                    metadata: { name: "nodepool-token", namespace: "thoth-local-zuul" },
                    type: "kubernetes.io/service-account-token",
                    data: { token: b64("eyJhbGciOiJSUzI1NiJ9.token"), namespace: b64("thoth-local-zuul") },
                },
            ];
            const { generated, filledByKubernetes } = generatedSecretValues(live, new Set(["packit"]));
            assert.deepEqual(generated, [["Secret packit-dev/postgres-secret database-password", password]]);
            assert.deepEqual(filledByKubernetes, [
                ["Secret thoth-local-zuul/nodepool-token token", "eyJhbGciOiJSUzI1NiJ9.token"],
            ]);
            // Control: every plain export names the namespace in metadata, so counting that key would always fail.
            const plainExport = JSON.stringify({ metadata: { namespace: "thoth-local-zuul" } });
            assert.deepEqual(foundSecrets(plainExport, [["ns", "thoth-local-zuul"]]), ["ns"]);
            assert.deepEqual(foundSecrets(plainExport, [...generated, ...filledByKubernetes]), []);
        });
    });

    describe("lines one config set changes", () => {
        const file = [
            "config:",
            "  runbooks:thoth:",
            "    catalog:",
            "      # pinned",
            "      ref: f2cf35f51e9a1eaace66cb4c5a568f3e2ee02a8d",
            "      modules:",
            "        - {name: adviser, path: adviser/base, tiers: [backend]}",
            "",
        ].join("\n");

        it("is exactly the key's line when only it changes", () => {
            const after = file.replace("ref: f2cf35f51e9a1eaace66cb4c5a568f3e2ee02a8d", "ref: abcdef01");
            assert.deepEqual(changedLines(file, after), {
                removed: ["      ref: f2cf35f51e9a1eaace66cb4c5a568f3e2ee02a8d"],
                added: ["      ref: abcdef01"],
            });
        });

        it("shows a rewrite of other lines: an expanded flow mapping, a dropped comment", () => {
            const after = file
                .replace("ref: f2cf35f51e9a1eaace66cb4c5a568f3e2ee02a8d", "ref: abcdef01")
                .replace("      # pinned\n", "")
                .replace(
                    "        - {name: adviser, path: adviser/base, tiers: [backend]}",
                    "        - name: adviser\n          path: adviser/base\n          tiers:\n            - backend",
                );
            const changed = changedLines(file, after);
            assert.ok(changed.removed.includes("      # pinned"));
            assert.ok(
                changed.removed.includes("        - {name: adviser, path: adviser/base, tiers: [backend]}"),
            );
            assert.ok(changed.added.length > 1);
        });
    });

    describe("what pulumi stack init rewrote", () => {
        const file = [
            "config:",
            "  runbooks:clusters:",
            "    psi:",
            "      hosts:",
            '        "*-aicoe.apps.example": thoth',
            "      # a foot comment at the key's indentation",
            "",
        ].join("\n");

        it("is nothing when init only adds the salt a file without one needs", () => {
            assert.deepEqual(initRewrites(file, `${file}encryptionsalt: v1:abc=:v1:def\n`), []);
            assert.deepEqual(initRewrites(file, `encryptionsalt: v1:abc=\n${file}`), []);
        });

        it("names a re-indented comment, a second salt, a salt that replaced another, and any other added line", () => {
            const reindented = file.replace("      # a foot", "        # a foot");
            assert.deepEqual(initRewrites(file, `${reindented}encryptionsalt: v1:x\n`), [
                "-       # a foot comment at the key's indentation",
                "+         # a foot comment at the key's indentation",
            ]);
            const salted = `${file}encryptionsalt: v1:x\n`;
            assert.deepEqual(initRewrites(salted, salted.replace("v1:x", "v1:y")), [
                "- encryptionsalt: v1:x",
                "+ encryptionsalt: v1:y",
            ]);
            assert.deepEqual(
                initRewrites(file, `${file}secretsprovider: passphrase\nencryptionsalt: v1:x\n`),
                ["+ secretsprovider: passphrase"],
            );
        });
    });

    describe("Secrets a workload reads", () => {
        it("env valueFrom, envFrom and volumes of Deployments and CronJobs; not optional ones or ConfigMaps", () => {
            const pod = {
                containers: [
                    {
                        env: [
                            {
                                name: "A",
                                valueFrom: { secretKeyRef: { name: "postgresql", key: "database-user" } },
                            },
                            { name: "B", valueFrom: { configMapKeyRef: { name: "cm", key: "k" } } },
                            {
                                name: "C",
                                valueFrom: { secretKeyRef: { name: "opt", key: "k", optional: true } },
                            },
                        ],
                        envFrom: [{ secretRef: { name: "dials-backend-secrets" } }],
                    },
                ],
                volumes: [{ name: "tls", secret: { secretName: "dgraph-tls" } }],
            };
            const expected = ["dgraph-tls", "dials-backend-secrets", "postgresql"];
            assert.deepEqual(
                secretsRead({ kind: "Deployment", spec: { template: { spec: pod } } }),
                expected,
            );
            assert.deepEqual(
                secretsRead({
                    kind: "CronJob",
                    spec: { jobTemplate: { spec: { template: { spec: pod } } } },
                }),
                expected,
            );
            assert.deepEqual(secretsRead({ kind: "PersistentVolumeClaim", spec: { resources: {} } }), []);
        });
    });
});

describe("e2e engine calls", () => {
    let dir: string;
    beforeEach(() => {
        dir = mkdtempSync(path.join(tmpdir(), "engine-calls-"));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    /** A stand-in for the copy: what engineCli and processesOf read of it. */
    const fakeCopy = (): StackCopy =>
        ({
            dir,
            stack: "local",
            backendUrl: `file://${dir}/.backend`,
            env: () => ({}),
        }) as unknown as StackCopy;

    it("exports through the CLI with --file, secrets encrypted unless asked", () => {
        // A `pulumi` that writes its arguments as the export, where --file says.
        const bin = path.join(dir, "bin");
        mkdirSync(bin);
        writeFileSync(
            path.join(bin, "pulumi"),
            '#!/bin/sh\nprev=""; for a in "$@"; do [ "$prev" = "--file" ] && out="$a"; prev="$a"; done\n' +
                'printf \'{"args":"%s"}\' "$*" > "$out"\n',
        );
        chmodSync(path.join(bin, "pulumi"), 0o755);
        const tools: Toolchain = { cliDir: bin, pulumiHome: dir, missing: [], plugins: {} };
        const args = (o?: { showSecrets?: boolean }) =>
            (exportState(fakeCopy(), tools, o).checkpoint as unknown as { args: string }).args;
        assert.match(args(), /^--non-interactive stack export --file \S+ --stack local$/);
        assert.doesNotMatch(args(), /show-secrets/);
        assert.match(args({ showSecrets: true }), / --show-secrets /);
    });

    it("finds the processes a killed run left by the copy's backend URL, not another copy's", async () => {
        const mine = spawn("sleep", ["30"], {
            env: { ...process.env, PULUMI_BACKEND_URL: `file://${dir}/.backend` },
        });
        const other = spawn("sleep", ["30"], {
            env: { ...process.env, PULUMI_BACKEND_URL: `file://${dir}/.backend-2` },
        });
        try {
            await sleep(200);
            assert.deepEqual(
                processesOf(fakeCopy()).map((p) => p.pid),
                [mine.pid],
            );
        } finally {
            mine.kill();
            other.kill();
        }
    });

    it("says which engine checks skip: all, only local-callysto, or none", () => {
        const full: Toolchain = {
            cliDir: "/t/bin",
            langhostDir: "/t/bin",
            pulumiHome: "/t/home",
            missing: [],
            plugins: { kubernetes: "/t/home/plugins/resource-kubernetes-v4.32.0", random: "/t/home/r" },
        };
        const noOpenstack: Toolchain = { ...full, missing: ["openstack 3.15.2 plugin (/t/home/x)"] };
        const noLanghost: Toolchain = {
            ...full,
            langhostDir: undefined,
            missing: ["pulumi-language-nodejs"],
        };
        assert.equal(engineSkipLine(full, full), undefined);
        assert.match(
            engineSkipLine(full, noOpenstack)!,
            /^engine check of local-callysto SKIPPED, missing: openstack .*the other engine checks run/,
        );
        assert.match(engineSkipLine(noLanghost, noLanghost)!, /^engine checks SKIPPED \(all of them\)/);
        // Plugins installed by other means are reported where the engine finds them, present.
        const report = toolchainReport(full, noOpenstack);
        assert.ok(report.some((l) => /kubernetes plugin 4\.32\.0 +present +\/t\/home\/plugins/.test(l)));
        assert.ok(report.some((l) => /openstack plugin 3\.15\.2 +MISSING/.test(l)));
        assert.match(report[report.length - 1], /local-callysto SKIPPED/);
    });
});
