import * as assert from "node:assert/strict";
import fc from "fast-check";
import { KubeObject } from "../../adopt/model";
import { roleRules } from "../../adopt/roleRules";
import { imageName } from "../../../components/shared/releases";
import { Side, roleMatches, rolesHeld, sameRole } from "../../adopt/roles";
import { inspectCluster } from "../../adopt/run";
import { FakeCluster } from "./fixtures";

// What a live workload does, from what it is wired to (tools/adopt/roles.ts): the binary it runs, the queues it
// consumes, the Service that reaches it, the job it schedules. The same holder under any name, kind or registry is
// recognised; an unrelated workload is not.

const NS = "ns";

interface Container {
    name: string;
    image: string;
    command?: string[];
    args?: string[];
    env?: { name: string; value: string }[];
    ports?: { containerPort: number }[];
}

const API: Record<string, string> = {
    Deployment: "apps/v1",
    StatefulSet: "apps/v1",
    DaemonSet: "apps/v1",
    DeploymentConfig: "apps.openshift.io/v1",
    CronJob: "batch/v1",
};

/** A workload of `kind` whose pods carry `labels` and run `containers`. */
function workload(
    kind: string,
    name: string,
    containers: Container[],
    labels: Record<string, string> = { app: name },
    more: { schedule?: string; replicas?: number; namespace?: string } = {},
): KubeObject {
    const template = { metadata: { labels }, spec: { containers } };
    const metadata = { name, namespace: more.namespace ?? NS };
    if (kind === "CronJob")
        return {
            apiVersion: API.CronJob,
            kind,
            metadata,
            spec: { schedule: more.schedule ?? "0 * * * *", jobTemplate: { spec: { template } } },
        };
    const selector = kind === "DeploymentConfig" ? { ...labels } : { matchLabels: { ...labels } };
    return {
        apiVersion: API[kind],
        kind,
        metadata,
        spec: {
            ...(kind === "DaemonSet" ? {} : { replicas: more.replicas ?? 1 }),
            selector,
            template,
        },
    };
}

function service(name: string, selector: Record<string, string>, port?: number): KubeObject {
    return {
        apiVersion: "v1",
        kind: "Service",
        metadata: { name, namespace: NS },
        spec: { selector, ...(port ? { ports: [{ port, targetPort: port }] } : {}) },
    };
}

const side = (objects: KubeObject[]): Side => ({
    workloads: objects.filter((o) => o.kind !== "Service"),
    services: objects.filter((o) => o.kind === "Service"),
});

/** The roles `o` holds; the scheduled-job role of a workload that is no CronJob only counts against a CronJob. */
const roleNames = (o: KubeObject, objects: KubeObject[] = [o]) =>
    rolesHeld(o, side(objects))
        .filter((h) => h.rule.kind !== "schedule")
        .map((h) => h.role);

