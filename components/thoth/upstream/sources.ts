import type { ImageEvidence, Listener, NamedFact, ReadFacts } from "../../shared/evidence/types";
import { DefinitionError } from "../../shared/errors";

// The shared pieces of the Thoth images' evidence: where a fact was read, and what the libraries and base images
// every Thoth Python image is built from read (thoth-common, thoth-storages, thoth-messaging, the s2i run script,
// gunicorn), each at the version an image's Pipfile.lock pins. Facts carried over with their lines, no code.

/** One source at one commit: `fact(path, line)` is `owner/repo@<commit>:path:line`. */
export interface Source {
    repo: string;
    commit: string;
}

/** `owner/repo@commit:path:line` of a fact (the commit abbreviated to ten digits). */
export function at(source: Source, path: string, lines: number | string): string {
    return `${source.repo}@${source.commit.slice(0, 10)}:${path}:${lines}`;
}

/** `{ NAME: "path:line" }` read at one source. */
export type Reads = Readonly<Record<string, string>>;

/** A table of reads all in one file: each name at its line (or lines) of `path`. */
const linesIn = (path: string, lines: Readonly<Record<string, number | string>>): Reads =>
    Object.fromEntries(Object.entries(lines).map(([name, line]) => [name, `${path}:${line}`]));

/**
 * The named reads of `table` at `source` (all of them when no names are given); a name the table lacks is a mistake
 * of this file, found at load.
 */
export function reads(
    source: Source,
    table: Reads,
    names: readonly string[] = Object.keys(table),
): NamedFact[] {
    return names.map((name) => {
        const where = table[name];
        if (where === undefined) {
            throw new DefinitionError(`${source.repo}@${source.commit} reads no ${name} in the table given`);
        }
        const split = where.lastIndexOf(":");
        return { name, at: at(source, where.slice(0, split), where.slice(split + 1)) };
    });
}

/** A read image: its facts, with empty lists where the source has none of a kind. */
export function readImage(
    image: string,
    version: string,
    source: Source & { moving?: { branch: string; resolved: string } },
    facts: Partial<Omit<ReadFacts, "state" | "listens">> & { listens?: Listener[] },
): ImageEvidence {
    return {
        image,
        version,
        source,
        facts: {
            state: "read",
            listens: facts.listens ?? [],
            flags: facts.flags ?? "none",
            env: facts.env ?? [],
            files: facts.files ?? [],
            ...(facts.consumes ? { consumes: facts.consumes } : {}),
            ...(facts.publishes ? { publishes: facts.publishes } : {}),
        },
    };
}

/** An image .aicoe-ci.yaml builds from a tag of its repository: quay.io/<repo>:<tag>, read at the source's commit. */
export function readAicoeImage(
    tag: string,
    source: Source,
    facts: Parameters<typeof readImage>[3],
): ImageEvidence {
    return readImage(`quay.io/${source.repo}`, tag, source, facts);
}

/** What a thoth-storages CephStore of results reads: the endpoint, the credentials, the bucket and its prefix. */
export const CEPH_RESULT_STORE = [
    "THOTH_S3_ENDPOINT_URL",
    "THOTH_CEPH_KEY_ID",
    "THOTH_CEPH_SECRET_KEY",
    "THOTH_CEPH_BUCKET",
    "THOTH_CEPH_BUCKET_PREFIX",
] as const;

// ---- thoth-station/common: logging (init_logging), OpenShift() and the Ceph parameters of the Workflows it submits.

type CommonVersion = "0.33.0" | "0.34.0" | "0.36.1" | "0.36.4" | "0.36.5" | "0.36.6";

