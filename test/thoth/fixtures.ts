import { strict as assert } from "assert";
import { ConfigError } from "../../components/config/problems";
import { thothSchema } from "../../components/thoth/config";
import { thothSecrets } from "../../components/thoth/secrets";
import { RecordedResource } from "../../tools/mocks/recorder";
import { EnvMap } from "../../components/shared/env";
import { AccountHandle, ConfigMapHandle, HandleKeyRef, SecretHandle } from "../../components/shared/handles";
import { StationReads } from "../../components/thoth/station/stationEnv";
import { memoryConfigSource } from "../../components/config/source";
import { runProgram } from "../../components/program";
import { configErrorOf, ofType, resetRecorder, settled, stackValues } from "../harness";
import { Stack, SystemFixture, Values, runSystem } from "../fixtures/system";

/** Every secret the thoth section can ask for, with recognisable values so leaks can be searched for. */
/** Recorded inputs are untyped JSON; tests read them structurally. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export const SECRETS: Record<string, string> = {
    "kubeconfig-psi": "apiVersion: v1\nkind: Config\n",
    "thoth-ultrahook-aicoe-api-key": "aicoe-key",
    "thoth-ultrahook-thoth-api-key": "thoth-key",
    "thoth-kebechet-gitlab-oauth-token": "keb-gitlab-token",
    "thoth-kebechet-pagure-oauth-token": "keb-pagure-token",
    "thoth-kebechet-sentry-dsn": "https://keb-sentry@sentry.io/1",
    "thoth-sesheta-ssh-privatekey": "-----BEGIN SESHETA KEY-----",
    "thoth-sesheta-github-oauth-token": "ses-github-token",
    "thoth-sesheta-github-webhook-secret": "ses-webhook-secret",
    "thoth-sesheta-google-chat-space": "ses-chat-space",
    "thoth-sesheta-google-chat-endpoint-url": "https://chat.example/ses-endpoint",
    "thoth-sesheta-pubsub-consumer": '{"type":"service_account","private_key":"ses-pubsub-key"}',
    "thoth-cyborg-regidores-root-ca-cert": "-----BEGIN ROOT CA-----",
    "thoth-cyborg-regidores-datahub-ca-cert": "-----BEGIN DATAHUB CA-----",
    "thoth-dgraph-tls-ca-crt": "-----BEGIN DGRAPH CA-----",
    "thoth-dgraph-tls-node-crt": "-----BEGIN DGRAPH NODE CRT-----",
    "thoth-dgraph-tls-node-key": "-----BEGIN DGRAPH NODE KEY-----",
    "thoth-dgraph-tls-client-user-crt": "-----BEGIN DGRAPH CLIENT CRT-----",
    "thoth-dgraph-tls-client-user-key": "-----BEGIN DGRAPH CLIENT KEY-----",
};

/** The thoth part of a committed stack (other systems' sections removed: their secrets are theirs). */
export function thothStack(stack: "stage" | "prod"): Record<string, unknown> {
    const all = stackValues(stack);
    return { tier: all.tier, clusters: all.clusters, thoth: all.thoth };
}

/** The thoth section of values, for editing in place. */
export function thothOf(values: Record<string, unknown>): Record<string, Json> {
    return values.thoth as Record<string, Json>;
}

/**
 * A recognisable value for any thoth secret key: the fixed ones above, stage's (`thoth-stage-...`) derived from
 * production's with a prefix, the station's generated from the key.
 */
export function secretValue(key: string): string {
    if (SECRETS[key] !== undefined) return SECRETS[key];
    if (key.startsWith("thoth-stage-")) return `stage:${secretValue(key.replace(/^thoth-stage-/, "thoth-"))}`;
    return `value-of-${key}`;
}

/** The secret values of the last {@link secretsFor}, for leak checks. */
let lastSecrets: Record<string, string> = {};

/** The values a thoth section asks for (a secret nothing uses is a config error). */
export function secretsFor(thoth: unknown, pristine?: unknown): Record<string, string> {
    // A broken section is still read as far as it goes, so its secrets are still asked for: a test that breaks a
    // setting gives the secrets of the section it started from.
    const parsed = thothSchema.safeParse(thoth);
    const fallback = pristine === undefined ? undefined : thothSchema.safeParse(pristine);
    const keys = parsed.success
        ? thothSecrets(parsed.data).map((s) => s.key)
        : fallback?.success
          ? thothSecrets(fallback.data).map((s) => s.key)
          : Object.keys(SECRETS);
    lastSecrets = Object.fromEntries(keys.map((k) => [k, secretValue(k)]));
    return { "kubeconfig-psi": SECRETS["kubeconfig-psi"], ...lastSecrets };
}

