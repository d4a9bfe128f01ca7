import * as pulumi from "@pulumi/pulumi";
import { Handle, ObjectHandle, carrying, handlesIn } from "./handles";

/**
 * A host, address or URL made from Service endpoints: a non-secret Output carrying the endpoints it names (as a
 * handle's `.name` carries its handle), so code that reads a built pod spec or ConfigMap finds which Services a pod
 * reaches. Only this module makes one, from plain strings and other endpoint texts: never from a secret.
 */
export type EndpointText = pulumi.Output<string> & { readonly __endpointText: unique symbol };

function endpointText(value: pulumi.Output<string>, handles: readonly ObjectHandle[]): EndpointText {
    return carrying(value, handles) as EndpointText;
}

/**
 * A Service a pod talks to, by name and port. Its texts (`host`, `url()`) carry the endpoint but not the Service
 * object: a client must not wait for the Service, whose await waits for ready pods, or two Services whose pods
 * call each other would each wait for the other's (see `Workload`). That a program's endpoint names a Service the
 * program makes is checked when the network policies are derived, so a typo stops the program offline.
 */
export class ServiceEndpoint extends Handle<"Service"> {
    private constructor(
        objectName: string,
        namespace: string | undefined,
        public readonly port: number,
        /** The host a client outside the program's Services writes (a managed database, another system). */
        private readonly externalHost: string | undefined,
    ) {
        super("Service", objectName, namespace, undefined);
    }

    /** An endpoint of a Service this program makes in `namespace` (use `Workload.endpoint()` where it exists). */
    static of(serviceName: string, namespace: string, port: number): ServiceEndpoint {
        return new ServiceEndpoint(serviceName, namespace, port, undefined);
    }

    /**
     * A Service or server made elsewhere (another system, a managed database, the cluster's API): named once, here,
     * never at the reader. No network policy of the program opens a path to it.
     */
    static existing(host: string, port: number): ServiceEndpoint {
        return new ServiceEndpoint(host, undefined, port, host);
    }

    /** Made outside the program: nothing here opens or checks a path to it. */
    get external(): boolean {
        return this.externalHost !== undefined;
    }

    /** `<service>.<namespace>.svc`: resolvable from every namespace of the cluster. */
    get host(): EndpointText {
        const host = this.externalHost ?? `${this.objectName}.${this.namespace}.svc`;
        return endpointText(pulumi.output(host), [this]);
    }

    /** The Service name alone, as a client in the Service's own namespace may write it. */
    get localHost(): EndpointText {
        if (this.externalHost !== undefined) return this.host;
        return endpointText(pulumi.output(this.objectName), [this]);
    }

    /** `host:port` (the local host with `local`). */
    address(options: { local?: boolean } = {}): EndpointText {
        return refText`${options.local ? this.localHost : this.host}:${this.port}`;
    }

    /** `<scheme>://<host>[:<port>]<path>` ({@link urlText}); the Service name alone as host with `local`. */
    url(options: UrlOptions & { local?: boolean } = {}): EndpointText {
        const host = options.local ? this.localHost : this.host;
        return endpointText(
            host.apply((h) => urlText(h, this.port, options)),
            [this],
        );
    }

    describe(): string {
        return this.external
            ? `Service ${this.objectName}:${this.port} (made elsewhere)`
            : `${super.describe()}:${this.port}`;
    }
}

/** How {@link urlText} writes a URL. */
export interface UrlOptions {
    scheme?: string;
    path?: string;
    /** Write the port even where it is the scheme's default. */
    explicitPort?: boolean;
}

/**
 * `<scheme>://<host>[:<port>]<path>`: the port is left out where it is the scheme's default (80 for http, 443 for
 * https), as clients and the source manifests write it. The one format of the program's in-cluster URLs (plain-text
 * refs use it too).
 */
export function urlText(host: string, port: number, options: UrlOptions = {}): string {
    const scheme = options.scheme ?? "http";
    const defaultPort = scheme === "https" ? 443 : scheme === "http" ? 80 : undefined;
    const shown = port === defaultPort && !options.explicitPort ? "" : `:${port}`;
    return `${scheme}://${host}${shown}${options.path ?? ""}`;
}

/** A text made of plain parts and endpoint texts, carrying every endpoint its parts carry. */
export function refText(
    strings: TemplateStringsArray,
    ...parts: (string | number | EndpointText)[]
): EndpointText {
    const handles = parts.flatMap((p) => [...handlesIn(p)]);
    const value = pulumi
        .all(parts.map((p) => (typeof p === "object" ? p : pulumi.output(String(p)))))
        .apply((values) =>
            strings.reduce((text, s, i) => text + s + (i < values.length ? values[i] : ""), ""),
        );
    return endpointText(value, handles);
}

/** `parts` joined by `separator` (lines of a config file, some naming endpoints), carrying their endpoints. */
export function joinRefs(parts: readonly (string | EndpointText)[], separator: string): EndpointText {
    const handles = parts.flatMap((p) => [...handlesIn(p)]);
    const value = pulumi
        .all(parts.map((p) => (typeof p === "string" ? pulumi.output(p) : p)))
        .apply((values) => values.join(separator));
    return endpointText(value, handles);
}

/** Every endpoint text inside `value` (plain objects and arrays are walked; Outputs and other objects are not). */
export function endpointTextsIn(value: unknown): ObjectHandle[] {
    const found: ObjectHandle[] = [];
    const walk = (node: unknown): void => {
        const carried = handlesIn(node).filter((h) => h instanceof ServiceEndpoint);
        if (carried.length > 0) {
            found.push(...carried);
            return;
        }
        if (Array.isArray(node)) node.forEach(walk);
        else if (
            node !== null &&
            typeof node === "object" &&
            Object.getPrototypeOf(node) === Object.prototype
        )
            Object.values(node).forEach(walk);
    };
    walk(value);
    return [...new Set(found)];
}

/**
 * A document rendered from `value` (e.g. YAML of a config object) whose strings include endpoint texts: the text
 * carries those endpoints, so the ConfigMap it goes into remembers which Services its readers reach.
 */
export function renderWithEndpoints<T extends object>(
    value: T,
    render: (resolved: pulumi.Unwrap<T>) => string,
): EndpointText {
    return endpointText(pulumi.output(value).apply(render), endpointTextsIn(value));
}

/** The endpoints each key of an object's data names: what its handle's `reaches` holds. */
export function endpointsByKey(data: Record<string, unknown>): Map<string, readonly ObjectHandle[]> {
    return new Map(
        Object.entries(data).flatMap(([key, value]) => {
            const endpoints = endpointTextsIn(value);
            return endpoints.length > 0 ? [[key, endpoints] as const] : [];
        }),
    );
}