describe("adopt roles: what a workload does, from what it is wired to", () => {
    it("an image's name is its last path segment under any registry, without tag or digest", () => {
        for (const image of [
            "us-docker.pkg.dev/k8s-infra-prow/images/horologium:v20260819-7593870dc",
            "gcr.io/k8s-prow/horologium:v20201020-a5b49bc903",
            "image-registry.openshift-image-registry.svc:5000/prow/horologium@sha256:5ea57e4833e80e77686b9a1485c2a0945442d05a74303ad1118aa5a3afd91ee3",
            "horologium",
        ])
            assert.equal(imageName(image), "horologium", image);
    });

    it("a Prow controller by its image under any registry, or by its command (ko's /ko-app/<binary>)", () => {
        const prowRoles = (name: string, c: Container) =>
            roleNames(workload("Deployment", name, [c])).filter((r) => r.startsWith("Prow"));
        assert.deepEqual(
            prowRoles("x", {
                name: "c",
                image: "us-docker.pkg.dev/k8s-infra-prow/images/status-reconciler:v1",
            }),
            ["Prow's status-reconciler"],
        );
        assert.deepEqual(
            prowRoles("y", {
                name: "c",
                image: "registry.local/prow:latest",
                command: ["/ko-app/horologium"],
            }),
            ["Prow's horologium"],
        );
        assert.deepEqual(
            prowRoles("z", {
                name: "c",
                image: "us-docker.pkg.dev/k8s-infra-prow/images/prow-controller-manager:v1",
            }),
            ["Prow's plank (the ProwJob pod controller)"],
        );
        // A flag that mentions a binary is no binary it runs.
        const deck = {
            name: "deck",
            image: "gcr.io/k8s-prow/deck:v1",
            args: ["--tide-url=http://tide/", "--hook-url=http://hook:8888"],
        };
        assert.deepEqual(prowRoles("deck", deck), []);
    });

    it("label-sync is one role per org or repository it syncs", () => {
        const sync = (scope: string) =>
            rolesHeld(
                workload("CronJob", `s${scope.length}`, [
                    {
                        name: "c",
                        image: "gcr.io/k8s-staging-test-infra/label_sync:v1",
                        args: ["--confirm=true", scope],
                    },
                ]),
                side([]),
            ).find((h) => h.rule.kind === "binary")!;
        assert.ok(sameRole(sync("--orgs=kubevirt"), sync("--orgs=kubevirt")));
        assert.ok(!sameRole(sync("--orgs=kubevirt"), sync("--only=nmstate/kubernetes-nmstate")));
    });

    it("a Celery worker consumes what -Q/--queues or QUEUES names; one that names none consumes every queue; beat and flower consume nothing", () => {
        const queues = (c: Partial<Container>) =>
            rolesHeld(workload("Deployment", "w", [{ name: "c", image: "quay.io/x/app:1", ...c }]), side([]))
                .filter((h) => h.rule.kind === "celery")
                .map((h) => (h.every ? "*" : h.key));
        assert.deepEqual(queues({ command: ["celery", "--app=python", "worker", "--queues=csc-bulk"] }), [
            "csc-bulk",
        ]);
        assert.deepEqual(queues({ command: ["celery", "-A", "python", "worker", "-Q", "a,b"] }), ["a", "b"]);
        assert.deepEqual(queues({ command: ["bash", "-c", "celery -A python worker -Qa"] }), ["a"]);
        assert.deepEqual(queues({ command: ["celery", "-A", "python", "worker"] }), ["*"]);
        assert.deepEqual(queues({ command: ["celery", "--app=python", "beat"] }), []);
        assert.deepEqual(queues({ command: ["celery", "--app=python", "flower"] }), []);
        const packit = (env: Record<string, string>, command?: string[]) =>
            queues({
                image: "image-registry.openshift-image-registry.svc:5000/packit--prod/packit-worker@sha256:0",
                ...(command ? { command } : {}),
                env: Object.entries(env).map(([name, value]) => ({ name, value })),
            });
        // run_worker.sh is the packit-worker image's command: a template without one runs it too.
        assert.deepEqual(packit({ QUEUES: "short-running" }), ["short-running"]);
        assert.deepEqual(packit({}), ["*"]);
        assert.deepEqual(packit({ CELERY_COMMAND: "beat" }), []);
        assert.deepEqual(
            packit({ CELERY_COMMAND: "worker", QUEUES: "long-running,rate-limited" }, [
                "/usr/bin/run_worker.sh",
            ]),
            ["long-running", "rate-limited"],
        );
    });

    it("a server by the Service that selects it, and the broker by what its clients' environment names", () => {
        const broker = workload(
            "Deployment",
            "redict",
            [{ name: "redict", image: "registry.redict.io/redict:7" }],
            {
                component: "redict",
            },
        );
        const client = workload("Deployment", "packit-service", [
            {
                name: "c",
                image: "quay.io/packit/packit-service:prod",
                env: [{ name: "REDIS_SERVICE_HOST", value: "redict" }],
            },
        ]);
        const objects = [broker, client, service("redict", { component: "redict" })];
        assert.deepEqual(roleNames(broker, objects).sort(), [
            "the Celery broker",
            "the server of Service redict",
        ]);
        const url = workload("Deployment", "etl", [
            {
                name: "c",
                image: "etl",
                env: [{ name: "CELERY_BROKER_URL", value: "redis://:pw@redict.ns.svc.cluster.local:6379/0" }],
            },
        ]);
        assert.deepEqual(
            roleNames(broker, [broker, url, service("redict", { component: "redict" })]).sort(),
            ["the Celery broker", "the server of Service redict"],
        );
        // A host with its port, as a client may name its server.
        const hostPort = workload("Deployment", "worker", [
            { name: "c", image: "w", env: [{ name: "REDIS_SERVICE_HOST", value: "redict.ns.svc:6379" }] },
        ]);
        assert.deepEqual(
            roleNames(broker, [broker, hostPort, service("redict", { component: "redict" })]).sort(),
            ["the Celery broker", "the server of Service redict"],
        );
    });

    it("a scheduled job by image name and command line: on the same schedule, or running all the time", () => {
        const job = (kind: string, image: string, schedule?: string) =>
            rolesHeld(workload(kind, "j", [{ name: "c", image }], { app: "j" }, { schedule }), side([])).find(
                (h) => h.rule.kind === "schedule",
            )!;
        const program = job("CronJob", "quay.io/thoth-station/graph-refresh-job:v0.3.22", "@hourly");
        assert.ok(
            sameRole(program, job("CronJob", "registry:5000/thoth/graph-refresh-job@sha256:0", "0 * * * *")),
        );
        assert.ok(
            !sameRole(program, job("CronJob", "quay.io/thoth-station/graph-refresh-job:v0.3.22", "@daily")),
        );
        assert.ok(sameRole(program, job("Deployment", "graph-refresh-job:latest")));
        assert.ok(
            !sameRole(job("Deployment", "a:1"), job("StatefulSet", "a:1")),
            "two always-running copies are no job",
        );
    });

    it("each rule of the table is recognised by one of these cases", () => {
        assert.deepEqual([...new Set(roleRules().map((r) => r.kind))].sort(), [
            "binary",
            "celery",
            "clientEnv",
            "schedule",
            "service",
        ]);
    });
});