const LOGGING_033: Reads = linesIn("thoth/common/logging.py", {
    SENTRY_DSN: 43,
    THOTH_LOGGING_NO_JSON: 234,
    THOTH_DEPLOYMENT_NAME: 271,
    THOTH_SENTRY_IGNORE_LOGGER: 286,
    THOTH_SENTRY_IGNORE_EXCEPTION: 291,
    THOTH_ADJUST_LOGGING: 105,
    // _init_log_levels reads every variable that starts with this prefix (a logger's level each).
    THOTH_LOG_: 41,
});
const LOGGING_036: Reads = linesIn("thoth/common/logging.py", {
    SENTRY_DSN: 39,
    THOTH_LOGGING_NO_JSON: 230,
    THOTH_DEPLOYMENT_NAME: 267,
    THOTH_SENTRY_IGNORE_LOGGER: 282,
    THOTH_SENTRY_IGNORE_EXCEPTION: 287,
    THOTH_ADJUST_LOGGING: 101,
    THOTH_LOG_: 37,
});
/** OpenShift.__init__: the same lines in every version here. */
const OPENSHIFT: Reads = linesIn("thoth/common/openshift.py", {
    KUBERNETES_VERIFY_TLS: 98,
    THOTH_AMUN_INSPECTION_NAMESPACE: 137,
    THOTH_AMUN_INFRA_NAMESPACE: 140,
    THOTH_FRONTEND_NAMESPACE: 143,
    THOTH_MIDDLETIER_NAMESPACE: 146,
    THOTH_BACKEND_NAMESPACE: 149,
    THOTH_GRAPH_NAMESPACE: 151,
    THOTH_INFRA_NAMESPACE: 152,
    KUBERNETES_API_URL: 154,
});
/** OpenShift._assign_workflow_parameters_for_ceph, called by every schedule_* that submits an adviser-like Workflow. */
const workflowCeph = (first: number): Reads => ({
    THOTH_CEPH_BUCKET_PREFIX: `thoth/common/openshift.py:${first}`,
    THOTH_CEPH_BUCKET: `thoth/common/openshift.py:${first + 1}`,
    THOTH_S3_ENDPOINT_URL: `thoth/common/openshift.py:${first + 2}`,
    THOTH_DEPLOYMENT_NAME: `thoth/common/openshift.py:${first + 3}`,
});

const COMMON: Record<CommonVersion, { commit: string; logging: Reads; workflowCeph: Reads }> = {
    "0.33.0": {
        commit: "866a8d06adc452368d69d8d7e62131d66767ff78",
        logging: LOGGING_033,
        workflowCeph: workflowCeph(1412),
    },
    "0.34.0": {
        commit: "63b8df1f5fd1cde9628c1cd25521de2ee74b492a",
        logging: LOGGING_033,
        workflowCeph: workflowCeph(1412),
    },
    "0.36.1": {
        commit: "6944d53ecbe16fc2aba360a9c3431bceebfa26da",
        logging: LOGGING_036,
        workflowCeph: workflowCeph(1418),
    },
    "0.36.4": {
        commit: "6cfd1843054ee380b5c6449696e694ca269978bb",
        logging: LOGGING_036,
        workflowCeph: workflowCeph(1451),
    },
    "0.36.5": {
        commit: "ee3e1050844b545935a1438c5c0f7033b4d65180",
        logging: LOGGING_036,
        workflowCeph: workflowCeph(1451),
    },
    "0.36.6": {
        commit: "9a7eb7edbcfb2d3ade8de5cd85d3666687b76eb4",
        logging: LOGGING_036,
        workflowCeph: workflowCeph(1451),
    },
};

/** What thoth-common at `version` reads for an image that calls init_logging, OpenShift() or schedules Workflows. */
export function thothCommon(version: CommonVersion) {
    const { commit, logging, workflowCeph: ceph } = COMMON[version];
    const source = { repo: "thoth-station/common", commit };
    return {
        /** init_logging(); a `THOTH_LOG_<logger>` name is read through the prefix scan. */
        logging: (...names: string[]): NamedFact[] =>
            names.map((n) => {
                const [fact] = reads(source, logging, [n.startsWith("THOTH_LOG_") ? "THOTH_LOG_" : n]);
                return { ...fact, name: n };
            }),
        openshift: (...names: string[]): NamedFact[] => reads(source, OPENSHIFT, names),
        workflowCeph: (...names: string[]): NamedFact[] => reads(source, ceph, names),
    };
}

// ---- thoth-station/storages: GraphDatabase (the knowledge graph) and the Ceph result stores.

type StoragesVersion = "0.66.0" | "0.68.2" | "0.71.1" | "0.73.0" | "0.73.3" | "0.73.5" | "0.74.0" | "0.74.1";

