/**
 * The Prow release production runs today: every Prow image of kubevirt/project-infra@2c863fd's prow-deploy
 * kustomization is `us-docker.pkg.dev/k8s-infra-prow/images/<binary>:v20260819-7593870dc` (test/fixtures/live/
 * prowToday.ts). The stack files pin it; the evidence was read at kubernetes-sigs/prow commit 7593870dc. The runbook's
 * release (v20201020-a5b49bc903, project-infra@145ec5a) is older than what runs, so nothing deploys it.
 */
export const TODAY_RELEASE = "v20260819-7593870dc";
