import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ClusterContext } from "./cluster";
import { plainNamespace } from "./handles";
import { AppIdentity, standardLabels } from "./labels";
import { networkGraphOf } from "./network";
import { ExposureAudience, PortPurpose, audienceAnnotations } from "./portPurpose";
import { DefinitionError } from "./errors";

/** How TLS ends for a public endpoint. */
export interface ExposureTls {
    /** `edge`: the router terminates; `passthrough`: the pod terminates; `reencrypt`: both. */
    termination: "edge" | "passthrough" | "reencrypt";
    /** Plain HTTP is redirected to HTTPS by default. */
    insecure?: "Redirect" | "None";
    /** PEM certificate/key from secret config; without them the router's default (wildcard) certificate is used. */
    certificate?: pulumi.Input<string>;
    key?: pulumi.Input<string>;
    caCertificate?: pulumi.Input<string>;
    /** Ingress only: an existing TLS Secret (e.g. issued by cert-manager) instead of certificate/key. */
    secretName?: string;
}

/** A public endpoint: a Route on OpenShift, an Ingress on Kubernetes. */
export interface ExposureSpec {
    /** metadata.name of the Route/Ingress; defaults to the service name. */
    name?: string;
    host: string;
    path?: string;
    /** Target port of the Service (name or number). */
    servicePort: string | number;
    /** Workload only: which of its Services (by name) the endpoint targets; the main one by default. */
    service?: string;
    tls: ExposureTls;
    annotations?: Record<string, string>;
    /** Ingress only. */
    ingressClassName?: string;
    /** Who may reach it: required when its port serves admin or metrics (see {@link audienceAnnotations}). */
    audience?: ExposureAudience;
    /** Ingress only: `ImplementationSpecific` for regex paths (nginx rewrites); `Prefix` by default. */
    pathType?: "Prefix" | "Exact" | "ImplementationSpecific";
}

export interface ExposureArgs extends ExposureSpec {
    cluster: ClusterContext;
    namespace: pulumi.Input<string>;
    serviceName: string;
    /** What the Service port it serves is for, as the port declares it. */
    purpose: PortPurpose;
    app: AppIdentity;
}

/** The URL an exposure serves, for stack outputs and for wiring (e.g. ultrahook destinations). */
export function exposureUrl(spec: Pick<ExposureSpec, "host" | "path">): string {
    return `https://${spec.host}${spec.path ?? ""}`;
}

/** How a Route or Ingress of an exposure is named, labelled and placed. */
interface Placement {
    metaName: string;
    labels: Record<string, string>;
    opts: pulumi.CustomResourceOptions;
}

/** The nginx annotations of an Ingress: TLS passthrough or re-encryption, the HTTPS redirect, the await skip. */
function ingressAnnotations(args: ExposureArgs): Record<string, string> {
    const annotations: Record<string, string> = { ...(args.annotations ?? {}) };
    if (args.tls.termination === "passthrough") {
        annotations["nginx.ingress.kubernetes.io/ssl-passthrough"] = "true";
        annotations["nginx.ingress.kubernetes.io/backend-protocol"] = "HTTPS";
    } else if (args.tls.termination === "reencrypt") {
        annotations["nginx.ingress.kubernetes.io/backend-protocol"] = "HTTPS";
    }
    if ((args.tls.insecure ?? "Redirect") === "Redirect") {
        annotations["nginx.ingress.kubernetes.io/force-ssl-redirect"] = "true";
    }
    if (args.cluster.skipIngressAwait) {
        // The provider otherwise waits up to 10 minutes for .status.loadBalancer.ingress, which this cluster's
        // controller never publishes (clusters.<name>.skipIngressAwait).
        annotations["pulumi.com/skipAwait"] = "true";
    }
    return annotations;
}

