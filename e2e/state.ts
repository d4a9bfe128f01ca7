import { diffLines } from "diff";
import { pendingOperationsOf } from "../tools/recover/state";

// Pure readers of what the engine leaves behind (a stack export, live Secrets, a rewritten stack file), kept apart
// from the e2e so that `npm test` proves each of them on small inputs, including inputs they must reject.

/** The untyped checkpoint of `stack export` as far as these checks read it. */
export interface Checkpoint {
    deployment?: {
        resources?: {
            urn: string;
            type: string;
            id?: string;
            protect?: boolean;
            retainOnDelete?: boolean;
            outputs?: { metadata?: { name?: string; namespace?: string; uid?: string }; spec?: unknown };
        }[];
        pending_operations?: { resource: { urn: string; type?: string }; type: string }[];
    };
}

/** Every URN that appears more than once in a checkpoint (two records of one resource). */
export function duplicateUrns(checkpoint: Checkpoint): string[] {
    const urns = (checkpoint.deployment?.resources ?? []).map((r) => r.urn);
    return [...new Set(urns.filter((u, i) => urns.indexOf(u) !== i))];
}

/**
 * The operations a killed update left unresolved, as `<type> <urn>` (`creating urn:...`). `pulumi up` carries
 * pending creates forward untouched: only a refresh with `--clear-pending-creates` (or an interactive answer)
 * removes them.
 */
export function pendingOperations(checkpoint: Checkpoint): string[] {
    return pendingOperationsOf(checkpoint).map((op) => `${op.type} ${op.urn}`);
}

/**
 * The forms a secret value can take in text, long enough to be unique: raw, JSON-escaped, base64-encoded (as in a
 * Secret's data), and base64-decoded when the value is itself base64. Multi-line values (keys, kubeconfigs) are
 * also looked for line by line, so a leaked fragment is found too.
 */
export function secretNeedles(value: string): string[] {
    const forms = [value, Buffer.from(value).toString("base64")];
    const decoded = Buffer.from(value, "base64").toString("utf8");
    if (/^[A-Za-z0-9+/]+=*$/.test(value) && Buffer.from(decoded).toString("base64") === value)
        forms.push(decoded);
    forms.push(...value.split("\n").filter((l) => l.trim().length >= 40 && !/^-----/.test(l.trim())));
    const long = forms.filter((f) => f.trim().length >= 12);
    return [...new Set([...long, ...long.map((f) => JSON.stringify(f).slice(1, -1))])];
}

/** A secret to look for: what it is (a config key, `Secret <ns>/<name> <key>`) and its plain value. */
export type SecretEntry = readonly [label: string, value: string];

/** The labels of the entries whose value appears in `text` in any of its {@link secretNeedles} forms. */
export function foundSecrets(text: string, entries: readonly SecretEntry[]): string[] {
    return entries.filter(([, value]) => secretNeedles(value).some((n) => text.includes(n))).map(([l]) => l);
}

/** The labels of the entries too short to be looked for (no needle): no export check can see them. */
export function unsearchable(entries: readonly SecretEntry[]): string[] {
    return entries.filter(([, value]) => secretNeedles(value).length === 0).map(([l]) => l);
}

/** A Secret as `kubectl get secrets -o json` returns it. */
export interface LiveSecret {
    metadata: { name: string; namespace?: string };
    type?: string;
    data?: Record<string, string>;
}

/** Secrets whose data Kubernetes fills in itself (the token controller), after the provider recorded them. */
const FILLED_BY_KUBERNETES = "kubernetes.io/service-account-token";

/**
 * Keys Kubernetes writes in plain form, not secret by design: the token controller puts the namespace's name into
 * every service-account token Secret (`namespace`), and that name is in every object's metadata in the state.
 */
const PLAIN_BY_DESIGN: Readonly<Record<string, readonly string[]>> = {
    [FILLED_BY_KUBERNETES]: ["namespace"],
};

/**
 * The values of live Secrets that the render did not hold, as `Secret <ns>/<name> <key>` → value: `generated` by
 * the program (@pulumi/random), which the state must hold (encrypted), and `filledByKubernetes` (service-account
 * tokens and their CA), which it may hold or not (the provider records a Secret as created, before the token
 * controller fills it). `rendered` holds every plain value of the render's Secrets (with fake random values), so
 * config-set values are left to the config-secret check.
 */
export function generatedSecretValues(
    live: readonly LiveSecret[],
    rendered: ReadonlySet<string>,
): { generated: SecretEntry[]; filledByKubernetes: SecretEntry[] } {
    const entries = (s: LiveSecret): SecretEntry[] =>
        Object.entries(s.data ?? {})
            .filter(([key]) => !(PLAIN_BY_DESIGN[s.type ?? ""] ?? []).includes(key))
            .map(
                ([key, v]) =>
                    [
                        `Secret ${s.metadata.namespace}/${s.metadata.name} ${key}`,
                        Buffer.from(v, "base64").toString("utf8"),
                    ] as const,
            )
            .filter(([, value]) => !rendered.has(value));
    return {
        generated: live.filter((s) => s.type !== FILLED_BY_KUBERNETES).flatMap(entries),
        filledByKubernetes: live.filter((s) => s.type === FILLED_BY_KUBERNETES).flatMap(entries),
    };
}

/**
 * The lines one edit changed, as the removed and the added lines in file order (a line diff, so a rewrite that
 * moves, reflows or requotes other lines shows them too).
 */
export function changedLines(before: string, after: string): { removed: string[]; added: string[] } {
    const removed: string[] = [];
    const added: string[] = [];
    for (const part of diffLines(before, after)) {
        const lines = part.value.replace(/\n$/, "").split("\n");
        if (part.removed) removed.push(...lines);
        else if (part.added) added.push(...lines);
    }
    return { removed, added };
}

/**
 * What `pulumi stack init` changed in a stack file besides what it must: every removed line and every added line,
 * except one top-level `encryptionsalt:` added to a file that had none (the passphrase provider's salt). Anything
 * listed is a rewrite an operator would find in their next diff (a re-indented comment, a requoted value).
 */
export function initRewrites(before: string, after: string): string[] {
    const { removed, added } = changedLines(before, after);
    const hadSalt = /^encryptionsalt:/m.test(before);
    const salt = added.findIndex((l) => /^encryptionsalt: \S+$/.test(l));
    const unexpected = !hadSalt && salt >= 0 ? added.filter((_, i) => i !== salt) : added;
    return [...removed.map((l) => `- ${l}`), ...unexpected.map((l) => `+ ${l}`)];
}

/** The metadata.uid of every Kubernetes object in a checkpoint, by `<type> <namespace>/<name>`. */
export function uidsOf(checkpoint: Checkpoint): Map<string, string> {
    const uids = new Map<string, string>();
    for (const r of checkpoint.deployment?.resources ?? []) {
        const m = r.outputs?.metadata;
        if (!r.type.startsWith("kubernetes:") || !m?.uid) continue;
        uids.set(`${r.type} ${m.namespace ?? ""}/${m.name ?? ""}`, m.uid);
    }
    return uids;
}
