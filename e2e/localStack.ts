import { spawnSync } from "child_process";
import {
    copyFileSync,
    cpSync,
    mkdirSync,
    mkdtempSync,
    readFileSync,
    realpathSync,
    rmSync,
    symlinkSync,
} from "fs";
import { homedir, tmpdir } from "os";
import * as path from "path";
import { parseEnv } from "node:util";
import { loadProgramConfig } from "../components/config/load";
import { placeholderImages } from "../components/config/placeholders";
import { PROJECT } from "../components/config/problems";
import { SecretSpec } from "../components/config/system";
import { SYSTEMS } from "../components/systems";
import { readStackFile, stackFileSource } from "../tools/plan/stackfile";
import { TestKeypair, testKeypair } from "./testKeypair";
import { repoRoot } from "../tools/root";
import { PROGRAM_SOURCES } from "../components/shared/buildFreshness";
import { initRewrites } from "./state";

// The `local` stacks and the built Pulumi CLI, used without the Node.js language host: `stack init`, `config set`
// and `config --show-secrets` only need the CLI and the passphrase secrets provider.

export const ROOT = repoRoot();
/** Every Kubernetes-side system (no OpenStack plugin needed). */
export const STACK = "local";
/** Callysto against an OpenStack on loopback, a stack of its own (needs the OpenStack plugin). */
export const CALLYSTO_STACK = "local-callysto";
export const LOCAL_STACKS = [STACK, CALLYSTO_STACK] as const;
export type LocalStack = (typeof LOCAL_STACKS)[number];
export const STACK_FILE = stackFile(STACK);

export function stackFile(stack: string, root = ROOT): string {
    return path.join(root, `Pulumi.${stack}.yaml`);
}
export const E2E_CACHE = process.env.E2E_CACHE ?? path.join(homedir(), ".cache", "runbooks-e2e");
export const BIN = path.join(E2E_CACHE, "bin");

/**
 * Starts or stops the kwok cluster `name` with e2e/cluster.sh; throws with its output when it fails. `pvClasses`: the
 * storage classes to pre-make volumes of (the first is the default class), when not the local stack's.
 */
export function kwokCluster(
    name: string,
    command: "start" | "stop",
    pvClasses?: readonly string[],
    /** More environment of cluster.sh (e2e/podFiles.ts: what kwok answers an exec with). */
    env: Record<string, string> = {},
): void {
    const res = spawnSync("bash", [path.join(ROOT, "e2e", "cluster.sh"), command], {
        encoding: "utf8",
        env: {
            ...process.env,
            ...env,
            E2E_CACHE,
            E2E_CLUSTER_NAME: name,
            E2E_PV_CLASSES: pvClasses?.join(" ") ?? localEnv().E2E_PV_CLASSES,
        },
        stdio: ["ignore", "pipe", "pipe"],
    });
    if (res.status !== 0) {
        throw new Error(
            `e2e/cluster.sh ${command} failed (exit ${res.status}):\n${res.stderr}\n${res.stdout}`,
        );
    }
}

/** The kubeconfig kwokctl writes for cluster `name`. */
export function kwokKubeconfig(name: string): string {
    return path.join(E2E_CACHE, "kwok", "clusters", name, "kubeconfig.yaml");
}

