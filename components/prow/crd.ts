import { preserveUnknownFields } from "../shared/crd";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterContext } from "../shared/cluster";
import { ClusterPrerequisite } from "../config/systemDefinition";
import { AppIdentity, standardLabels } from "../shared/labels";

/** The CRD's name (`<plural>.<group>`, fixed by the API) and the kind it serves. */
export const PROWJOB_CRD_NAME = "prowjobs.prow.k8s.io";
export const PROWJOB_KIND = { apiVersion: "prow.k8s.io/v1", kind: "ProwJob" } as const;

/**
 * One stack per cluster owns the cluster-scoped ProwJob CRD (prow.manageCrd: true, production's); a stack that does not
 * (staging, on the same cluster) needs it before its controllers start, so production goes first.
 */
export const PROWJOB_CRD_PREREQUISITE: ClusterPrerequisite = {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    name: PROWJOB_CRD_NAME,
    neededBy:
        "Prow's controllers and plugins (deck, hook, plank, crier, tide, horologium, sinker, rehearse, exporter): their Roles grant on prowjobs, which they list, watch and create",
    providedBy:
        "the stack that owns the cluster's ProwJob CRD (prow.manageCrd: true, the production stack): run its first pulumi up before this stack's",
    source: "components/prow/environments.ts (manageCrd), docs/systems/prow-notes.md",
    serves: PROWJOB_KIND,
};

/** States a ProwJob moves through (prow/apis/prowjobs/v1 ProwJobState). */
export const PROWJOB_STATES = [
    "scheduling",
    "triggered",
    "pending",
    "success",
    "failure",
    "aborted",
    "error",
];

const preserve = preserveUnknownFields;

/**
 * The `prowjobs.prow.k8s.io` CRD spec. The schema is structural: the fields Prow's controllers select and
 * print on are typed; the large, release-dependent rest of spec and status (pod specs, decoration config) is
 * kept with `x-kubernetes-preserve-unknown-fields` so a newer Prow release never loses data.
 */
export function prowJobCrdSpec(): k8s.types.input.apiextensions.v1.CustomResourceDefinitionSpec {
    return {
        group: "prow.k8s.io",
        names: { kind: "ProwJob", singular: "prowjob", plural: "prowjobs", listKind: "ProwJobList" },
        scope: "Namespaced",
        versions: [
            {
                name: "v1",
                served: true,
                storage: true,
                subresources: { status: {} },
                schema: {
                    openAPIV3Schema: {
                        type: "object",
                        description: "ProwJob contains the spec as well as runtime metadata.",
                        properties: {
                            apiVersion: { type: "string" },
                            kind: { type: "string" },
                            metadata: { type: "object" },
                            spec: {
                                ...preserve,
                                properties: {
                                    type: {
                                        type: "string",
                                        enum: ["presubmit", "postsubmit", "periodic", "batch"],
                                    },
                                    agent: { type: "string" },
                                    cluster: { type: "string" },
                                    namespace: { type: "string" },
                                    job: { type: "string" },
                                    report: { type: "boolean" },
                                    context: { type: "string" },
                                    rerun_command: { type: "string" },
                                    max_concurrency: { type: "integer", minimum: 0 },
                                    refs: preserve,
                                    extra_refs: { type: "array", items: preserve },
                                    pod_spec: preserve,
                                    decoration_config: preserve,
                                },
                            },
                            status: {
                                ...preserve,
                                properties: {
                                    state: { type: "string", enum: PROWJOB_STATES },
                                    startTime: { type: "string", format: "date-time" },
                                    pendingTime: { type: "string", format: "date-time" },
                                    completionTime: { type: "string", format: "date-time" },
                                    description: { type: "string" },
                                    url: { type: "string" },
                                    pod_name: { type: "string" },
                                    build_id: { type: "string" },
                                },
                            },
                        },
                    },
                },
                additionalPrinterColumns: [
                    { name: "Job", type: "string", jsonPath: ".spec.job" },
                    { name: "BuildId", type: "string", jsonPath: ".status.build_id" },
                    { name: "Type", type: "string", jsonPath: ".spec.type" },
                    { name: "Org", type: "string", jsonPath: ".spec.refs.org" },
                    { name: "Repo", type: "string", jsonPath: ".spec.refs.repo" },
                    { name: "Pulls", type: "string", jsonPath: ".spec.refs.pulls[*].number" },
                    { name: "StartTime", type: "date", jsonPath: ".status.startTime" },
                    { name: "CompletionTime", type: "date", jsonPath: ".status.completionTime" },
                    { name: "State", type: "string", jsonPath: ".status.state" },
                ],
            },
        ],
    };
}

export interface ProwJobCrdArgs {
    cluster: ClusterContext;
    app: AppIdentity;
}

/**
 * The ProwJob CRD. Its name is fixed by the API (`<plural>.<group>`) and it is cluster-scoped, so it carries
 * no environment prefix; it is kept on deletion because deleting a CRD deletes every ProwJob with it.
 */
/** The API server refuses CRDs in *.k8s.io groups without this annotation (KEP-1111); the value is upstream Prow's. */
export const PROWJOB_CRD_ANNOTATIONS = {
    "api-approved.kubernetes.io": "https://github.com/kubernetes/test-infra/pull/8669",
};

/** The `prowjobs.prow.k8s.io` CRD, kept on the cluster when the stack lets go of it (ProwJobs live in it). */
export class ProwJobCrd extends k8s.apiextensions.v1.CustomResourceDefinition {
    constructor(name: string, args: ProwJobCrdArgs, opts: pulumi.CustomResourceOptions) {
        super(
            name,
            {
                metadata: {
                    name: PROWJOB_CRD_NAME,
                    labels: standardLabels(args.app),
                    annotations: PROWJOB_CRD_ANNOTATIONS,
                },
                spec: prowJobCrdSpec(),
            },
            { ...opts, provider: args.cluster.provider, retainOnDelete: true },
        );
    }
}
