import { spawnSync } from "child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "fs";
import { hostname, tmpdir } from "os";
import * as path from "path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "url";
import { parse } from "yaml";
import { parseFlags, required, runTool } from "../cli/args";
import { alive, projectProcesses } from "./processes";
import { CliResult, RecoveryHost, RecoveryStopped, recover } from "./recover";
import { ExportedState, LockHolder } from "./state";

// `npm run recover -- --stack <stack> [--kill-plugins]`: the recovery of an interrupted `pulumi up`
// (docs/operate/recovery.md), run in the project directory with the `pulumi` on PATH, logged in as the operator is.

const USAGE = "usage: npm run recover -- --stack <stack> [--kill-plugins]\n";

function cliHost(stack: string, dir: string): RecoveryHost {
    const run = (args: string[]): CliResult => {
        const r = spawnSync("pulumi", ["--non-interactive", ...args], {
            cwd: dir,
            encoding: "utf8",
            maxBuffer: 256 * 1024 * 1024,
        });
        if (r.error)
            throw new RecoveryStopped(`cannot run pulumi: ${r.error.message} (is the Pulumi CLI on PATH?)`);
        return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
    };
    const pulumi = (args: string[]): CliResult => run([...args, "--stack", stack]);
    return {
        stack,
        pulumi,
        exportState: () => {
            // Secrets stay encrypted: the export is read for its pending operations only, then deleted.
            const tmp = mkdtempSync(path.join(tmpdir(), "recover-"));
            try {
                const file = path.join(tmp, "state.json");
                const r = pulumi(["stack", "export", "--file", file]);
                if (r.code !== 0)
                    throw new RecoveryStopped(`pulumi stack export failed:\n${r.stderr.trim()}`);
                return JSON.parse(readFileSync(file, "utf8")) as ExportedState;
            } finally {
                rmSync(tmp, { recursive: true, force: true });
            }
        },
        // whoami takes no --stack: the backend is the login's (or PULUMI_BACKEND_URL's), for every stack.
        locks: () => fileBackendLocks(run, dir, stack),
        processes: () => projectProcesses(dir),
        end: async (pids) => {
            for (const pid of pids) {
                try {
                    process.kill(pid, "SIGTERM");
                } catch {
                    // already gone
                }
            }
            for (let i = 0; i < 20 && pids.some(alive); i++) await sleep(500);
            return projectProcesses(dir).orphans.filter((p) => pids.includes(p.pid));
        },
        hostname: hostname(),
        alive,
        print: (line) => process.stdout.write(`recover: ${line}\n`),
    };
}

/**
 * The locks of a file backend (`pulumi login file://...`), where the CLI keeps them: `.pulumi/locks/` below the
 * backend directory, per project and stack (and the older layout without a project). Other backends keep locks
 * where only their own API reads them: undefined.
 */
function fileBackendLocks(
    run: (args: string[]) => CliResult,
    dir: string,
    stack: string,
): LockHolder[] | undefined {
    const who = run(["whoami", "--json"]);
    if (who.code !== 0) return undefined;
    const url = (JSON.parse(who.stdout) as { url?: string }).url ?? "";
    if (!url.startsWith("file://")) return undefined;
    const root = fileURLToPath(url.replace(/^file:\/\/~/, `file://${process.env.HOME ?? ""}`));
    const project = String(
        (parse(readFileSync(path.join(dir, "Pulumi.yaml"), "utf8")) as { name?: string }).name,
    );
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

async function main(): Promise<number> {
    const flags = parseFlags(
        process.argv.slice(2),
        { stack: { type: "string" }, "kill-plugins": { type: "boolean" } },
        USAGE,
    );
    const stack = required(flags.stack, "--stack", USAGE);
    try {
        await recover(cliHost(stack, process.cwd()), { killPlugins: flags["kill-plugins"] === true });
        return 0;
    } catch (err) {
        if (!(err instanceof RecoveryStopped)) throw err;
        process.stderr.write(`recover: ${err.message}\n`);
        return 1;
    }
}

if (require.main === module) runTool("recover", main);
