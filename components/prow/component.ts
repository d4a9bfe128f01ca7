import * as k8s from "@pulumi/kubernetes";
import { endpointsNamedBy } from "./refs";
import * as pulumi from "@pulumi/pulumi";
import { ClusterContext } from "../shared/cluster";
import { RunbookComponent } from "../shared/component";
import { ContainerSpec } from "../shared/container";
import { ExposureSpec } from "../shared/exposure";
import { ClaimHandle, ConfigMapHandle, SecretHandle } from "../shared/handles";
import { imageVersion } from "../shared/imageRef";
import { AppIdentity } from "../shared/labels";
import { PersistentVolumeClaim } from "../shared/persistentVolumeClaim";
import { Sizing } from "../shared/resources";
import { ScheduledJob } from "../shared/scheduledJob";
import { AccountWithGrants } from "../shared/serviceAccount";
import { Workload } from "../shared/workload";
import { ComponentSpec, ConfigMapName, Mount, SecretName, liveSelectorOf, volumeName } from "./catalog";
import { CachePlacement, VolumeSpec } from "./environments";
import { ObjectName } from "./naming";
import { ProwRefs } from "./refs";

/** The annotation that rolls a component's pods when a ConfigMap they read changes. */
export const CONFIG_HASH_ANNOTATION = "runbooks.kubevirt.io/config-hash";

export const PROW_PART_OF = "prow";

/** The Secrets and ConfigMaps of the prow namespace, by base name: what a component's pods mount. */
export interface ProwReads {
    secret(name: SecretName): SecretHandle;
    configMap(name: ConfigMapName): ConfigMapHandle;
}

/** Arguments of a {@link Component}. */
export interface ProwComponentArgs {
    cluster: ClusterContext;
    spec: ComponentSpec;
    refs: ProwRefs;
    /** The objects its mounts name. */
    reads: ProwReads;
    image: string;
    replicas: number;
    resources: Sizing;
    /** Hash of the rendered ConfigMaps the component mounts; changes roll its pods. */
    configHash?: string;
    /** Size and class of the component's PersistentVolumeClaim, when it owns one. */
    volume?: VolumeSpec;
    /** Public endpoints (deck, hook, gcsweb). */
    expose?: ExposureSpec[];
    /** Where cache components run, when the environment has a cache node. */
    cache?: CachePlacement;
    /** Production: the PVC is protected and retained. */
    protectStateful: boolean;
}

/**
 * The pod volume of a mount, through the handle of the object it names: the reference is the object's own name and
 * orders the pods after it. A component mounts only its own claim.
 */
export function toVolume(
    mount: Mount,
    reads: ProwReads,
    claim: ClaimHandle | undefined,
): k8s.types.input.core.v1.Volume {
    const name = volumeName(mount);
    if ("configMap" in mount) return reads.configMap(mount.configMap).volume(name);
    if ("secret" in mount) return reads.secret(mount.secret).volume(name, { optional: mount.optional });
    if ("claim" in mount) {
        if (!claim) throw new Error(`claim ${mount.claim} is mounted by a component that does not own it`);
        return claim.volume(name);
    }
    return { name, emptyDir: mount.sizeLimit ? { sizeLimit: mount.sizeLimit } : {} };
}

function toVolumeMount(mount: Mount): k8s.types.input.core.v1.VolumeMount {
    const writable = "claim" in mount || "emptyDir" in mount;
    return { name: volumeName(mount), mountPath: mount.path, ...(writable ? {} : { readOnly: true }) };
}

/**
 * One Prow component: its ServiceAccount, a Role and RoleBinding in each namespace it needs rights in (bound to
 * that same ServiceAccount object, so the subject cannot name another account or namespace), its PVC, and its
 * Deployment with Service and Ingress, or its CronJob.
 */
export class Component extends RunbookComponent {
    public readonly objectName: ObjectName;
    public readonly serviceAccount: k8s.core.v1.ServiceAccount;
    public readonly roles: k8s.rbac.v1.Role[];
    public readonly roleBindings: k8s.rbac.v1.RoleBinding[];
    public readonly claim?: k8s.core.v1.PersistentVolumeClaim & { readonly handle: ClaimHandle };
    public readonly workload: Workload | ScheduledJob;

