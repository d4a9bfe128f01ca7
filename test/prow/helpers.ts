import { TODAY_RELEASE } from "../../components/prow/release";
import { COMPONENTS, ComponentName, ComponentSpec } from "../../components/prow/catalog";
import { BASE_DOCUMENTS, prowDocument } from "../../components/prow/documents";
import { Doc } from "../../components/prow/merge";
import { ProwRefs } from "../../components/prow/refs";
import { DocumentName, ResolvedEnvironment } from "../../components/prow/resolve";
import { RecordedResource } from "../../tools/mocks/recorder";
import { SystemFixture, Values } from "../fixtures/system";

/** A change (test/fixtures/system.ts) that writes `patch` over the stack's Prow section. */
export function patchProw(patch: Record<string, unknown> = {}): (values: Values) => void {
    return (values) => {
        values.prow = { ...(values.prow as Record<string, unknown>), ...patch };
    };
}

/**
 * A change that makes the stage stack the minimal throw-away kubevirtci-testing environment, as the e2e `local`
 * stack uses it: tier local, the same cluster.
 */
export function toTesting(patch: Record<string, unknown> = {}): (values: Values) => void {
    return (values) => {
        values.tier = "local";
        values.prow = {
            enabled: true,
            cluster: "ibmcloud-prow",
            environment: "kubevirtci-testing",
            release: TODAY_RELEASE,
            ...patch,
        };
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
    "prow-commenter-oauth-token": "s3cret-commenter",
    "prow-kubevirtci-coveralls-token": "s3cret-coveralls",
    "prow-kubevirtci-docker-credential-username": "kubevirtbot",
    "prow-kubevirtci-docker-credential-password": "s3cret-docker",
    "prow-kubevirtci-quay-credential-username": "kubevirt+bot",
    "prow-kubevirtci-quay-credential-password": "s3cret-quay",
    "prow-kubevirtci-installer-pull-token": "s3cret-installer",
};

/** Prow in test/fixtures/system.ts: its section, the program-level ones, a value for every Prow secret. */
export const PROW: SystemFixture = {
    sections: ["tier", "clusters", "prow"],
    secrets: () => PROW_SECRET_VALUES,
};

/** The real GitHub token kubevirtci-testing requires (a stand-in: tests make no network calls). */
export const TESTING_GITHUB_TOKEN = "ghp_operatorReadUserOnlyToken";

/** What a kubevirtci-testing stack sets: the cluster's kubeconfig, and never generated, the operator's own read:user token (runbook 002). */
export const TESTING_SECRETS: Record<string, string> = {
    ...CLUSTER_KUBECONFIG,
    "prow-oauth-token": TESTING_GITHUB_TOKEN,
};

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

/** The spec of a component. */
export function componentSpec(name: ComponentName): ComponentSpec {
    const spec = COMPONENTS.find((c) => c.name === name);
    if (!spec) throw new Error(`unknown Prow component ${name}`);
    return spec;
}

export type ProwDocuments = Record<DocumentName, Doc>;

/** Each of the four documents, made by `make`. */
const everyDocument = (make: (name: DocumentName) => Doc): ProwDocuments =>
    Object.fromEntries(Object.keys(BASE_DOCUMENTS).map((n) => [n, make(n as DocumentName)])) as ProwDocuments;

/** The base documents of an environment, before its overrides. */
export const baseDocuments = (r: ProwRefs): ProwDocuments => everyDocument((name) => BASE_DOCUMENTS[name](r));

/** Base documents deep-merged with the environment's and the stack config's overrides (the yq scripts' job). */
export const prowDocuments = (env: ResolvedEnvironment): ProwDocuments =>
    everyDocument((name) => prowDocument(env, name));
