import * as pulumi from "@pulumi/pulumi";
import { stringify } from "yaml";
import { RetiredSecret, SecretSpec } from "../config/system";
import { z } from "zod";
import { loadFacts } from "../shared/facts";
import { SECRET_NAMES, SecretName } from "./catalog";
import { EnvironmentName } from "./environments";
import { ProwRefs } from "./refs";

/** A stand-in for one key on throw-away test clusters, built from generated random material. */
type TestValue = (random: () => pulumi.Output<string>, refs: ProwRefs, key: string) => pulumi.Input<string>;

const TEST_VALUES = {
    token: (random) => random(),
    account: (random, _refs, key) => (key === "username" ? "kubevirtci-testing" : random()),
    base64: (random) => random().apply((r) => Buffer.from(r).toString("base64")),
    slackBot: (random) => random().apply((r) => `xoxb-${r}`),
    oauthApp: (random, refs) =>
        random().apply((secret) =>
            stringify({
                client_id: "kubevirtci-testing",
                client_secret: secret,
                redirect_url: `${refs.urls.deck}/github-login/redirect`,
                final_redirect_url: `${refs.urls.deck}/pr`,
            }),
        ),
    serviceAccountKey: (random) =>
        random().apply((id) =>
            JSON.stringify({
                type: "service_account",
                project_id: "kubevirtci-testing",
                private_key_id: id,
                client_email: "prow@kubevirtci-testing.iam.gserviceaccount.com",
            }),
        ),
    // The build cluster is the cluster itself: the pod's own service-account token, no secret material.
    inCluster: (_random, refs) =>
        stringify({
            apiVersion: "v1",
            kind: "Config",
            clusters: [
                {
                    name: "default",
                    cluster: {
                        server: "https://kubernetes.default.svc",
                        "certificate-authority": "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt",
                    },
                },
            ],
            users: [
                {
                    name: "default",
                    user: { tokenFile: "/var/run/secrets/kubernetes.io/serviceaccount/token" },
                },
            ],
            contexts: [
                {
                    name: "default",
                    context: { cluster: "default", user: "default", namespace: refs.namespaces.jobs },
                },
            ],
            "current-context": "default",
        }),
} satisfies Record<string, TestValue>;

const ROTATIONS: Partial<Record<SecretName, (refs: ProwRefs) => string>> = {
    // hook rejects a delivery whose signature is not made with the value it mounts.
    "hmac-token": (refs) =>
        `GitHub signs each delivery with the secret set on the webhook: set the new value as the secret of every GitHub webhook that delivers to ${refs.urls.hook} right after up rolled hook; deliveries in between are rejected (redeliver them from the webhook's Recent Deliveries)`,
    "github-oauth-config": (refs) =>
        `client_secret is the GitHub OAuth app's: generate the new one in the app's settings first, set it, up, then delete the old one there; redirect_url must stay the app's callback URL (${refs.urls.deck}/github-login/redirect)`,
};

const text = z.string().min(1);
const secretFacts = z.strictObject({
    name: z.enum(SECRET_NAMES),
    namespaces: z.array(z.enum(["prow", "jobs"])).readonly(),
    file: text,
    env: z.array(text).readonly().optional(),
    description: text,
    example: text,
    realInTest: text.optional(),
    testValue: z.enum(Object.keys(TEST_VALUES) as (keyof typeof TEST_VALUES)[]).optional(),
});

/** A secret of systems.md §3 (facts/secrets/prow.yaml), with its test stand-in and what its rotation asks. */
export type ProwSecretDef = Omit<z.infer<typeof secretFacts>, "testValue"> & {
    testValue?: TestValue;
    /**
     * What a rolled pod cannot apply of a rotated value: the step outside the cluster that must go with it, because
     * the value is registered at GitHub too (see prowNotices).
     */
    rotation?(refs: ProwRefs): string;
};

