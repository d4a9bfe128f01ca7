import { spawnSync } from "child_process";
import { randomBytes } from "crypto";
import { parse } from "yaml";
import { loadProgramConfig } from "../components/config/load";
import { ConfigError, ConfigProblem } from "../components/config/problems";
import { ConfigSource, memoryConfigSource } from "../components/config/source";
import { SYSTEMS } from "../components/systems";
import { readStackFile } from "../tools/plan/stackfile";
import { testValue } from "./local-secrets";
import { StackCopy, pinnedImages, requiredSecrets } from "./localStack";
import { OperatorTestValue, fillOperatorValues } from "./operatorValues";

// A committed stack (stage, prod) made to run against the e2e's own cluster, so that the engine previews exactly
// what the committed file describes: every cluster's credential is a kubeconfig of the local cluster, every required
// secret a generated TEST value, and nothing else of the file changes except what the program itself demands of a run
// there (a production run pins each cluster and its images, and runs only as committed).

/** What the copy was given beside its committed file, for the closing report of the test. */
export interface PreparedCopy {
    copy: StackCopy;
    /** Config paths set on the copy (plain values), in the order they were set. */
    set: string[];
    /** Secret keys given a generated test value. */
    secrets: string[];
    /** The committed file's operator values (placeholders a real run stops on), each with the test value given. */
    operatorValues: OperatorTestValue[];
}

/**
 * What a copy turns off, each for a reason of this machine, never of the program: the rest of the committed file is
 * previewed as it is.
 */
export const OFF_IN_COPIES: readonly { path: string; why: string }[] = [
    {
        path: "callysto.enabled",
        why: "Callysto's operator values are ids of live OpenStack objects (instance, port, floating IP, volumes, zone) that a preview imports, i.e. reads from a cloud the e2e does not have; local-callysto previews Callysto against an OpenStack on loopback",
    },
    {
        path: "thoth.station.modules.catalog.enabled",
        why: "the provider renders the catalog's kustomize bases from github.com at preview time, and the e2e has no network (Pulumi.local.yaml turns it off for the same reason)",
    },
];

/** Whether `values` holds the map a `--path` key sets a field of. */
function holdsParent(values: Record<string, unknown>, path: string): boolean {
    let at: unknown = values;
    for (const k of path.split(".").slice(0, -1)) {
        if (typeof at !== "object" || at === null || !(k in at)) return false;
        at = (at as Record<string, unknown>)[k];
    }
    return typeof at === "object" && at !== null;
}

/**
 * The copy's configuration as the engine hands it to the program (components/config/source.ts pulumiConfigSource):
 * a secret's decrypted text is its value too, so the checks of secret contents (database URIs, what an image accepts)
 * judge the test values as a real run does. The plain in-memory source leaves them unread, as the offline plan does.
 */
function engineSource(copy: StackCopy): ConfigSource {
    const { values, secrets } = copy.decrypt();
    const base = memoryConfigSource(values, secrets, { stack: copy.stack });
    return {
        ...base,
        getValue: (key) => (key in secrets ? secrets[key] : base.getValue(key)),
        secretText: (key) => secrets[key],
    };
}

/** Every problem the program reports for the copy as the engine would run it (fixes proven, as a real run's). */
function configProblems(copy: StackCopy): readonly ConfigProblem[] {
    try {
        loadProgramConfig(engineSource(copy), SYSTEMS, { root: copy.dir });
        return [];
    } catch (err) {
        if (err instanceof ConfigError) return err.problems;
        throw err;
    }
}

/**
 * A test URI for every database URI secret of the copy, on the server its system's section names
 * (SystemDefinition.databaseServers): a real run refuses a URI that names another server, and the required-secret
 * stand-in is no URI at all.
 */
function databaseUris(copy: StackCopy): Record<string, string> {
    const { values, secrets } = copy.decrypt();
    const config = loadProgramConfig(memoryConfigSource(values, secrets, { stack: copy.stack }), SYSTEMS, {
        root: copy.dir,
        placeholderSecret: () => "unset",
    });
    const uris: Record<string, string> = {};
    for (const def of config.enabled)
        for (const use of def.databaseServers?.(config.sections[def.section]) ?? [])
            for (const key of use.uris)
                uris[key] = `postgresql://e2e:${randomBytes(12).toString("hex")}@${use.server}/${key}`;
    return uris;
}

/**
 * Every enabled system of a stack file turned live (`<section>.status`), as its operator turns it once its secrets
 * are set: the committed files stage every system, and a copy proves what a live one needs and deploys.
 */
export function liveInCopies(values: Record<string, unknown>): Record<string, string> {
    return Object.fromEntries(
        Object.entries(values)
            .filter(([, v]) => (v as { enabled?: unknown } | null)?.enabled === true)
            .map(([section]) => [`${section}.status`, "live"]),
    );
}

