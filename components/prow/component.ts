import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { KubernetesContext } from "../config/system";
import { ContainerSpec } from "../shared/container";
import { ExposureSpec } from "../shared/exposure";
import { ClaimHandle, HandleMount } from "../shared/handles";
import { imageVersion } from "../shared/imageRef";
import { AppIdentity } from "../shared/labels";
import { Namespace } from "../shared/namespace";
import { PersistentVolumeClaim } from "../shared/persistentVolumeClaim";
import { Reads } from "../shared/reads";
import { ScheduledJob } from "../shared/scheduledJob";
import { AccessGrant, AccountWithGrants } from "../shared/serviceAccount";
import { ChecksumKey } from "../shared/startupReads";
import { SystemArgs, SystemPart } from "../config/systemComponent";
import { podVolume } from "../shared/volumes";
import { Workload } from "../shared/workload";
import { ComponentSpec, ConfigMapName, Mount, SecretName, liveSelectorOf, volumeName } from "./catalog";
import { ProwSection } from "./section";
import { ObjectName } from "./naming";
import { endpointsNamedBy } from "./refs";
import { DefinitionError } from "../shared/errors";

export const PROW_PART_OF = "prow";

/** The Secrets and ConfigMaps of the prow namespace, by base name: what a component's pods mount. */
export type ProwReads = Reads<SecretName, ConfigMapName>;

/** The environment's two namespaces: where Prow runs, and where its ProwJobs and their pods do. */
export interface ProwNamespaces {
    prow: Namespace;
    jobs: Namespace;
}

/** Arguments of a {@link Component}: the system's section and context, and what the component reads. */
export interface ProwComponentArgs extends SystemArgs<ProwSection> {
    spec: ComponentSpec;
    namespaces: ProwNamespaces;
    /** The objects its mounts name. */
    reads: ProwReads;
    /** Key of the checksum that rolls its Deployment when a Secret or ConfigMap it mounts changes. */
    restartKey: ChecksumKey;
    /** Public endpoints (deck, hook, gcsweb). */
    expose?: ExposureSpec[];
    /** The ProwJob CRD, when this stack creates it: a component that uses ProwJobs starts after it. */
    prowJobCrd?: pulumi.Resource;
}

/**
 * A catalog mount as the container's mount and its pod volume, through the handle of the object it names: the
 * reference is the object's own name and orders the pods after it. The volume keeps the catalog's name (the live
 * pods'). Objects are mounted read-only, the component's own claim and scratch space writable. A component mounts
 * only its own claim.
 */
export function toMount(mount: Mount, reads: ProwReads, claim: ClaimHandle | undefined): HandleMount {
    const volume = volumeName(mount);
    if ("configMap" in mount)
        return reads.configMap(mount.configMap).mount(mount.path, { volume, readOnly: true });
    if ("secret" in mount) return reads.secret(mount.secret).mount(mount.path, { volume, readOnly: true });
    if ("claim" in mount) {
        if (!claim)
            throw new DefinitionError(`claim ${mount.claim} is mounted by a component that does not own it`);
        return claim.mount(mount.path, { volume });
    }
    return podVolume(volume, { emptyDir: mount.sizeLimit ? { sizeLimit: mount.sizeLimit } : {} }).mount(
        mount.path,
    );
}

/** Whether a component's Roles grant it ProwJobs: its controllers list or create them as they start. */
export function usesProwJobs(spec: ComponentSpec): boolean {
    return [...(spec.rbac?.prow ?? []), ...(spec.rbac?.jobs ?? [])].some((rule) =>
        rule.apiGroups.includes("prow.k8s.io"),
    );
}

/** Whether a component's pods call the Kubernetes API (their Roles, or the build cluster's kubeconfig). */
function usesApi(spec: ComponentSpec): boolean {
    return (
        Boolean(spec.rbac?.prow?.length || spec.rbac?.jobs?.length) ||
        spec.mounts.some((m) => "secret" in m && m.secret === "kubeconfig")
    );
}

/**
 * One Prow component: its ServiceAccount, a Role and RoleBinding in each namespace it needs rights in (bound to
 * that same ServiceAccount object, so the subject cannot name another account or namespace), its PVC, and its
 * Deployment with Service and Ingress, or its CronJob.
 */
export class Component extends SystemPart<ProwSection, KubernetesContext> {
    public readonly objectName: ObjectName;
    public readonly claim?: k8s.core.v1.PersistentVolumeClaim & { readonly handle: ClaimHandle };
    public readonly workload: Workload | ScheduledJob;
    readonly #args: ProwComponentArgs;
    readonly #app: AppIdentity;

