// What the program gives Argo Workflows v2.12.5 (argoproj/argo-workflows@v2.12.5): the controller's settings that
// shape a workflow pod, a Workflow's ttlStrategy, and the restricted container settings a rendered Workflow-kind
// object's containers get. What pod the controller then builds is the tests' oracle (test/thoth/argoPod.ts), and the
// API server's Pod Security admission of those pods the e2e's verdict (e2e/podSecurity.e2e.ts).

/** A plain JSON object, and how the pod walkers here read one: a missing field is empty. */
export type Json = Record<string, unknown>;

export const isObj = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
export const objectAt = (o: Json, key: string): Json => (isObj(o[key]) ? o[key] : {});
export const listAt = (o: Json, key: string): unknown[] => (Array.isArray(o[key]) ? o[key] : []);

/** A copy of plain objects and lists; anything else (an Output the program has not resolved) is kept as it is. */
export function clone<T>(v: T): T {
    if (Array.isArray(v)) return v.map(clone) as T;
    if (isObj(v) && Object.getPrototypeOf(v) === Object.prototype) {
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, clone(x)])) as T;
    }
    return v;
}

/**

/** What of `workflow-controller-configmap`'s `config` shapes a workflow pod (config/config.go Config). */
export interface WorkflowControllerSettings {
    /** Unset: `docker` (config/config.go: "default is docker"; createVolumes' default branch). */
    containerRuntimeExecutor?: string;
    /** The executor containers' customisations: newExecContainer copies only its securityContext, args and resources. */
    executor?: { securityContext?: Json; [field: string]: unknown };
    /** A kubeconfig Secret mounted into the executor containers. */
    kubeConfig?: { secretName?: string; volumeName?: string };
    /** A Workflow object whose spec fills what each Workflow leaves unset. */
    workflowDefaults?: { spec?: Json };
}

/** A Workflow's ttlStrategy that deletes it `seconds` after it finishes, whatever its outcome. */
export function keptFor(seconds: number): Json {
    return { secondsAfterCompletion: seconds, secondsAfterSuccess: seconds, secondsAfterFailure: seconds };
}

/** The Argo kinds whose templates become pods. */
export const WORKFLOW_KINDS: readonly string[] = [
    "Workflow",
    "CronWorkflow",
    "WorkflowTemplate",
    "ClusterWorkflowTemplate",
];

/** The WorkflowSpec of a Workflow-kind object (a CronWorkflow's `workflowSpec`). */
export function workflowSpecOf(object: Json): Json {
    const spec = objectAt(object, "spec");
    return object.kind === "CronWorkflow" ? objectAt(spec, "workflowSpec") : spec;
}

/**
 * Gives every container a Workflow-kind object names (container and script templates, their sidecars and init
 * containers) what the restricted standard asks of a container and it leaves unset: no privilege escalation, no
 * capabilities. What a container sets itself is kept, so a template that asks for more still fails the check.
 */
export function restrictContainers(object: Json, restricted: Json): void {
    const spec = workflowSpecOf(object);
    for (const tmpl of listAt(spec, "templates").filter(isObj)) {
        const containers = [
            tmpl.container,
            tmpl.script,
            ...listAt(tmpl, "sidecars"),
            ...listAt(tmpl, "initContainers"),
        ].filter(isObj);
        for (const c of containers) {
            c.securityContext = { ...clone(restricted), ...objectAt(c, "securityContext") };
        }
    }
}
