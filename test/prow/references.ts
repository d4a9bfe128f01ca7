import { parse } from "yaml";

type Obj = Record<string, unknown>;

/** One object name or namespace found in a rendered object: where it is and what it says. */
export interface Reference {
    where: string;
    value: string;
    /** `namespace` values are namespaces; `name` values are object names (Services, Secrets, ...). */
    kind: "name" | "namespace";
}

const asObj = (v: unknown): Obj => (v && typeof v === "object" ? (v as Obj) : {});
const asList = (v: unknown): Obj[] => (Array.isArray(v) ? (v as Obj[]) : []);

/** The object a URL's host names: `http://staging-ghproxy:80/x` → staging-ghproxy (namespace too when qualified). */
function urlReferences(where: string, text: string): Reference[] {
    const out: Reference[] = [];
    for (const m of text.matchAll(/https?:\/\/([a-z0-9.-]+)/g)) {
        const labels = m[1].split(".");
        // Public hosts (api.github.com, ingress hosts) are not cluster objects.
        if (labels.length === 1 || labels[2] === "svc") {
            out.push({ where: `${where} (${m[0]})`, value: labels[0], kind: "name" });
            if (labels.length > 1)
                out.push({ where: `${where} (${m[0]})`, value: labels[1], kind: "namespace" });
        }
    }
    return out;
}

function podReferences(where: string, pod: Obj): Reference[] {
    const refs: Reference[] = [];
    if (pod.serviceAccountName)
        refs.push({
            where: `${where}.serviceAccountName`,
            value: String(pod.serviceAccountName),
            kind: "name",
        });
    asList(pod.volumes).forEach((v, i) => {
        const w = `${where}.volumes[${i}]`;
        if (v.secret)
            refs.push({ where: `${w}.secret`, value: String(asObj(v.secret).secretName), kind: "name" });
        if (v.configMap)
            refs.push({ where: `${w}.configMap`, value: String(asObj(v.configMap).name), kind: "name" });
        if (v.persistentVolumeClaim) {
            refs.push({
                where: `${w}.claim`,
                value: String(asObj(v.persistentVolumeClaim).claimName),
                kind: "name",
            });
        }
    });
    asList(pod.containers).forEach((c, i) => {
        const w = `${where}.containers[${i}]`;
        for (const e of asList(c.env)) {
            const from = asObj(e.valueFrom);
            for (const ref of [asObj(from.secretKeyRef), asObj(from.configMapKeyRef)]) {
                if (ref.name)
                    refs.push({ where: `${w}.env.${String(e.name)}`, value: String(ref.name), kind: "name" });
            }
        }
        for (const arg of (c.args ?? []) as string[]) {
            refs.push(...urlReferences(`${w}.args`, arg));
            const flag = /^--(jobs-namespace|push-gateway)=(.*)$/.exec(arg);
            if (flag)
                refs.push({
                    where: `${w}.args ${flag[1]}`,
                    value: flag[2],
                    kind: flag[1] === "jobs-namespace" ? "namespace" : "name",
                });
        }
    });
    return refs;
}

