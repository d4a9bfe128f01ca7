import { mkdirSync, writeFileSync } from "fs";
import * as path from "path";
import { memoryConfigSource } from "../components/config/source";
import { generatedStandIns } from "../tools/mocks/fakes";
import { RecordedResource } from "../tools/mocks/recorder";
import { recordProgram } from "../tools/plan/run";
import { kubernetesObjects, renderManifests } from "../tools/plan/render";
import { DecryptedConfig, STACK, insideWorkTree } from "./localStack";

// Renders the local stack's Kubernetes objects WITH their real (test) secret values, for applying to the test
// cluster only. Unlike the plan (tools/plan), nothing here is masked, so it is written only outside the work tree.

export type K8sObject = Record<string, unknown> & {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace?: string; [k: string]: unknown };
};

export interface Rendered {
    /** Cluster name → objects in apply order, secrets in plain text. */
    clusters: Record<string, K8sObject[]>;
    /** Every resource the program registered (components, providers, random, OpenStack, ...). */
    resources: number;
    /** {@link objectId}s of the Kubernetes objects registered with retainOnDelete: a destroy leaves them. */
    retained: Set<string>;
    /** The result of each password the program generates, by resource name: what the state of an up would hold. */
    generated: Record<string, string>;
}

/** A Kubernetes object as `kubectl apply` takes it, from the plain-text inputs the program registered. */
function revealed(resource: RecordedResource): Record<string, unknown> {
    const { apiVersion, kind, metadata, ...rest } = structuredClone(resource.inputs);
    return { apiVersion, kind, metadata, ...rest };
}

/**
 * Runs the program under the recording mocks with this configuration, as the local stack's whole configuration (its
 * clusters pinned, every required secret set).
 */
export async function renderStack(config: DecryptedConfig): Promise<Rendered> {
    const recorded = await recordProgram(
        STACK,
        memoryConfigSource(config.values, config.secrets, { stack: STACK }),
    );
    return {
        clusters: kubernetesObjects(recorded, revealed) as Record<string, K8sObject[]>,
        resources: recorded.length,
        retained: new Set(
            recorded
                .filter((r) => r.custom && r.retainOnDelete && r.type.startsWith("kubernetes:"))
                .map((r) => objectId(revealed(r) as K8sObject)),
        ),
        generated: Object.fromEntries(generatedStandIns(recorded)),
    };
}

/** Writes one manifest file per cluster into `dir`, which must be outside the work tree. */
export function writeRendered(rendered: Rendered, dir: string): string[] {
    if (insideWorkTree(dir)) {
        throw new Error(`refusing to write unmasked manifests inside the work tree (${dir})`);
    }
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    return Object.keys(rendered.clusters)
        .sort()
        .map((cluster) => {
            const file = path.join(dir, `${cluster}.yaml`);
            writeFileSync(file, renderManifests(rendered.clusters[cluster]), { mode: 0o600 });
            return file;
        });
}

/** `<apiVersion>/<kind>/<namespace>/<name>`: one object's identity across renders and in the cluster. */
export function objectId(obj: K8sObject): string {
    return `${obj.apiVersion}/${obj.kind}/${obj.metadata.namespace ?? ""}/${obj.metadata.name}`;
}

/** The three apply files: CRDs (then wait until established), namespaces, everything else. */
export function writeApplyFiles(
    objects: K8sObject[],
    dir: string,
): { crds: string; namespaces: string; rest: string } {
    if (insideWorkTree(dir)) throw new Error(`unmasked apply files must not go into the work tree (${dir})`);
    const write = (name: string, list: K8sObject[]) => {
        const file = path.join(dir, name);
        writeFileSync(file, renderManifests(list), { mode: 0o600 });
        return file;
    };
    return {
        crds: write(
            "1-crds.yaml",
            objects.filter((o) => o.kind === "CustomResourceDefinition"),
        ),
        namespaces: write(
            "2-namespaces.yaml",
            objects.filter((o) => o.kind === "Namespace"),
        ),
        rest: write(
            "3-objects.yaml",
            objects.filter((o) => o.kind !== "CustomResourceDefinition" && o.kind !== "Namespace"),
        ),
    };
}
