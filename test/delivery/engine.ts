// The Pulumi engine's side of a program run, for running `Pulumi.yaml`'s `main` the way `pulumi up` does without the
// Pulumi CLI: the Node.js language host (@pulumi/pulumi/cmd/run, what the CLI starts) talks gRPC to this fake engine
// and resource monitor, which record what the program logs and registers and create nothing.
import { spawn } from "child_process";
import * as path from "path";

/* eslint-disable @typescript-eslint/no-require-imports -- the SDK's generated gRPC modules have no typed entry point */
const PULUMI_DIR = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
const sdk = (id: string): unknown => require(require.resolve(id, { paths: [PULUMI_DIR] }));
/* eslint-enable @typescript-eslint/no-require-imports */

interface Message {
    [k: string]: (...args: unknown[]) => unknown;
}
type Ctor = new () => Message;
type Callback = (err: { code: number; details?: string } | null, res?: Message) => void;
type Handler = (call: { request: Message }, cb: Callback) => void;
interface GrpcServer {
    addService(service: Record<string, unknown>, handlers: Record<string, Handler>): void;
    bindAsync(addr: string, creds: unknown, cb: (err: Error | null, port: number) => void): void;
    tryShutdown(cb: () => void): void;
}
interface Grpc {
    Server: new () => GrpcServer;
    ServerCredentials: { createInsecure(): unknown };
    status: { UNIMPLEMENTED: number };
}

const grpc = sdk("@grpc/grpc-js") as Grpc;
const engineGrpc = sdk("@pulumi/pulumi/proto/engine_grpc_pb") as { EngineService: Record<string, unknown> };
const engineMsgs = sdk("@pulumi/pulumi/proto/engine_pb") as Record<string, Ctor>;
const monitorGrpc = sdk("@pulumi/pulumi/proto/resource_grpc_pb") as {
    ResourceMonitorService: Record<string, unknown>;
};
const monitorMsgs = sdk("@pulumi/pulumi/proto/resource_pb") as Record<string, Ctor>;
const { Empty } = sdk("google-protobuf/google/protobuf/empty_pb") as { Empty: Ctor };

/** Every method of `service` answers UNIMPLEMENTED (as an older engine does) unless `handlers` implements it. */
function serve(
    server: GrpcServer,
    service: Record<string, unknown>,
    handlers: Record<string, Handler>,
): void {
    const all: Record<string, Handler> = {};
    for (const method of Object.keys(service)) {
        const name = method.charAt(0).toLowerCase() + method.slice(1);
        all[name] =
            handlers[name] ?? ((_call, cb) => cb({ code: grpc.status.UNIMPLEMENTED, details: method }));
    }
    server.addService(service, all);
}

export interface EngineRun {
    code: number | null;
    /** What the program logged through the engine, one entry per message. */
    logs: string[];
    /** Types of the resources the program registered (the stack first). */
    registered: string[];
    /** What the language host wrote itself. */
    output: string;
}

/**
 * Runs `main` (a path relative to `dir`, as in Pulumi.yaml) of the project in `dir` for `stack` under the Node.js
 * language host against the fake engine; `config` is the stack's configuration as the CLI passes it.
 */
export async function runUnderEngine(
    dir: string,
    main: string,
    stack: string,
    config: Record<string, string> = {},
): Promise<EngineRun> {
    const logs: string[] = [];
    const registered: string[] = [];
    let root = "";
    const server = new grpc.Server();
    serve(server, engineGrpc.EngineService, {
        log: (call, cb) => {
            logs.push(String(call.request.getMessage()));
            cb(null, new Empty());
        },
        getRootResource: (_call, cb) => {
            const res = new engineMsgs.GetRootResourceResponse();
            res.setUrn(root);
            cb(null, res);
        },
        setRootResource: (call, cb) => {
            root = String(call.request.getUrn());
            cb(null, new engineMsgs.SetRootResourceResponse());
        },
    });
    serve(server, monitorGrpc.ResourceMonitorService, {
        supportsFeature: (_call, cb) => {
            const res = new monitorMsgs.SupportsFeatureResponse();
            res.setHassupport(false);
            cb(null, res);
        },
        registerResource: (call, cb) => {
            const type = String(call.request.getType());
            registered.push(type);
            const res = new monitorMsgs.RegisterResourceResponse();
            res.setUrn(`urn:pulumi:${stack}::runbooks::${type}::${String(call.request.getName())}`);
            cb(null, res);
        },
        registerResourceOutputs: (_call, cb) => cb(null, new Empty()),
        signalAndWaitForShutdown: (_call, cb) => cb(null, new Empty()),
    });
    const port = await new Promise<number>((resolve, reject) =>
        server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) =>
            err ? reject(err) : resolve(p),
        ),
    );
    const addr = `127.0.0.1:${port}`;
    try {
        const child = spawn(
            process.execPath,
            [
                path.join(PULUMI_DIR, "cmd", "run"),
                ...["--monitor", addr, "--engine", addr, "--project", "runbooks", "--stack", stack],
                ...["--organization", "organization", "--pwd", dir, main],
            ],
            {
                cwd: dir,
                env: {
                    ...process.env,
                    PULUMI_CONFIG: JSON.stringify(config),
                    PULUMI_NODEJS_TYPESCRIPT: "false",
                },
                stdio: ["ignore", "pipe", "pipe"],
            },
        );
        let output = "";
        child.stdout.on("data", (d: Buffer) => (output += d.toString()));
        child.stderr.on("data", (d: Buffer) => (output += d.toString()));
        const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
        return { code, logs, registered, output };
    } finally {
        await new Promise<void>((resolve) => server.tryShutdown(resolve));
    }
}