/**
 * Prepares a copy of committed stack `stack` against the cluster `kubeconfig` reaches (its kube-system uid `uid`);
 * `source` is the stack file to copy when it is not the committed one (an operator's reviewed edit of it, such as the
 * first deploy's fixes: e2e/firstDeploy.e2e.ts).
 * Production is the committed file: the copy becomes a git repository whose HEAD holds the prepared file, as an
 * operator's checkout holds theirs, so the engine's committed-production check runs as it does there.
 */
export function prepareCommittedCopy(
    stack: string,
    kubeconfig: string,
    uid: string,
    source?: string,
): PreparedCopy {
    const copy = StackCopy.create(stack, source);
    const set: string[] = [];
    const secrets: string[] = [];
    try {
        const values = readStackFile(stack, copy.dir).values;
        const clusters = Object.keys((values.clusters ?? {}) as Record<string, unknown>);
        const tier = values.tier;
        // The credential decides which server a cluster is (components/config/clusterIdentity.ts): a file that
        // spells another one is refused offline, so every apiServer the file spells becomes the local cluster's.
        const server = localServer(kubeconfig);
        // Gathered, then written in one CLI run (StackCopy.configure): `set` and `secrets` keep the order given.
        const paths: Record<string, string> = {};
        const secretValues: Record<string, string> = {};
        const give = (p: string, v: string): void => {
            paths[p] = v;
            set.push(p);
        };
        const giveSecret = (k: string, v: string): void => {
            secretValues[k] = v;
            if (!secrets.includes(k)) secrets.push(k);
        };
        for (const cluster of clusters) {
            giveSecret(`kubeconfig-${cluster}`, kubeconfig);
            if (hasKey(values.clusters, cluster, "apiServer")) give(`clusters.${cluster}.apiServer`, server);
        }
        for (const section of Object.keys(values)) {
            if (section === "clusters" || !hasKey(values, section, "apiServer")) continue;
            give(`${section}.apiServer`, server);
        }
        // An image the program ships as `:to-be-pinned` (components/config/placeholders.ts) is pinned to a test tag,
        // as an operator pins the tag running today.
        for (const [p, v] of Object.entries(pinnedImages(values))) give(p, v);
        for (const { path } of OFF_IN_COPIES) if (holdsParent(values, path)) give(path, "false");
        for (const [p, v] of Object.entries(liveInCopies(values))) give(p, v);
        for (const spec of requiredSecrets(stack, copy.dir)) {
            if (!(spec.key in secretValues)) giveSecret(spec.key, testValue(spec));
        }
        copy.configure({ paths, secrets: secretValues });
        // Every operator value gets a test value the program's own checks accept; a kind of operator value without
        // one, or a problem that is no placeholder, fails the copy naming its key. A value given can reveal the next
        // check's problem (a production pin comes before the images it pins), hence rounds.
        const { values: operatorValues } = fillOperatorValues(
            configProblems(copy),
            { kubeSystemUid: uid },
            (given) => {
                copy.configure({ paths: Object.fromEntries(given.map((v) => [v.path, v.value])) });
                set.push(...given.map((v) => v.path));
                return configProblems(copy);
            },
        );
        // The database server is an operator value: only now can the URIs on it be made.
        const uris = databaseUris(copy);
        copy.configure({ secrets: uris });
        for (const key of Object.keys(uris)) if (!secrets.includes(key)) secrets.push(key);
        const left = configProblems(copy);
        if (left.length > 0)
            throw new Error(
                `the ${stack} copy still stops a real run after its operator values got test values (a kind of ` +
                    `operator value without a stand-in in e2e/operatorValues.ts, or a problem that is no placeholder):\n` +
                    left.map((p) => `  ${p.key}: ${p.message}`).join("\n"),
            );
        if (tier === "production") commitStackFile(copy);
        return { copy, set, secrets, operatorValues };
    } catch (err) {
        copy.dispose();
        throw err;
    }
}

function commitStackFile(copy: StackCopy): void {
    const git = (args: string[]) => {
        const r = spawnSync("git", args, { cwd: copy.dir, encoding: "utf8" });
        if (r.status !== 0) throw new Error(`git ${args.join(" ")} failed: ${r.stderr}`);
    };
    git(["init", "-q"]);
    git(["add", `Pulumi.${copy.stack}.yaml`]);
    git(["-c", "user.name=e2e", "-c", "user.email=e2e@localhost", "commit", "-q", "-m", "prepared copy"]);
}

function hasKey(holder: unknown, name: string, key: string): boolean {
    const entry = (holder as Record<string, unknown> | undefined)?.[name];
    return typeof entry === "object" && entry !== null && key in entry;
}

/** The API server (host:port) of a minified kubeconfig's one cluster. */
function localServer(kubeconfig: string): string {
    const doc = parse(kubeconfig) as { clusters?: { cluster?: { server?: string } }[] };
    const server = doc.clusters?.[0]?.cluster?.server;
    if (!server) throw new Error("the local kubeconfig names no server");
    return new URL(server).host;
}
