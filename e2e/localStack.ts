import { spawnSync } from "child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "fs";
import { homedir, tmpdir } from "os";
import * as path from "path";
import { loadProgramConfig } from "../components/config/load";
import { PROJECT } from "../components/config/problems";
import { SecretSpec } from "../components/config/system";
import { SYSTEMS } from "../components/systems";
import { readStackFile, stackFileSource } from "../tools/plan/stackfile";

// The `local` stack and the built Pulumi CLI, used without the Node.js language host: `stack init`, `config set`
// and `config --show-secrets` only need the CLI and the passphrase secrets provider.

export const ROOT = path.join(__dirname, "..");
export const STACK = "local";
export const STACK_FILE = path.join(ROOT, `Pulumi.${STACK}.yaml`);
export const E2E_CACHE = process.env.E2E_CACHE ?? path.join(homedir(), ".cache", "runbooks-e2e");
export const BIN = path.join(E2E_CACHE, "bin");

/** KEY=VALUE lines of e2e/local.env (test-only settings). */
export function localEnv(): Record<string, string> {
    const env: Record<string, string> = {};
    for (const line of readFileSync(path.join(__dirname, "local.env"), "utf8").split("\n")) {
        const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
        if (m) env[m[1]] = m[2].replace(/^"(.*)"$/, "$1");
    }
    return env;
}

/** True when `dir` is the work tree or inside it: revealed secrets must never be written there. */
export function insideWorkTree(dir: string): boolean {
    const rel = path.relative(ROOT, path.resolve(dir));
    return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

/** The decrypted configuration of a stack: plain values as the program reads them, secrets in plain text. */
export interface DecryptedConfig {
    values: Record<string, unknown>;
    secrets: Record<string, string>;
}

function parseValue(raw: string): unknown {
    try {
        return JSON.parse(raw);
    } catch {
        return raw;
    }
}

/**
 * A temporary copy of the project (Pulumi.yaml + Pulumi.local.yaml) with its own file backend and PULUMI_HOME,
 * outside the work tree, so that secrets set or decrypted here never touch the committed stack file.
 */
export class StackCopy {
    readonly dir: string;

    private constructor(stackFile: string) {
        this.dir = mkdtempSync(path.join(tmpdir(), "runbooks-local-"));
        mkdirSync(path.join(this.dir, ".backend"));
        copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(this.dir, "Pulumi.yaml"));
        copyFileSync(stackFile, this.stackFile);
    }

    /** Copies the stack file and creates the stack in a fresh backend (an existing encryptionsalt is kept). */
    static create(stackFile = STACK_FILE): StackCopy {
        const copy = new StackCopy(stackFile);
        try {
            copy.pulumi(["stack", "init", STACK, "--secrets-provider", "passphrase"]);
        } catch (err) {
            copy.dispose();
            throw err;
        }
        return copy;
    }

    get stackFile(): string {
        return path.join(this.dir, `Pulumi.${STACK}.yaml`);
    }

    /** Runs the built CLI in the copy; `input` goes to stdin (secret values never appear in argv). */
    pulumi(args: string[], input?: string): string {
        const env: NodeJS.ProcessEnv = {
            PATH: `${BIN}${path.delimiter}${process.env.PATH ?? ""}`,
            HOME: process.env.HOME,
            PULUMI_HOME: path.join(this.dir, ".pulumi-home"),
            PULUMI_BACKEND_URL: `file://${path.join(this.dir, ".backend")}`,
            PULUMI_CONFIG_PASSPHRASE: localEnv().E2E_LOCAL_PASSPHRASE,
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        };
        const res = spawnSync(path.join(BIN, "pulumi"), ["--non-interactive", ...args], {
            cwd: this.dir,
            env,
            input: input ?? "",
            encoding: "utf8",
            maxBuffer: 64 * 1024 * 1024,
        });
        if (res.error) throw res.error;
        if (res.status !== 0) {
            throw new Error(`pulumi ${args.join(" ")} failed (exit ${res.status}):\n${res.stderr}`);
        }
        return res.stdout;
    }

    /** `pulumi config set --secret`, the value from stdin (so multi-line files such as kubeconfigs work). */
    setSecret(key: string, value: string): void {
        this.pulumi(["config", "set", "--secret", `${PROJECT}:${key}`], value);
    }

    /** `pulumi config set --path` of a plain value. */
    setPath(path_: string, value: string): void {
        this.pulumi(["config", "set", "--path", `${PROJECT}:${path_}`, value]);
    }

    /** The whole configuration as the engine would hand it to the program, secrets decrypted. */
    decrypt(): DecryptedConfig {
        const raw = JSON.parse(this.pulumi(["config", "--show-secrets", "--json"])) as Record<
            string,
            { value?: string; objectValue?: unknown; secret: boolean }
        >;
        const values: Record<string, unknown> = {};
        const secrets: Record<string, string> = {};
        for (const [fullKey, entry] of Object.entries(raw)) {
            if (!fullKey.startsWith(`${PROJECT}:`)) continue;
            const key = fullKey.slice(PROJECT.length + 1);
            if (entry.secret) secrets[key] = entry.value ?? "";
            else values[key] = entry.objectValue ?? parseValue(entry.value ?? "");
        }
        return { values, secrets };
    }

    dispose(): void {
        rmSync(this.dir, { recursive: true, force: true });
    }
}

/** Secrets that are never committed: kwok (and every real cluster) issues its own credentials. */
export function isRunTimeSecret(key: string): boolean {
    return key.startsWith("kubeconfig-");
}

/**
 * The secrets the local stack requires, found by the program's own config validation (optional ones are
 * generated by @pulumi/random and need no value).
 */
export function requiredSecrets(stackFile = STACK_FILE): SecretSpec[] {
    const file = readStackFile(STACK, path.dirname(stackFile));
    const config = loadProgramConfig(stackFileSource(file, "x"), SYSTEMS, { placeholderSecret: () => "x" });
    return config.secretSpecs.filter((s) => !s.optional);
}
