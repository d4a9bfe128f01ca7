import { z } from "zod";

// What the upstream source of an image says about it, at the version a stack runs: the one table the program's
// picture of the software (probes, ports, flags, variables, files, queues) is checked against. The facts are data,
// one file per image at its version under facts/evidence/<system>/ (./load.ts); this schema is the only description
// of that data, and the types the program reads it with are inferred from it, so the two cannot drift apart. Objects
// are strict: a misspelt key is refused rather than silently ignored.

/** Where a fact was read: `owner/repo@commit:path:line` (a line, a range or a list of lines). */
const at = z.string().min(1);
const names = z.array(z.string().min(1)).readonly();

/** A port the process listens on, what it serves there, and the HTTP paths a probe may ask (none: TCP only). */
const listener = z.strictObject({
    port: z.number().int().min(1).max(65535),
    serves: z.string().min(1),
    /** Paths that answer 200 while the process is healthy; a probe on any other path fails. */
    health: z.array(z.string().startsWith("/")).readonly().optional(),
    at,
});

/**
 * What a flag or variable needs beside it, only when it has the value `when` if one is given (e.g. `--dry-run=true`
 * needs `--deck-url`; `KEBECHET_SUBCOMMAND=run` needs `KEBECHET_CONFIGURATION_PATH`): another flag, a variable the
 * container sets, a section of a configuration file (`config`, a dotted key of the file named `file`), or a file (a
 * credential, a certificate: a path, `<name>` for the path another flag or variable names, `<name>/file` for one
 * inside the directory it names; nothing when that one has no value). A variable whose value the plan does not show
 * (a Secret's) meets only the requirements without `when`.
 */
const when = z.string().optional();
const requirement = z.union(
    [
        z.strictObject({ flag: z.string().min(1), when, at: at.optional() }),
        z.strictObject({ env: z.string().min(1), when, at: at.optional() }),
        z.strictObject({ config: z.string().min(1), file: z.string().optional(), when, at: at.optional() }),
        z.strictObject({ file: z.string().min(1), when, at: at.optional() }),
    ],
    {
        error: "a requirement is one of {flag}, {env}, {config, file?} or {file}, each with an optional when and at",
    },
);

/** Whether a value names a path that must be there when the process starts (on a volume, or in the image's `paths`). */
const namesFile = z.boolean().optional();

/** A value of a flag the binary refuses at start, whatever else it is given. */
const refusal = z.strictObject({ value: z.string(), why: z.string().min(1), at });

/** What a flag's or a variable's value starts: its default, what it needs beside it, what is refused, a file it opens. */
const valueFacts = {
    /** The value it has when a container does not give it: a requirement of that value holds then too. */
    default: z.string().optional(),
    requires: z.array(requirement).readonly().optional(),
    refuses: z.array(refusal).readonly().optional(),
    namesFile,
};

/** A flag the binary defines, and what it needs beside it. */
const flagFact = z.strictObject({
    name: z.string().min(1),
    /**
     * The subcommand that defines it (`get`, `patch`, `import-image`), for a binary of several commands; absent, every
     * command takes it (a global flag, or a binary of one command).
     */
    command: z.string().min(1).optional(),
    at,
    ...valueFacts,
});

/** A positional argument of a command (1: the first after the command's name). */
const argumentFact = z.strictObject({
    position: z.number().int().min(1),
    command: z.string().min(1).optional(),
    at,
    namesFile,
});

/** An environment variable the code reads, a file or Secret key it opens, or a queue it consumes or publishes. */
const namedFact = z.strictObject({
    name: z.string().min(1),
    /**
     * A variable the process cannot do without: unset, it stops, or does what production does not. Every container
     * that starts the image's software must set it (the replay counts `env` and the keys its `envFrom` sources hold;
     * a container running only its own shell script, which calls none of `binaries`, or calls them without their
     * `codeFlags`, never starts it).
     */
    required: z.boolean().optional(),
    at,
    ...valueFacts,
});

/** Where the queues a container serves or publishes are named, and how far a queue reaches. */
const queueFacts = z.strictObject({
    /**
     * `namespace`: each namespace has its own broker (a Celery app on its namespace's Redis), so a queue is served
     * only by a worker of the same namespace. Absent: one broker for the whole plan.
     */
    broker: z.literal("namespace").optional(),
    /**
     * The variable holding the comma-separated queues a worker serves among `consumes`; unset, `unset` (the start
     * script's default).
     */
    servedFrom: z
        .strictObject({
            env: z.string().min(1),
            unset: names,
            at,
            /** The variable that picks the process the start script runs: it serves queues only as `equals`. */
            onlyWhen: z
                .strictObject({ env: z.string().min(1), equals: z.string(), unset: z.string(), at })
                .optional(),
        })
        .optional(),
    /** The variable naming the one queue it publishes to, replacing `publishes`; unset, `unset` (the library's default). */
    publishedFrom: z.strictObject({ env: z.string().min(1), unset: z.string(), at }).optional(),
});

