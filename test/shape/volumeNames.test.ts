import { strict as assert } from "assert";
import { readSources } from "../oracles/shape/sources";
import { literalVolumeNames } from "../oracles/shape/volumeNames";

// Issue 53: a pod volume and its volumeMount are made by one call, never matched by a name string written on each
// side. The check is tested on each way of writing the name twice, on the ways that write it once, and on the real
// tree, where it finds none, and again with one literal pair put back in memory.

const file = "components/x/x.ts";
const found = (text: string) => literalVolumeNames({ [file]: text }).map((f) => `${f.line} ${f.what}`);

describe("volumes and mounts paired by a literal name (npm run shape)", () => {
    it("finds each side written with a literal name", () => {
        assert.deepEqual(
            found(
                [
                    `const volumes = [claim.handle.volume("data"), { name: "scratch", emptyDir: {} }];`,
                    `const mounts = [{ name: "data", mountPath: "/data" }, { name: 'scratch', mountPath: "/tmp" }];`,
                    "const tls = { name: `tls`, secret: { secretName: name } };",
                    `const host = { name: "sock", hostPath: { path: "/run/docker.sock" } };`,
                ].join("\n"),
            ),
            [
                `1 .volume("data")`,
                `1 volume "scratch"`,
                `2 volumeMount "data"`,
                `2 volumeMount "scratch"`,
                `3 volume "tls"`,
                `4 volume "sock"`,
            ],
        );
    });

    it("leaves the one-call forms, computed names and objects that are no volume alone", () => {
        assert.deepEqual(
            found(
                [
                    `const a = claim.handle.mount("/data", { volume: "postgres-data" });`,
                    `const b = podVolume("staticfiles", { emptyDir: {} }).mount("/static");`,
                    `const c = claimTemplate({ name: "datadir", size: "1Gi" }).mount("/dgraph");`,
                    `const d = { name: volumeName(m), mountPath: m.path };`,
                    "const e = { name: `${secret}-x`, secret: { secretName: secret } };",
                    `const f = secret.volume(name);`,
                    `const g = { name: "redis", image: "redis:7", ports: [] };`,
                    `const h = { name: "c", configMapRef: { name: "x" } };`,
                ].join("\n"),
            ),
            [],
        );
    });

    it("finds none in components/, and finds a literal pair put back", () => {
        const tree = readSources();
        assert.deepEqual(
            literalVolumeNames(tree).map((v) => `${v.file}:${v.line} ${v.what}`),
            [],
            "every volume is paired with its mount by one call",
        );
        const redis = "components/shared/redis.ts";
        const edited = {
            ...tree,
            [redis]: `${tree[redis]}\nconst v = [c.volume("redis-data")];\nconst m = [{ name: "redis-data", mountPath: "/data" }];\n`,
        };
        assert.deepEqual(
            literalVolumeNames(edited).map((v) => `${v.file} ${v.what}`),
            [`${redis} .volume("redis-data")`, `${redis} volumeMount "redis-data"`],
        );
    });
});
