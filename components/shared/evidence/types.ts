// What the upstream source of an image says about it, at the version a stack runs: the one table the program's
// picture of the software (probes, ports, flags, variables, files, queues) is checked against. Each system keeps its
// own entries (components/<system>/evidence.ts); this layer knows no system.

/** Where a fact was read: `owner/repo@commit:path:line` (a line, a range or a list of lines). */
export type At = string;

/** A port the process listens on, what it serves there, and the HTTP paths a probe may ask (none: TCP only). */
export interface Listener {
    port: number;
    serves: string;
    /** Paths that answer 200 while the process is healthy; a probe on any other path fails. */
    health?: readonly string[];
    at: At;
}

/** A flag the binary defines, and what it needs beside it (another flag, a setting of its config, a file). */
export interface FlagFact {
    name: string;
    requires?: string;
    /**
     * The subcommand that defines it (`get`, `patch`, `import-image`), for a binary of several commands; absent, every
     * command takes it (a global flag, or a binary of one command).
     */
    command?: string;
    at: At;
}

/** An environment variable the code reads, a file or Secret key it opens, or a queue it consumes or publishes. */
export interface NamedFact {
    name: string;
    /**
     * A variable the process cannot do without: unset, it stops, or does what production does not. Every container
     * of the image must set it (the replay counts `env` and the keys its `envFrom` sources hold).
     */
    required?: boolean;
    at: At;
}

/** What was read of an image: everything below is all the source has of its kind (a flag not listed is not defined). */
export interface ReadFacts {
    state: "read";
    listens: readonly Listener[];
    /**
     * The flags its command line parser defines. `"none"`: it parses no command line (arguments are positional or
     * ignored), so a container passing a flag to it is a mismatch as well.
     */
    flags: readonly FlagFact[] | "none";
    env: readonly NamedFact[];
    files: readonly NamedFact[];
    /**
     * The programs of the image a container's own shell script (`command: [<shell>, "-c", <script>]`) may call by
     * name: each flag such a call passes must be one of `flags` (global, or of a subcommand the call names).
     */
    binaries?: readonly string[];
    consumes?: readonly NamedFact[];
    publishes?: readonly NamedFact[];
    /** How a container of the image names its queues, where it does (absent: it serves all `consumes`). */
    queues?: QueueFacts;
}

/** Where the queues a container serves or publishes are named, and how far a queue reaches. */
export interface QueueFacts {
    /**
     * The variable holding the comma-separated queues a worker serves among `consumes`; unset, `unset` (the start
     * script's default).
     */
    servedFrom?: {
        env: string;
        unset: readonly string[];
        at: At;
        /** The variable that picks the process the start script runs: it serves queues only as `equals`. */
        onlyWhen?: { env: string; equals: string; unset: string; at: At };
    };
    /** The variable naming the one queue it publishes to, replacing `publishes`; unset, `unset` (the library's default). */
    publishedFrom?: { env: string; unset: string; at: At };
    /**
     * `namespace`: each namespace has its own broker (a Celery app on its namespace's Redis), so a queue is served
     * only by a worker of the same namespace. Absent: one broker for the whole plan.
     */
    broker?: "namespace";
}

/** An image whose source was not read, and why: nothing about it is checked, and the plan says so. */
export interface UnreadFacts {
    state: "unread";
    why: string;
}

/** Where the source of an image version is: the repository and the commit its tag was built from. */
export interface EvidenceSource {
    repo: string;
    commit: string;
    /**
     * For a moving tag (`:prod`, `:stg`, `latest`): the branch it follows and the day the commit above was its head.
     * The registry may serve a later build; the plan says so.
     */
    moving?: { branch: string; resolved: string };
}

/** The evidence of one image version. */
export interface ImageEvidence {
    /** Repository as a pod spec names it, without tag or digest (any spelling; compared canonically). */
    image: string;
    /** The tag or `sha256:` digest this evidence holds for. */
    version: string;
    source: EvidenceSource;
    facts: ReadFacts | UnreadFacts;
}
