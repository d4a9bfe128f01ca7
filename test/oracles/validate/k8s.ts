// Offline checks that a rendered Kubernetes object would be accepted by the API server: the OpenAPI schema
// (kubernetes-models) plus the name, label and field rules the API server enforces beyond the schema.

import { cronProblem, dnsSubdomainProblem } from "../../../components/config/checks";
import { dataKeyProblem, portNameProblem } from "./names";
import { dnsLabelProblem } from "../../../components/shared/naming";
import { labelSelectorMatches } from "../../../components/shared/labelSelector";

// Name rules come from the config layer's checks, so config and rendered objects are judged by one implementation.
const isLabel = (v: string): boolean => dnsLabelProblem(v) === undefined;
const isSubdomain = (v: string): boolean => dnsSubdomainProblem(v) === undefined;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/** Kinds whose names become DNS labels (RFC 1123 label, not just subdomain). */
const LABEL_NAMED = new Set(["Namespace", "Service"]);

type Obj = Record<string, unknown>;

/** A kubernetes-models class: constructed from an object, it checks it against the OpenAPI schema. */
type Model = new (o: Obj) => { validate(): void };

function schemaProblems(obj: Obj): string[] {
    const [apiVersion, kind] = [String(obj.apiVersion ?? ""), String(obj.kind ?? "")];
    let Model: Model | undefined;
    try {
        // kubernetes-models has one module per kind; load only the kinds a plan contains.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const models = require(`kubernetes-models/${apiVersion}/${kind}`) as Record<string, Model>;
        Model = models[kind];
    } catch {
        // No module for that apiVersion and kind: the kinds kubernetes-models does not publish.
    }
    if (!Model) return customProblems(obj);
    try {
        new Model(obj).validate();
        return [];
    } catch (err) {
        return [String((err as Error).message)];
    }
}

/** OpenShift kinds have no published models here; check the fields the API server requires. */
function customProblems(obj: Obj): string[] {
    const spec = (obj.spec ?? {}) as Obj;
    switch (`${String(obj.apiVersion)}/${String(obj.kind)}`) {
        case "route.openshift.io/v1/Route": {
            const problems: string[] = [];
            const to = spec.to as Obj | undefined;
            if (!to || to.kind !== "Service" || typeof to.name !== "string")
                problems.push("spec.to must name a Service");
            if (spec.host !== undefined && !isSubdomain(String(spec.host)))
                problems.push(`spec.host ${String(spec.host)} is not a DNS name`);
            const tls = spec.tls as Obj | undefined;
            if (tls && !["edge", "passthrough", "reencrypt"].includes(String(tls.termination)))
                problems.push("spec.tls.termination is invalid");
            if (tls?.termination === "passthrough" && (tls.certificate || tls.key))
                problems.push("passthrough routes cannot carry certificates");
            if (spec.path !== undefined && tls?.termination === "passthrough")
                problems.push("passthrough routes cannot have a path");
            return problems;
        }
        case "image.openshift.io/v1/ImageStream": {
            const tags = (spec.tags ?? []) as Obj[];
            return tags
                .filter((t) => typeof t.name !== "string")
                .map(() => "every spec.tags entry needs a name");
        }
        case "argoproj.io/v1alpha1/CronWorkflow":
            return cronWorkflowProblems(spec);
        default:
            return [`no schema known for ${String(obj.apiVersion)} ${String(obj.kind)}`];
    }
}

/**
 * What Argo's controller refuses in a CronWorkflow (its CRD keeps unknown fields, so the API server checks none of
 * it): the schedule, the concurrency policy, an entrypoint and step targets that name templates, and containers
 * that mount only the Workflow's volumes.
 */
