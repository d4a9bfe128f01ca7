import { spawnSync } from "child_process";
import { parse } from "yaml";
import { loadProgramConfig } from "../components/config/load";
import { ConfigError, ConfigProblem } from "../components/config/problems";
import { memoryConfigSource } from "../components/config/source";
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
 * The section of a system that runs on no cluster: Callysto's operator values are ids of live OpenStack objects
 * (instance, port, floating IP, volumes, zone) that a preview imports, i.e. reads from the cloud, which the e2e does
 * not have. The copy turns it off; the local-callysto stack previews Callysto against an OpenStack on loopback.
 */
export const OFF_CLUSTER_SECTIONS = ["callysto"] as const;

/**
 * The placeholder problems the program reports for the copy's configuration as the engine would hand it over, with
 * the problems that are not placeholders (a failure of the copy, never an operator value).
 */
function configProblems(copy: StackCopy): readonly ConfigProblem[] {
    const config = copy.decrypt();
    try {
        loadProgramConfig(memoryConfigSource(config.values, config.secrets, { stack: copy.stack }), SYSTEMS, {
            root: copy.dir,
        });
        return [];
    } catch (err) {
        if (err instanceof ConfigError) return err.problems;
        throw err;
    }
}

/**
 * Prepares a copy of committed stack `stack` against the cluster `kubeconfig` reaches (its kube-system uid `uid`).
 * Production is the committed file: the copy becomes a git repository whose HEAD holds the prepared file, as an
 * operator's checkout holds theirs, so the engine's committed-production check runs as it does there.
 */
export function prepareCommittedCopy(stack: string, kubeconfig: string, uid: string): PreparedCopy {
    const copy = StackCopy.create(stack);
    const set: string[] = [];
    const secrets: string[] = [];
    try {
        const values = readStackFile(stack, copy.dir).values;
        const clusters = Object.keys((values.clusters ?? {}) as Record<string, unknown>);
        const tier = values.tier;
        // The credential decides which server a cluster is (components/config/clusterIdentity.ts): a file that
        // spells another one is refused offline, so every apiServer the file spells becomes the local cluster's.
        const server = localServer(kubeconfig);
        for (const cluster of clusters) {
            copy.setSecret(`kubeconfig-${cluster}`, kubeconfig);
            secrets.push(`kubeconfig-${cluster}`);
            if (hasKey(values.clusters, cluster, "apiServer")) {
                copy.setPath(`clusters.${cluster}.apiServer`, server);
                set.push(`clusters.${cluster}.apiServer`);
            }
        }
        for (const section of Object.keys(values)) {
            if (section === "clusters" || !hasKey(values, section, "apiServer")) continue;
            copy.setPath(`${section}.apiServer`, server);
            set.push(`${section}.apiServer`);
        }
        // An image the program ships as `:to-be-pinned` (components/config/placeholders.ts) is pinned to a test tag,
        // as an operator pins the tag running today.
        for (const [p, v] of Object.entries(pinnedImages(values))) {
            copy.setPath(p, v);
            set.push(p);
        }
        for (const section of OFF_CLUSTER_SECTIONS) {
            if (!(section in values)) continue;
            copy.setPath(`${section}.enabled`, "false");
            set.push(`${section}.enabled`);
        }
        for (const spec of requiredSecrets(stack, copy.dir)) {
            if (secrets.includes(spec.key)) continue;
            copy.setSecret(spec.key, testValue(spec));
            secrets.push(spec.key);
        }
        // Every operator value gets a test value the program's own checks accept; a kind of operator value without
        // one, or a problem that is no placeholder, fails the copy naming its key. A value given can reveal the next
        // check's problem (a production pin comes before the images it pins), hence rounds.
        const { values: operatorValues, left: problems } = fillOperatorValues(
            configProblems(copy),
            { kubeSystemUid: uid },
            (given) => {
                for (const v of given) {
                    copy.setPath(v.path, v.value);
                    set.push(v.path);
                }
                return configProblems(copy);
            },
        );
        if (problems.length > 0)
            throw new Error(
                `the ${stack} copy still stops a real run after its operator values got test values (a kind of ` +
                    `operator value without a stand-in in e2e/operatorValues.ts, or a problem that is no placeholder):\n` +
                    problems.map((p) => `  ${p.key}: ${p.message}`).join("\n"),
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
