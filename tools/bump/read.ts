import { execFileSync } from "child_process";
import { existsSync, readFileSync, readdirSync } from "fs";
import * as path from "path";
import { parseAllDocuments } from "yaml";
import { ContainerView, containerVerdict } from "../../components/shared/evidence/check";
import { EVIDENCE_ROOT, parseEvidence, readEvidence } from "../../components/shared/evidence/load";
import { evidenceFor } from "../../components/shared/evidence/lookup";
import type { ImageEvidence, NamedFact, ReadFacts } from "../../components/shared/evidence/schema";
import { parseFlags } from "../cli/args";
import { plannedContainers } from "../evidence/replay";
import { isObj } from "../../policy/rules/types";
import type { PlanResource } from "../plan/render";
import { repoRoot } from "../root";

// `npm run bump:read -- --base <rev>` (issue 82, part 4): a pull request that changes a pinned image release shows,
// per container of the committed plans (plans/<stack>/kubernetes/*.yaml at the base and in the working tree), what
// the new release changes in what the program gives it, from the two releases' evidence (the base's evidence for the
// old release, the working tree's for the new), and fails where the container still gets what the new release no
// longer reads, or lacks what it requires: the evidence's own container rule (components/shared/evidence/check.ts).

export interface Planned {
    where: string;
    view: ContainerView;
}

/**
 * Every container of one committed manifest file, as the evidence replay sees it (tools/evidence/replay.ts: env and
 * envFrom keys, args, ports, probes, the files its volumes place): the file's objects read as one cluster's plan.
 */
export function containersOf(stack: string, text: string, cluster = "cluster"): Planned[] {
    const resources: PlanResource[] = parseAllDocuments(text)
        .map((d) => d.toJS() as unknown)
        .filter(isObj)
        .map((o) => {
            const apiVersion = String(o.apiVersion ?? "");
            const group = apiVersion.includes("/") ? apiVersion : `core/${apiVersion}`;
            const meta = isObj(o.metadata) ? o.metadata : {};
            return {
                urn: "",
                type: `kubernetes:${group}:${String(o.kind)}`,
                name: String(meta.name ?? ""),
                parent: "",
                provider: cluster,
                // The replay names a container `<system> <Kind> <namespace>/<name> <container>`: here, the stack.
                system: stack,
                protect: false,
                retainOnDelete: false,
                ignoreChanges: [],
                inputs: o,
            };
        });
    return plannedContainers(resources).map((c) => ({ where: c.where, view: c.view }));
}

const git = (args: string[]): string =>
    execFileSync("git", args, { cwd: repoRoot(), encoding: "utf8", maxBuffer: 1 << 28 });

/** A file at a revision, or undefined where it is not there. */
function atRevision(rev: string, file: string): string | undefined {
    try {
        return git(["show", `${rev}:${file}`]);
    } catch {
        return undefined;
    }
}

/** Every evidence entry at a revision (its facts/evidence files read with the program's parser). */
function evidenceAt(rev: string): ImageEvidence[] {
    const files = git(["ls-tree", "-r", "--name-only", rev, EVIDENCE_ROOT])
        .split("\n")
        .filter((f) => f.endsWith(".yaml"));
    return files.flatMap((f) => parseEvidence(f, atRevision(rev, f) ?? ""));
}

const byName = (facts: readonly NamedFact[]) => new Map(facts.map((f) => [f.name, f]));
const place = (at: string) => at.replace(/@[0-9a-f]+:/, ":");