/** The OpenShift Route of an exposure (the router terminates TLS with the given or its default certificate). */
function routeArgs(args: ExposureArgs, at: Placement): k8s.apiextensions.CustomResourceArgs {
    const tls: Record<string, pulumi.Input<string>> = {
        termination: args.tls.termination,
        insecureEdgeTerminationPolicy: args.tls.insecure ?? "Redirect",
    };
    if (args.tls.certificate) tls.certificate = pulumi.secret(args.tls.certificate);
    if (args.tls.key) tls.key = pulumi.secret(args.tls.key);
    if (args.tls.caCertificate) tls.caCertificate = args.tls.caCertificate;
    return {
        apiVersion: "route.openshift.io/v1",
        kind: "Route",
        metadata: {
            name: at.metaName,
            namespace: args.namespace,
            labels: at.labels,
            annotations: args.annotations,
        },
        spec: {
            host: args.host,
            ...(args.path ? { path: args.path } : {}),
            to: { kind: "Service", name: args.serviceName, weight: 100 },
            port: { targetPort: args.servicePort },
            tls,
        },
    };
}

/** The TLS Secret of an Ingress given a certificate and key; none with an existing Secret or no certificate. */
function tlsSecretArgs(args: ExposureArgs, at: Placement): k8s.core.v1.SecretArgs | undefined {
    if (args.tls.secretName || !args.tls.certificate || !args.tls.key) return undefined;
    return {
        metadata: { name: `${at.metaName}-tls`, namespace: args.namespace, labels: at.labels },
        type: "kubernetes.io/tls",
        stringData: {
            "tls.crt": pulumi.secret(args.tls.certificate),
            "tls.key": pulumi.secret(args.tls.key),
        },
    };
}

/** The Ingress of an exposure, terminating with the Secret `secretName` when there is one. */
function ingressArgs(
    args: ExposureArgs,
    at: Placement,
    secretName: string | undefined,
): k8s.networking.v1.IngressArgs {
    const port =
        typeof args.servicePort === "number" ? { number: args.servicePort } : { name: args.servicePort };
    const path = {
        path: args.path ?? "/",
        pathType: args.pathType ?? "Prefix",
        backend: { service: { name: args.serviceName, port } },
    };
    return {
        metadata: {
            name: at.metaName,
            namespace: args.namespace,
            labels: at.labels,
            annotations: ingressAnnotations(args),
        },
        spec: {
            ingressClassName: args.ingressClassName,
            tls: [{ hosts: [args.host], ...(secretName ? { secretName } : {}) }],
            rules: [{ host: args.host, http: { paths: [path] } }],
        },
    };
}

/** The Route or Ingress (with its TLS Secret, when given a certificate) for the cluster's platform. */
export class Exposure {
    /** What it created: the Route, or the Ingress after its TLS Secret. */
    public readonly resources: pulumi.CustomResource[];

    constructor(name: string, args: ExposureArgs, opts: pulumi.CustomResourceOptions) {
        // The router reaches the Service's pods on this port: the network policies admit it there.
        const namespace = plainNamespace(args.namespace);
        if (namespace === undefined)
            throw new DefinitionError(`${name}: its namespace must be known to admit the router`);
        networkGraphOf(args.cluster).exposures.push({
            namespace,
            service: args.serviceName,
            port: args.servicePort,
        });
        // A public endpoint to an admin or metrics port admits only the audience the stack or the runbook names.
        const restricted = audienceAnnotations(name, args.purpose, args.audience, args.cluster);
        if (Object.keys(restricted).length > 0)
            args = { ...args, annotations: { ...(args.annotations ?? {}), ...restricted } };
        const at: Placement = {
            metaName: args.name ?? args.serviceName,
            labels: standardLabels(args.app),
            opts: { ...opts, provider: args.cluster.provider },
        };
        if (args.cluster.platform === "openshift") {
            this.resources = [new k8s.apiextensions.CustomResource(name, routeArgs(args, at), at.opts)];
            return;
        }
        const secret = tlsSecretArgs(args, at);
        const secretName = secret ? `${at.metaName}-tls` : args.tls.secretName;
        this.resources = [
            ...(secret ? [new k8s.core.v1.Secret(`${name}-tls`, secret, at.opts)] : []),
            new k8s.networking.v1.Ingress(name, ingressArgs(args, at, secretName), at.opts),
        ];
    }
}
