import { CASES, Verdict, faultsOf } from "./battery";

// Counts the battery's cases by verdict (clean / wrong fix / accepted / crash / false alarm), the table issue #25
// asks for before and after a change: `npx ts-node --transpile-only test/config/verdicts.ts [--verbose]`.

const counts: Record<Verdict, number> = { clean: 0, "wrong fix": 0, accepted: 0, crash: 0, "false alarm": 0 };
for (const c of CASES) {
    const { verdict, faults } = faultsOf(c);
    counts[verdict]++;
    if (verdict !== "clean" && process.argv.includes("--verbose")) {
        console.log(
            `${verdict}: ${c.name}${c.pending ? ` (pending: ${c.pending})` : ""}\n    ${faults.join("\n    ").slice(0, 600)}`,
        );
    }
}
console.log(`| verdict | cases |\n|---|---|`);
for (const [verdict, n] of Object.entries(counts)) console.log(`| ${verdict} | ${n} |`);
console.log(`| total | ${CASES.length} |`);
