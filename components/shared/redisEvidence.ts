import type { At, ImageEvidence } from "./evidence/types";

// What the upstream source of the shared Redis building block's image (./redis.ts) says of it: one entry, which every
// system running that block puts in its own evidence table (components/<system>/evidence.ts), so the image has one
// reading whichever system runs it. Facts carried over with their lines, no code.
//
// quay.io/sclorg/redis-7-c9s:c9s is built from sclorg/redis-container's 7/Dockerfile.c9s and rebuilt from the head of
// master; read at that head on the day below (ab5b8263ee, 2026-05-01, "Bump actions/github-script from 8 to 9").

const COMMIT = "ab5b8263eef9bf6f093f3778b5a453ad5ca1815e";
const RESOLVED = "2026-11-25";

const at = (path: string, lines: string | number): At =>
    `sclorg/redis-container@ab5b8263ee:7/${path}:${lines}`;
const SCRIPTS = "root/usr/share/container-scripts/redis";

/**
 * The sclorg Redis 7 image. Its command is `container-entrypoint run-redis` (Dockerfile.c9s:77-78): run-redis adds
 * `requirepass` to /etc/redis/redis.conf when REDIS_PASSWORD is set (without it, only a warning), refuses a password
 * with a character outside its allowed set (letters, digits and most ASCII punctuation; no space, quote, backtick,
 * backslash, bracket or brace: validate-variables.sh:10-11, common.sh:11), then execs redis-server on that file. The start scripts never set a port: the server listens on
 * the packaged configuration's, which the image declares as 6379 and exposes.
 */
export const SCLORG_REDIS_EVIDENCE: ImageEvidence = {
    image: "quay.io/sclorg/redis-7-c9s",
    version: "c9s",
    source: {
        repo: "sclorg/redis-container",
        commit: COMMIT,
        moving: { branch: "master", resolved: RESOLVED },
    },
    facts: {
        state: "read",
        listens: [
            {
                port: 6379,
                serves: "Redis (redis-server on /etc/redis/redis.conf, bind commented out: every interface)",
                at: `${at("Dockerfile.c9s", "26,35")}; ${at("root/usr/bin/run-redis", 27)}; ${at("root/usr/libexec/container-setup", 18)}; ${at(`${SCRIPTS}/common.sh`, "20-25")}`,
            },
        ],
        // The container's arguments replace run-redis (CMD, Dockerfile.c9s:78): a flag would be run as a command.
        flags: "none",
        env: [
            {
                name: "REDIS_PASSWORD",
                at: `${at("root/usr/bin/run-redis", "11-15")}; ${at(`${SCRIPTS}/validate-variables.sh`, "10-11")}; ${at(`${SCRIPTS}/password.conf.template`, 2)}`,
            },
            {
                name: "BIND_ADDRESS",
                at: `${at(`${SCRIPTS}/common.sh`, "30-32")}; ${at(`${SCRIPTS}/post-init.sh`, 11)}`,
            },
            { name: "CONTAINER_DEBUG", at: at(`${SCRIPTS}/helpers.sh`, "11-12") },
            // The image's own ENV (Dockerfile.c9s:58-60), which the scripts read.
            { name: "CONTAINER_SCRIPTS_PATH", at: at("root/usr/bin/run-redis", "4,7,12,18-20") },
            { name: "REDIS_CONF", at: at("root/usr/bin/run-redis", "12,27") },
            { name: "REDIS_PREFIX", at: at("root/usr/bin/run-redis", 27) },
        ],
        files: [
            {
                name: "/etc/redis/redis.conf",
                at: `${at("Dockerfile.c9s", 60)}; ${at("root/usr/bin/run-redis", "12,27")}`,
            },
            {
                name: "/var/lib/redis/data",
                at: `${at(`${SCRIPTS}/common.sh`, 8)}; ${at(`${SCRIPTS}/base.conf.template`, 1)}; ${at("root/usr/libexec/container-setup", 19)}; ${at("Dockerfile.c9s", "54,69")}`,
            },
        ],
    },
};
