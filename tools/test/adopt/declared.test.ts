import * as assert from "node:assert/strict";
import fc from "fast-check";
import { TakeoverList, takeoverDigest, takeoverListProblems } from "../../../components/config/takeover";
import { clusterMade } from "../../adopt/claims";
import { checkTakeover, listId } from "../../adopt/declared";
import { DesiredObject, KubeObject } from "../../adopt/model";
import { Report, buildReport, exitCode, renderReport } from "../../adopt/report";
import { inspectCluster } from "../../adopt/run";
import { FakeCluster, listKey, liveReport } from "./fixtures";
import { LiveSystem, liveObjects, withLiveContainers } from "../../../test/fixtures/live/types";
import { PROW_LIVE } from "../../../test/fixtures/live/prow";
import { PROW_TODAY } from "../../../test/fixtures/live/prowToday";
import { DIALS_LIVE } from "../../../test/fixtures/live/dials";
import { DIALS_TODAY } from "../../../test/fixtures/live/dialsToday";
import { PACKIT_LIVE } from "../../../test/fixtures/live/packit";
import { PACKIT_TODAY } from "../../../test/fixtures/live/packitToday";
import { THOTH_LIVE } from "../../../test/fixtures/live/thoth";
import { FIRST_DEPLOY_FIXES, prowDocumentsCompared } from "../../../test/fixtures/live/fixes";
import { inNamespaces, systemObjects } from "../../../test/fixtures/live/program";
import { declaredTakeover, withTakeoverList } from "../../../test/fixtures/live/takeovers";

// The takeover as the stack declares it (tools/adopt/declared.ts): the reviewed list of each live fixture matches
// what runs, the report prints the digest to record, and `pulumi up`'s check (components/config/takeover.ts) passes
// with it and refuses once the list is edited. Controls block until declared; a generated property checks the rule.

const CLUSTERS: Readonly<Record<string, string>> = {
    prow: "ibmcloud-prow",
    dials: "cern-paas",
    packit: "packit-auto",
    thoth: "psi",
};

/** The namespaces of a fixture: its own and the others of its system that exist today. */
const namespacesOf = (live: LiveSystem) => [
    live.namespace,
    ...(live.otherNamespaces ?? []).map((n) => n.name),
];

/**
 * What Pulumi.prod.yaml's program writes over `live`, with the fixture's first-deploy fixes and its takeover list in
 * the stack values (the stack evaluates with it: its schema accepts the list).
 */
async function programOver(live: LiveSystem): Promise<DesiredObject[]> {
    const fixes = FIRST_DEPLOY_FIXES[live.layout];
    const desired = await systemObjects(
        "prod",
        live.system,
        (values) => {
            fixes.edit(values);
            withTakeoverList(values, live);
        },
        fixes.secrets,
    );
    // Only what the fixture describes: Prow's and Thoth's other namespaces are other fixtures' concern.
    return live.system === "packit" || live.system === "dials"
        ? desired
        : inNamespaces(desired, namespacesOf(live));
}

/** The live objects the list must decide: everything of the fixture's namespaces the cluster did not make. */
function toDecide(live: LiveSystem): string[] {
    return liveObjects(live)
        .filter((o) => o.kind !== "Namespace" && !clusterMade(o))
        .map(listId)
        .sort();
}

const LAYOUTS: readonly [string, LiveSystem][] = [
    ["Prow today (kubevirt/project-infra@2c863fd)", PROW_TODAY],
    ["DIALS today (cms-DQM/dials@42c2c5f)", DIALS_TODAY],
    ["Packit today (packit/deployment@1c48cd8)", PACKIT_TODAY],
    ["Prow of runbook 002 (kubevirt/project-infra@145ec5a)", PROW_LIVE],
    ["DIALS of runbook 003 (cms-DQM/dials@9fd1394)", DIALS_LIVE],
    ["Packit of runbook 001's successor (packit/deployment@1f79bca)", PACKIT_LIVE],
    ["Thoth's test station (thoth-station/thoth-application@f2cf35f)", THOTH_LIVE],
];

