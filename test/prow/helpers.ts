import { RecordedResource } from "../../tools/mocks/recorder";
import { runWith, stackValues } from "../harness";
import { SystemFixture, runSystem } from "../fixtures/system";

export type Stack = "stage" | "prod";

/** A stack's program-level settings and its Prow section only, so other systems' config and secrets stay out. */
export function prowValues(stack: Stack, patch: Record<string, unknown> = {}): Record<string, unknown> {
    const all = stackValues(stack);
    return {
        tier: all.tier,
        clusters: all.clusters,
        prow: { ...(all.prow as Record<string, unknown>), ...patch },
    };
}

/** The minimal config of the throw-away kubevirtci-testing environment (as the e2e `local` stack uses it). */
export function testingValues(patch: Record<string, unknown> = {}): Record<string, unknown> {
    const all = stackValues("stage");
    return {
        tier: "local",
        clusters: all.clusters,
        prow: {
            enabled: true,
            cluster: "ibmcloud-prow",
            environment: "kubevirtci-testing",
            release: "v20201020-a5b49bc903",
            ...patch,
        },
    };
}

export const CLUSTER_KUBECONFIG = { "kubeconfig-ibmcloud-prow": "apiVersion: v1\nkind: Config\n" };

/** A value for every Prow secret, each one recognisable so tests can look for leaks. */
export const PROW_SECRET_VALUES: Record<string, string> = {
    ...CLUSTER_KUBECONFIG,
    "prow-hmac-token": "s3cret-hmac",
    "prow-oauth-token": "s3cret-oauth",
    "prow-github-oauth-config": "client_id: x\nclient_secret: s3cret-client\n",
    "prow-cookie": "s3cret-cookie",
    "prow-gcs": '{"type":"service_account","private_key":"s3cret-gcs"}',
    "prow-kubeconfig": "apiVersion: v1\nkind: Config\nusers: [{name: u, user: {token: s3cret-kube}}]\n",
    "prow-slack-token": "s3cret-slack",
    "prow-unsplash-api-key": "s3cret-unsplash",
    "prow-commenter-oauth-token": "s3cret-commenter",
    "prow-kubevirtci-coveralls-token": "s3cret-coveralls",
    "prow-kubevirtci-docker-credential-username": "kubevirtbot",
    "prow-kubevirtci-docker-credential-password": "s3cret-docker",
    "prow-kubevirtci-quay-credential-username": "kubevirt+bot",
    "prow-kubevirtci-quay-credential-password": "s3cret-quay",
    "prow-kubevirtci-installer-pull-token": "s3cret-installer",
};

export async function runStack(
    stack: Stack,
    patch: Record<string, unknown> = {},
): Promise<RecordedResource[]> {
    const change = (values: Record<string, unknown>): void => {
        values.prow = { ...(values.prow as Record<string, unknown>), ...patch };
    };
    return [...(await runSystem(PROW, stack, change))];
}

/** Prow in test/fixtures/system.ts: its section, the program-level ones, a value for every Prow secret. */
export const PROW: SystemFixture = {
    sections: ["tier", "clusters", "prow"],
    secrets: () => PROW_SECRET_VALUES,
};

/** The real GitHub token kubevirtci-testing requires (a stand-in: tests make no network calls). */
export const TESTING_GITHUB_TOKEN = "ghp_operatorReadUserOnlyToken";

export async function runTesting(
    patch: Record<string, unknown> = {},
    secrets: Record<string, string> = {},
): Promise<RecordedResource[]> {
    return [
        ...(await runWith({
            values: testingValues(patch),
            // Never generated: the operator's own read:user token (runbook 002).
            secrets: { ...CLUSTER_KUBECONFIG, "prow-oauth-token": TESTING_GITHUB_TOKEN, ...secrets },
        })),
    ];
}

/** Kubernetes objects (not providers) among the recorded resources. */
export function k8sResources<R extends Pick<RecordedResource, "custom" | "type">>(
    resources: readonly R[],
): R[] {
    return resources.filter(
        (r) => r.custom && r.type.startsWith("kubernetes:") && !r.type.startsWith("pulumi:providers:"),
    );
}

export function kindOf(r: RecordedResource): string {
    return String(r.inputs.kind);
}

export function meta(r: RecordedResource): {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
} {
    return r.inputs.metadata as { name: string; namespace?: string };
}
