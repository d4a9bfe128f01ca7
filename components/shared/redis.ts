import type { SecretValueRule } from "./secretValueRule";
import { ServiceEndpoint } from "./endpoints";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { ClusterContext } from "./cluster";
import { RunbookComponent } from "./component";
import { ContainerSpec } from "./container";
import { AppIdentity } from "./labels";
import { PersistentVolumeClaim } from "./persistentVolumeClaim";
import { execProbe, tcpProbe } from "./probes";
import { Sizing } from "./resources";
import { ConfigSecret } from "./secret";
import { ChecksumKey } from "./startupReads";
import { Workload, WorkloadArgs } from "./workload";

/** The port every Redis of the program listens on (the image's default, which clients assume). */
export const REDIS_PORT = 6379;

/** Where the Redis image keeps its data (sclorg/OpenShift redis images). */
export const REDIS_DATA_DIR = "/var/lib/redis/data";

/**
 * The source's readiness check of a password-protected Redis: it answers PONG to an authenticated ping. The password is
 * quoted where the source's is not: {@link REDIS_PASSWORD_RULE} admits `*` and `?`, which the shell would expand
 * against the pod's working directory, and the ping would then fail with a wrong password on a healthy Redis.
 */
export const REDIS_READINESS_COMMAND = [
    "/bin/sh",
    "-i",
    "-c",
    'test "$(redis-cli -h 127.0.0.1 -a "$REDIS_PASSWORD" ping)" == "PONG"',
];

/**
 * The characters of printable ASCII (0x21-0x7E) the Redis image refuses in REDIS_PASSWORD. Its start script (run-redis)
 * sources validate-variables.sh, which exits unless the password matches common.sh's `redis_password_regex`,
 * `^[a-zA-Z0-9_~!@#$%^&*()-=<>,.?;:|]+$` (its `)-=` is the range 0x29-0x3D): every other printable character is in it,
 * and nothing outside printable ASCII (a space, a control or non-ASCII character) is, nor the empty password.
 * Read at sclorg/redis-container@ab5b8263ee (the head quay.io/sclorg/redis-7-c9s:c9s is built from, facts/evidence/shared/redis-7-c9s@c9s.yaml).
 */
export const REDIS_PASSWORD_REFUSED: readonly string[] = ['"', "'", "`", "\\", "[", "]", "{", "}"];

/** Where the image says so. */
const REDIS_PASSWORD_SOURCE =
    "sclorg/redis-container@ab5b8263ee:7/root/usr/share/container-scripts/redis/validate-variables.sh:10-11 against common.sh:11";

/** Whether the Redis image starts with `password` as REDIS_PASSWORD (see {@link REDIS_PASSWORD_REFUSED}). */
export function redisPasswordAccepted(password: string): boolean {
    if (password.length === 0) return false;
    for (const c of password) {
        const code = c.codePointAt(0)!;
        if (code < 0x21 || code > 0x7e || REDIS_PASSWORD_REFUSED.includes(c)) return false;
    }
    return true;
}

/** The passwords the Redis image accepts, in words without the refused characters themselves (for tables). */
export const REDIS_PASSWORD_ACCEPTED =
    "letters, digits and ASCII punctuation except quotes, backtick, backslash, square brackets and curly braces (no space, nothing outside ASCII)";

/**
 * The rule every secret that becomes a {@link RedisAuth} password declares (`SecretSpec.accepts`): a set value the
 * image would refuse stops the run before anything is created, instead of a Redis pod that crash-loops.
 */
export const REDIS_PASSWORD_RULE: SecretValueRule = {
    accepted: `one or more characters of printable ASCII (0x21-0x7E) except ${REDIS_PASSWORD_REFUSED.join(" ")}: ${REDIS_PASSWORD_ACCEPTED}`,
    why: `the Redis image's start script (run-redis) exits before redis-server starts on any other REDIS_PASSWORD (${REDIS_PASSWORD_SOURCE}), so the Redis pod would crash-loop on every start, and every client of that Redis with it`,
    admits: redisPasswordAccepted,
};

/**
 * A password-protected Redis's password: the value from secret config (whose spec declares
 * {@link REDIS_PASSWORD_RULE}, so the image accepts it), or a generated one when undefined (letters and digits only,
 * always accepted).
 */
export interface RedisAuth {
    password?: pulumi.Input<string>;
}

export interface RedisArgs<Auth extends RedisAuth | undefined = RedisAuth | undefined> {
    cluster: ClusterContext;
    /** A Namespace's `name` (every object of Redis is then ordered after it), or a plain name. */
    namespace: pulumi.Input<string>;
    /** `app.name` names the Deployment, the Service (the host clients use) and, with a password, the Secret. */
    app: AppIdentity;
    image: string;
    resources: Sizing;
    /**
     * Password-protected: a Secret `<app.name>` with key `database-password` holding this
     * value, or a random one (kept in state) when the value is undefined. Without `auth` Redis answers anyone in
     * the namespace its policies admit.
     */
    auth?: Auth;
    /** A volume keeps the data across restarts (a broker's queued tasks); none for a cache. */
    storage?: {
        size: string;
        /** metadata.name of the claim; defaults to `app.name`. */
        claimName?: string;
    };
    /** Production: the volume is protected from deletion and retained if a delete is forced. */
    protectStateful: boolean;
    /**
     * The system's checksum key (`checksumKey`): with `auth`, a new password rolls Redis, which reads it at start
     * only, together with the clients whose URLs carry it; without it a rotated password leaves Redis on the old
     * one while restarted clients use the new one.
     */
    restartKey?: ChecksumKey;
    /** The selector and pod labels of the Redis Deployment running today, when it is taken over (see {@link WorkloadArgs}). */
    live?: Pick<WorkloadArgs, "liveSelector" | "livePodLabels">;
}