describe("adopt: the declared takeover of each live layout", function () {
    this.timeout(300_000);

    for (const [name, live] of LAYOUTS) {
        it(`${name}: every live object decided, nothing blocks in the list, the record printed; up accepts the recorded list and refuses an edited one`, async () => {
            const desired = await programOver(live);
            const cluster = CLUSTERS[live.system];
            const r = await liveReport(cluster, live, desired);
            const [check, ...others] = r.takeovers;
            assert.deepEqual(others, []);
            assert.deepEqual(check.problems, [], renderReport(r));
            assert.deepEqual(check.decided.map((d) => d.id).sort(), toDecide(live));
            // Workloads are decided one by one, never by `sameName`.
            assert.deepEqual(
                check.decided.filter(
                    (d) => d.byRule && /\/(Deployment|StatefulSet|DeploymentConfig|CronJob)\//.test(d.id),
                ),
                [],
            );
            const list = declaredTakeover(live);
            const digest = takeoverDigest(list);
            assert.equal(check.digest, digest);
            const record = `pulumi config set --stack prod --path ${live.system}.takeover.read ${digest}`;
            assert.equal(check.record, record);
            assert.ok(renderReport(r).includes(`[RECORD: the list matches the cluster] ${record}`));

            // pulumi up while the cluster's adoptExisting is on: the recorded list passes, an edited one is unread.
            const gate = {
                section: live.system,
                cluster,
                namespaces: [
                    ...new Set(desired.map((d) => d.object.metadata.namespace ?? d.object.metadata.name)),
                ],
                stack: "prod",
            };
            assert.deepEqual(takeoverListProblems({ ...gate, list }, true).length, 1);
            const recorded = { ...list, read: digest };
            assert.deepEqual(takeoverListProblems({ ...gate, list: recorded }, true), []);
            const [first] = Object.keys(list.objects).sort();
            const edited: TakeoverList = {
                ...recorded,
                objects: { ...recorded.objects, [first]: "leave running: edited after the report read it" },
            };
            const refused = takeoverListProblems({ ...gate, list: edited }, true);
            assert.deepEqual(
                refused.map((p) => p.key),
                [`runbooks:${live.system}.takeover.read`],
            );
            assert.match(
                refused[0].message,
                /does not match the list while clusters\.\S+\.adoptExisting is on/,
            );
            // Once recorded, the report asks for no record.
            const again = await liveReport(cluster, live, desired, undefined, {}, recorded);
            assert.deepEqual(again.takeovers[0].problems, []);
            assert.equal(again.takeovers[0].record, undefined);
        });
    }
});

/** The report over `live`'s objects and `extra` ones, with `list` for its system. */
async function reportWith(
    live: LiveSystem,
    extra: readonly KubeObject[],
    desired: readonly DesiredObject[],
    list: TakeoverList,
): Promise<Report> {
    const api = new FakeCluster([...liveObjects(live), ...extra], { openshift: true });
    const r = await inspectCluster(CLUSTERS[live.system], desired, api, 8, new Map(), {
        stack: "prod",
        lists: { [live.system]: list },
    });
    return buildReport("prod", r.findings, r.leftBehind, [], r);
}

/** The ids a report's takeover problems start with (an unlisted object's id, or a list entry's key). */
const problemIds = (r: Report) => r.takeovers.flatMap((t) => t.problems.map((p) => p.split(" ")[0])).sort();

