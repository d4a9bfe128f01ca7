import { CheckResult } from "./model";

// What verify prints: one line per check (outcome, system, check, what it saw, the runbook step), then, when a check
// failed, the runbook steps to take, each once.

function stepText(r: CheckResult): string {
    return `runbook ${r.step.runbook} line ${r.step.lines}: ${r.step.step}`;
}

export function renderResults(stack: string, results: readonly CheckResult[]): string {
    const lines = results.map((r) => `${r.outcome} ${r.system}: ${r.check}: ${r.saw} [${stepText(r)}]`);
    const count = (o: string) => results.filter((r) => r.outcome === o).length;
    lines.push(
        "",
        `verify ${stack}: ${count("PASS")} passed, ${count("FAIL")} failed, ${count("UP")} made by pulumi up, ${count("SKIP")} skipped`,
    );
    const failed = results.filter((r) => r.outcome === "FAIL");
    if (failed.length > 0) {
        lines.push("Runbook steps to take:");
        for (const s of new Set(failed.map((r) => `  ${r.system}: ${stepText(r)}`))) lines.push(s);
    }
    return `${lines.join("\n")}\n`;
}

/** 1 on any failure: the deploy and drift jobs fail on it. */
export function exitCode(results: readonly CheckResult[]): number {
    return results.some((r) => r.outcome === "FAIL") ? 1 : 0;
}
