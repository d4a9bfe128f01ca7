import { execFileSync } from "child_process";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "fs";
import * as path from "path";
import { scratchDir } from "../fixtures/scratch";

/**
 * A scratch directory with stub executables that record their arguments, so the shell scripts the commands run
 * can be executed for real without a cloud, Ansible or certbot.
 */
export class Sandbox {
    public readonly dir = scratchDir("callysto-script-");
    private readonly bin = path.join(this.dir, "bin");

    constructor(stubs: Record<string, string>) {
        mkdirSync(this.bin);
        for (const [name, body] of Object.entries(stubs)) {
            const file = path.join(this.bin, name);
            writeFileSync(file, `#!/usr/bin/env bash\nset -euo pipefail\n${body}\n`);
            chmodSync(file, 0o755);
        }
    }

    /**
     * Runs `script` with bash, the stubs first on PATH, and `env`; returns stdout. Its stderr is the test's to read
     * (on failure, the error's `stderr`), not the test run's output.
     */
    run(script: string, env: Record<string, string>, args: string[] = []): string {
        return execFileSync("bash", ["-c", script, "script", ...args], {
            env: { PATH: `${this.bin}:/usr/bin:/bin`, CALLS: this.dir, HOME: this.dir, ...env },
            encoding: "utf8",
            stdio: ["ignore", "pipe", "pipe"],
        });
    }

    /** Lines a stub appended to `$CALLS/<name>`. */
    calls(name: string): string[] {
        try {
            return readFileSync(path.join(this.dir, name), "utf8").trim().split("\n");
        } catch {
            return [];
        }
    }
}

/** A stub's line that appends its arguments, one call a line, to `$CALLS/<name>` (see {@link Sandbox.calls}). */
export function recordArgs(name: string): string {
    return `printf '%s\\n' "$*" >> "$CALLS/${name}"`;
}

/** A stub's lines that append the mode and the path of the file `$<variable>` to `$CALLS/<name>-mode` and `-path`. */
export function recordFile(variable: string, name: string): string[] {
    return [
        `stat -c %a "$${variable}" >> "$CALLS/${name}-mode"`,
        `printf '%s\\n' "$${variable}" >> "$CALLS/${name}-path"`,
    ];
}

/**
 * A self-signed certificate for `commonName`, valid `days` more days, as `cert.pem` and `privkey.pem` in `dir` (and
 * DNS `subjectAltName` when given): what the certificate scripts read.
 */
export function selfSignedCertificate(
    dir: string,
    cert: { commonName: string; days: number; subjectAltName?: string },
): void {
    mkdirSync(dir, { recursive: true });
    execFileSync(
        "openssl",
        [
            "req",
            "-x509",
            // A P-256 key: the checks read only names and dates, and an RSA key costs a second to generate.
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            String(cert.days),
            "-subj",
            `/CN=${cert.commonName}`,
            ...(cert.subjectAltName ? ["-addext", `subjectAltName=DNS:${cert.subjectAltName}`] : []),
            "-keyout",
            path.join(dir, "privkey.pem"),
            "-out",
            path.join(dir, "cert.pem"),
        ],
        { stdio: "ignore" },
    );
}
