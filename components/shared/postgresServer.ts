import { parseImageRef } from "./imageRef";

// A Deployment that runs PostgreSQL on a claim says so, and which major version it runs, on itself: the adoption
// report's database takeover check (tools/adopt/databases.ts) finds every system's servers by these annotations, not
// by one system's naming, and compares the major with the data directory on the claim before the first up.

/** The major version the server runs (its data directory must be of it). */
export const POSTGRES_MAJOR_ANNOTATION = "runbooks/postgresql-major";
/** The stack key that sets that major version, for the report's fix. */
export const POSTGRES_MAJOR_KEY_ANNOTATION = "runbooks/postgresql-major-key";

/** The annotations of a PostgreSQL server Deployment running `major`, set by the stack key `key`. */
export function postgresServerAnnotations(major: number, key: string): Record<string, string> {
    return { [POSTGRES_MAJOR_ANNOTATION]: String(major), [POSTGRES_MAJOR_KEY_ANNOTATION]: key };
}

/**
 * The major version an sclorg or Red Hat Software Collections PostgreSQL image runs, read from its repository name
 * (`sclorg/postgresql-15-c9s`, `rhscl/postgresql-10-rhel7`): those images name it there and nowhere a tag or digest
 * would show. Undefined for a repository that does not follow that naming.
 */
export function sclorgPostgresMajor(image: string): number | undefined {
    const repository = parseImageRef(image).repository.split("/").pop() ?? "";
    const m = /^postgresql-(\d+)(-|$)/.exec(repository);
    return m ? Number(m[1]) : undefined;
}