// ---- generated: a live holder of each role, under any name, kind and registry, always blocks ----------------------

const KINDS = ["Deployment", "StatefulSet", "DaemonSet", "DeploymentConfig"] as const;
const REGISTRIES = [
    "us-docker.pkg.dev/k8s-infra-prow/images",
    "gcr.io/k8s-prow",
    "image-registry.openshift-image-registry.svc:5000/ns",
    "quay.io/mirror/prow",
    "docker.io/library",
];
const TAGS = [
    "",
    ":latest",
    ":v20260819-7593870dc",
    "@sha256:5ea57e4833e80e77686b9a1485c2a0945442d05a74303ad1118aa5a3afd91ee3",
];
const liveName = fc.stringMatching(/^[a-z][a-z0-9-]{0,12}[a-z0-9]$/).map((n) => `live-${n}`);

/** A program of one system in NS, and a live holder of one of its roles. */
interface Case {
    program: KubeObject[];
    live: KubeObject[];
    /** The live holder's name. */
    holder: string;
    role: RegExp;
}

const binaryRules = roleRules().flatMap((r) => (r.kind === "binary" ? [r] : []));

const prowCase = fc
    .record({
        rule: fc.constantFrom(...binaryRules),
        name: liveName,
        kind: fc.constantFrom(...KINDS, "CronJob" as const),
        registry: fc.constantFrom(...REGISTRIES),
        tag: fc.constantFrom(...TAGS),
        byCommand: fc.boolean(),
    })
    .map(({ rule, name, kind, registry, tag, byCommand }): Case => {
        const binary = rule.binaries[0];
        const scope = rule.scopeFlags ? ["--orgs=kubevirt"] : [];
        const program = workload("Deployment", rule.role.split(" ")[0], [
            { name: "c", image: `gcr.io/k8s-prow/${binary}:v20201020-a5b49bc903`, args: scope },
        ]);
        const other = rule.binaries[rule.binaries.length - 1];
        const container: Container = byCommand
            ? {
                  name: "c",
                  image: `${registry}/prow-bundle${tag}`,
                  command: [`/ko-app/${other}`],
                  args: scope,
              }
            : { name: "c", image: `${registry}/${other}${tag}`, args: scope };
        return {
            program: [program],
            live: [workload(kind, name, [container])],
            holder: name,
            role: /Prow's /,
        };
    });

