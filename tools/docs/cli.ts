import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { CommandResult, crashText, parseFlags, printResult, usageResult } from "../cli/args";
import { runbookTables } from "../conformance/load";
import { STACKS, Stack } from "../conformance/schema";
import { repoRoot } from "../root";
import { CONFIG_KEYS_PAGE, configKeysPage } from "./configuration";
import { STACK_SCHEMA_FILE, stackFileSchema, stackSchemaText } from "./stackSchema";
import { committedSecrets, secretKeysList, secretsPage } from "./secrets";
import {
    PrintedPlan,
    SYSTEM_PAGES_DIR,
    SYSTEM_PAGE_MARKER,
    planFacts,
    systemPage,
    systemPagePath,
} from "./systems";

const USAGE = "usage: npm run docs [-- --check]";

/** A repository file's text, or undefined when there is none. */
export function repoFileReader(root: string): (relative: string) => string | undefined {
    return (relative) => {
        const file = path.join(root, relative);
        return existsSync(file) ? readFileSync(file, "utf8") : undefined;
    };
}

/** A generated file: what it holds now (undefined: none) and what it should hold (undefined: it should go). */
export interface DocFile {
    file: string;
    current?: string;
    generated?: string;
}

/** Every committed stack's plan as `npm run plan` prints and writes it, made in this process. */
export async function committedPlans(root: string): Promise<Record<Stack, PrintedPlan>> {
    const { planCommand } = await import("../plan/cli");
    const { withQuietStacks } = await import("../plan/stacks");
    const tmp = mkdtempSync(path.join(tmpdir(), "docs-plans-"));
    try {
        const plans: Partial<Record<Stack, PrintedPlan>> = {};
        for (const stack of STACKS) {
            const out = path.join(tmp, stack);
            const run = await withQuietStacks(() => planCommand(["--stack", stack, "--out", out], root));
            if (run.code !== 0) throw new Error(`the plan of ${stack} failed:\n${run.stderr}`);
            const files = Object.fromEntries(
                ["resources.json", "notices.txt"].map((f) => [f, readFileSync(path.join(out, f), "utf8")]),
            );
            plans[stack] = { summary: run.stdout, files };
        }
        return plans as Record<Stack, PrintedPlan>;
    } finally {
        rmSync(tmp, { recursive: true, force: true });
    }
}

/**
 * Every file `npm run docs` owns in `root`: the secrets table's page, the stack file's JSON Schema, the configuration
 * keys' page, a page per runbook table, and the generated pages whose table is gone (to remove). The plans are made
 * only when a table needs them.
 */
export async function generatedDocs(
    root: string,
    plans: () => Promise<Record<Stack, PrintedPlan>> = () => committedPlans(root),
): Promise<DocFile[]> {
    const read = repoFileReader(root);
    const secrets = committedSecrets(root);
    const schema = stackFileSchema();
    const docs: DocFile[] = [
        secretsPage(root, secrets),
        // Like the tables, from this checkout's schemas whatever `root` is.
        { file: STACK_SCHEMA_FILE, current: read(STACK_SCHEMA_FILE), generated: stackSchemaText(schema) },
        { file: CONFIG_KEYS_PAGE, current: read(CONFIG_KEYS_PAGE), generated: configKeysPage(schema) },
    ];
    // This checkout's facts whatever `root` is: a copy the pages are checked in need not hold facts/.
    const tables = runbookTables();
    if (tables.length > 0) {
        const printed = await plans();
        const facts = { stage: planFacts(printed.stage), prod: planFacts(printed.prod) };
        for (const table of tables) {
            const file = systemPagePath(table);
            const generated = systemPage(table, facts, (keep) => secretKeysList(secrets, keep));
            docs.push({ file, current: read(file), generated });
        }
    }
    const dir = path.join(root, SYSTEM_PAGES_DIR);
    for (const name of existsSync(dir) ? readdirSync(dir).sort() : []) {
        const file = `${SYSTEM_PAGES_DIR}/${name}`;
        const current = read(file);
        if (docs.some((d) => d.file === file) || !current?.startsWith(SYSTEM_PAGE_MARKER)) continue;
        docs.push({ file, current });
    }
    return docs;
}

/** The files whose text is not what the generator makes. */
export function outOfDate(docs: readonly DocFile[]): DocFile[] {
    return docs.filter((d) => d.current !== d.generated);
}

/** Writes (or removes) each out-of-date file; one line per file says what happened. */
export function writeDocs(root: string, docs: readonly DocFile[]): string[] {
    return docs.map((d) => {
        const target = path.join(root, d.file);
        if (d.current === d.generated) return `${d.file} unchanged (already up to date)`;
        if (d.generated === undefined) {
            rmSync(target);
            return `${d.file} removed (its runbook table is gone)`;
        }
        mkdirSync(path.dirname(target), { recursive: true });
        writeFileSync(target, d.generated);
        return `${d.file} ${d.current === undefined ? "written" : "updated"}`;
    });
}

/** `npm run docs`: regenerates the generated docs; with `--check`, writes nothing and fails when one is stale. */
export async function docsCommand(
    argv: string[],
    root = repoRoot(),
    plans?: () => Promise<Record<Stack, PrintedPlan>>,
): Promise<CommandResult> {
    let check: boolean;
    try {
        check = parseFlags(argv, { check: { type: "boolean" } }, USAGE).check === true;
    } catch (err) {
        return usageResult(err);
    }
    const docs = await generatedDocs(root, plans);
    if (!check) return { code: 0, stdout: `${writeDocs(root, docs).join("\n")}\n`, stderr: "" };
    const stale = outOfDate(docs);
    if (stale.length === 0)
        return { code: 0, stdout: `generated docs are up to date (${docs.length} files)\n`, stderr: "" };
    return {
        code: 1,
        stdout: "",
        stderr: `${stale.map((d) => `${d.file} is out of date`).join("\n")}\nrun \`npm run docs\` and commit the result\n`,
    };
}

if (require.main === module) {
    docsCommand(process.argv.slice(2))
        .then((r) => process.exit(printResult(r)))
        .catch((err: unknown) => {
            process.stderr.write(`docs failed: ${crashText(err)}\n`);
            process.exit(1);
        });
}