/** A change of the thoth section as a change of the stack's values (what runSystem and evaluatePart take). */
export function onThoth(change: (thoth: Record<string, Json>) => void): (values: Values) => void {
    return (values) => change(thothOf(values));
}

/** Thoth in test/fixtures/system.ts: its section and the program-level ones, the secrets its section asks for. */
export const THOTH: SystemFixture = {
    sections: ["tier", "clusters", "thoth"],
    secrets: (values, pristine) => secretsFor(values.thoth, pristine.thoth),
};

/** `stack` evaluated with its thoth section changed by `change` (and `secrets` instead of the fixture's). */
export function runThoth(
    stack: Stack,
    change: (thoth: Record<string, Json>) => void,
    secrets?: Record<string, string>,
): Promise<RecordedResource[]> {
    return runSystem(THOTH, stack, onThoth(change), secrets);
}

/** Fails unless `binding` grants the `kind` `role` to exactly one subject: service account `account` of `namespace`. */
export function assertGrants(
    binding: RecordedResource,
    kind: "Role" | "ClusterRole",
    role: string,
    account: string,
    namespace: string,
): void {
    assert.deepEqual(binding.inputs.roleRef, { apiGroup: "rbac.authorization.k8s.io", kind, name: role });
    assert.deepEqual(binding.inputs.subjects, [{ kind: "ServiceAccount", name: account, namespace }]);
}

/**
 * The thoth stack outputs of a fresh evaluation of `values` (a trimmed {@link thothStack}) with every secret set, read
 * once every registration has settled.
 */
export async function thothOutputs(values: Record<string, unknown>): Promise<Record<string, Json>> {
    resetRecorder();
    const outputs = runProgram(memoryConfigSource(values, secretsFor(values.thoth))) as Record<string, Json>;
    await settled();
    return outputs.thoth;
}

// Trims for variants that inspect one part of the thoth section. A fresh evaluation of the whole station costs 0.5-1 s
// (its modules are ~400 of stage's ~450 objects); without the parts a variant does not look at, a tenth of that. Use
// one only where nothing the test asserts comes from, or could be hidden by, what it switches off; a variant compared
// with a baseline trims both sides alike.

/** A trim: it edits the thoth section of a stack's values in place. */
export type Trim = (thoth: Record<string, Json>) => void;

/** The trim that runs `base`, then switches off (`enabled: false`) each section at `paths` (dotted, below thoth). */
function switchedOff(base: Trim | undefined, ...paths: string[]): Trim {
    return (thoth) => {
        base?.(thoth);
        for (const path of paths)
            path.split(".").reduce((section, key) => section[key], thoth).enabled = false;
    };
}

/**
 * The nodepool off, in the stacks that have one: it has namespaces of its own, runs no pod and no tunnel, and is
 * handed no secret (its token is the cluster's).
 */
export function withoutNodepool(thoth: Record<string, Json>): void {
    if (thoth.nodepool) thoth.nodepool.enabled = false;
}

/** Bots, ultrahooks and nodepool only: the station (namespaces, Dgraph, modules) off. */
export const withoutStation = switchedOff(undefined, "station");

/** The bots and the ultrahooks: the station and the nodepool off. */
export const botsAndTunnels = switchedOff(withoutNodepool, "station");

/** The bots alone: the station, the ultrahooks (in namespaces of their own) and the nodepool off. */
export const botsOnly = switchedOff(botsAndTunnels, "ultrahooks");

/** The nodepool alone: the station, the bots and the ultrahooks off. */
export const nodepoolOnly = switchedOff(undefined, "station", "bots", "ultrahooks");

/** Bots, ultrahooks and nodepool off: the variants below look at the station alone. */
const stationOnly = switchedOff(withoutNodepool, "bots", "ultrahooks", "station.watcherRestart");

/**
 * The station's own objects only (tier namespaces, the ops account and its bindings, Dgraph): its modules and the
 * watcher restart (which restarts the modules' Deployments) off, and the bots, ultrahooks and nodepool.
 */
export const stationCore = switchedOff(stationOnly, "station.modules");

/** The station's environment alone (tier namespaces, the ops account and its bindings): {@link stationCore} without Dgraph. */
export const stationEnvironment = switchedOff(stationCore, "station.dgraph");

