// The wired policy pack as the engine runs it: policy/index.ts in its own process (it starts the analyzer's gRPC
// server, so it is never imported here), asked over gRPC the way `pulumi preview` asks it.
import { strict as assert } from "assert";
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as analyzerGrpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzer from "@pulumi/pulumi/proto/analyzer_pb";
import { repoRoot } from "../../tools/root";

const POLICY_DIR = path.join(repoRoot(), "policy");
/** What the engine sends for a value not known until the update runs. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

interface Diagnostic {
    policy: string;
    message: string;
}

describe("policy pack served to the engine (policy/index.ts over gRPC)", function () {
    this.timeout(60_000);
    let server: ChildProcess;
    let client: analyzerGrpc.AnalyzerClient;

    before(async () => {
        // As the Node.js policy runner does: the pack's directory is the working directory (PolicyPack reads its
        // package.json there) and TypeScript is compiled on load.
        server = spawn(
            process.execPath,
            ["-r", "ts-node/register/transpile-only", "-e", 'require("./index.ts")'],
            {
                cwd: POLICY_DIR,
                stdio: ["ignore", "pipe", "inherit"],
            },
        );
        const port = await new Promise<string>((resolve, reject) => {
            server.stdout!.once("data", (d: Buffer) => resolve(d.toString().trim()));
            server.once("exit", (code) => reject(new Error(`the policy pack exited (${code})`)));
        });
        client = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    });

    after(() => {
        client?.close();
        server?.kill();
    });

    function analyze(
        type: string,
        props: Record<string, unknown>,
        stack: string,
        protect = false,
    ): Promise<Diagnostic[]> {
        const req = new analyzer.AnalyzeRequest();
        req.setType(type);
        req.setName("x");
        req.setUrn(`urn:pulumi:${stack}::runbooks::${type}::x`);
        req.setProperties(Struct.fromJavaScript(props as Record<string, never>));
        req.setOptions(new analyzer.AnalyzerResourceOptions().setProtect(protect));
        return new Promise((resolve, reject) =>
            client.analyze(req, (err, res) =>
                err
                    ? reject(err)
                    : resolve(
                          res!
                              .getDiagnosticsList()
                              .map((d) => ({ policy: d.getPolicyname(), message: d.getMessage() })),
                      ),
            ),
        );
    }

    it("lists every rule as a mandatory policy of the pack", async () => {
        const info = await new Promise<analyzer.AnalyzerInfo>((resolve, reject) =>
            client.getAnalyzerInfo(new Empty(), (err, res) => (err ? reject(err) : resolve(res!))),
        );
        assert.equal(info.getName(), "runbooks");
        assert.deepEqual(
            info.getPoliciesList().map((p) => p.getName()),
            [
                "no-plain-secrets",
                "memory-limits",
                "non-root",
                "pinned-images",
                "stateful-protected-in-prod",
                "no-wildcard-rbac",
                "public-endpoints-tls",
                "cpu-requests",
                "cronjob-starting-deadline",
                "readiness-on-serving",
                "service-selects-pods",
                "disruption-budgets",
                "default-deny-ingress",
            ],
        );
    });

    it("reports a workload's violations, and checks what is known when some inputs are unknown in a preview", async () => {
        const deployment = {
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata: { name: "sesheta", namespace: UNKNOWN },
            spec: { template: { spec: { containers: [{ name: "app", image: UNKNOWN, resources: {} }] } } },
        };
        const found = await analyze("kubernetes:apps/v1:Deployment", deployment, "stage");
        assert.deepEqual(found.map((d) => d.policy).sort(), ["cpu-requests", "memory-limits", "non-root"]);
        assert.match(
            found.find((d) => d.policy === "memory-limits")!.message,
            /Deployment sesheta: container "app" has no memory limit/,
        );
    });

    it("checks the stack rules over the whole stack: a Service's container without readiness, a workload without its budget", async () => {
        const provider = new analyzer.AnalyzerProviderResource()
            .setType("pulumi:providers:kubernetes")
            .setName("cluster-psi")
            .setProperties(Struct.fromJavaScript({}))
            .setUrn("urn:pulumi:stage::runbooks::pulumi:providers:kubernetes::cluster-psi");
        const resource = (type: string, name: string, props: Record<string, unknown>) =>
            new analyzer.AnalyzerResource()
                .setType(type)
                .setName(name)
                .setUrn(`urn:pulumi:stage::runbooks::${type}::${name}`)
                .setProperties(Struct.fromJavaScript(props as Record<string, never>))
                .setOptions(new analyzer.AnalyzerResourceOptions())
                .setProvider(provider);
        const labels = { app: "deck" };
        const deployment = resource("kubernetes:apps/v1:Deployment", "deck", {
            metadata: { name: "deck", namespace: "prow" },
            spec: {
                replicas: 3,
                template: {
                    metadata: { labels },
                    spec: { containers: [{ name: "deck", ports: [{ name: "http", containerPort: 8080 }] }] },
                },
            },
        });
        const service = resource("kubernetes:core/v1:Service", "deck-service", {
            metadata: { name: "deck", namespace: "prow" },
            spec: { selector: labels, ports: [{ port: 80, targetPort: 8080 }] },
        });
        const req = new analyzer.AnalyzeStackRequest().setResourcesList([deployment, service]);
        const found = await new Promise<{ policy: string; urn: string }[]>((resolve, reject) =>
            client.analyzeStack(req, (err, res) =>
                err
                    ? reject(err)
                    : resolve(
                          res!
                              .getDiagnosticsList()
                              .map((d) => ({ policy: d.getPolicyname(), urn: d.getUrn() })),
                      ),
            ),
        );
        // The namespace has no default deny either: that stack rule reaches the engine too.
        assert.deepEqual(found.map((d) => d.policy).sort(), [
            "default-deny-ingress",
            "disruption-budgets",
            "readiness-on-serving",
        ]);
        assert.ok(found.every((d) => d.urn === deployment.getUrn()));
    });

    it("requires protect on stateful resources in the prod stack only, from the resource options", async () => {
        const pvc = {
            apiVersion: "v1",
            kind: "PersistentVolumeClaim",
            metadata: { name: "redis-pvc", namespace: "packit-prod" },
        };
        const type = "kubernetes:core/v1:PersistentVolumeClaim";
        assert.deepEqual(
            (await analyze(type, pvc, "prod")).map((d) => d.policy),
            ["stateful-protected-in-prod"],
        );
        assert.deepEqual(await analyze(type, pvc, "prod", true), []);
        assert.deepEqual(await analyze(type, pvc, "stage"), []);
    });
});
