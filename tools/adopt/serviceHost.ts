/** A Service address a URL's host names, relative to the caller's namespace: `name`, `name.ns`, `name.ns.svc[.cluster.local]`. */
export function serviceOfHost(
    host: string,
    callerNamespace: string,
): { namespace: string; name: string } | undefined {
    const parts = host.toLowerCase().split(".");
    const label = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
    if (!parts.every((p) => label.test(p))) return undefined;
    const [name, namespace, ...rest] = parts;
    if (namespace === undefined) return { namespace: callerNamespace, name };
    const tail = rest.join(".");
    return tail === "" || tail === "svc" || tail === "svc.cluster.local" ? { namespace, name } : undefined;
}