/** KEY=VALUE lines of e2e/local.env (test-only settings), read as dotenv by node:util. */
export function localEnv(): Record<string, string> {
    return parseEnv(readFileSync(path.join(ROOT, "e2e", "local.env"), "utf8")) as Record<string, string>;
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

/** The tag a production-tier copy pins its `:to-be-pinned` images to: kwok pulls no image, production refuses none. */
export const E2E_PINNED_TAG = "e2e-pinned";

/**
 * The `pulumi config set --path` values that pin every placeholder image of `values` (a stack's plain config), as an
 * operator must before a production `up`: the program refuses a production tier with an unconfirmed image.
 */
export function pinnedImages(values: Record<string, unknown>): Record<string, string> {
    return Object.fromEntries(
        placeholderImages(values).map(({ path: at, image }) => [
            at.join("."),
            `${image.slice(0, image.lastIndexOf(":"))}:${E2E_PINNED_TAG}`,
        ]),
    );
}

/**
 * Who may read the Thoth metrics Routes in a production-tier copy: the program refuses a production tier whose
 * metrics Routes name no audience (components/config/routeAudience.ts), and the e2e's only reader is this machine.
 */
export const E2E_METRICS_AUDIENCE = {
    path: "thoth.station.modules.metricsAudience",
    allowFrom: ["127.0.0.1/32"],
};

/** The `pulumi config set --path` values a production-tier copy needs besides its stack file's (see above). */
export function productionTierPaths(values: Record<string, unknown>): Record<string, string> {
    return {
        ...pinnedImages(values),
        ...Object.fromEntries(
            E2E_METRICS_AUDIENCE.allowFrom.map((range, i) => [
                `${E2E_METRICS_AUDIENCE.path}.allowFrom[${i}]`,
                range,
            ]),
        ),
    };
}

/**
 * What a program copy needs besides the stack file: the Automation API runs the compiled `dist/index.js` from here,
 * and that program refuses to run unless the copy holds every source its stale-build guard hashes. Taking the
 * guard's own list is what keeps the two from drifting apart again.
 */
export const PROGRAM_FILES: readonly string[] = [
    ...new Set(["Pulumi.yaml", "package.json", "dist", ...PROGRAM_SOURCES]),
];

/** Copies the program (not the stack files) from `root` into `dir`. */
export function copyProgram(dir: string, root = ROOT): void {
    for (const f of PROGRAM_FILES) cpSync(path.join(root, f), path.join(dir, f), { recursive: true });
}

/**
 * A temporary copy of the project (program, Pulumi.yaml and one Pulumi.<stack>.yaml) with its own file backend
 * and PULUMI_HOME, outside the work tree, so that secrets set or decrypted here never touch the committed stack file.
 */
export class StackCopy {
    readonly dir: string;
    /**
     * When the engine writes the state: after every step, as every real `pulumi up` does, or once at the end
     * (`PULUMI_SKIP_CHECKPOINTS`), where what the engine records on the way is not what a check is about. The
     * file backend rewrites the whole state per step, which is most of an up's time (docs/develop/measuring.md).
     */
    checkpoints: "every-step" | "at-end" = "every-step";
    /** What `pulumi stack init` rewrote in the copied stack file besides adding a salt ({@link initRewrites}). */
    initRewrites: string[] = [];

    private constructor(
        readonly stack: string,
        source: string,
    ) {
        this.dir = mkdtempSync(path.join(tmpdir(), "runbooks-local-"));
        mkdirSync(path.join(this.dir, ".backend"));
        copyProgram(this.dir);
        // The worktree's node_modules may itself be a link: point at the real directory.
        symlinkSync(realpathSync(path.join(ROOT, "node_modules")), path.join(this.dir, "node_modules"));
        copyFileSync(source, this.stackFile);
    }

    /**
     * Copies the stack file and creates the stack in a fresh backend, as a user would: `pulumi stack init <stack>`
     * with the default (passphrase) secrets provider of a file backend; the committed encryptionsalt is kept.
     */
    static create(stack: string = STACK, source = stackFile(stack)): StackCopy {
        const copy = new StackCopy(stack, source);
        try {
            const before = readFileSync(copy.stackFile, "utf8");
            copy.pulumi(["stack", "init", stack]);
            copy.initRewrites = initRewrites(before, readFileSync(copy.stackFile, "utf8"));
        } catch (err) {
            copy.dispose();
            throw err;
        }
        return copy;
    }

    get stackFile(): string {
        return stackFile(this.stack, this.dir);
    }

    get backendUrl(): string {
        return `file://${path.join(this.dir, ".backend")}`;
    }

    /** The environment of every CLI call on the copy (and of the Automation API's workspace). */
    env(): Record<string, string> {
        return {
            PATH: `${BIN}${path.delimiter}${process.env.PATH ?? ""}`,
            HOME: process.env.HOME ?? "",
            PULUMI_HOME: path.join(this.dir, ".pulumi-home"),
            PULUMI_BACKEND_URL: this.backendUrl,
            PULUMI_CONFIG_PASSPHRASE: localEnv().E2E_LOCAL_PASSPHRASE,
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        };
    }

    /** Runs the built CLI in the copy; `input` goes to stdin (secret values never appear in argv). */
    pulumi(args: string[], input?: string): string {
        const res = spawnSync(path.join(BIN, "pulumi"), ["--non-interactive", ...args], {
            cwd: this.dir,
            env: this.env(),
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
        this.configure({ paths: { [path_]: value } });
    }

    /**
     * Sets plain values by path and secrets by key in ONE `pulumi config set-all --path`: each CLI run of the
     * passphrase provider derives its key anew, so a copy set one value at a time spent most of a minute on it.
     * The secrets here are the run's test values (generated ones, a throwaway cluster's kubeconfig) and sit in
     * that one local process's argv; {@link setSecret} keeps a value off argv where that matters.
     */
    configure(values: { paths?: Record<string, string>; secrets?: Record<string, string> }): void {
        const args: string[] = [];
        for (const [p, v] of Object.entries(values.paths ?? {}))
            args.push("--plaintext", `${PROJECT}:${p}=${v}`);
        for (const [k, v] of Object.entries(values.secrets ?? {})) {
            // With --path a dot or bracket would nest the key: the program's secrets are flat keys.
            if (/[.[\]"]/.test(k)) throw new Error(`secret key ${k} is not flat; set it with setSecret`);
            args.push("--secret", `${PROJECT}:${k}=${v}`);
        }
        if (args.length > 0) this.pulumi(["config", "set-all", "--path", ...args]);
    }

    /**
     * The paths that pin every cluster of the copy's stack to the live cluster whose kube-system namespace has `uid`,
     * as an operator pins a local stack to their own cluster (Pulumi.local.yaml, components/config/clusterPin.ts).
     * Made for each run: kwok's cluster is new every time.
     */
    clusterPins(uid: string): Record<string, string> {
        const clusters = Object.keys(readStackFile(this.stack, this.dir).values.clusters ?? {});
        return Object.fromEntries(clusters.map((cluster) => [`clusters.${cluster}.identity.uid`, uid]));
    }

    /** Sets the values that are made at run time and never committed (see {@link runTimeValues}). */
    setRunTimeValues(values = runTimeValues(this.stack)): void {
        this.configure({ paths: values.plain, secrets: values.secrets });
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

/** Values made for one run and set on a temporary copy only: plain ones by `--path`, secrets by key. */
export interface RunTimeValues {
    plain: Record<string, string>;
    secrets: Record<string, string>;
}

/**
 * The values of a local stack that are never committed, made fresh: the Callysto test keypair (both halves), so
 * no committed key can be decrypted with the committed test passphrase or reused by another stack. The kubeconfigs
 * come from the cluster the test starts.
 */
export function runTimeValues(stack: string, keypair: TestKeypair = testKeypair()): RunTimeValues {
    if (stack !== CALLYSTO_STACK) return { plain: {}, secrets: {} };
    return {
        plain: { "callysto.keypair.publicKey": keypair.publicKey },
        secrets: { "callysto-ssh-private-key": keypair.privateKey },
    };
}

/**
 * Secrets that are never committed: kwok (and every real cluster) issues its own credentials, and the Callysto
 * test keypair is made for each run.
 */
export function isRunTimeSecret(key: string): boolean {
    return key.startsWith("kubeconfig-") || key === "callysto-ssh-private-key";
}

/** A stack file's plain values with the run-time plain values filled in, as the program will see them. */
function withRunTimeValues(stack: string, values: Record<string, unknown>): Record<string, unknown> {
    const out = structuredClone(values);
    for (const [p, v] of Object.entries(runTimeValues(stack).plain)) {
        const [at, key] = holderOf(out, p);
        at[key] ??= v;
    }
    return out;
}

/**
 * The map that holds the last key of `path` (a `pulumi config set --path` key, `a.b.c`) in `values`, with that key;
 * maps on the way that are missing are made, as `config set --path` makes them.
 */
export function holderOf(values: Record<string, unknown>, path: string): [Record<string, unknown>, string] {
    const keys = path.split(".");
    let at = values;
    for (const k of keys.slice(0, -1)) {
        if (typeof at[k] !== "object" || at[k] === null) at[k] = {};
        at = at[k] as Record<string, unknown>;
    }
    return [at, keys[keys.length - 1]];
}

/**
 * The secrets the local stack requires, found by the program's own config validation (optional ones are
 * generated by @pulumi/random and need no value).
 */
export function requiredSecrets(stack: string = STACK, root = ROOT): SecretSpec[] {
    const file = readStackFile(stack, root);
    const values = withRunTimeValues(stack, file.values);
    const config = loadProgramConfig(stackFileSource({ ...file, values }, "x"), SYSTEMS, {
        placeholderSecret: () => "x",
    });
    return config.secretSpecs.filter((s) => !s.optional);
}
