import { z } from "zod";
import { loadFacts } from "../shared/facts";
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

/** What the program relies on in facts/prow/prowjob-crd.yaml; the rest of the spec is the API server's to check. */
const crdFile = z.strictObject({
    spec: z.strictObject({
        group: z.string().min(1),
        names: z.strictObject({
            kind: z.string(),
            singular: z.string(),
            plural: z.string(),
            listKind: z.string(),
        }),
        scope: z.enum(["Namespaced", "Cluster"]),
        versions: z.array(z.looseObject({ name: z.string(), served: z.boolean(), storage: z.boolean() })),
    }),
});

/** The `prowjobs.prow.k8s.io` CRD spec (facts/prow/prowjob-crd.yaml): structural, Prow's selected fields typed. */
export function prowJobCrdSpec(): k8s.types.input.apiextensions.v1.CustomResourceDefinitionSpec {
    const { spec } = loadFacts("facts/prow/prowjob-crd.yaml", crdFile, "Prow's ProwJob CRD");
    return spec as k8s.types.input.apiextensions.v1.CustomResourceDefinitionSpec;
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