function configMapReferences(where: string, data: Obj): Reference[] {
    const refs: Reference[] = [];
    const config = data["config.yaml"] ? asObj(parse(String(data["config.yaml"]))) : undefined;
    if (config) {
        refs.push({
            where: `${where} prowjob_namespace`,
            value: String(config.prowjob_namespace),
            kind: "namespace",
        });
        refs.push({
            where: `${where} pod_namespace`,
            value: String(config.pod_namespace),
            kind: "namespace",
        });
        refs.push({
            where: `${where} push_gateway`,
            value: String(asObj(config.push_gateway).endpoint),
            kind: "name",
        });
        for (const [key, dc] of Object.entries(asObj(asObj(config.plank).default_decoration_configs))) {
            refs.push({
                where: `${where} decoration ${key} gcs secret`,
                value: String(asObj(dc).gcs_credentials_secret),
                kind: "name",
            });
        }
        asList(config.presets).forEach((p, i) => {
            for (const v of asList(p.volumes)) {
                if (v.secret)
                    refs.push({
                        where: `${where} presets[${i}]`,
                        value: String(asObj(v.secret).secretName),
                        kind: "name",
                    });
                if (v.configMap)
                    refs.push({
                        where: `${where} presets[${i}]`,
                        value: String(asObj(v.configMap).name),
                        kind: "name",
                    });
            }
        });
    }
    const plugins = data["plugins.yaml"] ? asObj(parse(String(data["plugins.yaml"]))) : undefined;
    if (plugins) {
        for (const [path, map] of Object.entries(asObj(asObj(plugins.config_updater).maps))) {
            refs.push({
                where: `${where} config_updater ${path}`,
                value: String(asObj(map).name),
                kind: "name",
            });
            for (const ns of (asObj(asObj(map).clusters).default ?? []) as string[]) {
                refs.push({ where: `${where} config_updater ${path} cluster`, value: ns, kind: "namespace" });
            }
        }
        for (const [target, list] of Object.entries(asObj(plugins.external_plugins))) {
            for (const e of asList(list))
                refs.push(...urlReferences(`${where} external_plugins ${target}`, String(e.endpoint)));
        }
    }
    for (const key of ["default.conf", "docker"]) {
        if (data[key]) refs.push(...urlReferences(`${where} ${key}`, String(data[key])));
    }
    return refs;
}

/**
 * Selector labels that name an object. The live kustomize selector `app: <name>` (liveSelectorOf in
 * components/prow/catalog.ts) is not one: kustomize's namePrefix never changed label values, so staging's pods carry
 * the base name, in their own namespace.
 */
function selectorReferences(id: string, selector: Obj): Reference[] {
    return Object.entries(selector)
        .filter(([k]) => k !== "app")
        .map(([k, v]) => ({ where: `${id} selector ${k}`, value: String(v), kind: "name" as const }));
}

/**
 * Every object name and namespace an object carries or refers to: its own name and namespace, RoleBinding
 * subjects and roles, Service and Deployment selectors, pod volumes, service accounts and args, Ingress
 * backends and TLS secrets, and the names inside Prow's config documents.
 */
export function referencesOf(obj: Obj): Reference[] {
    const metadata = asObj(obj.metadata);
    const id = `${String(obj.kind)} ${String(metadata.name)}`;
    const refs: Reference[] = [
        {
            where: `${id} metadata.name`,
            value: String(metadata.name),
            kind: obj.kind === "Namespace" ? "namespace" : "name",
        },
    ];
    if (metadata.namespace)
        refs.push({
            where: `${id} metadata.namespace`,
            value: String(metadata.namespace),
            kind: "namespace",
        });
    const spec = asObj(obj.spec);
    switch (obj.kind) {
        case "RoleBinding":
            refs.push({ where: `${id} roleRef`, value: String(asObj(obj.roleRef).name), kind: "name" });
            asList(obj.subjects).forEach((s, i) => {
                refs.push({ where: `${id} subjects[${i}].name`, value: String(s.name), kind: "name" });
                refs.push({
                    where: `${id} subjects[${i}].namespace`,
                    value: String(s.namespace),
                    kind: "namespace",
                });
            });
            break;
        case "Service":
            refs.push(...selectorReferences(id, asObj(spec.selector)));
            break;
        case "Deployment":
            refs.push(...selectorReferences(id, asObj(asObj(spec.selector).matchLabels)));
            refs.push(...podReferences(id, asObj(asObj(spec.template).spec)));
            break;
        case "CronJob":
            refs.push(...podReferences(id, asObj(asObj(asObj(asObj(spec.jobTemplate).spec).template).spec)));
            break;
        case "Ingress":
            asList(spec.rules).forEach((rule) =>
                asList(asObj(rule.http).paths).forEach((p) =>
                    refs.push({
                        where: `${id} backend ${String(p.path)}`,
                        value: String(asObj(asObj(p.backend).service).name),
                        kind: "name",
                    }),
                ),
            );
            for (const t of asList(spec.tls))
                if (t.secretName)
                    refs.push({ where: `${id} tls`, value: String(t.secretName), kind: "name" });
            break;
        case "ConfigMap":
            refs.push(...configMapReferences(id, asObj(obj.data)));
            break;
    }
    return refs;
}