describe("adopt: controls of the declared takeover", function () {
    this.timeout(300_000);
    let dials: DesiredObject[];
    let prow: DesiredObject[];
    let packit: DesiredObject[];

    before(async () => {
        [dials, prow, packit] = await Promise.all([
            programOver(DIALS_TODAY),
            programOver(PROW_TODAY),
            programOver(PACKIT_TODAY),
        ]);
    });

    it("a stray nginx under the program's name frontend: adopted, it is other software and blocks; unlisted, it blocks; replaced by the program's frontend, it passes", async () => {
        const stray = withLiveContainers(DIALS_TODAY, "frontend", (c) => ({
            ...c,
            image: "docker.io/library/nginx:1.27",
        }));
        const id = "cms-dials-prod/Deployment/frontend";
        const adopted = await liveReport("cern-paas", stray, dials);
        assert.deepEqual(problemIds(adopted), [listKey("dials", id)]);
        assert.match(
            adopted.takeovers[0].problems[0],
            /adopts it, but it runs nginx where the program's Deployment frontend runs frontend: it is other software under the program's name/,
        );
        assert.equal(exitCode(adopted), 2);
        const list = declaredTakeover(DIALS_TODAY);
        delete list.objects[id];
        const unlisted = await liveReport("cern-paas", stray, dials, undefined, {}, list);
        assert.deepEqual(problemIds(unlisted), [id]);
        assert.match(unlisted.takeovers[0].problems[0], /dials\.takeover does not name it/);
        assert.equal(exitCode(unlisted), 2);
        list.objects[id] = "replace with Deployment/frontend";
        const declared = await liveReport("cern-paas", stray, dials, undefined, {}, list);
        assert.deepEqual(declared.takeovers[0].problems, []);
        assert.ok(declared.takeovers[0].record);
    });

    it("a Celery worker whose queues come from an environment variable (--queues=$ETL_QUEUES): unlisted, it blocks; declared left running, it passes", async () => {
        const base = DIALS_TODAY.workloads.find((w) => w.name === "csc-bulk")!;
        const extra: LiveSystem = {
            ...DIALS_TODAY,
            workloads: [
                ...DIALS_TODAY.workloads,
                {
                    ...base,
                    name: "reprocess",
                    selector: { app: "reprocess" },
                    podLabels: { app: "reprocess" },
                    containers: base.containers.map((c) => ({
                        ...c,
                        command: ["bash", "-c", "celery --app=python worker --queues=$ETL_QUEUES"],
                        env: { ETL_QUEUES: "csc-reprocess,ecal-reprocess" },
                    })),
                    src: "control: a worker of the team's own, its queues set in its environment",
                },
            ],
        };
        const id = "cms-dials-prod/Deployment/reprocess";
        const r = await liveReport("cern-paas", extra, dials);
        assert.deepEqual(problemIds(r), [id]);
        assert.match(
            r.takeovers[0].problems[0],
            /"replace with <Kind>\/<name>" .* or "leave running: <why>"/,
        );
        assert.equal(exitCode(r), 2);
        const list = declaredTakeover(DIALS_TODAY);
        list.objects[id] = "leave running: reprocesses csc and ecal runs, the team's own worker";
        const declared = await liveReport("cern-paas", extra, dials, undefined, {}, list);
        assert.deepEqual(declared.takeovers[0].problems, []);
    });

    it("a broker StatefulSet that declares no port, behind a headless Service: unlisted, it, its Service and its claim block; declared left running, they pass", async () => {
        const ns = PACKIT_TODAY.namespace;
        const broker: KubeObject = {
            apiVersion: "apps/v1",
            kind: "StatefulSet",
            metadata: { name: "kv", namespace: ns, uid: "kv-uid" },
            spec: {
                replicas: 1,
                serviceName: "kv",
                selector: { matchLabels: { app: "kv" } },
                template: {
                    metadata: { labels: { app: "kv" } },
                    spec: { containers: [{ name: "kv", image: "docker.io/valkey/valkey:8" }] },
                },
                volumeClaimTemplates: [
                    { metadata: { name: "data" }, spec: { accessModes: ["ReadWriteOnce"] } },
                ],
            },
        };
        const headless: KubeObject = {
            apiVersion: "v1",
            kind: "Service",
            metadata: { name: "kv", namespace: ns },
            spec: { clusterIP: "None", selector: { app: "kv" }, ports: [{ port: 6379, targetPort: 6379 }] },
        };
        const claim: KubeObject = {
            apiVersion: "v1",
            kind: "PersistentVolumeClaim",
            metadata: { name: "data-kv-0", namespace: ns },
            spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
            status: { phase: "Bound" },
        };
        const extra = [broker, headless, claim];
        const r = await reportWith(PACKIT_TODAY, extra, packit, declaredTakeover(PACKIT_TODAY));
        assert.deepEqual(problemIds(r), extra.map(listId).sort());
        assert.equal(exitCode(r), 2);
        const list = declaredTakeover(PACKIT_TODAY);
        for (const o of extra)
            list.objects[listId(o)] = "leave running: another broker of the team's, not Packit's";
        const declared = await reportWith(PACKIT_TODAY, extra, packit, list);
        assert.deepEqual(declared.takeovers[0].problems, []);
    });

    it("a live Deployment under the name of the program's CronJob label-sync: declared adopt, it blocks (another kind); replaced by the CronJob, it passes", async () => {
        const ns = PROW_TODAY.namespace;
        const deployment: KubeObject = {
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata: { name: "label-sync", namespace: ns, uid: "ls-uid" },
            spec: {
                replicas: 1,
                selector: { matchLabels: { app: "label-sync" } },
                template: {
                    metadata: { labels: { app: "label-sync" } },
                    spec: {
                        containers: [
                            {
                                name: "label-sync",
                                image: "gcr.io/k8s-staging-test-infra/label_sync:v20260729-f66136c16c",
                            },
                        ],
                    },
                },
            },
        };
        const id = listId(deployment);
        const list = declaredTakeover(PROW_TODAY);
        list.objects[id] = "adopt";
        const r = await reportWith(PROW_TODAY, [deployment], prow, list);
        assert.deepEqual(problemIds(r), [listKey("prow", id)]);
        assert.match(
            r.takeovers[0].problems[0],
            /adopts Deployment label-sync, but the program writes no Deployment of that name in kubevirt-prow/,
        );
        assert.equal(exitCode(r), 2);
        // label-sync-kubevirt is replaced by the CronJob too: two live objects may give way to one program object.
        list.objects[id] = "replace with CronJob/label-sync";
        const declared = await reportWith(PROW_TODAY, [deployment], prow, list);
        assert.deepEqual(declared.takeovers[0].problems, []);
        assert.match(
            declared.leftBehind.find((l) => l.id === `apps/v1/Deployment/${ns}/label-sync`)?.replacedBy ?? "",
            /the program's CronJob label-sync takes its place/,
        );
    });
});

