import { execFileSync } from "child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { fileURLToPath } from "url";
import {
    CommandError,
    ConcurrentUpdateError,
    Deployment,
    EngineEvent,
    LocalWorkspace,
    PulumiCommand,
    Stack,
} from "@pulumi/pulumi/automation";
import { NamedError } from "../cli/args";
import { isGenerated } from "../mocks/fakes";

// The tools' one way to the engine: stack operations and stack configuration on Pulumi's Automation API (recovery,
// drift, adopt), run in the project directory as the operator is logged in. The SDK spawns the CLI and recognises a
// locked stack (ConcurrentUpdateError, the file backend's refusal and the service's 409 alike); its errors become
// PulumiFailure, the one failure the tools read.

/** A stack operation the engine refused: its exit code and what it printed; `locked` when the stack was locked. */
export class PulumiFailure extends NamedError {
    constructor(
        readonly code: number,
        readonly output: string,
        readonly locked: boolean,
    ) {
        super(`pulumi exited ${code}`);
    }
}

/** The engine cannot be reached for the stack (no CLI, no such stack): what happened and what to do. */
export class EngineUnavailable extends NamedError {}

/** A lock of a file backend, as its lock file records it. */
export interface LockHolder {
    url: string;
    user: string;
    host: string;
    pid: number;
    time: string;
}

export interface StackOperations {
    /** The stack's state (`pulumi stack export`: secrets stay encrypted). */
    exportState(): Promise<Deployment>;
    /** Removes the stack's lock (`pulumi cancel`). */
    cancel(): Promise<void>;
    refresh(options: { clearPendingCreates: boolean }): Promise<void>;
    /** An up; with `adoptOn`, `clusters.<cluster>.adoptExisting` is true for this run only, the stack file unchanged. */
    up(adoptOn: readonly string[]): Promise<void>;
    /** `preview --expect-no-changes`: throws when the stack would change. */
    previewNoChanges(): Promise<void>;
    /** The locks of a file backend, read where the CLI keeps them; undefined for a backend they cannot be read on. */
    locks(): Promise<LockHolder[] | undefined>;
    /**
     * The engine's events of `pulumi preview --refresh` (nothing written: the refresh stays in the preview), and the
     * failure when the preview did not complete (its events up to there are kept). `exclude`: URNs (globs) left
     * out, as `pulumi preview --exclude` (Callysto's resources, reachable only from clavius).
     */
    previewRefreshed(exclude?: readonly string[]): Promise<{ events: EngineEvent[]; failure?: string }>;
}

/**
 * What the SDK's CommandError carries (typed private in its declarations, public at run time). A CLI that exits
 * non-zero reaches it as execa's error in `err` (the SDK rewraps it with code -2 and execa's message as stderr), so the
 * exit code and output are read from there first.
 */
interface CommandResultFields {
    code: number;
    stdout: string;
    stderr: string;
    err?: { exitCode?: number; stdout?: string; stderr?: string };
}

function failure(err: CommandError): PulumiFailure {
    const r = (err as unknown as { commandResult: CommandResultFields }).commandResult;
    return new PulumiFailure(
        r.err?.exitCode ?? r.code,
        `${r.err?.stdout ?? r.stdout}\n${r.err?.stderr ?? r.stderr}`,
        err instanceof ConcurrentUpdateError,
    );
}

async function engine<T>(op: () => Promise<T>): Promise<T> {
    try {
        return await op();
    } catch (err) {
        throw err instanceof CommandError ? failure(err) : err;
    }
}

/** The workspace of the project in `dir`, or EngineUnavailable when the CLI cannot be run. */
async function workspaceIn(dir: string, pulumiCommand?: PulumiCommand): Promise<LocalWorkspace> {
    try {
        return await LocalWorkspace.create({ workDir: dir, pulumiCommand });
    } catch (err) {
        throw new EngineUnavailable(
            `cannot run pulumi: ${(err as Error).message.trim()} (is the Pulumi CLI on PATH?)`,
        );
    }
}

/**
 * The stack `stack` of the project in `dir`. `pulumiCommand` is the CLI the SDK runs (the `pulumi` on PATH unless
 * given: tests give a stand-in).
 */
export async function automationStack(
    stack: string,
    dir: string,
    pulumiCommand?: PulumiCommand,
): Promise<StackOperations> {
    const workspace = await workspaceIn(dir, pulumiCommand);
    let selected: Stack;
    try {
        selected = await Stack.select(stack, workspace);
    } catch (err) {
        if (!(err instanceof CommandError)) throw err;
        throw new EngineUnavailable(`cannot select stack ${stack}:\n${failure(err).output.trim()}`);
    }
    return {
        exportState: () => engine(() => selected.exportStack()),
        cancel: () => engine(() => selected.cancel()),
        refresh: async ({ clearPendingCreates }) => {
            await engine(() => selected.refresh({ clearPendingCreates }));
        },
        up: (adoptOn) =>
            withAdoption(workspace, stack, adoptOn, async (configFile) => {
                await engine(() => selected.up(configFile ? { configFile } : {}));
            }),
        previewRefreshed: async (exclude = []) => {
            const events: EngineEvent[] = [];
            try {
                await engine(() =>
                    selected.preview({
                        refresh: true,
                        onEvent: (e) => events.push(e),
                        ...(exclude.length > 0 ? { exclude: [...exclude] } : {}),
                    }),
                );
                return { events };
            } catch (err) {
                if (!(err instanceof PulumiFailure)) throw err;
                return { events, failure: err.output.trim().split("\n").slice(-5).join("\n") };
            }
        },
        previewNoChanges: async () => {
            await engine(() => selected.preview({ expectNoChanges: true }));
        },
        locks: async () => {
            let url: string | undefined;
            try {
                url = (await workspace.whoAmI()).url;
            } catch {
                return undefined;
            }
            const project = (await workspace.projectSettings()).name;
            return url === undefined ? undefined : fileBackendLocks(url, project, stack);
        },
    };
}

