import * as pulumi from "@pulumi/pulumi";

type DependsOn = pulumi.CustomResourceOptions["dependsOn"];

/** A component's type token: `runbooks:<module>:<Type>`, the one naming scheme of every component. */
export type ComponentType = `runbooks:${string}:${string}`;

function merge(a: DependsOn, b: DependsOn): DependsOn {
    if (a === undefined) return b;
    if (b === undefined) return a;
    if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
    const asList = (d: DependsOn) =>
        pulumi
            .output(d as pulumi.Input<pulumi.Input<pulumi.Resource>[]>)
            .apply((v) => (Array.isArray(v) ? v : [v]));
    return pulumi.all([asList(a), asList(b)]).apply(([x, y]) => [...x, ...y]);
}

/**
 * Options for a component's children. The engine does not make children wait for their component's
 * `dependsOn` (it only expands a dependency *on* a component to its children), so a Deployment inside a
 * component that depends on a Namespace would race the Namespace. Children therefore carry it themselves.
 * Only {@link RunbookComponent} calls it, so every component applies it to every child by construction.
 */
function childOptions(
    parent: pulumi.ComponentResource,
    opts: pulumi.ComponentResourceOptions | undefined,
    extra: pulumi.CustomResourceOptions = {},
): pulumi.CustomResourceOptions {
    const dependsOn = merge(opts?.dependsOn, extra.dependsOn);
    // order: the component's own dependsOn, handed to each child (the engine does not make children wait for it).
    return { ...extra, parent, ...(dependsOn !== undefined ? { dependsOn } : {}) };
}

/**
 * The base of every component of this program (sst's pattern): children are named `<component>-<suffix>` and get
 * the component as parent, the component's provider and the component's `dependsOn` from {@link child}, so no
 * component can forget one of them.
 */
/**
 * A Kubernetes object with a name of its own is replaced by deleting it first. Created first, the server-side apply
 * of the replacement lands on the same object, and the delete of the original that follows removes it (issue 69:
 * a Secret's hand-changed key replaced it and Stream's Deployment and StatefulSet with it, all gone after a
 * successful `up`). The provider asks for this only when it knows the new name equals the old; a dependent replaced
 * while its inputs are unknown does not, so the option says it for every named object.
 */
export const fixedNameReplacesFirst: pulumi.ResourceTransformation = (args) => {
    const metadata = (args.props as { metadata?: { name?: unknown } }).metadata;
    if (!args.type.startsWith("kubernetes:") || metadata?.name === undefined) return undefined;
    return { props: args.props, opts: { ...args.opts, deleteBeforeReplace: true } };
};

export abstract class RunbookComponent extends pulumi.ComponentResource {
    /** The component's logical name; every child's name starts with it. */
    protected readonly baseName: string;
    readonly #opts: pulumi.ComponentResourceOptions | undefined;
    readonly #provider: pulumi.ProviderResource | undefined;
    /** Child names this component keeps from an older layout ({@link keepsStateName}). */
    readonly #keptNames = new Set<string>();

    /**
     * @param provider the provider every child uses (the cluster's Kubernetes provider, the OpenStack provider);
     *   explicit so that no child ever falls back to an ambient default provider.
     */
    protected constructor(
        type: ComponentType,
        name: string,
        opts: pulumi.ComponentResourceOptions | undefined,
        provider?: pulumi.ProviderResource,
    ) {
        // The check is a transformation of the component: the SDK runs it for every resource whose `parent` is this
        // component (or below it) while the resource is constructed, so a child that sets `parent` itself instead of
        // going through `child()` is checked too. It also runs for the component itself, before `this` exists.
        const owner: { component?: RunbookComponent } = {};
        const check: pulumi.ResourceTransformation = (args) => {
            const parent = owner.component;
            if (parent !== undefined && args.opts.parent === parent)
                parent.#checkChildName(args.name, args.type);
            return undefined;
        };
        super(
            type,
            name,
            {},
            {
                ...opts,
                transformations: [...(opts?.transformations ?? []), check, fixedNameReplacesFirst],
            },
        );
        owner.component = this;
        this.baseName = name;
        this.#opts = opts;
        this.#provider = provider;
    }

    /**
     * One name scheme for every part: a child's name carries its parent's, so two parts can never register the same
     * name and a plan line names the part it belongs to.
     */
    #checkChildName(child: string, type: string): void {
        if (child.startsWith(`${this.baseName}-`) || this.#keptNames.has(child)) return;
        throw new pulumi.ResourceError(
            `${type} "${child}" is a child of "${this.baseName}" but its name does not start with "${this.baseName}-": ` +
                `name it with childName(...), or, for a name that must stay as it is in existing state, keepsStateName(...)`,
            this,
        );
    }

    /**
     * Lets one child keep a name that does not start with this component's (a name already in state, which a rename
     * would replace): the one, explicit exception to {@link childName}. Returns the name, to pass where it is used.
     */
    protected keepsStateName(name: string): string {
        this.#keptNames.add(name);
        return name;
    }

    protected childName(suffix: string): string {
        return `${this.baseName}-${suffix}`;
    }

    /** Options for a child resource or component: parent, provider and the component's `dependsOn`, plus `extra`. */
    protected child(extra: pulumi.CustomResourceOptions = {}): pulumi.CustomResourceOptions {
        return childOptions(this, this.#opts, {
            ...(this.#provider ? { provider: this.#provider } : {}),
            ...extra,
        });
    }

    /**
     * Options for a child of another package than the component's provider (a `random` password in a Kubernetes
     * component): parent and `dependsOn` only, because the SDK would send a custom resource's explicit provider to
     * the engine even when its package differs.
     */
    protected foreignChild(extra: pulumi.CustomResourceOptions = {}): pulumi.CustomResourceOptions {
        return childOptions(this, this.#opts, extra);
    }
}