// ---------------------------------------------------------------------------------------------------------------
// The rule, generated: problems are exactly the unlisted live objects (not covered by sameName), the listed and
// absent entries, and the adoptions and replacements that name no fitting program object.
// ---------------------------------------------------------------------------------------------------------------

const NAMESPACES = ["shop", "tools"];
const KINDS = ["Deployment", "CronJob", "StatefulSet", "Service", "ConfigMap"];
const WORKLOADS = new Set(["Deployment", "CronJob", "StatefulSet"]);
const NAMES = ["web", "db", "cache"];
const IMAGES = ["quay.io/a/redis:7", "docker.io/redis:6", "nginx:1.27", "registry.local/shop/web:v2"];

/** The name of an image: its repository's last segment, without tag or digest (the test's own reading). */
function nameOfImage(image: string): string {
    const repository = image.split("@")[0].replace(/:[^/:]*$/, "");
    return repository.slice(repository.lastIndexOf("/") + 1);
}

interface Spec {
    ns: string;
    kind: string;
    name: string;
    images: string[];
}

function objectOf(s: Spec): KubeObject {
    const podSpec = { containers: s.images.map((image, i) => ({ name: `c${i}`, image })) };
    const template = { metadata: { labels: { app: s.name } }, spec: podSpec };
    const spec = !WORKLOADS.has(s.kind)
        ? undefined
        : s.kind === "CronJob"
          ? { schedule: "0 * * * *", jobTemplate: { spec: { template } } }
          : { selector: { matchLabels: { app: s.name } }, template };
    return {
        apiVersion: s.kind === "CronJob" ? "batch/v1" : WORKLOADS.has(s.kind) ? "apps/v1" : "v1",
        kind: s.kind,
        metadata: { name: s.name, namespace: s.ns },
        ...(spec ? { spec } : {}),
    };
}

