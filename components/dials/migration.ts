import { ConfigProblem, keysBelow } from "../config/problems";
import { isConfirmedImage } from "../shared/confirmedImages";
import { ImageUse, runningImagesCommand } from "../config/unconfirmedImage";
import type { DialsConfig, Migration } from "./config";
import { imageSources } from "./images";
import { migrationJobName } from "./workers";

const { problem } = keysBelow("dials.migration");

/** Where the running release is read on the cluster: the digest each ImageStream tag holds today. */
export function runningDigestsCommand(namespace: string): string {
    return `oc -n ${namespace} get imagestream etl -o jsonpath='{range .status.tags[*]}{.tag} {.items[0].image}{"\\n"}{end}'`;
}

/** The digest the registry serves for a tag of the ETL image, to compare with {@link runningDigestsCommand}. */
export function tagDigestCommand(images: DialsConfig["images"], tag: string): string {
    return `skopeo inspect --format '{{.Digest}}' docker://${images.registry}/dials-etl:${tag}`;
}

/**
 * The configured migration as the check proves it: none when the stack file asks for none; otherwise why it cannot
 * run, one problem each, or, when there is none, the migration with its Job. A migration needs the confirmed release
 * it starts from, must target exactly the release this `up` deploys (another release's alembic against the database
 * would leave it at a schema no running code expects), must change the release, and must not target a tag nobody
 * checked.
 */
export function checkedMigration(config: DialsConfig): { problems: ConfigProblem[]; migration?: Migration } {
    const problems = migrationProblems(config);
    const { from, to } = config.migration ?? {};
    if (problems.length > 0 || from === undefined || to === undefined) return { problems };
    return { problems, migration: { from, to, job: migrationJobName(to) } };
}

function migrationProblems(config: DialsConfig): ConfigProblem[] {
    const migration = config.migration;
    if (migration === undefined) return [];
    const { tag } = config.images;
    const problems: ConfigProblem[] = [];
    const stop = (path: "from" | "to", message: string) =>
        problems.push(
            problem(path, `${message}; else remove dials.migration (that never touches the schema)`),
        );
    const wanted = (from: string) => `to migrate, write both keys: from ${from} and to ${tag}`;
    if (migration.from === undefined) {
        stop(
            "from",
            `is not set: a schema migration runs only from the release confirmed running today (${runningDigestsCommand(config.namespace)}, compared with ${tagDigestCommand(config.images, "<release>")}); ${wanted("<running release>")}`,
        );
    }
    if (migration.to === undefined) {
        stop(
            "to",
            `is not set: a schema migration names the release it migrates to, which must be the release this up deploys (dials.images.tag ${tag}); ${wanted(migration.from ?? "<running release>")}`,
        );
    } else if (migration.to !== tag) {
        stop(
            "to",
            `(${migration.to}) is not the release this up deploys (dials.images.tag ${tag}): the Job would run ${migration.to}'s "alembic upgrade head" while ${tag} runs. A migration left from an earlier release is removed; ${wanted(migration.from ?? "<running release>")}`,
        );
    } else if (migration.from === migration.to) {
        stop(
            "from",
            `(${migration.from}) is the release this up deploys: a database already at ${tag}'s schema has nothing to migrate`,
        );
    } else {
        const unconfirmed = releaseImages(config).filter(
            // No source names a DIALS release by its tag: only the digests an operator read confirm one.
            (u) => !isConfirmedImage(u.image, []),
        );
        if (unconfirmed.length > 0) {
            stop(
                "to",
                `migrates the schema to ${tag}, whose ${unconfirmed.map((u) => u.image).join(", ")} nobody has confirmed (components/shared/confirmedImages.ts): confirm the release first (${unconfirmed.map((u) => u.digestKey).join(", ")}, see docs/systems/dials-notes.md, "Releasing"), then migrate`,
            );
        }
    }
    return problems;
}

/** Which Deployments run each release image today (runbook 003, `oc get deployments`), to grep their pods. */
const PODS_TODAY = { etl: "-bulk", backend: "backend", frontend: "frontend" } as const;

/**
 * The release's etl, backend and frontend images, which one tag decides: each is confirmed only by the digest read
 * on the cluster for that tag (`dials.images.confirmed`), as runbook 003 imports them untagged and no source names a
 * release. The digest comparison is the confirmation: the digest the pods run today must be the tag's.
 */
export function releaseImages(config: Pick<DialsConfig, "images" | "namespace">): ImageUse[] {
    const { images, namespace } = config;
    const sources = imageSources(images);
    return (["etl", "backend", "frontend"] as const).map((name) => ({
        key: `dials.images.confirmed.${name}`,
        image: sources[name].from,
        why: "runbook 003 imports the DIALS images without a tag (oc import-image --confirm), so no source names the release running today",
        running: `${tagDigestCommand(images, images.tag).replace("dials-etl", `dials-${name}`)} must print the digest that ${runningImagesCommand(namespace, PODS_TODAY[name])} shows (if not, ${images.tag} is not the running release: set dials.images.tag to the one that is) && pulumi config set --path dials.images.confirmed.tag ${images.tag}`,
        digestKey: `dials.images.confirmed.${name}`,
    }));
}
