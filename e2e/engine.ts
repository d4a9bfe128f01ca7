import { spawnSync } from "child_process";
import { existsSync, readFileSync, readdirSync } from "fs";
import { homedir } from "os";
import * as path from "path";
import { LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import { BIN, E2E_CACHE, ROOT, StackCopy } from "./localStack";

// The real Pulumi engine, driven by the Automation API on a temporary copy of the program (StackCopy): file
// backend in the copy, the committed test passphrase, the toolchain's CLI, language host and provider plugins.

/** Provider plugins the program's stacks load, by npm package; versions come from package-lock.json. */
const PLUGINS = ["kubernetes", "random", "command", "openstack"] as const;
export type Plugin = (typeof PLUGINS)[number];

/** Where the engine's pieces are, or what is missing. */
export interface Toolchain {
    /** Directory of the `pulumi` binary (PulumiCommand's root is its parent). */
    cliDir?: string;
    pulumiHome: string;
    /** One line per missing piece, empty when everything is there. */
    missing: string[];
    /** Plugin name → `resource-<name>-v<version>` directory, when installed. */
    plugins: Partial<Record<Plugin, string>>;
}

function onPath(binary: string): string | undefined {
    for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
        if (dir && existsSync(path.join(dir, binary))) return dir;
    }
    return undefined;
}

/** Versions of the @pulumi packages the lockfile pins: the SDK asks the engine for exactly these plugins. */
export function lockfileVersions(): Record<string, string> {
    const lock = JSON.parse(readFileSync(path.join(ROOT, "package-lock.json"), "utf8")) as {
        packages: Record<string, { version?: string }>;
    };
    return Object.fromEntries(
        [...PLUGINS, "pulumi"].map((p) => [p, lock.packages[`node_modules/@pulumi/${p}`]?.version ?? "?"]),
    );
}

/**
 * Finds the CLI (PATH first, then $E2E_CACHE/bin), the Node.js language host (beside the CLI or on PATH) and the
 * provider plugins at the lockfile's versions in $PULUMI_HOME/plugins (PULUMI_HOME, else the toolchain's
 * pulumi-home, else ~/.pulumi). `needed` names the plugins a stack loads.
 */
export function detectToolchain(needed: readonly Plugin[] = PLUGINS): Toolchain {
    const missing: string[] = [];
    const cliDir = onPath("pulumi") ?? (existsSync(path.join(BIN, "pulumi")) ? BIN : undefined);
    if (!cliDir) missing.push(`pulumi CLI (not on PATH nor in ${BIN})`);
    const langhost =
        (cliDir && existsSync(path.join(cliDir, "pulumi-language-nodejs"))) ||
        onPath("pulumi-language-nodejs");
    if (!langhost) missing.push("pulumi-language-nodejs (Node.js language host) beside the CLI or on PATH");
    const cachedHome = path.join(E2E_CACHE, "pulumi-home");
    const pulumiHome =
        process.env.PULUMI_HOME ?? (existsSync(cachedHome) ? cachedHome : path.join(homedir(), ".pulumi"));
    const versions = lockfileVersions();
    const plugins: Partial<Record<Plugin, string>> = {};
    for (const name of needed) {
        const dir = path.join(pulumiHome, "plugins", `resource-${name}-v${versions[name]}`);
        if (existsSync(path.join(dir, `pulumi-resource-${name}`))) plugins[name] = dir;
        else missing.push(`${name} ${versions[name]} plugin (${dir})`);
    }
    return { cliDir, pulumiHome, missing, plugins };
}

/** The environment of the engine on a copy: its file backend and passphrase, the toolchain's CLI and plugins. */
export function engineEnv(copy: StackCopy, tools: Toolchain): Record<string, string> {
    return {
        ...copy.env(),
        PATH: `${tools.cliDir}${path.delimiter}${process.env.PATH ?? ""}`,
        PULUMI_HOME: tools.pulumiHome,
    };
}

/** An Automation API stack on a StackCopy, using the detected toolchain and the copy's file backend. */
export async function engineStack(copy: StackCopy, tools: Toolchain): Promise<Stack> {
    // PulumiCommand runs <root>/bin/pulumi; a CLI in another directory is found on the PATH of engineEnv.
    const pulumiCommand = await PulumiCommand.get({
        ...(path.basename(tools.cliDir!) === "bin" ? { root: path.dirname(tools.cliDir!) } : {}),
        skipVersionCheck: true,
    });
    return LocalWorkspace.selectStack(
        { stackName: copy.stack, workDir: copy.dir },
        { pulumiCommand, pulumiHome: tools.pulumiHome, envVars: engineEnv(copy, tools) },
    );
}

/** A CLI command the Automation API has no method for (e.g. `state unprotect`), in the copy with the engine env. */
export function engineCli(copy: StackCopy, tools: Toolchain, args: string[]): string {
    const res = spawnSync(
        path.join(tools.cliDir!, "pulumi"),
        ["--non-interactive", ...args, "--stack", copy.stack],
        { cwd: copy.dir, env: { ...process.env, ...engineEnv(copy, tools) }, encoding: "utf8" },
    );
    if (res.status !== 0) {
        // Diagnostics (e.g. "refusing to delete protected resource") may be on either stream.
        throw new Error(
            `pulumi ${args.join(" ")} failed (exit ${res.status}):\n${res.stdout}\n${res.stderr}`,
        );
    }
    return res.stdout;
}

/** Lock files of a stack in a file backend: present while an update runs, and after one was killed. */
export function stackLocks(copy: StackCopy, project = "runbooks"): string[] {
    const dir = path.join(copy.dir, ".backend", ".pulumi", "locks", "organization", project, copy.stack);
    return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".json")) : [];
}

/** The untyped checkpoint of `stack export` as far as these checks read it. */
export interface Checkpoint {
    deployment?: {
        resources?: {
            urn: string;
            type: string;
            protect?: boolean;
            retainOnDelete?: boolean;
            outputs?: { metadata?: { name?: string; namespace?: string } };
        }[];
        pending_operations?: { resource: { urn: string }; type: string }[];
    };
}

/** Every URN that appears more than once in a checkpoint (two records of one resource). */
export function duplicateUrns(checkpoint: Checkpoint): string[] {
    const urns = (checkpoint.deployment?.resources ?? []).map((r) => r.urn);
    return [...new Set(urns.filter((u, i) => urns.indexOf(u) !== i))];
}
