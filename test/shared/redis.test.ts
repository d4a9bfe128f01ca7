import { testCluster } from "../fixtures/cluster";
import { strict as assert } from "assert";
import fc from "fast-check";
import { execFileSync } from "child_process";
import { chmodSync, mkdirSync, writeFileSync } from "fs";
import * as path from "path";
import {
    REDIS_PASSWORD_RULE,
    REDIS_READINESS_COMMAND,
    Redis,
    RedisArgs,
    RedisAuth,
    redisPasswordAccepted,
} from "../../components/shared/redis";
import { fixedSize } from "../../components/shared/resources";
import { field, k8sObject, ofType, resetRecorder, settled, unwrap } from "../harness";
import { DEPLOYMENT, SECRET, PVC, RANDOM_PASSWORD as PASSWORD } from "../fixtures/resourceTypes";
import { scratchDir } from "../fixtures/scratch";

const cluster = testCluster("redis-test", "openshift");

function redis<A extends RedisAuth | undefined>(name: string, extra: Partial<RedisArgs<A>>): Redis<A> {
    return new Redis<A>(`redis-test-${name}`, {
        cluster,
        namespace: "ns",
        app: { name, partOf: "test", component: "broker" },
        image: "quay.io/sclorg/redis-7-c9s:c9s",
        resources: fixedSize("100m", "80Mi"),
        protectStateful: false,
        ...extra,
    });
}

describe("shared Redis", () => {
    beforeEach(resetRecorder);

    it("without auth: no Secret, no password, a plain ping; a protected volume and Recreate in production", async () => {
        const r = redis("broker", {
            storage: { size: "2Gi", claimName: "redis-pvc" },
            protectStateful: true,
        });
        assert.equal(r.password, undefined);
        await settled();
        assert.equal(ofType(SECRET).length, 0);
        assert.equal(ofType(PASSWORD).length, 0);
        const claim = k8sObject(PVC, "redis-pvc", "ns");
        assert.equal(field(claim.inputs, "spec.resources.requests.storage"), "2Gi");
        assert.ok(claim.protect && claim.retainOnDelete, "production data survives a destroy");
        const d = k8sObject(DEPLOYMENT, "broker", "ns");
        assert.equal(field(d.inputs, "spec.strategy.type"), "Recreate", "one pod holds the RWO claim");
        assert.ok(d.dependencies.includes(claim.urn), "Redis starts once its volume is there");
        const c = field(d.inputs, "spec.template.spec.containers[0]") as Record<string, unknown>;
        assert.equal(c.env, undefined, "no password in the environment");
        assert.deepEqual(field(c, "readinessProbe.exec.command"), ["redis-cli", "ping"]);
        assert.deepEqual(field(c, "volumeMounts"), [
            { name: "redis-data", mountPath: "/var/lib/redis/data" },
        ]);
        assert.deepEqual(field(d.inputs, "spec.template.spec.volumes"), [
            { name: "redis-data", persistentVolumeClaim: { claimName: "redis-pvc" } },
        ]);
    });

    it("with auth and no value: a generated password, only in a Secret; a cache keeps no volume", async () => {
        const r = redis("cache", { auth: {} });
        await settled();
        assert.equal(ofType(PASSWORD).length, 1);
        assert.equal(ofType(PVC).length, 0);
        const secret = k8sObject(SECRET, "cache", "ns");
        assert.ok(
            secret.secretPaths.some((p) => "stringData.database-password".startsWith(p)),
            "the password is a secret input",
        );
        const d = k8sObject(DEPLOYMENT, "cache", "ns");
        assert.equal(field(d.inputs, "spec.strategy.type"), "RollingUpdate");
        assert.ok(d.dependencies.includes(secret.urn), "Redis starts once its password Secret is there");
        assert.deepEqual(field(d.inputs, "spec.template.spec.containers[0].env"), [
            {
                name: "REDIS_PASSWORD",
                valueFrom: { secretKeyRef: { name: "cache", key: "database-password" } },
            },
        ]);
        assert.match(
            JSON.stringify(field(d.inputs, "spec.template.spec.containers[0].readinessProbe")),
            /redis-cli -h 127.0.0.1 -a \\"\$REDIS_PASSWORD\\" ping/,
        );
        assert.equal(field(d.inputs, "spec.template.spec.volumes"), undefined);
        assert.ok(r.password);
    });

    it("with auth and a value from secret config: that value, nothing generated, a claim unprotected outside production", async () => {
        const r = redis("given", { auth: { password: "from-config" }, storage: { size: "1Gi" } });
        assert.equal(await unwrap(r.password), "from-config");
        await settled();
        assert.equal(ofType(PASSWORD).length, 0);
        assert.equal(
            field(k8sObject(SECRET, "given", "ns").inputs, "stringData.database-password"),
            "from-config",
        );
        const claim = k8sObject(PVC, "given", "ns");
        assert.ok(!claim.protect && !claim.retainOnDelete);
    });
});

