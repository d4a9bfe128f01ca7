import { spawnSync } from "child_process";
import { parse } from "yaml";
import { readStackFile } from "../tools/plan/stackfile";
import { testValue } from "./local-secrets";
import { StackCopy, productionTierPaths, requiredSecrets } from "./localStack";

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
        if (tier === "production") {
            // A production run refuses an unpinned cluster and an unconfirmed image: pin what an operator pins.
            for (const cluster of clusters) {
                copy.setPath(`clusters.${cluster}.identity.uid`, uid);
                set.push(`clusters.${cluster}.identity.uid`);
            }
            for (const [p, v] of Object.entries(productionTierPaths(values))) {
                copy.setPath(p, v);
                set.push(p);
            }
        }
        for (const spec of requiredSecrets(stack, copy.dir)) {
            if (secrets.includes(spec.key)) continue;
            copy.setSecret(spec.key, testValue(spec));
            secrets.push(spec.key);
        }
        if (tier === "production") commitStackFile(copy);
        return { copy, set, secrets };
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
