import { createHash } from "crypto";
import { Dirent, existsSync, readFileSync, readdirSync, statSync, writeFileSync } from "fs";
import * as path from "path";
import { isCompiled, repoRoot } from "./repoRoot";

// `Pulumi.yaml` runs the compiled program (dist/index.js), so an operator who edits the TypeScript and runs
// `pulumi up` without `npm run build` would deploy whatever dist/ holds. The build records a digest of the sources it
// compiled; the compiled program and the offline plan recompute it from the checkout and refuse when they differ.

/**
 * What dist/index.js is made of: the program's sources (index.ts loads components/ only, nothing
 * of tools/ or policy/), the data they read at run time (facts/: an edited fact plans differently, and a copy of the
 * program without it cannot check its images), plus what changes tsc's output for the same sources (compiler
 * options, locked type packages).
 */
export const PROGRAM_SOURCES = [
    "index.ts",
    "components",
    // Data the program reads at run time (facts/evidence, facts/trees).
    "facts",
    "tsconfig.json",
    "tsconfig.build.json",
    "package-lock.json",
] as const;

/** The build's record of what it compiled, beside the compiled program. */
export const BUILD_INFO = path.join("dist", "build-info.json");

export interface BuildInfo {
    /** sha256 of {@link PROGRAM_SOURCES} as the build read them. */
    sources: string;
}

/** The one line a stale dist/ prints; the fix is the build, nothing else. */
export const STALE_MESSAGE = "dist/ was built from other sources than this checkout: run `npm run build`";

/**
 * sha256 over `sources` (files and folders) of the checkout at `root` (relative path and content of every file, in
 * path order), or undefined when the checkout holds none of them: a packaged dist/ without its sources.
 */
export function sourceDigest(root: string, sources: readonly string[] = PROGRAM_SOURCES): string | undefined {
    const hash = createHash("sha256");
    let found = false;
    const addFile = (rel: string): void => {
        found = true;
        hash.update(`${rel}\0`)
            .update(readFileSync(path.join(root, rel)))
            .update("\0");
    };
    const addDir = (rel: string): void => {
        const entries: Dirent[] = readdirSync(path.join(root, rel), { withFileTypes: true });
        for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
            const child = path.posix.join(rel, entry.name);
            if (entry.isDirectory()) addDir(child);
            else if (entry.isFile()) addFile(child);
        }
    };
    for (const rel of sources) {
        const file = path.join(root, rel);
        if (!existsSync(file)) continue;
        if (statSync(file).isDirectory()) addDir(rel);
        else addFile(rel);
    }
    return found ? hash.digest("hex") : undefined;
}

/** Writes {@link BUILD_INFO} for the sources of `root` (the last step of `npm run build`, after tsc succeeded). */
export function writeBuildInfo(root: string): BuildInfo {
    const info: BuildInfo = { sources: sourceDigest(root) ?? "" };
    writeFileSync(path.join(root, BUILD_INFO), `${JSON.stringify(info, undefined, 2)}\n`);
    return info;
}

/**
 * Why the compiled program in `root`/dist must not run, or undefined when it may: it was built from the sources of
 * this checkout. A checkout without sources (a packaged dist/) runs what it holds: there is nothing to be stale
 * against. A dist/ without the record (compiled by plain tsc, or a build that failed after the record was removed)
 * cannot prove it is current, so it is refused like a stale one.
 */
export function staleBuild(root: string): string | undefined {
    const current = sourceDigest(root);
    if (current === undefined) return undefined;
    let recorded: string | undefined;
    try {
        recorded = (JSON.parse(readFileSync(path.join(root, BUILD_INFO), "utf8")) as Partial<BuildInfo>)
            .sources;
    } catch {
        recorded = undefined;
    }
    return recorded === current ? undefined : STALE_MESSAGE;
}

/** The user's to fix with one command: the tools print only its message (no stack trace). */
export class StaleBuildError extends Error {
    override name = "StaleBuildError";
}

let runningVerdict: { stale: string | undefined } | undefined;

/**
 * Why this process's compiled code must not run ({@link staleBuild} of its checkout), or undefined when it may or
 * when it runs the TypeScript itself (ts-node: nothing compiled to be stale).
 */
export function staleRunningBuild(): string | undefined {
    // One verdict per process: the plan CLI asks before touching --out and planStack asks again, and every
    // in-process plan of a test worker would hash the whole tree once more.
    if (runningVerdict === undefined)
        runningVerdict = { stale: isCompiled() ? staleBuild(repoRoot()) : undefined };
    return runningVerdict.stale;
}

/** Throws {@link StaleBuildError} when this process runs compiled code that was not built from its checkout. */
export function assertFreshBuild(): void {
    const why = staleRunningBuild();
    if (why !== undefined) throw new StaleBuildError(why);
}

if (require.main === module) {
    // `npm run build`'s last step: `node dist/components/shared/buildFreshness.js --write`.
    if (process.argv[2] !== "--write") {
        process.stderr.write("usage: node dist/components/shared/buildFreshness.js --write\n");
        process.exit(2);
    }
    writeBuildInfo(repoRoot());
}