function cronWorkflowProblems(spec: Obj): string[] {
    const problems: string[] = [];
    const schedule = String(spec.schedule);
    const reason = cronProblem(schedule);
    if (reason) problems.push(`schedule ${schedule} ${reason}`);
    if (
        spec.concurrencyPolicy !== undefined &&
        !["Allow", "Forbid", "Replace"].includes(String(spec.concurrencyPolicy))
    )
        problems.push(`concurrencyPolicy ${String(spec.concurrencyPolicy)} is not Allow, Forbid or Replace`);
    const workflow = (spec.workflowSpec ?? {}) as Obj;
    const templates = (workflow.templates ?? []) as Obj[];
    const names = new Set(templates.map((t) => String(t.name)));
    if (!names.has(String(workflow.entrypoint)))
        problems.push(`entrypoint ${String(workflow.entrypoint)} names no template`);
    for (const t of templates) {
        for (const group of (t.steps ?? []) as Obj[][]) {
            for (const step of group) {
                if (!names.has(String(step.template)))
                    problems.push(`step ${String(step.name)} of ${String(t.name)} names no template`);
            }
        }
        if (t.container) {
            checkPod(
                `template ${String(t.name)}`,
                { containers: [{ name: t.name, ...(t.container as Obj) }], volumes: workflow.volumes },
                problems,
            );
        }
    }
    return problems;
}

function checkLabels(where: string, labels: unknown, problems: string[]): void {
    for (const [key, value] of Object.entries((labels ?? {}) as Record<string, unknown>)) {
        const [prefix, name] = key.includes("/") ? key.split("/", 2) : [undefined, key];
        if (prefix !== undefined && !isSubdomain(prefix)) problems.push(`${where} key ${key}: bad prefix`);
        if (!LABEL_NAME.test(name) || name.length > 63) problems.push(`${where} key ${key}: bad name`);
        if (typeof value !== "string" || value.length > 63 || !LABEL_VALUE.test(value))
            problems.push(`${where} ${key}=${String(value)}: bad value`);
    }
}

/** `claimNames`: a StatefulSet's volumeClaimTemplates, which pods mount like volumes. */
function checkPod(where: string, pod: Obj | undefined, problems: string[], claimNames: string[] = []): void {
    if (!pod) return;
    const containers = [...((pod.containers ?? []) as Obj[]), ...((pod.initContainers ?? []) as Obj[])];
    const names = new Set<string>();
    for (const c of containers) {
        const name = String(c.name);
        if (!isLabel(name)) problems.push(`${where}: container name ${name} is not a DNS label`);
        if (names.has(name)) problems.push(`${where}: container name ${name} is used twice`);
        names.add(name);
        for (const p of (c.ports ?? []) as Obj[]) {
            const reason = p.name === undefined ? undefined : portNameProblem(String(p.name));
            if (reason) problems.push(`${where}: port name ${String(p.name)} ${reason}`);
        }
        for (const e of (c.env ?? []) as Obj[]) {
            if (!/^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(String(e.name)))
                problems.push(`${where}: env name ${String(e.name)} is invalid`);
        }
    }
    const volumes = new Set([...((pod.volumes ?? []) as Obj[]).map((v) => String(v.name)), ...claimNames]);
    for (const c of containers) {
        for (const m of (c.volumeMounts ?? []) as Obj[]) {
            if (!volumes.has(String(m.name))) {
                problems.push(
                    `${where}: container ${String(c.name)} mounts unknown volume ${String(m.name)}`,
                );
            }
        }
    }
}

/** The data sections whose keys the API server checks, by kind; a ConfigMap key may not be in both of its. */
const DATA_SECTIONS: Record<string, readonly string[]> = {
    Secret: ["data", "stringData"],
    ConfigMap: ["data", "binaryData"],
};

function dataKeyProblems(where: string, obj: Obj, problems: string[]): void {
    const seen = new Set<string>();
    for (const section of DATA_SECTIONS[String(obj.kind)] ?? []) {
        for (const key of Object.keys((obj[section] ?? {}) as Obj)) {
            const reason = dataKeyProblem(key);
            if (reason) problems.push(`${where}: ${section} key ${JSON.stringify(key)} ${reason}`);
            if (obj.kind === "ConfigMap" && seen.has(key))
                problems.push(`${where}: key ${JSON.stringify(key)} is in both data and binaryData`);
            seen.add(key);
        }
    }
}