const GRAPH: Reads = linesIn("thoth/storages/graph/postgres.py", {
    KNOWLEDGE_GRAPH_USER: 271,
    KNOWLEDGE_GRAPH_PASSWORD: 271,
    KNOWLEDGE_GRAPH_HOST: 272,
    KNOWLEDGE_GRAPH_PORT: 272,
    KNOWLEDGE_GRAPH_DATABASE: 273,
    KNOWLEDGE_GRAPH_SSL_DISABLED: 276,
});
const ceph = (first: number, resultBase: number): Reads => ({
    THOTH_S3_ENDPOINT_URL: `thoth/storages/ceph.py:${first}`,
    THOTH_CEPH_KEY_ID: `thoth/storages/ceph.py:${first + 1}`,
    THOTH_CEPH_SECRET_KEY: `thoth/storages/ceph.py:${first + 2}`,
    THOTH_CEPH_BUCKET: `thoth/storages/ceph.py:${first + 3}`,
    THOTH_DEPLOYMENT_NAME: `thoth/storages/result_base.py:${resultBase}`,
    THOTH_CEPH_BUCKET_PREFIX: `thoth/storages/result_base.py:${resultBase + 2}`,
});
const CEPH_066 = ceph(49, 60);
const CEPH_074 = ceph(56, 62);

const STORAGES: Record<StoragesVersion, { commit: string; ceph: Reads }> = {
    "0.66.0": { commit: "cf7ce14e1d1ce2596b03bf9356c6b3f21c1fe29f", ceph: CEPH_066 },
    "0.68.2": { commit: "badc9182694e78144c2ff4e60aa74ac28e5671df", ceph: CEPH_066 },
    "0.71.1": { commit: "31c0f3d6eddf403058eda3a04e27fbd1384eda34", ceph: CEPH_066 },
    "0.73.0": { commit: "5b198a889a9aa71421cb2d8980005bdd095621d9", ceph: CEPH_066 },
    "0.73.3": { commit: "ad5d4eae846539d22ff7cac51ebcb32c91e83a56", ceph: CEPH_066 },
    "0.73.5": { commit: "afe612dff51898e928787e21b6da39824f4361ed", ceph: CEPH_066 },
    "0.74.0": { commit: "360ac2997b0957a198f7de7db1ebf21b4f8b6da8", ceph: CEPH_074 },
    "0.74.1": { commit: "4e22289f77fa9fb76e65339f980d9b41d6592987", ceph: CEPH_074 },
};

/** What thoth-storages at `version` reads for an image that opens the graph database or a Ceph store. */
export function thothStorages(version: StoragesVersion) {
    const { commit, ceph: cephReads } = STORAGES[version];
    const source = { repo: "thoth-station/storages", commit };
    return {
        /** Every KNOWLEDGE_GRAPH_* name GraphDatabase reads when it connects. */
        graph: (): NamedFact[] => reads(source, GRAPH),
        ceph: (...names: string[]): NamedFact[] => reads(source, cephReads, names),
    };
}

// ---- thoth-station/messaging v0.16.2 (every image here that talks to Kafka pins it).

const MESSAGING = { repo: "thoth-station/messaging", commit: "34f89d2cf2d836f822c16c4e3565eb971b2a93c9" };
/** kafka_config_from_env reads each of these (config.py:59) for producers, consumers and the admin client alike. */
const KAFKA: Reads = {
    ...linesIn("thoth/messaging/config.py", {
        KAFKA_BOOTSTRAP_SERVERS: 27,
        KAFKA_CLIENT_ID: 28,
        KAFKA_SECURITY_PROTOCOL: 31,
        KAFKA_SSL_CA_LOCATION: 33,
        KAFKA_SSL_ENDPOINT_IDENTIFICATION_ALGORITHM: 34,
        KAFKA_CONSUMER_GROUP_ID: 40,
        KAFKA_CONSUMER_MAX_POLL_INTERVAL_MS: 42,
        KAFKA_CONSUMER_ENABLE_AUTO_COMMIT: 43,
        KAFKA_CONSUMER_AUTO_OFFSET_RESET: 44,
    }),
    // MessageBase.topic_name prefixes every topic with it.
    THOTH_DEPLOYMENT_NAME: "thoth/messaging/message_base.py:55",
};
/** Where the brokers are and how TLS reaches them: what every Kafka client here reads. */
const KAFKA_CLIENT = ["KAFKA_BOOTSTRAP_SERVERS", "KAFKA_SECURITY_PROTOCOL", "KAFKA_SSL_CA_LOCATION"];
export const thothMessaging = {
    kafka: (...names: string[]): NamedFact[] => reads(MESSAGING, KAFKA, names),
    client: (): NamedFact[] => reads(MESSAGING, KAFKA, KAFKA_CLIENT),
};

