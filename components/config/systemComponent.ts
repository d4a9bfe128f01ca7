import * as pulumi from "@pulumi/pulumi";
import type { KubernetesContext, OpenStackContext } from "./system";
import { ComponentType, RunbookComponent } from "../shared/component";

/** The context a system or part deploys with: the cluster's or OpenStack's (components/config/system.ts). */
export type DeployContext = KubernetesContext | OpenStackContext;

/** What every system component and part receives: the section its check narrowed (`S`) and the program's context. */
export interface SystemArgs<S, C extends DeployContext = KubernetesContext> {
    config: S;
    context: C;
}

function providerOf(context: DeployContext): pulumi.ProviderResource {
    return "cluster" in context ? context.cluster.provider : context.openstack;
}

/** A part of a system (Packit's API, a Thoth bot family): built from `{ config, context }`, tested alone. */
export abstract class SystemPart<S, C extends DeployContext = KubernetesContext> extends RunbookComponent {
    protected readonly config: S;
    protected readonly context: C;

    protected constructor(
        type: ComponentType,
        name: string,
        args: SystemArgs<S, C>,
        opts: pulumi.ComponentResourceOptions | undefined,
    ) {
        super(type, name, opts, providerOf(args.context));
        this.config = args.config;
        this.context = args.context;
    }
}

/** The one component of a system: a {@link SystemPart} at its root, its stack outputs typed and set once. */
export abstract class SystemComponent<
    S,
    C extends DeployContext,
    O extends Record<string, pulumi.Input<unknown>>,
> extends SystemPart<S, C> {
    #outputs: O | undefined;

    /** The system's stack outputs: what `pulumi stack output <section>` shows. */
    get outputs(): O {
        if (this.#outputs === undefined) {
            throw new pulumi.ResourceError(
                `${this.baseName}: the system's constructor did not set its outputs`,
                this,
            );
        }
        return this.#outputs;
    }

    /** Sets the outputs once, as the constructor's last step: a second call is a programming error, so it throws. */
    protected setOutputs(outputs: O): void {
        if (this.#outputs !== undefined) {
            throw new pulumi.ResourceError(`${this.baseName}: the system's outputs are set twice`, this);
        }
        this.#outputs = Object.freeze({ ...outputs });
        this.registerOutputs(this.#outputs);
    }
}