/** What the new release changes against the old, in the flags, variables, files, ports and probes an image has. */
export function factChanges(old: ReadFacts, now: ReadFacts): string[] {
    const out: string[] = [];
    const compare = (kind: string, a: Map<string, NamedFact>, b: Map<string, NamedFact>) => {
        const gone = [...a.values()].filter((f) => !b.has(f.name));
        const added = [...b.values()].filter((f) => !a.has(f.name));
        for (const g of gone) {
            // Read at the same place in the source under another name: a rename.
            const r = added.find((n) => place(n.at) === place(g.at));
            if (r) {
                added.splice(added.indexOf(r), 1);
                out.push(`${kind} ${g.name} renamed ${r.name} (${r.at})`);
            } else out.push(`${kind} ${g.name} removed (${g.at} no longer reads it)`);
        }
        for (const n of added)
            out.push(`${kind} ${n.name} ${n.required ? "newly required" : "new"} (${n.at})`);
        for (const n of b.values()) {
            const o = a.get(n.name);
            if (o && !o.required && n.required) out.push(`${kind} ${n.name} now required (${n.at})`);
            if (o && o.default !== n.default)
                out.push(
                    `${kind} ${n.name} default ${JSON.stringify(o.default)} → ${JSON.stringify(n.default)}`,
                );
        }
    };
    const flags = (f: ReadFacts) => byName(f.flags === "none" ? [] : f.flags);
    compare("flag", flags(old), flags(now));
    compare("variable", byName(old.env), byName(now.env));
    compare("path", byName(old.files), byName(now.files));
    const ports = (f: ReadFacts) =>
        new Map(
            f.listens.map((l) => [l.port, `${l.port}${l.health ? ` probes ${l.health.join(",")}` : ""}`]),
        );
    const [op, np] = [ports(old), ports(now)];
    for (const [p, s] of op) if (np.get(p) !== s) out.push(`port ${s} → ${np.get(p) ?? "gone"}`);
    for (const [p, s] of np) if (!op.has(p)) out.push(`port ${s} new`);
    return out;
}

export interface BumpReport {
    lines: string[];
    failed: boolean;
}

/** One bumped container: what its new release changes, and what the program still gives it wrongly (FAIL lines). */
export function containerReport(
    c: Planned,
    was: string,
    oldTable: readonly ImageEvidence[],
    newTable: readonly ImageEvidence[],
): BumpReport {
    const lines = [`${c.where}: ${was} → ${c.view.image}`];
    const o = evidenceFor(oldTable, was).entry;
    const n = evidenceFor(newTable, c.view.image).entry;
    if (o?.facts.state === "read" && n?.facts.state === "read")
        lines.push(...factChanges(o.facts, n.facts).map((l) => `  ${l}`));
    else lines.push(`  (no read evidence of ${o ? "the new" : "the old"} release to compare)`);
    const verdict = containerVerdict(newTable, c.view);
    const problems = verdict.state === "unread" ? [] : verdict.mismatches;
    // Each failure names the source the new release's evidence was read at.
    const source = n ? ` [read at ${n.source.repo}@${n.source.commit.slice(0, 10)}]` : "";
    lines.push(...problems.map((m) => `  FAIL ${c.where}: ${m}${source}`));
    return { lines, failed: problems.length > 0 };
}

/** Reads every pin change between `base` and the working tree. */
export function readBump(base: string): BumpReport {
    const root = repoRoot();
    const stacks = readdirSync(path.join(root, "plans")).filter((s) =>
        existsSync(path.join(root, "plans", s, "kubernetes")),
    );
    const oldTable = evidenceAt(base);
    const newTable = readdirSync(path.join(root, EVIDENCE_ROOT)).flatMap((d) =>
        readEvidence(path.join(root, EVIDENCE_ROOT, d)),
    );
    const lines: string[] = [];
    let failed = false;
    for (const stack of stacks) {
        const dir = path.join("plans", stack, "kubernetes");
        for (const file of readdirSync(path.join(root, dir))) {
            const rel = `${dir}/${file}`;
            const before = new Map(
                containersOf(stack, atRevision(base, rel) ?? "", file).map((c) => [c.where, c.view.image]),
            );
            for (const c of containersOf(stack, readFileSync(path.join(root, rel), "utf8"), file)) {
                const was = before.get(c.where);
                if (was === undefined || was === c.view.image) continue;
                const one = containerReport(c, was, oldTable, newTable);
                lines.push(...one.lines);
                failed ||= one.failed;
            }
        }
    }
    if (lines.length === 0) lines.push(`no container's pinned release changes since ${base}`);
    return { lines, failed };
}

function defaultBase(): string {
    try {
        return git(["merge-base", "origin/main", "HEAD"]).trim();
    } catch {
        return "main";
    }
}

if (require.main === module) {
    const flags = parseFlags(
        process.argv.slice(2),
        { base: { type: "string" } },
        "usage: npm run bump:read -- [--base <rev>] (default: git merge-base origin/main HEAD)",
    );
    const report = readBump(flags.base ?? defaultBase());
    process.stdout.write(`${report.lines.join("\n")}\n`);
    process.exitCode = report.failed ? 1 : 0;
}