const spec: fc.Arbitrary<Spec> = fc.record({
    ns: fc.constantFrom(...NAMESPACES),
    kind: fc.constantFrom(...KINDS),
    name: fc.constantFrom(...NAMES),
    images: fc.uniqueArray(fc.constantFrom(...IMAGES), { minLength: 1, maxLength: 2 }),
});
const objects = fc.uniqueArray(spec, { maxLength: 8, selector: (s) => `${s.ns}/${s.kind}/${s.name}` });
const decision = fc.oneof(
    fc.constant("adopt"),
    fc
        .record({ kind: fc.constantFrom(...KINDS), name: fc.constantFrom(...NAMES) })
        .map((t) => `replace with ${t.kind}/${t.name}`),
    fc.constant("leave running: another team runs it"),
);
const entryId = fc
    .record({
        ns: fc.constantFrom(...NAMESPACES),
        kind: fc.constantFrom(...KINDS),
        name: fc.constantFrom(...NAMES),
    })
    .map((t) => `${t.ns}/${t.kind}/${t.name}`);

describe("adopt: what is left running keeps its plugins.yaml entries", function () {
    this.timeout(300_000);

    /** The program over today's Prow: with the first-deploy fixes, or with only the documents attested. */
    const program = (keep: boolean) =>
        systemObjects(
            "prod",
            "prow",
            (values) => {
                (keep ? FIRST_DEPLOY_FIXES[PROW_TODAY.layout].edit : prowDocumentsCompared)(values);
                withTakeoverList(values, PROW_TODAY);
            },
            [],
        ).then((d) => inNamespaces(d, namespacesOf(PROW_TODAY)));

    it("today's external plugins, left running: the program's document dropping them blocks, one line per entry at its repository's key; kept as live configuration has them, nothing blocks", async () => {
        const dropped = (await liveReport("ibmcloud-prow", PROW_TODAY, await program(false))).takeovers[0]
            .problems;
        const entries = dropped
            .filter((p) => p.includes("the up would drop external plugin"))
            .map((p) => /drop external plugin (\S+) of (\S+) /.exec(p)!.slice(1, 3).join(" of "));
        assert.deepEqual(entries.sort(), [
            "coverage of kubevirt/ci-health",
            "coverage of kubevirt/project-infra",
            "phased of kubevirt/kubevirt",
            "referee of kubevirt/kubevirt",
            "test-subset of kubevirt/kubevirt",
        ]);
        assert.ok(
            dropped.some((p) =>
                p.includes(
                    'prow.documents.plugins.external_plugins["kubevirt/project-infra"], beside the program\'s entries of kubevirt/project-infra (rehearse)',
                ),
            ),
            dropped.join("\n"),
        );
        // The program's own plugins (needs-rebase, cherrypicker, rehearse) are not left running: not asked for.
        assert.ok(
            !dropped.some((p) => / plugin (needs-rebase|cherrypicker|release-blocker|rehearse) /.test(p)),
        );
        const kept = (await liveReport("ibmcloud-prow", PROW_TODAY, await program(true))).takeovers[0]
            .problems;
        assert.deepEqual(kept, []);
    });
});

describe("adopt: a StatefulSet handed over by an orphan delete", function () {
    const set: KubeObject = {
        apiVersion: "apps/v1",
        kind: "StatefulSet",
        metadata: { name: "worker", namespace: "shop" },
        spec: {
            selector: { matchLabels: { app: "worker" } },
            template: { metadata: { labels: { app: "worker" } } },
        },
    };
    const pod = (owned: boolean): KubeObject => ({
        apiVersion: "v1",
        kind: "Pod",
        metadata: {
            name: "worker-0",
            namespace: "shop",
            labels: { app: "worker", "statefulset.kubernetes.io/pod-name": "worker-0" },
            ...(owned ? { ownerReferences: [{ kind: "StatefulSet", name: "worker", uid: "u" }] } : {}),
        },
    });
    const list: TakeoverList = { objects: { "shop/StatefulSet/worker": "adopt" } };
    const run = (live: KubeObject[]) =>
        inspectCluster(
            "c",
            [{ cluster: "c", system: "shop", object: set }],
            new FakeCluster(live),
            8,
            new Map(),
            {
                stack: "prod",
                lists: { shop: list },
            },
        );

    it("its orphaned pods still run it: the adopted entry stands; with no pod left, or only pods of another owner, it is listed and absent", async () => {
        assert.deepEqual((await run([pod(false)])).takeovers[0].problems, []);
        for (const live of [[], [pod(true)]])
            assert.deepEqual(
                (await run(live)).takeovers[0].problems
                    .filter((p) => p.includes(" is listed"))
                    .map((p) => p.split(" is listed")[0]),
                ['shop.takeover.objects["shop/StatefulSet/worker"]'],
            );
    });
});