/**
 * Redis as both sources run it: one Deployment, a Service on 6379, optionally a password Secret and a volume. With
 * a volume it is rolled out by `Recreate`, because a ReadWriteOnce claim cannot be held by an old and a new pod.
 */
export class Redis<Auth extends RedisAuth | undefined = RedisAuth | undefined> extends RunbookComponent {
    public readonly host: string;
    /** The password (secret); the compiler knows it is there exactly when `auth` was given. */
    public readonly password: Auth extends RedisAuth ? pulumi.Output<string> : undefined;
    public readonly workload: Workload;
    public readonly endpoint: ServiceEndpoint;

    constructor(name: string, args: RedisArgs<Auth>, opts?: pulumi.ComponentResourceOptions) {
        super("runbooks:shared:Redis", name, opts, args.cluster.provider);
        const { app } = args;
        this.host = app.name;
        const container: ContainerSpec = {
            name: "redis",
            image: args.image,
            ports: [{ name: "redis", containerPort: REDIS_PORT }],
            resources: args.resources,
            ...redisProbes(args.auth !== undefined),
        };
        const secured = args.auth ? this.passwordSecret(args, args.auth) : undefined;
        this.password = secured?.password as typeof this.password;
        if (secured) container.env = { REDIS_PASSWORD: secured.secret.handle.env("database-password") };
        if (args.storage) {
            const claim = this.dataClaim(args, args.storage);
            container.mounts = [claim.handle.mount(REDIS_DATA_DIR, { volume: "redis-data" })];
        }
        this.workload = new Workload(
            this.childName("workload"),
            {
                cluster: args.cluster,
                namespace: args.namespace,
                app,
                ...args.live,
                strategy: args.storage ? "Recreate" : "RollingUpdate",
                automountServiceAccountToken: false,
                ...(args.restartKey ? { restartOnChange: { key: args.restartKey } } : {}),
                containers: [container],
                service: { ports: [{ name: "redis", port: REDIS_PORT, targetPort: "redis" }] },
            },
            // The password Secret and the claim are ordered before the pods by their handles.
            this.child(),
        );
        this.endpoint = this.workload.endpoint("redis");
        this.registerOutputs({ host: this.host });
    }

    /** The password (given, or generated once and kept in state) and the Secret the server reads it from. */
    private passwordSecret(
        args: RedisArgs<Auth>,
        auth: RedisAuth,
    ): { password: pulumi.Output<string>; secret: ConfigSecret } {
        const password = pulumi.secret(
            auth.password !== undefined
                ? pulumi.output(auth.password)
                : new random.RandomPassword(
                      this.childName("password"),
                      // Letters and digits only: always a password REDIS_PASSWORD_RULE admits.
                      { length: 32, special: false },
                      // Not a Kubernetes object: no cluster provider, nothing in the cluster to wait for.
                      { parent: this },
                  ).result,
        );
        const secret = new ConfigSecret(
            this.childName("secret"),
            {
                namespace: args.namespace,
                name: args.app.name,
                app: args.app,
                data: { "database-password": password },
            },
            this.child(),
        );
        return { password, secret };
    }

    private dataClaim(
        args: RedisArgs<Auth>,
        storage: NonNullable<RedisArgs<Auth>["storage"]>,
    ): PersistentVolumeClaim {
        return new PersistentVolumeClaim(
            this.childName("pvc"),
            {
                name: storage.claimName ?? args.app.name,
                namespace: args.namespace,
                app: args.app,
                storage: storage.size,
                protectStateful: args.protectStateful,
            },
            this.child(),
        );
    }
}

/** Each source's own probes: an authenticated ping needs the password. */
function redisProbes(authenticated: boolean): Pick<ContainerSpec, "readinessProbe" | "livenessProbe"> {
    return authenticated
        ? {
              readinessProbe: execProbe(REDIS_READINESS_COMMAND, {
                  initialDelaySeconds: 5,
                  timeoutSeconds: 1,
                  periodSeconds: 10,
                  failureThreshold: 3,
              }),
              livenessProbe: tcpProbe(REDIS_PORT, {
                  initialDelaySeconds: 30,
                  timeoutSeconds: 1,
                  periodSeconds: 10,
                  failureThreshold: 3,
              }),
          }
        : {
              readinessProbe: execProbe(["redis-cli", "ping"], { initialDelaySeconds: 5 }),
              livenessProbe: tcpProbe(REDIS_PORT, { initialDelaySeconds: 15 }),
          };
}