    constructor(name: string, args: ProwComponentArgs, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:prow:Component", name, opts, args.cluster.provider);
        const { spec, refs, cluster } = args;
        this.objectName = refs.names.name(spec.name);
        const app: AppIdentity = {
            name: this.objectName,
            partOf: PROW_PART_OF,
            component: spec.role,
            version: imageVersion(args.image),
        };
        const namespace = refs.namespaces.prow;
        const usesApi =
            Boolean(spec.rbac?.prow?.length || spec.rbac?.jobs?.length) ||
            spec.mounts.some((m) => "secret" in m && m.secret === "kubeconfig");
        const account = new AccountWithGrants(
            {
                childName: (suffix) => this.childName(suffix),
                child: (extra) => this.child(extra),
                bindingSuffix: "rolebinding",
            },
            {
                cluster,
                namespace,
                name: this.objectName,
                app,
                automountServiceAccountToken: usesApi,
                // The Role and RoleBinding carry the account's name in each namespace it needs rights in.
                grants: (["prow", "jobs"] as const).flatMap((where) => {
                    const rules = spec.rbac?.[where];
                    return rules?.length
                        ? [
                              {
                                  namespace: refs.namespaces[where],
                                  role: where,
                                  rules,
                                  objectName: this.objectName,
                                  key: where,
                              },
                          ]
                        : [];
                }),
            },
        );
        this.serviceAccount = account.account;
        this.roles = account.roles;
        this.roleBindings = account.bindings;

        if (spec.claim) {
            if (!args.volume)
                throw new Error(`${name}: component ${spec.name} owns a volume but has no size`);
            this.claim = new PersistentVolumeClaim(
                this.childName("pvc"),
                {
                    name: refs.names.name(spec.claim),
                    namespace,
                    app,
                    storage: args.volume.size,
                    storageClassName: args.volume.storageClass,
                    protectStateful: args.protectStateful,
                },
                this.child(),
            );
        }
        // The arguments name Services as plain text (ghproxy, tide, hook): the same render, recorded, says which.
        const reaches = endpointsNamedBy(refs, (r) => spec.args(r));
        const container: ContainerSpec = {
            name: spec.container ?? spec.name,
            image: args.image,
            args: spec.args(refs),
            ports: spec.ports,
            resources: args.resources,
            livenessProbe: spec.liveness,
            readinessProbe: spec.readiness,
            volumeMounts: spec.mounts.map(toVolumeMount),
        };
        const volumes = spec.mounts.map((m) => toVolume(m, args.reads, this.claim?.handle));
        const podAnnotations = args.configHash ? { [CONFIG_HASH_ANNOTATION]: args.configHash } : undefined;
        const placement = spec.placement === "cache" && args.cache ? args.cache : undefined;

        if (spec.schedule) {
            this.workload = new ScheduledJob(
                this.childName("schedule"),
                {
                    cluster,
                    namespace,
                    app,
                    schedule: spec.schedule,
                    containers: [container],
                    volumes,
                    serviceAccountName: account.handle.name,
                    automountServiceAccountToken: usesApi,
                    podAnnotations,
                    reaches,
                },
                this.child(),
            );
        } else {
            this.workload = new Workload(
                this.childName("workload"),
                {
                    cluster,
                    namespace,
                    app,
                    liveSelector: liveSelectorOf(spec),
                    replicas: args.replicas,
                    strategy: spec.strategy,
                    containers: [container],
                    volumes,
                    serviceAccountName: account.handle.name,
                    automountServiceAccountToken: usesApi,
                    terminationGracePeriodSeconds: spec.terminationGracePeriodSeconds,
                    podAnnotations,
                    nodeSelector: placement?.nodeSelector,
                    tolerations: placement?.tolerations,
                    service: spec.service ? { ports: spec.service } : undefined,
                    expose: args.expose,
                    reaches,
                },
                this.child(),
            );
        }
        this.registerOutputs({ objectName: this.objectName });
    }
}
