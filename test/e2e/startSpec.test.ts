// The start check's run spec (e2e/startSpec.ts), offline: what a kubelet would hand a container, built from a synthetic
// manifest and live objects, so the kubelet semantics it copies stay pinned without a cluster or a binary.
import { strict as assert } from "assert";
import { K8sObject } from "../../e2e/render";
import {
    SERVICE_ACCOUNT_DIR,
    binaryOfImage,
    buildRunSpec,
    expandVars,
    kubeconfigServers,
    liveObjects,
    mountsToken,
    startTargets,
} from "../../e2e/startSpec";

const NS = "prow";
const b64 = (s: string) => Buffer.from(s).toString("base64");

const live = liveObjects([
    {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "config", namespace: NS },
        data: { "config.yaml": "tide: {}\n", "other.yaml": "x: 1\n" },
    },
    {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "settings", namespace: NS },
        data: { LEVEL: "debug", MODE: "fast" },
    },
    {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: "oauth-token", namespace: NS },
        data: { oauth: b64("token-1\n") },
    },
    {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: "kubeconfig", namespace: NS },
        data: {
            config: b64(
                "clusters:\n  - name: default\n    cluster:\n      server: https://kubernetes.default.svc\n",
            ),
        },
    },
    {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: "creds", namespace: NS },
        data: { user: b64("bot"), password: b64("s3cr3t") },
    },
    // Same names in another namespace: a pod only ever sees its own namespace's objects.
    {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: "oauth-token", namespace: "elsewhere" },
        data: { oauth: b64("wrong") },
    },
] as K8sObject[]);

function deployment(container: Record<string, unknown>, pod: Record<string, unknown> = {}): K8sObject {
    return {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "tide", namespace: NS },
        spec: {
            template: {
                spec: {
                    serviceAccountName: "tide",
                    securityContext: { runAsUser: 1001, runAsGroup: 0, fsGroup: 0, runAsNonRoot: true },
                    containers: [
                        {
                            name: "tide",
                            image: "us-docker.pkg.dev/k8s-infra-prow/images/tide:v20260819-7593870dc",
                            ...container,
                        },
                    ],
                    volumes: [
                        { name: "config", configMap: { name: "config" } },
                        {
                            name: "only-config",
                            configMap: {
                                name: "config",
                                items: [{ key: "config.yaml", path: "sub/c.yaml", mode: 0o600 }],
                            },
                        },
                        { name: "oauth", secret: { secretName: "oauth-token", defaultMode: 0o400 } },
                        { name: "kubeconfig", secret: { secretName: "kubeconfig" } },
                        { name: "missing", secret: { secretName: "nope", optional: true } },
                        { name: "scratch", emptyDir: {} },
                        { name: "cache", persistentVolumeClaim: { claimName: "cache" } },
                    ],
                    ...pod,
                },
            },
        },
    };
}

const input = (workload: K8sObject) => ({
    workload,
    container: "tide",
    binary: "tide",
    live,
    serviceAccount: { token: "sa-token", caCrt: "CA" },
    apiServer: { host: "127.0.0.1", port: 32764 },
    extraEnv: { HTTPS_PROXY: "http://127.0.0.1:9" },
});

