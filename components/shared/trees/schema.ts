import { z } from "zod";

// The record of an upstream repository's tree as the program runs it (facts/trees/<name>.yaml): which paths exist at
// a commit, where each was read, and what running it does to a host. Data, not code: a check refuses a path or a pin
// the record does not hold, and notices quote the effects. This layer knows no system.

/** A full git commit id: a pin that names a tree and can never move. */
const commitId = z.string().regex(/^[0-9a-f]{40}$/, "must be a full 40-character commit id");

/** `owner/repo@commit:path` with an optional `:line` part (a line, a range, or a list of both). */
const atPattern = /^([\w.-]+\/[\w.-]+)@([0-9a-f]{40}):([^\s:]+)(:\d+(-\d+)?(,\d+(-\d+)?)*)?$/;
const at = z.string().regex(atPattern, "must be owner/repo@<40-hex commit>:path[:lines]");

/** A path inside the tree's workdir, as a stack names it: relative, no `..`, no empty part. */
const treePath = z
    .string()
    .regex(
        /^(?!.*(^|\/)\.\.?(\/|$))[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/,
        "must be a relative path inside the tree",
    );

/** What running a path does that matters to a host, and the lines that say so. */
export const effectSchema = z.strictObject({
    does: z.string().min(1),
    at,
});

/** `kustomize`: a directory with a kustomization.yaml that a provider renders (its effects: what it creates). */
export const PATH_KINDS = ["playbook", "requirements", "script", "config", "kustomize"] as const;

export const pathEntrySchema = z.strictObject({
    path: treePath,
    kind: z.enum(PATH_KINDS),
    at,
    /** A playbook's inventory groups: the `hosts:` of its plays, those it imports included. */
    hosts: z.array(z.string().min(1)).optional(),
    /** Recorded paths a playbook runs through import_playbook. */
    imports: z.array(treePath).optional(),
    /** What a system may run the path as (its own words: a role, `init`, `certificates`); none: never run. */
    serves: z.array(z.string().min(1)).default([]),
    effects: z.array(effectSchema).default([]),
});
export type PathEntry = z.infer<typeof pathEntrySchema>;

export const treeSchema = z.strictObject({
    commit: commitId,
    /** The directory of the checkout the paths are relative to (where the program runs its tools). */
    workdir: z.string().regex(/^([A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*)?$/),
    paths: z.array(pathEntrySchema).min(1),
});
export type Tree = z.infer<typeof treeSchema>;

/**
 * One repository's recorded trees. Every `at` must point into the repository at its own tree's commit, a path's own
 * `at` at exactly that path: a fact copied from another commit or file would be evidence of something else.
 */
export const treesRecordSchema = z
    .strictObject({
        repository: z.string().regex(/^[\w.-]+\/[\w.-]+$/, "must be owner/name"),
        /** The clone URL stacks name (`provisioning.repo`); compared without `.git`, a trailing slash or case. */
        clone: z.url(),
        trees: z.array(treeSchema).min(1),
    })
    .superRefine((record, ctx) => {
        record.trees.forEach((tree, t) => {
            const prefix = `${record.repository}@${tree.commit}:`;
            const under = tree.workdir === "" ? "" : `${tree.workdir}/`;
            const seen = new Set<string>();
            tree.paths.forEach((entry, p) => {
                const where = ["trees", t, "paths", p];
                if (seen.has(entry.path)) {
                    ctx.addIssue({ code: "custom", path: [...where, "path"], message: "is recorded twice" });
                }
                seen.add(entry.path);
                if (entry.at !== `${prefix}${under}${entry.path}`) {
                    ctx.addIssue({
                        code: "custom",
                        path: [...where, "at"],
                        message: `must be ${prefix}${under}${entry.path}`,
                    });
                }
                entry.effects.forEach((effect, e) => {
                    if (!effect.at.startsWith(prefix)) {
                        ctx.addIssue({
                            code: "custom",
                            path: [...where, "effects", e, "at"],
                            message: `must point into ${prefix}`,
                        });
                    }
                });
            });
            tree.paths.forEach((entry, p) =>
                (entry.imports ?? []).forEach((imported, i) => {
                    if (!seen.has(imported)) {
                        ctx.addIssue({
                            code: "custom",
                            path: ["trees", t, "paths", p, "imports", i],
                            message: "is not a recorded path of this tree",
                        });
                    }
                }),
            );
        });
        const commits = record.trees.map((t) => t.commit);
        if (new Set(commits).size !== commits.length) {
            ctx.addIssue({ code: "custom", path: ["trees"], message: "records one commit twice" });
        }
    });
export type TreesRecord = z.infer<typeof treesRecordSchema>;
