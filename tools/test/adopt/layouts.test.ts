import * as assert from "assert";
import fc from "fast-check";
import { imageRepository, sameJobElsewhere } from "../../adopt/layouts";
import { KubeObject, objectId } from "../../adopt/model";
import { inspectCluster } from "../../adopt/run";
import { FakeCluster, live } from "./fixtures";

// A live workload the program does not run, doing the job of one the program would add under another name (the same
// image or container port), is named; one that shares neither, or that the program runs itself, is not.

function workload(name: string, image: string, port?: number, kind = "Deployment"): KubeObject {
    return {
        apiVersion: kind === "DeploymentConfig" ? "apps.openshift.io/v1" : "apps/v1",
        kind,
        metadata: { name, namespace: "ns" },
        spec: {
            template: {
                spec: {
                    containers: [{ name, image, ...(port ? { ports: [{ containerPort: port }] } : {}) }],
                },
            },
        },
    };
}

const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/);
const repo = fc.constantFrom(
    "quay.io/packit/worker",
    "registry:5000/ns/etl",
    "redis",
    "docker.io/library/nginx",
);
const tag = fc.constantFrom(
    "",
    ":latest",
    ":v1.8.0",
    "@sha256:5ea57e4833e80e77686b9a1485c2a0945442d05a74303ad1118aa5a3afd91ee3",
);
const port = fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined });

describe("adopt: a live workload doing the job of one the program adds under another name", () => {
    it("an image's repository is the image without its tag or digest (a registry port is no tag)", () => {
        fc.assert(fc.property(repo, tag, (r, t) => imageRepository(`${r}${t}`) === r));
    });

    it("is named when it runs the image or serves the port of a workload the program would create", () => {
        fc.assert(
            fc.property(name, name, repo, tag, tag, port, fc.boolean(), (a, b, r, t1, t2, p, byPort) => {
                fc.pre(a !== b);
                const live = byPort && p ? workload(a, "other/image", p) : workload(a, `${r}${t1}`, p);
                const program = workload(b, byPort && p ? "another/image" : `${r}${t2}`, p);
                const found = sameJobElsewhere([live], [program], new Set([objectId(program)]), new Set());
                return found.length === 1 && found[0].live.metadata.name === a;
            }),
        );
    });

    it("is not named when it shares neither, when the program runs it, when the program's is live too, or when it is replaced", () => {
        fc.assert(
            fc.property(name, name, repo, (a, b, r) => {
                fc.pre(a !== b);
                const live = workload(a, `${r}:x`, 1111);
                const other = workload(b, "unrelated/image", 2222);
                const same = workload(b, `${r}:y`, 1111);
                const none = (l: KubeObject, p: KubeObject, created: string[], replaced: string[] = []) =>
                    sameJobElsewhere([l], [p], new Set(created), new Set(replaced)).length === 0;
                return (
                    none(live, other, [objectId(other)]) &&
                    none(live, { ...live }, [objectId(live)]) &&
                    none(live, same, []) &&
                    none(live, same, [objectId(same)], [objectId(live)])
                );
            }),
        );
    });

    it("a live DeploymentConfig of the program's name is the replacement rule's, not this one's", () => {
        const live = workload("api", "quay.io/x/api", 8080, "DeploymentConfig");
        const program = workload("api", "quay.io/x/api", 8080);
        // Another kind under the same name: the program runs it (by name), the report's replacement steps name it.
        assert.equal(
            sameJobElsewhere([live], [program], new Set([objectId(program)]), new Set([objectId(live)]))
                .length,
            0,
        );
    });
});

describe("adopt: a namespace the program's objects go to that nobody makes", () => {
    const cm = (namespace: string, name = "settings"): KubeObject => ({
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name, namespace },
        data: {},
    });
    const ns = (name: string): KubeObject => ({ apiVersion: "v1", kind: "Namespace", metadata: { name } });

    it("blocks exactly the namespaces the cluster lacks and the program does not create, with their object counts", async () => {
        const names = ["a", "b", "c", "d"];
        await fc.assert(
            fc.asyncProperty(
                fc.subarray(names),
                fc.subarray(names),
                fc.subarray(names, { minLength: 1 }),
                async (onCluster, createdByProgram, used) => {
                    const desired = [
                        ...used.flatMap((n) => [cm(n), cm(n, "more")]),
                        ...createdByProgram.map(ns),
                    ].map((object) => ({ cluster: "main", system: "shop", object }));
                    const cluster = new FakeCluster(onCluster.map((n) => live(ns(n))));
                    const r = await inspectCluster("main", desired, cluster);
                    const problems = r.layouts.flatMap((l) => l.problems);
                    const absent = used.filter(
                        (n) => !onCluster.includes(n) && !createdByProgram.includes(n),
                    );
                    assert.deepEqual(
                        problems.map((p) => /^namespace (\S+) does not exist/.exec(p)?.[1]),
                        absent.sort(),
                        problems.join("\n"),
                    );
                    for (const p of problems) assert.match(p, /first of its 2 object\(s\) there/);
                },
            ),
            { numRuns: 60 },
        );
    });

    it("does not judge a namespace the user may not read", async () => {
        const r = await inspectCluster(
            "main",
            [{ cluster: "main", system: "shop", object: cm("hidden") }],
            new FakeCluster([], { forbiddenKinds: ["Namespace"] }),
        );
        assert.deepEqual(
            r.layouts.flatMap((l) => l.problems),
            [],
        );
    });
});
