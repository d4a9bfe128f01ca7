import { spawnSync } from "child_process";
import { existsSync, readFileSync, readdirSync, rmSync } from "fs";
import { homedir } from "os";
import * as path from "path";
import { LocalWorkspace, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import { BIN, E2E_CACHE, ROOT, StackCopy } from "./localStack";
import { Checkpoint } from "./state";

// The real Pulumi engine, driven by the Automation API on a temporary copy of the program (StackCopy): file
// backend in the copy, the committed test passphrase, the toolchain's CLI, language host and provider plugins.

/** Provider plugins the program's stacks load, by npm package; versions come from package-lock.json. */
const PLUGINS = ["kubernetes", "random", "command", "openstack"] as const;
export type Plugin = (typeof PLUGINS)[number];

/** Where the engine's pieces are, or what is missing. */
export interface Toolchain {
    /** Directory of the `pulumi` binary (PulumiCommand's root is its parent). */
    cliDir?: string;
    /** Directory of `pulumi-language-nodejs`. */
    langhostDir?: string;
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
        cliDir && existsSync(path.join(cliDir, "pulumi-language-nodejs"))
            ? cliDir
            : onPath("pulumi-language-nodejs");
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
    return { cliDir, langhostDir: langhost, pulumiHome, missing, plugins };
}

/**
 * The one line the e2e prints about what of the engine checks runs: all of them skip when the local stack's
 * toolchain is incomplete; only the local-callysto check skips when just its plugins (openstack, command) are
 * missing; nothing is printed when everything is there.
 */
export function engineSkipLine(local: Toolchain, callysto: Toolchain): string | undefined {
    if (local.missing.length > 0) {
        return `engine checks SKIPPED (all of them), missing: ${local.missing.join("; ")}`;
    }
    const onlyCallysto = callysto.missing.filter((m) => !local.missing.includes(m));
    if (onlyCallysto.length > 0) {
        const present = Object.keys(local.plugins).join(", ");
        return (
            `engine check of local-callysto SKIPPED, missing: ${onlyCallysto.join("; ")}; ` +
            `the other engine checks run (CLI, language host and the ${present} plugins are present)`
        );
    }
    return undefined;
}

/**
 * What `npm run e2e:tools` says about the engine: each piece as the engine checks find it (present, with where, or
 * missing), however it got there (built by tools.sh or installed by other means), then what skips.
 */
export function toolchainReport(local: Toolchain, callysto: Toolchain): string[] {
    const versions = lockfileVersions();
    const row = (what: string, where: string | undefined, missingWhere: string) =>
        `  ${what.padEnd(24)} ${where ? `present  ${where}` : `MISSING  ${missingWhere}`}`;
    const plugins = { ...callysto.plugins, ...local.plugins };
    return [
        `engine toolchain, as the engine checks find it (PULUMI_HOME=${local.pulumiHome}):`,
        row("pulumi CLI", local.cliDir, `not on PATH nor in ${BIN}`),
        row("pulumi-language-nodejs", local.langhostDir, "not beside the CLI nor on PATH"),
        ...PLUGINS.map((p) =>
            row(
                `${p} plugin ${versions[p]}`,
                plugins[p],
                path.join(local.pulumiHome, "plugins", `resource-${p}-v${versions[p]}`),
            ),
        ),
        engineSkipLine(local, callysto) ?? "engine checks: all of them run",
    ];
}

/** The environment of the engine on a copy: its file backend and passphrase, the toolchain's CLI and plugins. */
export function engineEnv(copy: StackCopy, tools: Toolchain): Record<string, string> {
    return {
        ...copy.env(),
        PATH: `${tools.cliDir}${path.delimiter}${process.env.PATH ?? ""}`,
        PULUMI_HOME: tools.pulumiHome,
        ...(copy.checkpoints === "at-end" ? { PULUMI_SKIP_CHECKPOINTS: "true" } : {}),
    };
}

/**
 * From now on the engine writes the copy's state once per operation, at its end (see StackCopy.checkpoints): for
 * the CLI runs of {@link engineCli} and for `stack`, an Automation API stack made before the switch.
 */
export function checkpointAtEnd(copy: StackCopy, stack?: Stack): void {
    copy.checkpoints = "at-end";
    if (stack) stack.workspace.envVars.PULUMI_SKIP_CHECKPOINTS = "true";
}

/** An Automation API stack on a StackCopy, using the detected toolchain and the copy's file backend. */
export async function engineStack(copy: StackCopy, tools: Toolchain): Promise<Stack> {
    return LocalWorkspace.selectStack(
        { stackName: copy.stack, workDir: copy.dir },
        {
            pulumiCommand: await pulumiCommandOf(tools),
            pulumiHome: tools.pulumiHome,
            envVars: engineEnv(copy, tools),
        },
    );
}

/** The Automation API's handle on the toolchain's CLI. */
export function pulumiCommandOf(tools: Toolchain): Promise<PulumiCommand> {
    // PulumiCommand runs <root>/bin/pulumi; a CLI in another directory is found on the PATH of engineEnv.
    return PulumiCommand.get({
        ...(path.basename(tools.cliDir!) === "bin" ? { root: path.dirname(tools.cliDir!) } : {}),
        skipVersionCheck: true,
    });
}

/** A CLI command the Automation API has no method for (e.g. `state unprotect`), in the copy with the engine env. */
export function engineCli(copy: StackCopy, tools: Toolchain, args: string[]): string {
    const res = spawnSync(
        path.join(tools.cliDir!, "pulumi"),
        ["--non-interactive", ...args, "--stack", copy.stack],
        {
            cwd: copy.dir,
            env: { ...process.env, ...engineEnv(copy, tools) },
            encoding: "utf8",
            // An up's or a refresh's output of the local stack is far past spawnSync's 1 MiB default.
            maxBuffer: 256 * 1024 * 1024,
        },
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

/**
 * `pulumi stack export` of the copy's stack, as a user runs it: secrets stay encrypted (`--show-secrets` only when
 * asked; the Automation API's `exportStack()` always passes it, so it cannot tell whether a value is encrypted).
 * Written with `--file` (the local stack's state is ~9 MB) and deleted once read: a decrypted export holds the
 * test secrets in clear.
 */
export function exportState(
    copy: StackCopy,
    tools: Toolchain,
    opts: { showSecrets?: boolean } = {},
): { text: string; checkpoint: Checkpoint } {
    const file = path.join(copy.dir, `export-${process.pid}-${Date.now()}.json`);
    try {
        engineCli(copy, tools, [
            "stack",
            "export",
            "--file",
            file,
            ...(opts.showSecrets ? ["--show-secrets"] : []),
        ]);
        const text = readFileSync(file, "utf8");
        return { text, checkpoint: JSON.parse(text) as Checkpoint };
    } finally {
        rmSync(file, { force: true });
    }
}

/**
 * Processes a run on this copy left behind (provider plugins, the language host): the CLI starts each plugin in a
 * process group of its own, so killing the CLI's group leaves them running. They are found by what they inherited
 * from the CLI, the copy's backend URL, as `pid cmd` (an operator finds them with `pgrep -af pulumi-resource-` or
 * `ps -eo pid,pgid,cmd | grep pulumi-`).
 */
export function processesOf(copy: StackCopy): { pid: number; cmd: string }[] {
    const marker = `PULUMI_BACKEND_URL=${copy.backendUrl}\0`;
    const found: { pid: number; cmd: string }[] = [];
    for (const entry of readdirSync("/proc")) {
        const pid = Number(entry);
        if (!Number.isInteger(pid) || pid === process.pid) continue;
        try {
            if (!readFileSync(`/proc/${pid}/environ`, "utf8").includes(marker)) continue;
            const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
            found.push({ pid, cmd });
        } catch {
            // Gone meanwhile, or not ours to read.
        }
    }
    return found;
}

/**
 * The operations of a preview's or update's summary that change something, as `--expect-no-changes` counts them: a
 * read (the program's StackReference to its own stack, components/program.ts) changes nothing
 * (pulumi/pulumi@1b59498:pkg/engine/update.go:531-542 leaves out same, read, read-discard and read-replacement).
 */
export function changedOps(summary: Record<string, number | undefined>): string[] {
    const unchanged = new Set(["same", "read", "read-discard", "read-replacement"]);
    return Object.keys(summary).filter((op) => !unchanged.has(op));
}
