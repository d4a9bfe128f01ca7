// What `verify` checks, as plain data: built from the stack (targets.ts) by the CLI, written by hand by the tests,
// so every check runs the same against production names and against loopback stand-ins.

/** The runbook step a check stands for: the facts file's runbook and the line range of its row. */
export interface RunbookStep {
    /** `001-packit-stream`, as facts/runbooks/ names it. */
    runbook: string;
    /** The row's `lines` (`"380-383"`). */
    lines: string;
    /** The step in the operator's words, as the row says it. */
    step: string;
}

/** The certificate the stack deployed for a host, or why there is none to compare with. */
export type DeployedCertificate = { pem: string; from: string } | { none: string };

/** A public host of the stack: an Ingress rule's or a Route's host. */
export interface HostTarget {
    system: string;
    host: string;
    /** The path the object routes (`/hook`); `/` when it routes the whole host. */
    path: string;
    /** The plan object that exposes it (`Route packit-prod/nginx`). */
    object: string;
    certificate: DeployedCertificate;
    /** What the page must show, where the runbook's own check says (deck's title): more than an answer below 500. */
    page?: PageExpectation;
}

/** A page a runbook's smoke test reads: its status and a text it must hold, with where both are said. */
export interface PageExpectation {
    status: number;
    contains: string;
    from: string;
}

/** A DNS record the stack says a name has. */
export interface RecordTarget {
    system: string;
    name: string;
    type: "A" | "AAAA";
    addresses: string[];
    /** Where the stack says it (`RecordSet callysto-hub-a`, `runbooks:callysto.hosts[hub].floatingIp`). */
    from: string;
}

/** Prow's hook: a signed ping must be accepted, a wrongly signed one refused. */
export interface HookTarget {
    system: string;
    host: string;
    path: string;
    /** The HMAC secret hook mounts (never printed); undefined with why when it cannot be read. */
    secret: string | { none: string };
}

/** Packit's public /metrics: GET answers, a push is refused. */
export interface MetricsTarget {
    system: string;
    host: string;
    path: string;
}

/** A JupyterHub: its API answers with its version; the announcement, when the stack sets one, is on the login page. */
export interface HubTarget {
    system: string;
    host: string;
    announcement?: string;
}

/** Prow's ProwJobs, read through the stack's kubeconfig of the system's cluster: one started after the deploy succeeds. */
export interface ProwJobTarget {
    system: string;
    /** The stack's name of the cluster (its kubeconfig is the secret `kubeconfig-<cluster>`). */
    cluster: string;
    namespace: string;
    /** Where the namespace is said (`ConfigMap kubevirt-prow/config config.yaml prowjob_namespace`). */
    from: string;
}

/** A ProwJob as verify reads it (kubernetes-sigs/prow@7593870dc pkg/apis/prowjobs/v1/types.go). */
export interface ProwJobSeen {
    name: string;
    /** The job's name in the job config (`spec.job`) and its type (periodic, presubmit, ...). */
    job: string;
    type: string;
    /** `status.state`: triggered, pending, success, failure, aborted, error. */
    state: string;
    startTime?: string;
    url?: string;
}

/** A check the runner cannot make from outside the cluster: made by `pulumi up` (UP) or listed as SKIP, with how or why. */
export interface ClusterCheck {
    system: string;
    kind: "consumers" | "hubPool";
    check: string;
    why: string;
}

export interface Targets {
    stack: string;
    hosts: HostTarget[];
    records: RecordTarget[];
    hooks: HookTarget[];
    metrics: MetricsTarget[];
    hubs: HubTarget[];
    prowJobs: ProwJobTarget[];
    cluster: ClusterCheck[];
}

/** UP: made by `pulumi up` itself (a Job it waits for), which fails when the check does. */
export type Outcome = "PASS" | "FAIL" | "SKIP" | "UP";

/** One line of the report. */
export interface CheckResult {
    system: string;
    /** What was checked, with its subject (`answers https://prod.packit.dev/`). */
    check: string;
    step: RunbookStep;
    outcome: Outcome;
    /** What it saw (or, for SKIP, why it did not look; for UP, how the up makes it). */
    saw: string;
}
