import * as pulumi from "@pulumi/pulumi";
import { stringify } from "yaml";
import { RetiredSecret, SecretSpec } from "../config/system";
import { SecretName } from "./catalog";
import { EnvironmentName } from "./environments";
import { ProwRefs } from "./refs";

/** A secret of systems.md §3: where it is mounted from, where it lives today, and its test stand-in. */
export interface ProwSecretDef {
    name: SecretName;
    /** Namespaces that get a copy: the prow namespace's components or the jobs namespace's job pods. */
    namespaces: readonly ("prow" | "jobs")[];
    /** Path in the environment's `secrets/` directory today. */
    file: string;
    /**
     * A kustomize `env:` file: each listed variable becomes a key, and has its own config secret
     * (`prow-<secret>-<variable>`), so nothing parses secret text and a missing variable is a config error. Unset: the
     * file is one key named as the file is (kustomize's key for a file) and one config secret holds it.
     */
    env?: readonly string[];
    description: string;
    example: string;
    /** A stand-in for one key on throw-away test clusters, built from generated random material. */
    testValue?(random: () => pulumi.Output<string>, refs: ProwRefs, key: string): pulumi.Input<string>;
    /**
     * Never generated, not even on a throw-away cluster, and what the real value must be there: Prow's services
     * call GitHub with it before they start, so a random token only leaves them failing.
     */
    realInTest?: string;
    /**
     * What a rolled pod cannot apply of a rotated value: the step outside the cluster that must go with it, because
     * the value is registered at GitHub too (see prowNotices).
     */
    rotation?(refs: ProwRefs): string;
}

const token = (random: () => pulumi.Output<string>) => random();
const account = (random: () => pulumi.Output<string>, _refs: ProwRefs, key: string) =>
    key === "username" ? "kubevirtci-testing" : random();

export const PROW_SECRETS: readonly ProwSecretDef[] = [
    {
        name: "hmac-token",
        namespaces: ["prow"],
        file: "hmac-token/hmac",
        description: "HMAC secret GitHub signs webhook deliveries with (hook, external plugins)",
        example: "hmac",
        testValue: token,
        // hook rejects a delivery whose signature is not made with the value it mounts.
        rotation: (refs) =>
            `GitHub signs each delivery with the secret set on the webhook: set the new value as the secret of every GitHub webhook that delivers to ${refs.urls.hook} right after up rolled hook; deliveries in between are rejected (redeliver them from the webhook's Recent Deliveries)`,
    },
    {
        name: "oauth-token",
        namespaces: ["prow"],
        file: "oauth-token/oauth",
        description: "GitHub token of the Prow bot account (kubevirt-bot)",
        example: "oauth",
        // Runbook 002: "a real github token is a major requirement. Many services will try to access github using
        // the token before starting."
        realInTest:
            "on kubevirtci-testing a real GitHub token of your own account with at most the read:user scope (github.com/settings/tokens): Prow's services call GitHub with it before they start, and any wider scope would let the test environment act on production repositories, e.g. comment on pull requests",
    },
    {
        name: "github-oauth-config",
        namespaces: ["prow"],
        file: "github-oauth-config/secret",
        description:
            "deck's GitHub OAuth app (client_id, client_secret, redirect_url, final_redirect_url as YAML)",
        example: "github-oauth-config.yaml",
        rotation: (refs) =>
            `client_secret is the GitHub OAuth app's: generate the new one in the app's settings first, set it, up, then delete the old one there; redirect_url must stay the app's callback URL (${refs.urls.deck}/github-login/redirect)`,
        testValue: (random, refs) =>
            random().apply((secret) =>
                stringify({
                    client_id: "kubevirtci-testing",
                    client_secret: secret,
                    redirect_url: `${refs.urls.deck}/github-login/redirect`,
                    final_redirect_url: `${refs.urls.deck}/pr`,
                }),
            ),
    },
    {
        name: "cookie",
        namespaces: ["prow"],
        file: "cookie/secret",
        description: "deck's session cookie key (base64 of at least 32 random bytes)",
        example: "cookie-secret",
        testValue: (random) => random().apply((r) => Buffer.from(r).toString("base64")),
    },
    {
        name: "gcs",
        namespaces: ["prow", "jobs"],
        file: "gcs/service-account.json",
        description:
            "Google service account key that uploads job artifacts and tide/status-reconciler state to the bucket",
        example: "service-account.json",
        testValue: (random) =>
            random().apply((id) =>
                JSON.stringify({
                    type: "service_account",
                    project_id: "kubevirtci-testing",
                    private_key_id: id,
                    client_email: "prow@kubevirtci-testing.iam.gserviceaccount.com",
                }),
            ),
    },
    {
        name: "kubeconfig",
        namespaces: ["prow"],
        file: "kubeconfig/config",
        description: "kubeconfig of the build cluster(s) Prow starts job pods in (context `default`)",
        example: "kubeconfig.yaml",
        // The build cluster is the cluster itself: the pod's own service-account token, no secret material.
        testValue: (_random, refs) =>
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
    },
    {
        name: "slack-token",
        namespaces: ["prow"],
        file: "slack-token/token",
        description: "Slack bot token hook and crier post with",
        example: "slack-token",
        testValue: (random) => random().apply((r) => `xoxb-${r}`),
    },
    {
        name: "commenter-oauth-token",
        namespaces: ["jobs"],
        file: "commenter-oauth-token/oauth",
        description: "GitHub token jobs comment on pull requests with (githubCommenterToken)",
        example: "oauth",
        testValue: token,
    },
    {
        name: "kubevirtci-coveralls-token",
        namespaces: ["jobs"],
        file: "kubevirtci-coveralls-token/token",
        description: "Coveralls token of coverage jobs (coverallsToken)",
        example: "token",
        testValue: token,
    },
    {
        name: "kubevirtci-docker-credential",
        namespaces: ["jobs"],
        file: "kubevirtci-docker-credential/env",
        env: ["username", "password"],
        description: "Docker Hub account jobs push kubevirtci images with",
        example: "kubevirtbot",
        testValue: account,
    },
    {
        name: "kubevirtci-quay-credential",
        namespaces: ["jobs"],
        file: "kubevirtci-quay-credential/env",
        env: ["username", "password"],
        description: "quay.io robot account jobs push images with",
        example: "kubevirt+bot",
        testValue: account,
    },
    {
        name: "kubevirtci-installer-pull-token",
        namespaces: ["jobs"],
        file: "kubevirtci-installer-pull-token/token",
        description: "OpenShift installer pull secret of the kubevirtci provider jobs (installerPullToken)",
        example: "token",
        testValue: token,
    },
];

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