// The image's rule stated again, independently of components/shared/redis.ts: sclorg/redis-container@ab5b8263ee
// 7/root/usr/share/container-scripts/redis/common.sh:11, `^[a-zA-Z0-9_~!@#$%^&*()-=<>,.?;:|]+$`, is every printable
// ASCII character (0x21-0x7e) but these eight, one or more of them.
const IMAGE_REFUSES = ['"', "'", "`", "\\", "[", "]", "{", "}"];
const imageAccepts = (password: string): boolean =>
    password.length > 0 &&
    Array.from({ length: password.length }, (_, i) => password.charCodeAt(i)).every(
        (code) => code >= 0x21 && code <= 0x7e && !IMAGE_REFUSES.includes(String.fromCharCode(code)),
    );

describe("the Redis image's password rule (REDIS_PASSWORD_RULE)", () => {
    // Characters either side of every edge of the set, so short strings often mix accepted and refused ones.
    const edges = [0x00, 0x09, 0x0a, 0x1f, 0x20, 0x21, 0x7e, 0x7f, 0x80, 0xa0, 0xe9, 0x2028, 0xfeff, 0xd800]
        .map((c) => String.fromCharCode(c))
        .concat(IMAGE_REFUSES, ["a", "Z", "0", "-", ")", "=", "|", "~", "!", "^", "_", "/", "+"]);

    it("accepts exactly the non-empty strings of printable ASCII without quotes, backtick, backslash, brackets, braces", () => {
        fc.assert(
            fc.property(
                fc.oneof(
                    fc.string({ unit: "binary" }),
                    fc.string({ unit: "binary-ascii" }),
                    fc.string({ unit: "grapheme-ascii", minLength: 1 }),
                    fc.string({ unit: fc.constantFrom(...edges) }),
                    fc.string({ unit: "grapheme" }),
                ),
                (password) => {
                    assert.equal(
                        redisPasswordAccepted(password),
                        imageAccepts(password),
                        JSON.stringify(password),
                    );
                    assert.equal(REDIS_PASSWORD_RULE.admits(password), imageAccepts(password));
                },
            ),
            { numRuns: 2000 },
        );
    });

    it("every single character of the BMP as the image judges it", () => {
        for (let code = 0; code <= 0xffff; code++) {
            const c = String.fromCharCode(code);
            assert.equal(redisPasswordAccepted(c), imageAccepts(c), `U+${code.toString(16)}`);
        }
        assert.equal(redisPasswordAccepted(""), false, "the image's regex needs one character or more");
    });

    it("says what it accepts by naming each refused character, and where the image says so", () => {
        for (const c of IMAGE_REFUSES) assert.ok(REDIS_PASSWORD_RULE.accepted.includes(c), c);
        assert.match(REDIS_PASSWORD_RULE.accepted, /0x21-0x7E/);
        assert.match(
            REDIS_PASSWORD_RULE.why,
            /sclorg\/redis-container@ab5b8263ee:7\/.*validate-variables\.sh:10-11/,
        );
        assert.match(REDIS_PASSWORD_RULE.why, /common\.sh:11/);
    });
});

describe("Redis readiness command", () => {
    // The image's /bin/sh is bash (the sclorg images are RHEL-family); its working directory holds files a glob in the
    // password could match. A redis-cli stand-in answers PONG only to the exact password.
    let bin = "";
    let work = "";
    before(() => {
        const dir = scratchDir("redis-probe-");
        [bin, work] = [path.join(dir, "bin"), path.join(dir, "work")];
        for (const d of [bin, work]) mkdirSync(d);
        for (const name of ["data", "a", "ab", "redis.conf"]) writeFileSync(path.join(work, name), "");
        writeFileSync(path.join(bin, "redis-cli"), '#!/bin/bash\n[ "$4" = "$EXPECTED" ] && echo PONG\n');
        chmodSync(path.join(bin, "redis-cli"), 0o755);
    });
    const ready = (password: string): boolean => {
        const [, ...args] = REDIS_READINESS_COMMAND;
        try {
            execFileSync("/bin/bash", args, {
                cwd: work,
                env: { PATH: `${bin}:/usr/bin:/bin`, REDIS_PASSWORD: password, EXPECTED: password },
                stdio: "ignore",
            });
            return true;
        } catch {
            return false;
        }
    };

    it("is ready with every password the image accepts, glob characters included", () => {
        for (const listed of ["*", "a?", "a*", "?", "$HOME", "p@ss;w|rd&"]) assert.ok(ready(listed), listed);
        const printable = fc.mapToConstant({
            num: 0x7e - 0x21 + 1,
            build: (i) => String.fromCharCode(0x21 + i),
        });
        fc.assert(
            fc.property(
                fc.string({ unit: printable, minLength: 1, maxLength: 12 }).filter(redisPasswordAccepted),
                (password) => ready(password),
            ),
            { numRuns: 40 },
        );
    });
});