/** Secret `data` values masked in a plan are not base64; stand in a valid value, since the real one is unknown. */
function unmaskSecretData(obj: Obj): Obj {
    if (obj.kind !== "Secret" || !obj.data || typeof obj.data !== "object") return obj;
    const data = Object.fromEntries(
        Object.entries(obj.data as Obj).map(([k, v]) => [k, v === "[secret]" ? "" : v]),
    );
    return { ...obj, data };
}

/** Every reason the API server would reject the object; empty when it would accept it. */
export function validateObject(input: Obj): string[] {
    const obj = unmaskSecretData(input);
    const meta = (obj.metadata ?? {}) as Obj;
    const kind = String(obj.kind);
    const name = String(meta.name ?? "");
    const where = `${kind} ${String(meta.namespace ?? "")}/${name}`;
    const problems = schemaProblems(obj).map((p) => `${where}: ${p}`);
    const nameOk = LABEL_NAMED.has(kind) ? isLabel(name) : isSubdomain(name);
    if (!nameOk)
        problems.push(
            `${where}: metadata.name is not a valid ${LABEL_NAMED.has(kind) ? "DNS label" : "DNS subdomain"}`,
        );
    if (meta.namespace !== undefined && !isLabel(String(meta.namespace)))
        problems.push(`${where}: namespace is not a DNS label`);
    checkLabels(`${where} label`, meta.labels, problems);
    const spec = (obj.spec ?? {}) as Obj;
    if (kind === "Deployment" || kind === "StatefulSet" || kind === "DaemonSet" || kind === "Job") {
        const template = (spec.template ?? {}) as Obj;
        checkLabels(`${where} pod label`, (template.metadata as Obj | undefined)?.labels, problems);
        const claimNames = ((spec.volumeClaimTemplates ?? []) as Obj[]).map((t) =>
            String((t.metadata as Obj).name),
        );
        checkPod(where, template.spec as Obj | undefined, problems, claimNames);
        const podLabels = ((template.metadata as Obj | undefined)?.labels ?? {}) as Record<string, string>;
        if (kind !== "Job" && !labelSelectorMatches(spec.selector ?? {}, podLabels))
            problems.push(`${where}: selector does not match the pod template labels`);
    }
    if (kind === "CronJob") {
        const schedule = String(spec.schedule);
        const reason = cronProblem(schedule);
        if (reason) problems.push(`${where}: schedule ${schedule} ${reason}`);
        const podSpec = (
            ((spec.jobTemplate as Obj | undefined)?.spec as Obj | undefined)?.template as Obj | undefined
        )?.spec as Obj | undefined;
        checkPod(where, podSpec, problems);
    }
    if (kind === "CustomResourceDefinition") {
        // The API server refuses CRDs in Kubernetes-owned groups unless they carry the API-review annotation.
        const group = String(spec.group ?? "");
        const annotations = (meta.annotations ?? {}) as Record<string, unknown>;
        if (/(^|\.)(k8s\.io|kubernetes\.io)$/.test(group) && !annotations["api-approved.kubernetes.io"]) {
            problems.push(
                `${where}: group ${group} is protected: the api-approved.kubernetes.io annotation is required`,
            );
        }
    }
    if (kind === "Secret" || kind === "ConfigMap") dataKeyProblems(where, obj, problems);
    if (kind === "Service") {
        for (const p of (spec.ports ?? []) as Obj[]) {
            if (p.name !== undefined && !isLabel(String(p.name)))
                problems.push(`${where}: port name ${String(p.name)} is not a DNS label`);
        }
    }
    return problems;
}

/** Finds objects that would collide in the API server (same kind, namespace and name). */
export function duplicateObjects(objects: readonly Obj[]): string[] {
    const seen = new Set<string>();
    const dup: string[] = [];
    for (const o of objects) {
        const meta = (o.metadata ?? {}) as Obj;
        const id = `${String(o.apiVersion)}/${String(o.kind)} ${String(meta.namespace ?? "")}/${String(meta.name)}`;
        if (seen.has(id)) dup.push(id);
        seen.add(id);
    }
    return dup;
}
