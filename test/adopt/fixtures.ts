import { DesiredObject, KubeObject } from "../../tools/adopt/model";

// Hand-written live objects as an API server returns them (defaults, status, managedFields filled in) and the
// program's objects they are compared with.

export function deployment(image: string, selector: Record<string, string> = { app: "web" }): KubeObject {
    return {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "web", namespace: "shop", labels: { app: "web" } },
        spec: {
            replicas: 1,
            selector: { matchLabels: selector },
            template: {
                metadata: { labels: selector },
                spec: { containers: [{ name: "web", image, ports: [{ containerPort: 8080 }] }] },
            },
        },
    };
}

/** A live object: the API server's bookkeeping and defaults on top of `obj`. */
export function live<T extends KubeObject>(obj: T, extra: Record<string, unknown> = {}): T {
    const copy = structuredClone(obj);
    Object.assign(copy.metadata, {
        uid: "0c7a4f51-1111-2222-3333-444455556666",
        resourceVersion: "4711",
        generation: 3,
        creationTimestamp: "2024-05-01T10:00:00Z",
        managedFields: [{ manager: "kubectl-client-side-apply", operation: "Update" }],
    });
    return { ...copy, ...extra, status: copy.status ?? { observedGeneration: 3 } };
}

export function pvc(name: string, size: string, storageClassName = "standard", phase = "Bound"): KubeObject {
    return {
        apiVersion: "v1",
        kind: "PersistentVolumeClaim",
        metadata: { name, namespace: "shop" },
        spec: {
            accessModes: ["ReadWriteOnce"],
            storageClassName,
            resources: { requests: { storage: size } },
        },
        status: { phase, capacity: { storage: size } },
    };
}

export function statefulSet(claimSize: string, replicas = 1): KubeObject {
    return {
        apiVersion: "apps/v1",
        kind: "StatefulSet",
        metadata: { name: "db", namespace: "shop" },
        spec: {
            replicas,
            serviceName: "db",
            selector: { matchLabels: { app: "db" } },
            template: {
                metadata: { labels: { app: "db" } },
                spec: { containers: [{ name: "db", image: "postgres:16" }] },
            },
            volumeClaimTemplates: [
                {
                    metadata: { name: "data" },
                    spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: claimSize } } },
                },
            ],
        },
    };
}

export function secret(data: Record<string, string>, stringData?: Record<string, string>): KubeObject {
    return {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: "db-credentials", namespace: "shop" },
        type: "Opaque",
        ...(Object.keys(data).length > 0 ? { data } : {}),
        ...(stringData ? { stringData } : {}),
    };
}

export function desired(object: KubeObject, system = "shop"): DesiredObject {
    return { cluster: "main", system, object };
}