/** What was read of an image: everything below is all the source has of its kind (a flag not listed is not defined). */
const readFacts = z.strictObject({
    state: z.literal("read"),
    listens: z.array(listener).readonly(),
    /**
     * The flags its command line parser defines. `none`: it parses no command line (arguments are positional or
     * ignored), so a container passing a flag to it is a mismatch as well.
     */
    flags: z.union([z.array(flagFact).readonly(), z.literal("none")]),
    arguments: z.array(argumentFact).readonly().optional(),
    env: z.array(namedFact).readonly(),
    files: z.array(namedFact).readonly(),
    /**
     * The programs of the image a container's own shell script (`command: [<shell>, "-c", <script>]`) may call by
     * name: each flag such a call passes must be one of `flags` (global, or of a subcommand the call names).
     */
    binaries: names.optional(),
    /**
     * Of those programs, the ones that run the image's own code only when a flag names it (celery loads the image's
     * app only with `--app`/`-A`; without, it is celery's default app over a broker the call names): a call without
     * the flag starts none of the image's software, so what that software needs of its variables does not apply.
     */
    codeFlags: z
        .array(
            z.strictObject({
                binary: z.string().min(1),
                flag: z.string().min(1),
                short: z.string().length(1).optional(),
                /** The variable that names the code as the flag would (celery reads `APP` for `--app`). */
                env: z.string().min(1).optional(),
                at,
            }),
        )
        .readonly()
        .optional(),
    consumes: z.array(namedFact).readonly().optional(),
    publishes: z.array(namedFact).readonly().optional(),
    /** How a container of the image names its queues, where it does (absent: it serves all `consumes`). */
    queues: queueFacts.optional(),
    /**
     * Files and directories the image holds at this version (its build copies or installs them), which a container's
     * command, arguments, script or a `namesFile` value may name: a path a container names that is neither here nor
     * on one of its volumes is not there when it starts. `does`: what running it changes beyond the container, if
     * anything (a script that migrates a database, writes a bucket).
     */
    paths: z
        .array(z.strictObject({ path: z.string().startsWith("/"), at, does: z.string().min(1).optional() }))
        .readonly()
        .optional(),
});

/** An image whose source was not read, and why: nothing about it is checked, and the plan says so. */
const unreadFacts = z.strictObject({ state: z.literal("unread"), why: z.string().min(1) });

/** Where the source of an image version is: the repository and the commit its tag was built from. */
const evidenceSource = z.strictObject({
    repo: z.string().min(1),
    commit: z.string().min(1),
    /**
     * For a moving tag (`:prod`, `:stg`, `latest`): the branch it follows and the day the commit above was its head,
     * and where known the workflow that builds the tag from it. The registry may serve a later build; the plan says so.
     */
    moving: z
        .strictObject({ branch: z.string().min(1), resolved: z.iso.date(), builtBy: at.optional() })
        .optional(),
});

/** The evidence of one image version. */
export const imageEvidence = z.strictObject({
    /** Repository as a pod spec names it, without tag or digest (any spelling; compared canonically). */
    image: z.string().min(1),
    /** The tag or `sha256:` digest this evidence holds for. */
    version: z.string().min(1),
    source: evidenceSource,
    facts: z.discriminatedUnion("state", [readFacts, unreadFacts]),
});

/**
 * One file of facts/evidence: an image version, and the other names pod specs give the same build (an ImageStream
 * that imported it, under the file's version unless the alias names its own tag).
 */
export const evidenceFile = imageEvidence.extend({
    aliases: z
        .array(z.strictObject({ image: z.string().min(1), version: z.string().min(1).optional() }))
        .optional(),
});

export type At = z.infer<typeof at>;
export type Requirement = z.infer<typeof requirement>;
export type FlagFact = z.infer<typeof flagFact>;
export type NamedFact = z.infer<typeof namedFact>;
export type ReadFacts = z.infer<typeof readFacts>;
export type EvidenceSource = z.infer<typeof evidenceSource>;
export type ImageEvidence = z.infer<typeof imageEvidence>;
