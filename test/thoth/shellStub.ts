import { execFileSync } from "child_process";
import { chmodSync, readFileSync, writeFileSync } from "fs";
import * as path from "path";
import { scratchDir } from "../fixtures/scratch";

/**
 * Runs a script (bash unless `shell` says otherwise: `/bin/sh` is dash here, a POSIX shell) with stand-in commands
 * first on PATH; each stub appends its arguments (one line per call, NUL-separated) to a log and exits with the status
 * the stub's body chooses. Returns the calls and exit code.
 */
export function runWithStubs(
    script: string,
    stubs: Record<string, string>,
    env: Record<string, string> = {},
    shell = "/bin/bash",
): { calls: string[][]; status: number } {
    const dir = scratchDir("thoth-stub-");
    const log = path.join(dir, "calls.log");
    writeFileSync(log, "");
    for (const [name, body] of Object.entries(stubs)) {
        const file = path.join(dir, name);
        writeFileSync(
            file,
            `#!/bin/bash\nprintf '%s\\0' "${name}" "$@" >> "${log}"\nprintf '\\n' >> "${log}"\n${body}\n`,
        );
        chmodSync(file, 0o755);
    }
    let status = 0;
    try {
        execFileSync(shell, ["-c", script], {
            env: { PATH: `${dir}:/usr/bin:/bin`, ...env },
            stdio: ["ignore", "pipe", "pipe"],
        });
    } catch (err) {
        status = (err as { status: number }).status;
    }
    const calls = readFileSync(log, "utf8")
        .split("\n")
        .filter((line) => line !== "")
        .map((line) => line.split("\0").filter((a) => a !== ""));
    return { calls, status };
}