describe("start check run spec (e2e/startSpec.ts)", () => {
    it("maps images to the cache's binaries by their repository's last segment (argocli runs argo)", () => {
        assert.deepEqual(
            binaryOfImage("us-docker.pkg.dev/k8s-infra-prow/images/status-reconciler:v20260819-7593870dc"),
            { dir: "prow/bin", name: "status-reconciler" },
        );
        // label_sync left the Prow release: test-infra's own registry.
        assert.deepEqual(binaryOfImage("gcr.io/k8s-staging-test-infra/label_sync:v20260729-f66136c16c"), {
            dir: "prow/bin",
            name: "label_sync",
        });
        // The runbook's registry: nothing deploys from it now.
        assert.equal(binaryOfImage("gcr.io/k8s-prow/status-reconciler:v20201020-a5b49bc903"), undefined);
        assert.deepEqual(binaryOfImage("quay.io/argoproj/argocli:v2.12.5"), {
            dir: "argo/bin",
            name: "argo",
        });
        assert.deepEqual(binaryOfImage("quay.io/argoproj/workflow-controller@sha256:abc"), {
            dir: "argo/bin",
            name: "workflow-controller",
        });
        assert.equal(binaryOfImage("docker.io/library/registry:2.7.1"), undefined);
        assert.equal(binaryOfImage("gcr.io/k8s-prow-edge/tide:latest"), undefined);
    });

    it("finds every Deployment/StatefulSet container with such an image, and nothing else", () => {
        const other: K8sObject = {
            apiVersion: "batch/v1",
            kind: "CronJob",
            metadata: { name: "cron", namespace: NS },
            spec: {
                jobTemplate: {
                    spec: {
                        template: {
                            spec: {
                                containers: [
                                    { name: "c", image: "us-docker.pkg.dev/k8s-infra-prow/images/tide:x" },
                                ],
                            },
                        },
                    },
                },
            },
        };
        const targets = startTargets([deployment({}), other]);
        assert.deepEqual(
            targets.map((t) => [t.workload.metadata.name, t.container, t.dir, t.binary]),
            [["tide", "tide", "prow/bin", "tide"]],
        );
    });

    it("argv: the image's entrypoint (the binary) then the planned args, $(VAR) expanded as a kubelet does", () => {
        const spec = buildRunSpec(
            input(
                deployment({
                    args: ["--dry-run=false", "--level=$(LEVEL)", "--literal=$$(LEVEL)", "--unknown=$(NOPE)"],
                    envFrom: [{ configMapRef: { name: "settings" } }],
                }),
            ),
        );
        assert.deepEqual(spec.argv, [
            "/bin/tide",
            "--dry-run=false",
            "--level=debug",
            "--literal=$(LEVEL)",
            "--unknown=$(NOPE)",
        ]);
        assert.equal(spec.binaryPath, "/bin/tide");
    });

    it("a command runs only when it is the binary itself", () => {
        const ok = buildRunSpec(input(deployment({ command: ["tide"], args: ["--x"] })));
        assert.deepEqual(ok.argv, ["tide", "--x"]);
        assert.throws(
            () => buildRunSpec(input(deployment({ command: ["/bin/sh", "-c", "tide"] }))),
            /runs \/bin\/sh/,
        );
    });

    it("env: envFrom (with prefix) first, env wins; secretKeyRef, configMapKeyRef, fieldRef; the API server; the guard last", () => {
        const spec = buildRunSpec(
            input(
                deployment({
                    envFrom: [
                        { prefix: "S_", secretRef: { name: "creds" } },
                        { configMapRef: { name: "settings" } },
                    ],
                    env: [
                        { name: "MODE", value: "slow" },
                        { name: "PASSWORD", valueFrom: { secretKeyRef: { name: "creds", key: "password" } } },
                        { name: "LVL", valueFrom: { configMapKeyRef: { name: "settings", key: "LEVEL" } } },
                        { name: "NS", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
                        { name: "URL", value: "http://$(S_user)@host/$(MODE)" },
                        {
                            name: "GONE",
                            valueFrom: { secretKeyRef: { name: "creds", key: "gone", optional: true } },
                        },
                        { name: "HTTPS_PROXY", value: "http://corporate-proxy:3128" },
                    ],
                }),
            ),
        );
        assert.equal(spec.env.S_user, "bot");
        assert.equal(spec.env.S_password, "s3cr3t");
        assert.equal(spec.env.LEVEL, "debug");
        assert.equal(spec.env.MODE, "slow");
        assert.equal(spec.env.PASSWORD, "s3cr3t");
        assert.equal(spec.env.LVL, "debug");
        assert.equal(spec.env.NS, NS);
        assert.equal(spec.env.URL, "http://bot@host/slow");
        assert.ok(!("GONE" in spec.env));
        assert.equal(spec.env.KUBERNETES_SERVICE_HOST, "127.0.0.1");
        assert.equal(spec.env.KUBERNETES_SERVICE_PORT, "32764");
        // The network guard cannot be overridden by the manifest.
        assert.equal(spec.env.HTTPS_PROXY, "http://127.0.0.1:9");
    });

    it("a missing key a pod needs is an error, as the kubelet would refuse to start the container", () => {
        assert.throws(
            () =>
                buildRunSpec(
                    input(
                        deployment({
                            env: [{ name: "X", valueFrom: { secretKeyRef: { name: "creds", key: "gone" } } }],
                        }),
                    ),
                ),
            /creds has no key gone/,
        );
        const badItem = deployment({ volumeMounts: [{ name: "bad", mountPath: "/etc/bad" }] });
        (badItem.spec as { template: { spec: { volumes: unknown[] } } }).template.spec.volumes.push({
            name: "bad",
            configMap: { name: "config", items: [{ key: "absent.yaml", path: "a" }] },
        });
        assert.throws(() => buildRunSpec(input(badItem)), /has no key absent\.yaml/);
    });

    it("files: whole volumes, items (path, mode), defaultMode, subPath of a key, empty dirs; the service account's files", () => {
        const spec = buildRunSpec(
            input(
                deployment({
                    args: ["--kubeconfig=/etc/kubeconfig/config"],
                    volumeMounts: [
                        { name: "config", mountPath: "/etc/config" },
                        { name: "only-config", mountPath: "/etc/only" },
                        { name: "oauth", mountPath: "/etc/github" },
                        { name: "config", mountPath: "/etc/single.yaml", subPath: "other.yaml" },
                        { name: "config", mountPath: "/etc/nothing", subPath: "not-there" },
                        { name: "kubeconfig", mountPath: "/etc/kubeconfig" },
                        { name: "missing", mountPath: "/etc/missing" },
                        { name: "scratch", mountPath: "/scratch" },
                        { name: "cache", mountPath: "/cache" },
                    ],
                }),
            ),
        );
        const files = Object.fromEntries(
            [...spec.files].map(([p, f]) => [p, `${f.content.toString()}|${f.mode.toString(8)}`]),
        );
        assert.deepEqual(files, {
            [`${SERVICE_ACCOUNT_DIR}/token`]: "sa-token|644",
            [`${SERVICE_ACCOUNT_DIR}/ca.crt`]: "CA|644",
            [`${SERVICE_ACCOUNT_DIR}/namespace`]: `${NS}|644`,
            "/etc/config/config.yaml": "tide: {}\n|644",
            "/etc/config/other.yaml": "x: 1\n|644",
            "/etc/only/sub/c.yaml": "tide: {}\n|600",
            "/etc/github/oauth": "token-1\n|400",
            "/etc/single.yaml": "x: 1\n|644",
            "/etc/kubeconfig/config":
                "clusters:\n  - name: default\n    cluster:\n      server: https://kubernetes.default.svc\n|644",
        });
        assert.deepEqual(spec.dirs.sort(), ["/cache", "/etc/missing", "/etc/nothing", "/scratch", "/tmp"]);
        assert.deepEqual(spec.kubeconfigs, ["/etc/kubeconfig/config"]);
        assert.deepEqual(kubeconfigServers(spec, "/etc/kubeconfig/config"), [
            "https://kubernetes.default.svc",
        ]);
    });

    it("a deeper mount hides what a shallower one put at its path", () => {
        const spec = buildRunSpec(
            input(
                deployment({
                    volumeMounts: [
                        { name: "oauth", mountPath: "/etc/config/config.yaml" },
                        { name: "config", mountPath: "/etc/config" },
                    ],
                }),
            ),
        );
        assert.equal(spec.files.get("/etc/config/config.yaml/oauth")?.content.toString(), "token-1\n");
        assert.equal(spec.files.get("/etc/config/config.yaml"), undefined);
        assert.equal(spec.files.get("/etc/config/other.yaml")?.content.toString(), "x: 1\n");
    });

    it("no token when the pod or its account turns automounting off; the pod's setting wins", () => {
        const w = deployment({}, { automountServiceAccountToken: false });
        assert.equal(mountsToken(w, undefined), false);
        const account = { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "tide" } } as K8sObject;
        assert.equal(mountsToken(deployment({}), { ...account, automountServiceAccountToken: false }), false);
        assert.equal(
            mountsToken(deployment({}, { automountServiceAccountToken: true }), {
                ...account,
                automountServiceAccountToken: false,
            }),
            true,
        );
        assert.equal(mountsToken(deployment({}), account), true);
        const spec = buildRunSpec({ ...input(w), serviceAccount: undefined });
        assert.ok(![...spec.files.keys()].some((p) => p.startsWith(SERVICE_ACCOUNT_DIR)));
    });

    it("user and groups from the pod's securityContext; probes with named ports; the ports that must be free", () => {
        const spec = buildRunSpec(
            input(
                deployment({
                    ports: [{ name: "http", containerPort: 8888 }],
                    readinessProbe: { httpGet: { path: "/healthz/ready", port: 8081 }, timeoutSeconds: 5 },
                    livenessProbe: { tcpSocket: { port: "http" } },
                }),
            ),
        );
        assert.deepEqual([spec.uid, spec.gid, spec.groups], [1001, 0, [0]]);
        assert.deepEqual(spec.probes, [
            { kind: "readiness", type: "http", port: 8081, path: "/healthz/ready", timeoutSeconds: 5 },
            { kind: "liveness", type: "tcp", port: 8888, timeoutSeconds: 1 },
        ]);
        assert.deepEqual(spec.ports, [8081, 8888]);
        assert.throws(
            () => buildRunSpec(input(deployment({ readinessProbe: { tcpSocket: { port: "metrics" } } }))),
            /names port metrics/,
        );
        assert.throws(
            () => buildRunSpec(input(deployment({ livenessProbe: { exec: { command: ["true"] } } }))),
            /neither httpGet nor tcpSocket/,
        );
    });

    it("expandVars leaves unknown references and unescapes $$", () => {
        assert.equal(expandVars("$(A)-$(B)-$$(A)-$$", { A: "1" }), "1-$(B)-$(A)-$");
    });
});
