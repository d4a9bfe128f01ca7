// The one list of kube-score checks (v1.20.0, `kube-score list`) that `npm run kube-score` does not enforce, each
// with why it does not fit these clusters. Every other check must report nothing on both committed plans.

export interface Skip {
    /** The check's id, as `kube-score list` prints it. */
    check: string;
    reason: string;
    /**
     * Only the findings of the check that match (its message, its object's `Kind/group/version/namespace/name`):
     * the part of a check that does not fit, while the rest of it stays enforced.
     */
    only?: { message?: RegExp; object?: RegExp };
}

export const KUBE_SCORE_SKIPS: readonly Skip[] = [
    {
        check: "container-image-pull-policy",
        reason:
            "asks for imagePullPolicy: Always so pull secrets are checked on every start; every image here is " +
            "pinned to a digest or a confirmed tag (policy pinned-images) and OpenShift image triggers own the " +
            "references, so Always only adds a registry round trip (and an outage when the registry is down)",
    },
    {
        check: "container-security-context-user-group-id",
        reason:
            "asks for a runAsUser/runAsGroup above 10000; OpenShift assigns each namespace its own random UID " +
            "range and refuses a pod that names another one, so the program sets runAsNonRoot and no UID " +
            "(components/shared/security.ts)",
    },
    {
        check: "container-security-context-readonlyrootfilesystem",
        reason:
            "asks for a read-only root filesystem; the upstream images (sclorg PostgreSQL and Redis, httpd, " +
            "Django, Celery, Prow) write into theirs (pid files, caches, generated config) and no runbook or " +
            "source manifest lists what each writes, so it would break them one at a time in production",
    },
    {
        check: "container-ephemeral-storage-request-and-limit",
        reason:
            "asks for ephemeral-storage requests and limits; no runbook or source manifest sizes them, and a " +
            "guessed limit evicts the pod that passes it (emptyDir volumes keep their own sizeLimit)",
    },
    {
        check: "deployment-replicas",
        reason:
            "asks for two or more replicas; the single-replica Deployments are single by design (Recreate " +
            "writers on a ReadWriteOnce volume, Prow's tide and horologium, databases) or paused at 0 by config",
    },
    {
        check: "pod-networkpolicy",
        only: { message: /matching egress NetworkPolicy/ },
        reason:
            "its egress half: egress is restricted only where the runbooks or references say what a pod reaches " +
            "(issue 42), and they name no egress (the pods call GitHub, Kafka, MQTT, DBoD, OpenStack, registries " +
            "at addresses no source lists); a guessed egress policy cuts production off. Its ingress half stays " +
            "enforced: every pod has a matching ingress NetworkPolicy (components/shared/network.ts)",
    },
    {
        check: "networkpolicy-targets-pod",
        only: {
            object: /\/default-deny-ingress$|\/[a-z0-9-]*(?:-sandbox|kubevirt-prow-jobs)\/egress-[a-z0-9-]+$/,
        },
        reason:
            "a namespace's default deny, and the egress policies of the namespaces where untrusted code runs, " +
            "select no pod of the manifests where every pod there is made at run time (Prow's ProwJob pods in " +
            "the jobs namespace, Packit's sandbox pods): they are written so that those pods are isolated too. " +
            "Every other policy must select pods of the plan",
    },
    {
        check: "deployment-strategy",
        reason:
            "asks for RollingUpdate on Deployments behind a Service; Recreate is kept where two pods must not " +
            "run at once (a ReadWriteOnce volume, a schema migration at start, a single scheduler)",
    },
];

/**
 * kube-score's own flag for CPU limits (part of container-resources, whose CPU and memory requests and memory
 * limits stay checked): the runbooks set CPU limits only on some containers, and a CPU limit throttles a container
 * even when its node has CPU to spare (CFS quota), the cause of slow starts and timed-out probes; CPU requests
 * (components/shared/resources.ts cpuRequestOf) give the scheduler what it needs.
 */
export const KUBE_SCORE_FLAGS: readonly string[] = ["--ignore-container-cpu-limit"];
