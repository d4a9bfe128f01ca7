import { hostname } from "os";
import { setTimeout as sleep } from "node:timers/promises";
import { parseFlags, required, runTool } from "../cli/args";
import { EngineUnavailable, automationStack } from "../engine/automation";
import { alive, projectProcesses } from "./processes";
import { RecoveryHost, RecoveryStopped, recover } from "./recover";

// `npm run recover -- --stack <stack> [--kill-plugins]`: the recovery of an interrupted `pulumi up`
// (docs/operate/recovery.md), run in the project directory with the `pulumi` on PATH, logged in as the operator is.

const USAGE = "usage: npm run recover -- --stack <stack> [--kill-plugins]\n";

async function host(stack: string, dir: string): Promise<RecoveryHost> {
    return {
        stack,
        ...(await automationStack(stack, dir)),
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

async function main(): Promise<number> {
    const flags = parseFlags(
        process.argv.slice(2),
        { stack: { type: "string" }, "kill-plugins": { type: "boolean" } },
        USAGE,
    );
    const stack = required(flags.stack, "--stack", USAGE);
    try {
        await recover(await host(stack, process.cwd()), { killPlugins: flags["kill-plugins"] === true });
        return 0;
    } catch (err) {
        if (!(err instanceof RecoveryStopped || err instanceof EngineUnavailable)) throw err;
        process.stderr.write(`recover: ${err.message}\n`);
        return 1;
    }
}

if (require.main === module) runTool("recover", main);
