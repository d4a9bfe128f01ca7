import { strict as assert } from "assert";
import { PackitConfig, packitSchema } from "../../components/packit/config";
import {
    certificateCovers,
    hostOf,
    imageReference,
    imageSources,
    mainNamespace,
    sandboxCacheClaims,
    sandboxNamespace,
    wildcardFor,
    workerGroups,
} from "../../components/packit/layout";
import { metricsProxyConfig } from "../../components/packit/nginx";
import { packitSecretSpecs, secretConfigKey } from "../../components/packit/secrets";
import { packitValues } from "./fixtures";

function section(stack: "stage" | "prod", service: "packit" | "stream"): PackitConfig {
    return packitSchema.parse(packitValues(stack)[service]);
}

describe("packit layout (pure)", () => {
    it("names hosts per service and deployment like packit/deployment", () => {
        const hosts = (stack: "stage" | "prod", service: "packit" | "stream") => {
            const c = section(stack, service);
            return [hostOf("service", c), hostOf("dashboard", c), hostOf("metrics", c)];
        };
        assert.deepEqual(hosts("prod", "packit"), [
            "prod.packit.dev",
            "dashboard.packit.dev",
            "workers.packit.dev",
        ]);
        assert.deepEqual(hosts("stage", "packit"), [
            "stg.packit.dev",
            "dashboard.stg.packit.dev",
            "workers.stg.packit.dev",
        ]);
        assert.deepEqual(hosts("prod", "stream"), [
            "prod.stream.packit.dev",
            "dashboard.stream.packit.dev",
            "workers.stream.packit.dev",
        ]);
        assert.equal(hostOf("service", section("stage", "stream")), "stg.stream.packit.dev");
        const overridden = { ...section("stage", "packit"), hosts: { dashboard: "dash.example.org" } };
        assert.equal(hostOf("dashboard", overridden), "dash.example.org");
    });

    it("names namespaces <service>-<deployment> and the sandbox <service>-<deployment>-sandbox", () => {
        const c = packitSchema.parse({ ...packitValues("prod").stream, namespace: undefined, sandbox: {} });
        assert.equal(mainNamespace("stream", c), "stream-prod");
        assert.equal(sandboxNamespace("stream", c), "stream-prod-sandbox");
        assert.equal(mainNamespace("packit", section("stage", "packit")), "packit-stg");
    });

    it("matches wildcard certificates one label deep, as TLS clients do", () => {
        assert.ok(certificateCovers("*.packit.dev", "stg.packit.dev"));
        assert.ok(!certificateCovers("*.packit.dev", "dashboard.stg.packit.dev"));
        assert.ok(!certificateCovers("*.packit.dev", "packit.dev"));
        assert.ok(certificateCovers("*.stg.packit.dev", "dashboard.stg.packit.dev"));
        assert.ok(certificateCovers("prod.packit.dev", "prod.packit.dev"));
        assert.ok(!certificateCovers("prod.packit.dev", "stg.packit.dev"));
        assert.equal(wildcardFor("workers.stg.packit.dev"), "*.stg.packit.dev");
    });

    it("pins an image by tag or by digest", () => {
        const digest = "sha256:" + "a".repeat(64);
        assert.equal(
            imageReference("quay.io/packit", "packit-worker", "prod"),
            "quay.io/packit/packit-worker:prod",
        );
        assert.equal(
            imageReference("quay.io/packit", "packit-worker", digest),
            `quay.io/packit/packit-worker@${digest}`,
        );
        const c = section("prod", "packit");
        c.images.pins["packit-worker"] = digest;
        const sources = imageSources(c);
        const worker = sources.find((s) => s.stream === "packit-worker")!;
        assert.deepEqual(worker, {
            stream: "packit-worker",
            tag: "prod",
            from: `quay.io/packit/packit-worker@${digest}`,
            pinned: true,
        });
        assert.equal(
            sources.find((s) => s.stream === "packit-dashboard")!.from,
            "quay.io/packit/dashboard:prod",
        );
    });

    it("runs only the images of enabled components; stream's worker is hardly", () => {
        const stream = imageSources(section("stage", "stream"));
        assert.deepEqual(
            stream.map((s) => s.stream),
            ["packit-service", "packit-worker", "packit-service-fedmsg"],
        );
        assert.equal(stream.find((s) => s.stream === "packit-worker")!.from, "quay.io/packit/hardly:stg");
    });

    it("lays workers out as one all-queues StatefulSet or a short/long split", () => {
        const all = workerGroups({
            split: "all-queues",
            allQueues: 2,
            repositoryCache: "16Gi",
            sandcastleVolume: "3Gi",
        });
        assert.deepEqual(
            all.map((g) => [g.name, g.queues, g.replicas, g.repositoryCache]),
            [["packit-worker", "short-running,long-running,rate-limited", 2, "16Gi"]],
        );
        const split = workerGroups({
            split: "short-long",
            shortRunning: 1,
            longRunning: 2,
            repositoryCache: "10Gi",
            sandcastleVolume: "3Gi",
        });
        assert.deepEqual(
            split.map((g) => [g.name, g.queues, g.replicas, g.repositoryCache, g.size.limits.memory]),
            [
                ["packit-worker-short-running", "short-running", 1, undefined, "256Mi"],
                ["packit-worker-long-running", "long-running,rate-limited", 2, "10Gi", "896Mi"],
            ],
        );
        assert.deepEqual(sandboxCacheClaims(split), [
            { name: "sandcastle-repository-cache-packit-worker-long-running-0", size: "10Gi" },
            { name: "sandcastle-repository-cache-packit-worker-long-running-1", size: "10Gi" },
        ]);
    });

    it("keys secrets <section>-<secret>-<key>, only for the components that use them", () => {
        assert.equal(
            secretConfigKey("packit", "packit-config", "packit-service.yaml"),
            "packit-packit-config-packit-service-yaml",
        );
        assert.equal(secretConfigKey("stream", "aws", "access-key-id"), "stream-aws-access-key-id");
        const stream = packitSecretSpecs("stream", section("stage", "stream")).map((s) => s.key);
        assert.ok(stream.includes("stream-packit-secrets-fullchain-pem"));
        assert.ok(
            !stream.some((k) => k.startsWith("stream-github-app-private-key")),
            "stream runs no tokman",
        );
        assert.ok(!stream.some((k) => k.startsWith("stream-centos-secrets")), "stream runs no centosmsg");
        const spec = packitSecretSpecs("packit", section("prod", "packit")).find(
            (s) => s.key === "packit-packit-config-packit-service-yaml",
        )!;
        assert.equal(spec.fromFile, true);
        assert.match(spec.today, /secrets\/packit\/prod\/packit-service\.yaml/);
    });

    it("renders an nginx that serves only GET /metrics and 404s everything else", () => {
        const conf = metricsProxyConfig({
            listenPort: 8443,
            upstream: "http://pushgateway:80/metrics",
            certificate: "/secrets/fullchain.pem",
            certificateKey: "/secrets/privkey.pem",
        });
        const locations = [...conf.matchAll(/location\s+([^{]+)\{/g)].map((m) => m[1].trim());
        assert.deepEqual(locations, ["= /metrics", "/"]);
        const metrics = conf.slice(conf.indexOf("location = /metrics"), conf.indexOf("location /"));
        assert.match(metrics, /limit_except GET \{\s*deny all;\s*\}/);
        assert.equal(conf.match(/proxy_pass /g)?.length, 1, "only /metrics reaches the pushgateway");
        assert.match(conf.slice(conf.indexOf("location /")), /return 404;/);
        assert.match(conf, /listen 8443 ssl;/);
    });
});