describe("adopt: the takeover rule, generated", function () {
    it("problems are exactly the unlisted live objects, the listed and absent entries, and the bad adoptions and replacements", () => {
        fc.assert(
            fc.property(
                objects,
                objects,
                fc.dictionary(entryId, decision, { maxKeys: 8 }),
                fc.boolean(),
                (liveSpecs, programSpecs, entries, sameName) => {
                    const list: TakeoverList = {
                        objects: entries,
                        ...(sameName ? { sameName: "adopt" } : {}),
                    };
                    const check = checkTakeover({
                        cluster: "main",
                        system: "shop",
                        stack: "prod",
                        list,
                        live: liveSpecs.map(objectOf),
                        program: programSpecs.map(objectOf),
                    });
                    const key = (s: string) => `${s.split("/")[0]}/${s.split("/")[1]}/${s.split("/")[2]}`;
                    const programAt = (ns: string, kind: string, name: string) =>
                        programSpecs.find((p) => p.ns === ns && p.kind === kind && p.name === name);
                    // Whether `p` runs other software than live `l`: a workload with no image name in common.
                    const other = (l: Spec, p: Spec) =>
                        WORKLOADS.has(l.kind) &&
                        !l.images.map(nameOfImage).some((n) => p.images.map(nameOfImage).includes(n));
                    const expected: string[] = [];
                    for (const l of liveSpecs) {
                        const lid = `${l.ns}/${l.kind}/${l.name}`;
                        const same = programAt(l.ns, l.kind, l.name);
                        const text = entries[lid];
                        if (text === undefined) {
                            if (!(sameName && same && !WORKLOADS.has(l.kind)))
                                expected.push(`unlisted ${lid}`);
                        } else if (text === "adopt") {
                            if (!same) expected.push(`adopt-nothing ${lid}`);
                            else if (other(l, same)) expected.push(`other-software ${lid}`);
                        } else if (text.startsWith("replace with ")) {
                            const [kind, name] = text.slice("replace with ".length).split("/");
                            const by = programAt(l.ns, kind, name);
                            if (!by) expected.push(`replace-nothing ${lid}`);
                            else if (kind === l.kind && name === l.name && !other(l, by))
                                expected.push(`replace-itself ${lid}`);
                        } else if (same) expected.push(`leave-written ${lid}`);
                    }
                    const liveIds = new Set(liveSpecs.map((l) => `${l.ns}/${l.kind}/${l.name}`));
                    for (const e of Object.keys(entries)) if (!liveIds.has(e)) expected.push(`absent ${e}`);

                    // Each problem read back as (what, which object): an unlisted one starts with the object's id,
                    // the others with the list entry's key.
                    const actual = check.problems.map((p) => {
                        const entry = /^shop\.takeover\.objects\["([^"]+)"\] (.*)$/.exec(p);
                        if (!entry) return `unlisted ${key(p.split(" ")[0])}`;
                        const [, e, rest] = entry;
                        if (rest.startsWith("is listed, but nothing")) return `absent ${e}`;
                        if (rest.startsWith("adopts it, but it runs")) return `other-software ${e}`;
                        if (/^adopts \S+ \S+, but the program writes no/.test(rest))
                            return `adopt-nothing ${e}`;
                        if (rest.startsWith("replaces it with itself")) return `replace-itself ${e}`;
                        if (/^replaces it with .* which the program does not write/.test(rest))
                            return `replace-nothing ${e}`;
                        if (rest.startsWith("leaves it running, but the program writes"))
                            return `leave-written ${e}`;
                        return `unknown ${p}`;
                    });
                    assert.deepEqual(actual.sort(), expected.sort());
                    // The record is offered exactly when nothing blocks (no `read` yet).
                    assert.equal(check.record !== undefined, expected.length === 0);
                    // Every live object is decided, unless unlisted.
                    assert.equal(
                        check.decided.length,
                        liveSpecs.length - expected.filter((e) => e.startsWith("unlisted ")).length,
                    );
                },
            ),
            { seed: 8504, numRuns: 300 },
        );
    });
});