/**
 * The topics of thoth-messaging v0.16.2 the station's images publish or consume, by base name (each module's
 * `base_name`, thoth/messaging/<module>.py). MessageBase prefixes every one with the deployment name at run time, in
 * every image alike, so base names are what publishers and consumers are matched by.
 */
export const TOPIC = {
    adviserTrigger: "thoth.adviser-trigger",
    buildAnalysisTrigger: "thoth.build-analysis-trigger",
    cveProvided: "thoth.cve-update.cve-provided",
    hashMismatch: "thoth.package-update.hash-mismatch",
    inspectionCompleted: "thoth.inspection-completed",
    kebechetRunUrlTrigger: "thoth.kebechet-run-url-trigger",
    kebechetTrigger: "thoth.kebechet-trigger",
    missingPackage: "thoth.package-update.missing-package",
    missingVersion: "thoth.package-update.missing-package-version",
    packageExtractTrigger: "thoth.package-extract-trigger",
    packageReleased: "thoth.package-release.package-released",
    provenanceCheckerTrigger: "thoth.provenance-checker-trigger",
    repoInit: "thoth.repo-init",
    siUnanalyzedPackage: "thoth.investigator.si-unanalyzed-package",
    solvedPackage: "thoth.solver.solved-package",
    unresolvedPackage: "thoth.investigator.unresolved-package",
    unrevsolvedPackage: "thoth.investigator.unrevsolved-package",
    updateProvidesSourceDistro: "thoth.update-provides-source-distro",
} as const;

/** A topic an image publishes or consumes, where it does. */
export const topicAt = (source: Source, topic: string, path: string, lines: number | string): NamedFact => ({
    name: topic,
    at: at(source, path, lines),
});

// ---- The s2i run script of the ubi8/python-38 base every s2i-thoth image builds on, and gunicorn.

/**
 * sclorg/s2i-python-container 3.8/s2i/bin/run as the python-38 builds since June 2021 have it (s2i-thoth v0.32.3 and
 * later: python-38 1-75 and newer); at 940fa85 (2022-10-25), the state of the v0.35.x bases.
 */
const S2I_RUN = { repo: "sclorg/s2i-python-container", commit: "940fa85b72ea9682f3b416c4a03b75633337b061" };
const S2I_RUN_READS: Reads = linesIn("3.8/s2i/bin/run", {
    APP_SCRIPT: "51,62",
    APP_FILE: "51,74",
    APP_MODULE: "104-110",
    APP_CONFIG: "114,124",
    // Unset, PORT is 8080 for the default gunicorn settings (96-99,115); with APP_CONFIG gunicorn reads it itself.
    PORT: 97,
    WEB_CONCURRENCY: 111,
});
/** The same script before 36d4a33 (2021-05): python-38 1-34, the base of s2i-thoth v0.20.1. */
const S2I_RUN_2020 = {
    repo: "sclorg/s2i-python-container",
    commit: "67c00ce20d2ef061036b0173d63a5b07893f7210",
};
const S2I_RUN_2020_READS: Reads = linesIn("3.8/s2i/bin/run", {
    APP_SCRIPT: "51-52",
    APP_FILE: "63-64",
});
export const s2iRun = (...names: string[]): NamedFact[] => reads(S2I_RUN, S2I_RUN_READS, names);
export const s2iRun2020 = (...names: string[]): NamedFact[] => reads(S2I_RUN_2020, S2I_RUN_2020_READS, names);

/** gunicorn 20.1.0 (every gunicorn image here pins it): its default bind and worker count. */
const GUNICORN = { repo: "benoitc/gunicorn", commit: "61ccfd6c38d477a908e0f376757bbb884438053a" };
export const gunicorn = (...names: string[]): NamedFact[] =>
    reads(GUNICORN, { PORT: "gunicorn/config.py:586-587", WEB_CONCURRENCY: "gunicorn/config.py:640" }, names);

/**
 * The listener of an s2i gunicorn service: 0.0.0.0:$PORT, from the run script's default settings or, with APP_CONFIG,
 * gunicorn's own default bind (the plan sets PORT=8080 either way).
 */
export function gunicornListener(port: number, serves: string, health: string[], healthAt: string): Listener {
    return { port, serves: `${serves} (gunicorn on 0.0.0.0:$PORT; PORT=${port})`, health, at: healthAt };
}