    constructor(name: string, args: ProwComponentArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:prow:Component", name, args, opts);
        this.#args = args;
        const { spec } = args;
        this.objectName = this.config.resolved.names.name(spec.name);
        this.#app = {
            name: this.objectName,
            partOf: PROW_PART_OF,
            component: spec.role,
            version: imageVersion(this.config.resolved.componentImages[spec.name]),
        };
        const account = this.account();
        this.claim = this.volumeClaim();
        this.workload = spec.schedule ? this.schedule(spec.schedule, account) : this.deployment(account);
        this.registerOutputs({ objectName: this.objectName });
    }

    /** Its ServiceAccount, with a Role and RoleBinding in each namespace its rules name. */
    private account(): AccountWithGrants {
        const { spec, namespaces } = this.#args;
        const grants = (["prow", "jobs"] as const).flatMap((where): AccessGrant[] => {
            const rules = spec.rbac?.[where];
            if (!rules?.length) return [];
            return [
                {
                    namespace: namespaces[where].name,
                    role: where,
                    rules,
                    objectName: this.objectName,
                    key: where,
                },
            ];
        });
        return new AccountWithGrants(
            {
                childName: (suffix) => this.childName(suffix),
                // Placed with the Namespaces' references: no order of their own (AccountWithGrants: no `after`).
                child: (extra) => this.child(extra),
                bindingSuffix: "rolebinding",
            },
            {
                cluster: this.context.cluster,
                namespace: namespaces.prow.name,
                name: this.objectName,
                app: this.#app,
                automountServiceAccountToken: usesApi(spec),
                // The Role and RoleBinding carry the account's name in each namespace it needs rights in.
                grants,
            },
        );
    }

    /** The PersistentVolumeClaim it owns, sized by the environment; protected and retained in production. */
    private volumeClaim():
        (k8s.core.v1.PersistentVolumeClaim & { readonly handle: ClaimHandle }) | undefined {
        const claim = this.#args.spec.claim;
        if (!claim) return undefined;
        const { names, storage } = this.config.resolved;
        return new PersistentVolumeClaim(
            this.childName("pvc"),
            {
                name: names.name(claim),
                namespace: this.#args.namespaces.prow.name,
                app: this.#app,
                storage: storage[claim].size,
                storageClassName: storage[claim].storageClass,
                protectStateful: this.context.protectStateful,
            },
            this.child(),
        );
    }

    /** What its pods run and mount, alike for a Deployment and a CronJob. */
    private pod(account: AccountWithGrants) {
        const { spec, reads } = this.#args;
        const env = this.config.resolved;
        const container: ContainerSpec = {
            name: spec.container ?? spec.name,
            image: env.componentImages[spec.name],
            args: spec.args(env.refs),
            ports: spec.ports,
            resources: env.resources[spec.name],
            livenessProbe: spec.liveness,
            readinessProbe: spec.readiness,
            mounts: spec.mounts.map((m) => toMount(m, reads, this.claim?.handle)),
        };
        return {
            cluster: this.context.cluster,
            namespace: this.#args.namespaces.prow.name,
            app: this.#app,
            containers: [container],
            serviceAccountName: account.handle.name,
            automountServiceAccountToken: usesApi(spec),
            // The arguments name Services as plain text (ghproxy, tide, hook): the same render, recorded, says which.
            reaches: endpointsNamedBy(env.refs, (r) => spec.args(r)),
        };
    }

    /** Options of its pods' controller: a component that uses ProwJobs waits for the CRD this stack creates. */
    private controllerOptions(): pulumi.CustomResourceOptions {
        const crd = this.#args.prowJobCrd;
        if (!crd || !usesProwJobs(this.#args.spec)) return this.child();
        // order: its controllers list or create ProwJobs as they start; no reference carries the CRD
        return this.child({ dependsOn: [crd] });
    }

    /** A periodic component (branch-protector, label-sync): its CronJob, whose every run reads what it mounts anew. */
    private schedule(schedule: string, account: AccountWithGrants): ScheduledJob {
        return new ScheduledJob(
            this.childName("schedule"),
            { ...this.pod(account), schedule },
            this.controllerOptions(),
        );
    }

    /** A long-running component: its Deployment, with Service and Ingress where it has them. */
    private deployment(account: AccountWithGrants): Workload {
        const { spec, expose } = this.#args;
        const env = this.config.resolved;
        const placement = spec.placement === "cache" ? env.cache : undefined;
        return new Workload(
            this.childName("workload"),
            {
                ...this.pod(account),
                liveSelector: liveSelectorOf(spec),
                replicas: env.replicas[spec.name],
                strategy: spec.strategy,
                terminationGracePeriodSeconds: spec.terminationGracePeriodSeconds,
                nodeSelector: placement?.nodeSelector,
                tolerations: placement?.tolerations,
                service: spec.service ? { ports: spec.service } : undefined,
                expose,
                // Prow's own binaries hot-reload config.yaml, the job configs and plugins.yaml (config and plugin
                // agents) and their token files (secret agent); the rest (gcsweb, the registry, nginx, greenhouse)
                // read what they mount at start. Every mounted change still rolls: the kubelet refreshes a mounted
                // object up to a minute late, and a Prow agent that cannot load a new config keeps the old one and
                // only logs it, where a rollout that fails stops `up`. config-updater's job-config is only seeded.
                restartOnChange: { key: this.#args.restartKey },
            },
            this.controllerOptions(),
        );
    }
}
