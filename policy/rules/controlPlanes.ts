import { parseImageRef } from "../../components/shared/imageRef";
import { Obj, objectsOf, stringsOf } from "./types";

// Web control planes that act on a cluster or a queue with their own rights unless told to authenticate callers. A
// public Route or Ingress in front of one without authentication hands those rights to anyone on the internet.

interface ControlPlane {
    name: string;
    /** The container is this control plane (matched on the image repository's last segment). */
    matches(repository: string, args: readonly string[]): boolean;
    /** Why the container serves unauthenticated, or undefined when it authenticates callers. */
    unauthenticated(args: readonly string[], env: readonly Obj[]): string | undefined;
}

/** `--flag=value` or `--flag value`. */
function flag(args: readonly string[], name: string): string | undefined {
    for (let i = 0; i < args.length; i++) {
        if (args[i] === name) return args[i + 1];
        if (args[i].startsWith(`${name}=`)) return args[i].slice(name.length + 1);
    }
    return undefined;
}

const hasEnv = (env: readonly Obj[], name: string) => env.some((e) => e.name === name);

const CONTROL_PLANES: readonly ControlPlane[] = [
    {
        // argo-server before v3 defaults to --auth-mode server: every request acts as argo-server's account
        // (GHSA-rc7p-gmvh-xfx2). `client` (the caller's Kubernetes token) or `sso` authenticate.
        name: "argo-server",
        matches: (repo, args) => repo === "argocli" || (repo.includes("argo") && args[0] === "server"),
        unauthenticated: (args) => {
            const mode = flag(args, "--auth-mode");
            return mode === "client" || mode === "sso"
                ? undefined
                : `runs --auth-mode ${mode ?? "server (the v2 default)"}: callers act with argo-server's own account`;
        },
    },
    {
        name: "flower",
        matches: (repo) => repo === "flower",
        unauthenticated: (args, env) =>
            flag(args, "--basic_auth") !== undefined ||
            flag(args, "--auth") !== undefined ||
            hasEnv(env, "FLOWER_BASIC_AUTH") ||
            hasEnv(env, "FLOWER_AUTH")
                ? undefined
                : "has no --basic_auth or --auth: anyone can revoke and inspect Celery tasks",
    },
    {
        name: "redis-commander",
        matches: (repo) => repo === "redis-commander",
        unauthenticated: (_args, env) =>
            hasEnv(env, "HTTP_USER") && (hasEnv(env, "HTTP_PASSWORD") || hasEnv(env, "HTTP_PASSWORD_HASH"))
                ? undefined
                : "has no HTTP_USER/HTTP_PASSWORD: anyone can read and change the Redis data",
    },
];

/** Why a container is a control plane serving unauthenticated (`argo-server runs ...`), or undefined. */
export function unauthenticatedControlPlane(container: Obj): string | undefined {
    if (typeof container.image !== "string") return undefined;
    const repo = parseImageRef(container.image).repository.split("/").pop() ?? "";
    const args = [...stringsOf(container.command), ...stringsOf(container.args)];
    const serverArgs = stringsOf(container.args).length > 0 ? stringsOf(container.args) : args;
    const env = objectsOf(container.env);
    for (const cp of CONTROL_PLANES) {
        if (!cp.matches(repo, serverArgs)) continue;
        const why = cp.unauthenticated(args, env);
        if (why) return `${cp.name} ${why}`;
    }
    return undefined;
}