const celeryCase = fc
    .record({
        name: liveName,
        kind: fc.constantFrom(...KINDS),
        queues: fc.constantFrom<string[] | undefined>(["csc-bulk"], ["other", "csc-bulk"], undefined),
        flag: fc.constantFrom("-Q", "--queues"),
        registry: fc.constantFrom(...REGISTRIES),
    })
    .map(({ name, kind, queues, flag, registry }): Case => {
        const program = workload("Deployment", "csc-bulk", [
            {
                name: "c",
                image: "registry/etl:v1",
                command: ["celery", "--app=python", "worker", "--queues=csc-bulk"],
            },
        ]);
        const command = ["celery", "-A", "python", "worker", ...(queues ? [flag, queues.join(",")] : [])];
        return {
            program: [program],
            live: [workload(kind, name, [{ name: "c", image: `${registry}/etl:latest`, command }])],
            holder: name,
            role: /Celery queue/,
        };
    });

const serverCase = fc
    .record({ name: liveName, kind: fc.constantFrom(...KINDS), byEnv: fc.boolean() })
    .map(({ name, kind, byEnv }): Case => {
        const program = [
            workload("Deployment", "redis", [{ name: "redis", image: "quay.io/sclorg/redis-7-c9s:c9s" }]),
            service("redis", { app: "redis" }),
            workload("Deployment", "client", [
                { name: "c", image: "app:1", env: [{ name: "REDIS_SERVICE_HOST", value: "redis" }] },
            ]),
        ];
        // No containerPort and no Service port: only what selects it, or who names it, says it is the broker.
        const liveService = byEnv ? `${name}-svc` : "redis";
        const live = [
            workload(kind, name, [{ name: "broker", image: "registry.redict.io/redict:7" }], {
                component: name,
            }),
            service(liveService, { component: name }),
            workload("Deployment", "client", [
                { name: "c", image: "app:1", env: [{ name: "REDIS_SERVICE_HOST", value: liveService }] },
            ]),
        ];
        return {
            program,
            live,
            holder: name,
            role: byEnv ? /the Celery broker/ : /the server of Service redis/,
        };
    });

const scheduleCase = fc
    .record({
        name: liveName,
        kind: fc.constantFrom(...KINDS, "CronJob" as const),
        registry: fc.constantFrom(...REGISTRIES),
        tag: fc.constantFrom(...TAGS),
    })
    .map(({ name, kind, registry, tag }): Case => {
        const program = workload(
            "CronJob",
            "graph-refresh",
            [{ name: "c", image: "quay.io/thoth-station/graph-refresh-job:v0.3.22" }],
            { app: "graph-refresh" },
            { schedule: "@hourly" },
        );
        const live = workload(
            kind,
            name,
            [{ name: "c", image: `${registry}/graph-refresh-job${tag}` }],
            { job: name },
            {
                schedule: "0 * * * *",
            },
        );
        return { program: [program], live: [live], holder: name, role: /the job graph-refresh-job/ };
    });

async function layoutProblems(
    program: KubeObject[],
    live: KubeObject[],
    production = true,
): Promise<string[]> {
    const desired = program.map((object) => ({ cluster: "main", system: "shop", object }));
    const r = await inspectCluster(
        "main",
        desired,
        new FakeCluster(live, { openshift: true }),
        8,
        new Map(),
        {
            production,
        },
    );
    return r.layouts.flatMap((l) => l.problems);
}

