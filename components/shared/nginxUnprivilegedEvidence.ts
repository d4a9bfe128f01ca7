import type { At, EvidenceSource, FlagFact, NamedFact } from "./evidence/types";

// What the upstream source of nginxinc/nginx-unprivileged 1.27.x says of the image itself, whichever system runs it
// (as a sidecar or a proxy, at a 1.27 tag): one reading, which each system's entry takes, adding the listener its own nginx.conf defines (the image's own server is replaced by both).
// Facts carried over with their lines, no code.
//
// "feat: Update mainline NGINX to 1.27.4" (2cc5e1e803, 2025-02-13) set NGINX_VERSION=1.27.4 in mainline/ (no git tag
// names 1.27.4). The mainline workflows tag each build with the version's parts: mainline/debian/ as 1.27.4 and 1.27
// among others (.github/workflows/debian-mainline.yml:95-105,115), mainline/alpine/ (built on alpine-slim, whose
// scripts it keeps) as 1.27.4-alpine (alpine-mainline.yml:214-222), rebuilt weekly (debian-mainline.yml:5-6).
// In the snapshot read (head 8ead5ce, 2025-03-27) 1.27.4 is still mainline and mainline/ unchanged since this commit;
// the last 1.27 build upstream may be a later 1.27.x, which the registry, not this commit, would show.

export const NGINX_UNPRIVILEGED_SOURCE: EvidenceSource = {
    repo: "nginxinc/docker-nginx-unprivileged",
    commit: "2cc5e1e803dee7adc6418662068edb014b26584c",
};

/** The image's build directory: `debian` (:1.27) or `alpine-slim` (whose scripts :1.27.4-alpine copies). */
export type NginxBuild = "debian" | "alpine-slim";

export const nginxUnprivilegedAt =
    (build: NginxBuild) =>
    (path: string, lines: string | number): At =>
        `nginxinc/docker-nginx-unprivileged@2cc5e1e803:mainline/${build}/${path}:${lines}`;

/**
 * The variables the image's entrypoint and its docker-entrypoint.d scripts read (Dockerfile ENTRYPOINT
 * /docker-entrypoint.sh, which runs them before the CMD). A container whose command replaces the entrypoint runs none.
 * The line numbers are the same in both build directories.
 */
export function nginxEntrypointEnv(build: NginxBuild): NamedFact[] {
    const at = nginxUnprivilegedAt(build);
    const reads: Record<string, At> = {
        NGINX_ENTRYPOINT_QUIET_LOGS: at("docker-entrypoint.sh", 7),
        NGINX_ENTRYPOINT_LOCAL_RESOLVERS: at("15-local-resolvers.envsh", 9),
        NGINX_ENVSUBST_TEMPLATE_DIR: at("20-envsubst-on-templates.sh", 32),
        NGINX_ENVSUBST_TEMPLATE_SUFFIX: at("20-envsubst-on-templates.sh", 33),
        NGINX_ENVSUBST_OUTPUT_DIR: at("20-envsubst-on-templates.sh", 34),
        NGINX_ENVSUBST_FILTER: at("20-envsubst-on-templates.sh", 37),
        NGINX_ENTRYPOINT_WORKER_PROCESSES_AUTOTUNE: at("30-tune-worker-processes.sh", 10),
    };
    return Object.entries(reads).map(([name, where]) => ({ name, at: where }));
}

/** nginx's own command line (nginx/nginx at release-1.27.4, ecb809305e): the options ngx_get_options takes. */
const nginxAt = (line: number): At => `nginx/nginx@ecb809305e:src/core/nginx.c:${line}`;
export const NGINX_FLAGS: readonly FlagFact[] = [
    { name: "?", at: nginxAt(820) },
    { name: "h", at: nginxAt(821) },
    { name: "v", at: nginxAt(826) },
    { name: "V", at: nginxAt(830) },
    { name: "t", at: nginxAt(835) },
    { name: "T", at: nginxAt(839) },
    { name: "q", at: nginxAt(844) },
    { name: "p", at: nginxAt(848) },
    { name: "e", at: nginxAt(862) },
    // The configuration file, instead of /etc/nginx/nginx.conf (and, with it, the image's conf.d server).
    { name: "c", at: nginxAt(880) },
    // Directives set beside the file's (the image's CMD passes `daemon off;`: Dockerfile:162 in debian/).
    { name: "g", at: nginxAt(894) },
    { name: "s", at: nginxAt(908) },
];
