// `npm run kube-score [-- --stack <stack> ...] [--kube-score <binary>]`: kube-score over the Kubernetes manifests of
// the offline plans (out/plan/<stack>/kubernetes/*.yaml, written by `npm run plan -- --stack <stack>`), with the
// skips of facts/kubescore/skips.yaml. Prints the findings and their count per check; exit 0 = none, 1 = findings or no plan,
// 2 = a command line it cannot read. Both committed stacks unless --stack is given.
import { spawnSync } from "child_process";
import { existsSync, readdirSync } from "fs";
import * as path from "path";
import { CommandResult, parseFlags, printResult, usageResult } from "../cli/args";
import { STACKS } from "../conformance/schema";
import { repoRoot } from "../root";
import { countByCheck, findingsOf } from "./findings";
import { KUBE_SCORE_FLAGS, KUBE_SCORE_SKIPS } from "./skips";

const USAGE = "usage: npm run kube-score -- [--stack <stack> ...] [--kube-score <binary>]";

/** The kube-score arguments: score the files as JSON with every skip and flag of facts/kubescore/skips.yaml. */
export function kubeScoreArgs(files: readonly string[]): string[] {
    return [
        "score",
        "--output-format",
        "json",
        // A partial skip (`only`) keeps the check running: its other findings still count (findingsOf).
        ...KUBE_SCORE_SKIPS.filter((s) => !s.only).flatMap((s) => ["--ignore-test", s.check]),
        ...KUBE_SCORE_FLAGS,
        ...files,
    ];
}

/** The command, callable in-process: what it prints and its exit code, for the checkout in `cwd`. */
export function kubeScoreCommand(argv: string[], cwd = repoRoot()): CommandResult {
    let stacks: string[];
    let binary: string;
    try {
        const values = parseFlags(
            argv,
            { stack: { type: "string", multiple: true }, "kube-score": { type: "string" } },
            USAGE,
        );
        stacks = values.stack?.length ? values.stack : [...STACKS];
        binary = values["kube-score"] ?? process.env.KUBE_SCORE ?? "kube-score";
    } catch (err) {
        return usageResult(err);
    }
    let stdout = "";
    let stderr = "";
    let failed = false;
    for (const stack of stacks) {
        const dir = path.join(cwd, "out", "plan", stack, "kubernetes");
        if (!existsSync(dir)) {
            stderr += `stack ${stack}: no plan in ${dir}; run npm run plan -- --stack ${stack} first\n`;
            failed = true;
            continue;
        }
        const files = readdirSync(dir)
            .filter((f) => f.endsWith(".yaml"))
            .sort()
            .map((f) => path.join(dir, f));
        const run = spawnSync(binary, kubeScoreArgs(files), {
            encoding: "utf8",
            maxBuffer: 256 * 1024 * 1024,
        });
        if (run.error || !run.stdout.trim().startsWith("[")) {
            stderr += `stack ${stack}: kube-score (${binary}) did not run: ${run.error?.message ?? run.stderr.trim()}\n`;
            failed = true;
            continue;
        }
        const findings = findingsOf(run.stdout);
        for (const f of findings) stdout += `[${f.check}] ${f.object}: ${f.message}\n`;
        const counts = Object.entries(countByCheck(findings))
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([check, n]) => `${check} ${n}`);
        stdout += `stack ${stack}: ${files.length} manifests, ${findings.length} kube-score findings${counts.length ? ` (${counts.join(", ")})` : ""}\n`;
        if (findings.length > 0) failed = true;
    }
    return { code: failed ? 1 : 0, stdout, stderr };
}

if (require.main === module) process.exitCode = printResult(kubeScoreCommand(process.argv.slice(2)));