export const PROW_SECRETS: readonly ProwSecretDef[] = loadFacts(
    "facts/secrets/prow.yaml",
    z.strictObject({ secrets: z.array(secretFacts) }),
    "Prow's secrets table",
).secrets.map(({ testValue, ...facts }) => ({
    ...facts,
    ...(testValue ? { testValue: TEST_VALUES[testValue] } : {}),
    ...(ROTATIONS[facts.name] ? { rotation: ROTATIONS[facts.name] } : {}),
}));

/**
 * Keys of API keys hook was handed and never opened (see hook in facts/prow/components.yaml): a stack that still sets
 * one is told to remove it. The Secret and ConfigMap production has under those names were made by hand, and are left alone.
 */
export const PROW_RETIRED_SECRETS: readonly RetiredSecret[] = [
    ["prow-unsplash-api-key", "goose.key_path"],
    ["prow-cat-api-key", "cat.key_path"],
].map(([key, path]) => ({
    key,
    why: `hook opens this key only at the plugins.yaml ${path}, which neither this program nor production sets (kubernetes/test-infra@a5b49bc903 prow/plugins/config.go), so no Secret holds it`,
}));

/** One key of a Prow Secret and the config secret that holds its value. */
export interface SecretEntry {
    key: string;
    configKey: string;
}

/** The keys of a Prow Secret with their config secret keys: `prow-<secret>`, or `prow-<secret>-<variable>` for env files. */
export function secretEntries(def: ProwSecretDef): SecretEntry[] {
    if (!def.env)
        return [{ key: def.file.slice(def.file.lastIndexOf("/") + 1), configKey: `prow-${def.name}` }];
    return def.env.map((key) => ({ key, configKey: `prow-${def.name}-${key}` }));
}

/**
 * Where the values of one Prow Secret come from on a stack, decided by the check from the environment: deploy reads
 * the source and cannot meet a Secret whose value nobody provides.
 */
export type SecretSource =
    /** Every key is set in the stack's config: the secret specs require each one, so validation stops without it. */
    | { from: "config" }
    /** A throw-away environment: a key the config leaves unset gets this stand-in from generated random material. */
    | { from: "configOrGenerated"; testValue: NonNullable<ProwSecretDef["testValue"]> };

/** One Prow Secret of a stack: what it is, its keys with their config secrets, and where their values come from. */
export interface PlannedSecret {
    def: ProwSecretDef;
    entries: readonly SecretEntry[];
    source: SecretSource;
}

/**
 * The one rule of where a Secret's values come from: in an environment that generates secrets (kubevirtci-testing)
 * each with a stand-in is generated when unset; every other one is required.
 */
export function secretSource(def: ProwSecretDef, generated: boolean): SecretSource {
    if (generated && def.testValue) return { from: "configOrGenerated", testValue: def.testValue };
    return { from: "config" };
}

/** Every Prow Secret of an environment, with where its values come from ({@link secretSource}). */
export function plannedSecrets(generated: boolean): PlannedSecret[] {
    return PROW_SECRETS.map((def) => ({
        def,
        entries: secretEntries(def),
        source: secretSource(def, generated),
    }));
}

/**
 * The SecretSpecs of an environment: a key is optional exactly where {@link secretSource} does not read it from the
 * config alone (generated when unset in a test environment), so validation requires every other one.
 */
export function prowSecretSpecs(environment: EnvironmentName, generated: boolean): SecretSpec[] {
    const today = (def: ProwSecretDef, key: string) =>
        `kubevirt/project-infra github/ci/prow-deploy/kustom/environments/${environment}/secrets/${def.file}` +
        (def.env ? ` (its ${key}= line)` : "") +
        ", copied in from the CI secrets store before `kustomize build`";
    return plannedSecrets(generated).flatMap(({ def, entries, source }) =>
        entries.map(({ key, configKey }) => ({
            key: configKey,
            description: def.env ? `${def.description}: ${key}` : def.description,
            today: today(def, key),
            example: def.env ? (key === "username" ? def.example : "s3cr3t-password") : def.example,
            ...(def.env ? {} : { fromFile: true }),
            ...(generated && def.realInTest ? { description: `${def.description}; ${def.realInTest}` } : {}),
            ...(source.from !== "config" ? { optional: true } : {}),
        })),
    );
}