describe("adopt roles: generated live holders", function () {
    this.timeout(120_000);

    for (const [what, arbitrary] of [
        ["a Prow controller (image under any registry, or /ko-app command; any kind)", prowCase],
        ["a Celery consumer of a queue the program's worker consumes (named, or every queue)", celeryCase],
        [
            "the server behind the program's Service, or the broker its clients name, with no port at all",
            serverCase,
        ],
        [
            "a scheduled job as a CronJob on the same schedule or as a workload running all the time",
            scheduleCase,
        ],
    ] as const) {
        it(`${what}: always blocks, naming it, its role and the program's holder`, async () => {
            await fc.assert(
                fc.asyncProperty(arbitrary, async (c) => {
                    const problems = await layoutProblems(c.program, c.live);
                    const mine = problems.filter((p) =>
                        p.startsWith(
                            `${c.live.find((o) => o.metadata.name === c.holder)!.kind} ${c.holder} runs today as `,
                        ),
                    );
                    assert.equal(mine.length, 1, problems.join("\n"));
                    assert.match(mine[0], c.role);
                    assert.match(mine[0], /and the program does not run it: it would add /);
                    // Never a blind delete: the stop comes first, the delete only after step 5, with its undo.
                    assert.match(mine[0], /(never let both run|Do not scale)/);
                    assert.doesNotMatch(mine[0], /delete it right before/);
                }),
                { numRuns: 40 },
            );
        });
    }

    it("a live holder of 0 replicas or a suspended CronJob runs nothing: it does not block", async () => {
        await fc.assert(
            fc.asyncProperty(prowCase, async (c) => {
                const stopped = c.live.map((o) => {
                    const copy = structuredClone(o) as KubeObject & { spec: Record<string, unknown> };
                    if (o.kind === "CronJob") copy.spec.suspend = true;
                    else if (o.kind !== "DaemonSet") copy.spec.replicas = 0;
                    return copy;
                });
                fc.pre(!stopped.some((o) => o.kind === "DaemonSet"));
                // Off production: a namespace whose only workload runs nothing is the emptiness rule's.
                assert.deepEqual(await layoutProblems(c.program, stopped, false), []);
            }),
            { numRuns: 30 },
        );
    });

    it("the program's own workload (same name and kind) is never a second holder", async () => {
        const program = workload("Deployment", "horologium", [
            { name: "c", image: "gcr.io/k8s-prow/horologium:v1" },
        ]);
        const live = workload("Deployment", "horologium", [
            { name: "c", image: "us-docker.pkg.dev/k8s-infra-prow/images/horologium:v2" },
        ]);
        assert.deepEqual(roleMatches([live], [program]), []);
        assert.deepEqual(await layoutProblems([program], [live]), []);
    });
});

// ---- generated: workloads of no known role ---------------------------------------------------------------------

const stranger = fc
    .record({
        name: fc.stringMatching(/^[a-z][a-z0-9]{1,10}$/).map((n) => `stray-${n}`),
        kind: fc.constantFrom(...KINDS, "CronJob" as const),
    })
    .map(({ name, kind }) => workload(kind, name, [{ name: "c", image: `docker.io/other/${name}-app:1` }]));
const strangers = fc.uniqueArray(stranger, { minLength: 1, maxLength: 4, selector: (o) => o.metadata.name });

describe("adopt roles: a namespace the program plans a system into, holding only workloads of no known role", function () {
    this.timeout(120_000);
    const web = workload("Deployment", "web", [
        { name: "web", image: "quay.io/shop/web:1", ports: [{ containerPort: 8080 }] },
    ]);
    const isStray = (p: string) => p.startsWith("only workloads of no known role run in");

    it("blocks in production, naming each of them", async () => {
        await fc.assert(
            fc.asyncProperty(strangers, async (live) => {
                // With no pod-running workload at all, the older rule says the namespace runs nothing.
                fc.pre(live.some((o) => o.kind !== "CronJob"));
                const problems = (await layoutProblems([web], live)).filter(isStray);
                assert.equal(problems.length, 1);
                for (const o of live) assert.ok(problems[0].includes(o.metadata.name), problems[0]);
                assert.match(problems[0], /second, empty shop here/);
                assert.match(problems[0], /--first-install shop/);
            }),
            { numRuns: 30 },
        );
    });

    it("never blocks beside the system's own workload, in a namespace the program does not plan, or off production", async () => {
        await fc.assert(
            fc.asyncProperty(strangers, async (live) => {
                const elsewhere = live.map((o) => ({
                    ...o,
                    metadata: { ...o.metadata, namespace: "elsewhere" },
                }));
                const liveWeb = structuredClone(web);
                assert.deepEqual((await layoutProblems([web], [liveWeb, ...live])).filter(isStray), []);
                assert.deepEqual((await layoutProblems([web], [liveWeb, ...elsewhere])).filter(isStray), []);
                assert.deepEqual((await layoutProblems([web], live, false)).filter(isStray), []);
            }),
            { numRuns: 30 },
        );
    });
});
