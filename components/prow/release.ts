/**
 * The Prow release the runbook's deployment runs (every gcr.io/k8s-prow image of kubevirt/project-infra@145ec5a00's
 * prow-deploy kustomization; systems.md §3): the tag the stack files pin, the version the evidence was read at
 * (kubernetes/test-infra commit a5b49bc903) and the tag a source confirms.
 */
export const RUNBOOK_RELEASE = "v20201020-a5b49bc903";