/**
 * The value of a configuration key of the stack `stack` of the project in `dir`, decrypted (`pulumi config get`), for
 * the caller to hold in memory only. The engine's refusal (no such key, no passphrase) is a PulumiFailure.
 */
export async function configValue(stack: string, dir: string, key: string): Promise<string> {
    const workspace = await workspaceIn(dir);
    return (await engine(() => workspace.getConfig(stack, key))).value;
}

/**
 * The result of a password the stack generated (@pulumi/random), by the resource's name, decrypted from its state
 * (`pulumi stack export --show-secrets`: the SDK's export keeps secrets encrypted) for the caller to hold in memory
 * only. A throw-away environment's stand-in secrets exist nowhere else.
 */
export async function generatedValue(stack: string, dir: string, name: string): Promise<string> {
    const workspace = await workspaceIn(dir);
    let out: string;
    try {
        out = execFileSync(
            workspace.pulumiCommand.command,
            ["stack", "export", "--show-secrets", "--stack", stack],
            { cwd: dir, env: { ...process.env, ...workspace.envVars }, stdio: ["ignore", "pipe", "pipe"] },
        ).toString("utf8");
    } catch (err) {
        const e = err as { status?: number; stderr?: Buffer };
        throw new PulumiFailure(e.status ?? 1, e.stderr?.toString("utf8") ?? "", false);
    }
    const value = generatedInState(JSON.parse(out), name);
    if (value === undefined)
        throw new PulumiFailure(1, `no generated ${name} in the state of ${stack}`, false);
    return value;
}

/**
 * The result of the generated password `name` in a state exported with `--show-secrets`, where a secret output is
 * `{<signature>, plaintext: "<its JSON>"}`.
 */
export function generatedInState(exported: unknown, name: string): string | undefined {
    const resources =
        (
            exported as {
                deployment?: { resources?: { type: string; urn: string; outputs?: { result?: unknown } }[] };
            }
        ).deployment?.resources ?? [];
    const found = resources.find((r) => isGenerated(r.type) && r.urn.endsWith(`::${name}`));
    const result = found?.outputs?.result as string | { plaintext?: string } | undefined;
    const value =
        typeof result === "object" && result?.plaintext ? (JSON.parse(result.plaintext) as unknown) : result;
    return typeof value === "string" ? value : undefined;
}

/**
 * Runs `body` with the path of a copy of the stack file that has `clusters.<cluster>.adoptExisting: true` for each of
 * `clusters` (none: no copy, undefined). The copy is set through the Automation API's own config call on a workspace
 * of its own, so the committed stack file is never written, and removed afterwards.
 */
async function withAdoption(
    project: LocalWorkspace,
    stack: string,
    clusters: readonly string[],
    body: (configFile: string | undefined) => Promise<void>,
): Promise<void> {
    if (clusters.length === 0) return body(undefined);
    const copy = mkdtempSync(path.join(tmpdir(), "recover-adoption-"));
    try {
        const stackFile = `Pulumi.${stack.split("/").pop()}.yaml`;
        copyFileSync(path.join(project.workDir, "Pulumi.yaml"), path.join(copy, "Pulumi.yaml"));
        if (existsSync(path.join(project.workDir, stackFile)))
            copyFileSync(path.join(project.workDir, stackFile), path.join(copy, stackFile));
        const workspace = await LocalWorkspace.create({
            workDir: copy,
            pulumiCommand: project.pulumiCommand,
        });
        for (const c of clusters) {
            await engine(() =>
                workspace.setConfig(stack, `clusters.${c}.adoptExisting`, { value: "true" }, true),
            );
        }
        await body(path.join(copy, stackFile));
    } finally {
        rmSync(copy, { recursive: true, force: true });
    }
}

/**
 * The locks of a file backend (`pulumi login file://...`, the `url` of `pulumi whoami`), where the CLI keeps them:
 * `.pulumi/locks/` below the backend directory, per project and stack (and the older layout without a project).
 * Other backends keep locks where only their own API reads them: undefined.
 */
export function fileBackendLocks(url: string, project: string, stack: string): LockHolder[] | undefined {
    if (!url.startsWith("file://")) return undefined;
    const root = fileURLToPath(url.replace(/^file:\/\/~/, `file://${process.env.HOME ?? ""}`));
    const name = stack.split("/").pop()!;
    const dirs = [
        path.join(root, ".pulumi", "locks", "organization", project, name),
        path.join(root, ".pulumi", "locks", name),
    ];
    return dirs.flatMap((d) =>
        existsSync(d)
            ? readdirSync(d)
                  .filter((f) => f.endsWith(".json"))
                  .map((f) => {
                      const l = JSON.parse(readFileSync(path.join(d, f), "utf8")) as {
                          pid: number;
                          username: string;
                          hostname: string;
                          timestamp: string;
                      };
                      return {
                          url: path.join(d, f),
                          user: l.username,
                          host: l.hostname,
                          pid: l.pid,
                          time: l.timestamp,
                      };
                  })
            : [],
    );
}
