import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { AppIdentity, standardLabels } from "./labels";

/**
 * The provider's await of a Service watches its Endpoints and, after every Endpoints event, waits ten more seconds
 * for them to "settle" (pulumi/pulumi-kubernetes@a03ff6b:provider/pkg/await/service.go:344-348, 4.32.0). Readiness of
 * the pods a Service selects is already awaited once, on the Deployment or StatefulSet that runs them; awaiting it a
 * second time on the Service only delays every object that refers to the Service (a client's env naming its host)
 * by that much. What the await also caught, a Service that selects no pod, is the policy pack's `service-selects-pods`
 * rule (policy/rules/workloads.ts: `npm run policy:check`, `pulumi preview --policy-pack policy`).
 */
export const SERVICE_AWAIT_ANNOTATIONS: Readonly<Record<string, string>> = { "pulumi.com/skipAwait": "true" };

/** A Service over pods the program runs: its object name, namespace, the app it belongs to and its spec. */
export interface PodServiceArgs {
    name: string;
    namespace: pulumi.Input<string>;
    app: AppIdentity;
    spec: k8s.types.input.core.v1.ServiceSpec;
}

/** The arguments of {@link PodServiceArgs}'s Service: the program's labels and the await left to the workload. */
export function podServiceArgs(args: PodServiceArgs): k8s.core.v1.ServiceArgs {
    return {
        metadata: {
            name: args.name,
            namespace: args.namespace,
            labels: standardLabels(args.app),
            annotations: { ...SERVICE_AWAIT_ANNOTATIONS },
        },
        spec: args.spec,
    };
}