/** The station's namespaces and modules (with the catalog): Dgraph, the watcher restart, bots, ultrahooks, nodepool off. */
export const stationModules = switchedOff(stationOnly, "station.dgraph");

/** {@link stationModules} with the catalog switched off (one configuration for the files that check that switch). */
export const catalogSwitchedOff = switchedOff(stationModules, "station.modules.catalog");

/**
 * The ConfigError the program stops with when the thoth part of `stack` is changed by `change`; fails when it
 * does not stop, or when it registered anything before stopping.
 */
export function thothConfigError(
    stack: "stage" | "prod",
    change: (thoth: Record<string, Json>) => void,
): Promise<ConfigError> {
    return configErrorOf(() => runThoth(stack, change));
}

export const KIND = {
    deployment: "kubernetes:apps/v1:Deployment",
    statefulSet: "kubernetes:apps/v1:StatefulSet",
    cronJob: "kubernetes:batch/v1:CronJob",
    secret: "kubernetes:core/v1:Secret",
    configMap: "kubernetes:core/v1:ConfigMap",
    service: "kubernetes:core/v1:Service",
    serviceAccount: "kubernetes:core/v1:ServiceAccount",
    namespace: "kubernetes:core/v1:Namespace",
    role: "kubernetes:rbac.authorization.k8s.io/v1:Role",
    roleBinding: "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
    route: "kubernetes:route.openshift.io/v1:Route",
} as const;

export interface EnvVar {
    name: string;
    value?: string;
    valueFrom?: {
        secretKeyRef?: { name: string; key: string; optional?: boolean };
        configMapKeyRef?: { name: string; key: string };
    };
}

/** The env of the first (or named) container of a Deployment/StatefulSet/CronJob's recorded inputs. */
export function containerOf(resource: RecordedResource, name?: string): Record<string, Json> {
    const inputs = resource.inputs as Record<string, Json>;
    const pod =
        inputs.kind === "CronJob" ? inputs.spec.jobTemplate.spec.template.spec : inputs.spec.template.spec;
    const containers = pod.containers as Record<string, Json>[];
    return name ? containers.find((c) => c.name === name)! : containers[0];
}

export function podOf(resource: RecordedResource): Record<string, Json> {
    const inputs = resource.inputs as Record<string, Json>;
    return inputs.kind === "CronJob" ? inputs.spec.jobTemplate.spec.template.spec : inputs.spec.template.spec;
}

export function envOf(resource: RecordedResource, container?: string): Record<string, EnvVar> {
    const env = (containerOf(resource, container).env ?? []) as EnvVar[];
    return Object.fromEntries(env.map((e) => [e.name, e]));
}

/** Every secret value of {@link SECRETS} that appears in plain (unmasked) text anywhere but inside Secrets. */
export function leakedSecrets(): string[] {
    const values = Object.entries({ ...SECRETS, ...lastSecrets }).filter(
        ([k]) => !k.startsWith("kubeconfig"),
    );
    const leaks: string[] = [];
    for (const type of Object.values(KIND)) {
        if (type === KIND.secret) continue;
        for (const r of ofType(type)) {
            const text = JSON.stringify(r.inputs);
            for (const [key, value] of values) {
                if (text.includes(value)) leaks.push(`${key} in ${r.type} ${r.name}`);
            }
        }
    }
    return leaks;
}

/** True when the value at `path` was marked secret (itself or an enclosing object). */
export function isSecretAt(secretPaths: readonly string[], path: string): boolean {
    return secretPaths.some((p) => path === p || path.startsWith(`${p}.`));
}

/**
 * The station's objects of `namespace` for the pure plan tests, which evaluate nothing: each name asked for is a handle
 * without a resource. Whether a namespace gets what its pods read is checked where the station is evaluated.
 */
export function planReads(namespace = "ns"): StationReads {
    return {
        namespace,
        secret: (name) => SecretHandle.existing(name, namespace),
        configMap: (name) => ConfigMapHandle.existing(name, namespace),
    };
}

/** Account `argo` of `namespace`, as the pure CronWorkflow tests name it. */
export function planWorkflowAccount(namespace = "ns"): AccountHandle {
    return AccountHandle.existing("argo", namespace);
}

/** The Secrets (and keys) a plan's env reads: what each module needs from encrypted config. */
export function secretsRead(env: EnvMap): string[] {
    const refs = Object.values(env)
        .filter((v): v is HandleKeyRef => typeof v === "object" && "from" in v && v.from.kind === "Secret")
        .map((v) => `${v.from.objectName}/${v.key}`);
    return [...new Set(refs)].sort();
}
