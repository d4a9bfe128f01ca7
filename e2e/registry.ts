import { setTimeout as sleep } from "node:timers/promises";
import { ChildProcess, spawn, spawnSync } from "child_process";
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { createServer } from "net";
import { tmpdir } from "os";
import * as path from "path";

// A container registry on 127.0.0.1 for the image preflight's test: Debian's docker-registry (the CNCF
// distribution registry), and one tiny image made offline with umoci and pushed under any name with skopeo.

/** Which of the tools the registry test needs are missing. */
export function missingRegistryTools(): string[] {
    return ["skopeo", "docker-registry", "umoci"].filter(
        (tool) => spawnSync("sh", ["-c", `command -v ${tool}`], { stdio: "ignore" }).status !== 0,
    );
}

function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = createServer();
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const port = (server.address() as { port: number }).port;
            server.close(() => resolve(port));
        });
    });
}

function run(cmd: string, args: string[]): string {
    const res = spawnSync(cmd, args, { encoding: "utf8" });
    if (res.error) throw res.error;
    if (res.status !== 0)
        throw new Error(`${cmd} ${args.join(" ")} failed (exit ${res.status}): ${res.stderr}`);
    return res.stdout;
}

export class LoopbackRegistry {
    private constructor(
        readonly host: string,
        private readonly dir: string,
        private readonly child: ChildProcess,
    ) {}

    /** Starts a registry on a free loopback port, storage in a temporary directory, and makes the test image. */
    static async start(): Promise<LoopbackRegistry> {
        const dir = mkdtempSync(path.join(tmpdir(), "runbooks-registry-"));
        const port = await freePort();
        const config = path.join(dir, "config.yml");
        writeFileSync(
            config,
            [
                "version: 0.1",
                "log: { level: error }",
                `storage: { filesystem: { rootdirectory: ${path.join(dir, "data")} } }`,
                `http: { addr: 127.0.0.1:${port} }`,
                "",
            ].join("\n"),
        );
        const child = spawn("docker-registry", ["serve", config], { stdio: "ignore" });
        const registry = new LoopbackRegistry(`127.0.0.1:${port}`, dir, child);
        try {
            await registry.waitReady();
            // An empty image (config, no layers): all a manifest lookup needs.
            const layout = path.join(dir, "oci");
            run("umoci", ["init", "--layout", layout]);
            run("umoci", ["new", "--image", `${layout}:base`]);
        } catch (err) {
            registry.stop();
            throw err;
        }
        return registry;
    }

    private async waitReady(): Promise<void> {
        for (let i = 0; i < 100; i++) {
            try {
                const res = await fetch(`http://${this.host}/v2/`);
                if (res.status === 200) return;
            } catch {
                // not listening yet
            }
            await sleep(100);
        }
        throw new Error(`the registry on ${this.host} did not answer within 10 s`);
    }

    /** Pushes the test image as `<host>/<name>` (a `repository:tag`); returns its digest. */
    push(name: string): string {
        run("skopeo", [
            "copy",
            "--quiet",
            "--dest-tls-verify=false",
            `oci:${path.join(this.dir, "oci")}:base`,
            `docker://${this.host}/${name}`,
        ]);
        return run("skopeo", [
            "inspect",
            "--format",
            "{{.Digest}}",
            "--tls-verify=false",
            `docker://${this.host}/${name}`,
        ]).trim();
    }

    /**
     * Pushes many names, a few at a time. docker-registry's filesystem storage can answer 500 when two uploads of the
     * same blob race, so the first name goes alone (its blobs then exist and later pushes only mount them) and a
     * failed push is retried twice.
     */
    async pushAll(names: readonly string[], parallel = 4): Promise<void> {
        const copy = (name: string) =>
            new Promise<void>((resolve, reject) => {
                const child = spawn(
                    "skopeo",
                    [
                        "copy",
                        "--quiet",
                        "--dest-tls-verify=false",
                        `oci:${path.join(this.dir, "oci")}:base`,
                        `docker://${this.host}/${name}`,
                    ],
                    { stdio: ["ignore", "ignore", "pipe"] },
                );
                let err = "";
                child.stderr.on("data", (d: Buffer) => (err += d.toString()));
                child.on("close", (code) =>
                    code === 0 ? resolve() : reject(new Error(`push ${name}: ${err}`)),
                );
            });
        const pushOne = async (name: string) => {
            for (let attempt = 1; ; attempt++) {
                try {
                    return await copy(name);
                } catch (err) {
                    if (attempt >= 3) throw err;
                    await sleep(200 * attempt);
                }
            }
        };
        const queue = [...names];
        const first = queue.shift();
        if (first) await pushOne(first);
        const worker = async () => {
            for (let name = queue.shift(); name; name = queue.shift()) await pushOne(name);
        };
        await Promise.all(Array.from({ length: parallel }, worker));
    }

    stop(): void {
        this.child.kill("SIGTERM");
        rmSync(this.dir, { recursive: true, force: true });
    }
}
