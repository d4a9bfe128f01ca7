import { spawn, spawnSync } from "child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { readAnswer, ImageState } from "./check";

/** The environment variable holding `user:password` (or `user:token`) for a registry host. */
export function credentialVariable(host: string): string {
    return `PREFLIGHT_AUTH_${host.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`;
}

/**
 * An auth file (containers-auth.json format, mode 0600, in a private temporary directory) holding the entries of
 * `$REGISTRY_AUTH_FILE` and every `PREFLIGHT_AUTH_<HOST>` variable for `hosts`; undefined when there are none.
 * Credentials go to skopeo in this file, never on its command line.
 */
export function writeAuthFile(
    hosts: readonly string[],
    env: NodeJS.ProcessEnv,
): { file: string; dispose(): void } | undefined {
    const auths: Record<string, { auth: string }> = {};
    if (env.REGISTRY_AUTH_FILE) {
        const base = JSON.parse(readFileSync(env.REGISTRY_AUTH_FILE, "utf8")) as {
            auths?: Record<string, { auth: string }>;
        };
        Object.assign(auths, base.auths ?? {});
    }
    for (const host of hosts) {
        const value = env[credentialVariable(host)];
        if (value) auths[host] = { auth: Buffer.from(value).toString("base64") };
    }
    if (Object.keys(auths).length === 0) return undefined;
    const dir = mkdtempSync(path.join(tmpdir(), "preflight-auth-"));
    const file = path.join(dir, "auth.json");
    writeFileSync(file, JSON.stringify({ auths }), { mode: 0o600 });
    return { file, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** True when skopeo is installed. */
export function skopeoAvailable(): boolean {
    const res = spawnSync("skopeo", ["--version"], { stdio: "ignore" });
    return !res.error && res.status === 0;
}

/** Loopback registries are plain HTTP (tests, local mirrors); every other registry must speak verified TLS. */
function loopback(host: string): boolean {
    return /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$/.test(host);
}

/** Asks the registry for the manifest of `reference` (`skopeo inspect --raw`): nothing is pulled. */
export function inspect(
    reference: string,
    host: string,
    authFile?: string,
): Promise<{ state: ImageState; detail: string }> {
    const args = ["inspect", "--raw", "--retry-times", "1"];
    if (authFile) args.push("--authfile", authFile);
    if (loopback(host)) args.push("--tls-verify=false");
    args.push(`docker://${reference}`);
    return new Promise((resolve) => {
        const child = spawn("skopeo", args, { stdio: ["ignore", "ignore", "pipe"] });
        let stderr = "";
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("error", (err) => resolve({ state: "error", detail: err.message }));
        child.on("close", (code) => resolve(readAnswer(code, stderr)));
    });
}
