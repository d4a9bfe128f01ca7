import * as assert from "node:assert/strict";
import { DesiredObject } from "../../adopt/model";
import { exitCode, renderReport } from "../../adopt/report";
import { sameJobElsewhere } from "../../adopt/layouts";
import { dialsRecordedAtPin, liveReport } from "./fixtures";
import { PROW_LIVE } from "../../../test/fixtures/live/prow";
import { PROW_TODAY } from "../../../test/fixtures/live/prowToday";
import { PACKIT_LIVE } from "../../../test/fixtures/live/packit";
import { DIALS_LIVE } from "../../../test/fixtures/live/dials";
import { THOTH_LIVE } from "../../../test/fixtures/live/thoth";
import { classification, externalDeleted, notInPlace } from "../../../test/fixtures/live/checks";
import { inNamespaces, systemObjects } from "../../../test/fixtures/live/program";
import { DIALS_LIVE_PASSWORDS, dialsLiveLayout, packitWhereItRuns } from "../../../test/fixtures/live/fixes";
import {
    LiveWorkload,
    datastoreRenamed,
    liveObjects,
    onlyStray,
    renamed,
    withoutPorts,
} from "../../../test/fixtures/live/types";

// The report judges a live workload by its role (tools/adopt/roles.ts), not by its name or image: today's KubeVirt
// Prow (kubevirt/project-infra@2c863fd) over the program, and the controls of issue 68 on every live fixture: a
// controller under another name and registry, a broker that declares no port, a worker consuming the program's
// queues, a job of another kind, and a namespace that holds only a stray workload while the system runs elsewhere.

const problemsOf = (r: { layouts: { problems: string[] }[] }) => r.layouts.flatMap((l) => l.problems);
const named = (problems: string[], workload: string) =>
    problems.filter((p) => p.startsWith(`${workload} runs today`));

describe("adopt roles: Prow as kubevirt/project-infra@2c863fd runs it today", function () {
    this.timeout(120_000);
    let committed: DesiredObject[];

    before(async () => {
        committed = inNamespaces(await systemObjects("prod", "prow"), [PROW_TODAY.namespace]);
    });

    it("keeps every live selector of the workloads the program runs under their live name", () => {
        assert.deepEqual(notInPlace(PROW_TODAY, committed), []);
    });

    it("blocks on the one live holder of a role the program adds under another name (label-sync-kubevirt), and leaves production's own workloads alone", async () => {
        const r = await liveReport("ibmcloud-prow", PROW_TODAY, committed, {});
        const text = renderReport(r);
        assert.equal(exitCode(r), 2);
        const problems = problemsOf(r);
        assert.match(r.layouts[0].layout ?? "", /kubevirt\/project-infra@2c863fd .*prow-controller-manager/);
        assert.deepEqual(
            problems.map((p) => p.split(" runs today")[0]),
            ["CronJob label-sync-kubevirt"],
            text,
        );
        assert.match(problems[0], /as Prow's label-sync \(--orgs=kubevirt\)/);
        assert.match(problems[0], /it would add CronJob label-sync for the same role/);
        assert.match(
            problems[0],
            /patch cronjob label-sync-kubevirt --type=merge -p '\{"spec":\{"suspend":true\}\}'/,
        );
        // label-sync-nmstate syncs another repository: no role of the program's.
        assert.equal(named(problems, "CronJob label-sync-nmstate").length, 0);
        const c = classification(PROW_TODAY, r);
        // Only today's greenhouse claim blocks among the live objects: 700Gi and no class, where the stack says less.
        assert.deepEqual(
            c.problems.map((p) => p.split(": ")[0]),
            ["v1/PersistentVolumeClaim/kubevirt-prow/greenhouse"],
        );
        assert.deepEqual(c.replaced, ["batch/v1/CronJob/kubevirt-prow/label-sync-kubevirt"]);
        // plank's controller and the exporter as production names them: the program takes both over in place.
        for (const name of ["prow-controller-manager", "prow-exporter"])
            assert.ok(!c.leftAlone.includes(`apps/v1/Deployment/kubevirt-prow/${name}`), name);
        for (const name of [
            "apps/v1/Deployment/kubevirt-prow/coverage",
            "apps/v1/Deployment/kubevirt-prow/phased",
            "apps/v1/Deployment/kubevirt-prow/referee",
            "apps/v1/Deployment/kubevirt-prow/test-subset",
            "apps/v1/Deployment/kubevirt-prow/docker-mirror-proxy",
            "batch/v1/CronJob/kubevirt-prow/label-sync-nmstate",
            "batch/v1/CronJob/kubevirt-prow/terminating-pod-cleanup",
        ])
            assert.ok(c.leftAlone.includes(name), `${name} not left alone:\n${text}`);
        assert.deepEqual(externalDeleted(PROW_TODAY, r), []);
    });

    it("today's greenhouse claim (700Gi, no class): the size fix is the stack key with the live size, and following it leaves only the class (which the live claim does not name)", async () => {
        const claim = "v1/PersistentVolumeClaim/kubevirt-prow/greenhouse";
        const reasonsOf = (r: { findings: { id: string; reasons: string[] }[] }) =>
            r.findings.find((f) => f.id === claim)?.reasons ?? [];
        const before = reasonsOf(await liveReport("ibmcloud-prow", PROW_TODAY, committed, {}));
        const size = before.find((x) => x.startsWith("spec.resources.requests.storage is immutable"));
        assert.match(
            size ?? "",
            /pulumi config set --stack <stack> --path prow\.storage\.greenhouse\.size 700Gi$/,
        );
        // The live claim names no class: there is no value to print, so the fix stays a sentence.
        assert.match(
            before.find((x) => x.startsWith("spec.storageClassName")) ?? "",
            /set the program's storage class to the live claim's class \(the data stays on its volume\)$/,
        );
        const followed = inNamespaces(
            await systemObjects("prod", "prow", (values) => {
                const prow = values.prow as { storage: Record<string, Record<string, unknown>> };
                prow.storage.greenhouse = { ...prow.storage.greenhouse, size: "700Gi" };
            }),
            [PROW_TODAY.namespace],
        );
        const after = reasonsOf(await liveReport("ibmcloud-prow", PROW_TODAY, followed, {}));
        assert.deepEqual(
            after.map((x) => x.split(" is immutable")[0]),
            ["spec.storageClassName"],
        );
        // With a class on the live claim, its value is the fix.
        const classed = structuredClone(PROW_TODAY);
        classed.claims.find((c) => c.name === "greenhouse")!.storageClassName = "ibmc-vpc-block-10iops-tier";
        const withClass = reasonsOf(await liveReport("ibmcloud-prow", classed, committed, {}));
        assert.match(
            withClass.find((x) => x.startsWith("spec.storageClassName")) ?? "",
            /pulumi config set --stack <stack> --path prow\.storage\.greenhouse\.storageClass ibmc-vpc-block-10iops-tier$/,
        );
    });

    it("control: horologium renamed horologium-old, on today's registry: blocks naming horologium's role, the program's horologium and the image", async () => {
        const old = renamed(PROW_TODAY, "horologium", "horologium-old");
        const r = await liveReport("ibmcloud-prow", old, committed, {});
        const [problem, ...more] = named(problemsOf(r), "Deployment horologium-old");
        assert.equal(more.length, 0);
        assert.match(
            problem,
            /runs today as Prow's horologium \(evidence: image us-docker\.pkg\.dev\/k8s-infra-prow\/images\/horologium:v20260819-7593870dc\)/,
        );
        assert.match(
            problem,
            /it would add Deployment horologium for the same role \(evidence: horologium: image us-docker\.pkg\.dev\/k8s-infra-prow\/images\/horologium:/,
        );
        assert.match(problem, /two horologiums trigger every periodic job twice/);
        assert.match(
            problem,
            /1\) kubectl -n kubevirt-prow scale deployment horologium-old --replicas=0; 2\) kubectl -n kubevirt-prow wait --for=delete pod -l 'app=horologium-old' --timeout=300s; 3\) run this report again .* After step 5 \(the program's Deployment horologium Ready\): kubectl -n kubevirt-prow delete deployment horologium-old\. If the up fails, undo 1: kubectl -n kubevirt-prow scale deployment horologium-old --replicas=1$/,
        );
        assert.equal(exitCode(r), 2);
        assert.match(
            r.leftBehind.find((l) => l.id === "apps/v1/Deployment/kubevirt-prow/horologium-old")
                ?.replacedBy ?? "",
            /the program's Deployment horologium holds its role \(Prow's horologium\)/,
        );
        // At today's release the program's horologium pulls the same image, so the same-image rule sees it too; the
        // report still names it once (more.length above).
        const live = liveObjects(old);
        const program = committed.map((d) => d.object);
        const created = new Set(r.findings.filter((f) => f.verdict === "create").map((f) => f.id));
        assert.deepEqual(
            sameJobElsewhere(live, program, created, new Set())
                .filter((s) => s.live.metadata.name === "horologium-old")
                .map((s) => s.live.metadata.name),
            ["horologium-old"],
        );
    });

    it("control: the same on the 145ec5a layout with today's image: blocks", async () => {
        const old = renamed(
            PROW_LIVE,
            "horologium",
            "horologium-old",
            "us-docker.pkg.dev/k8s-infra-prow/images/horologium:v20260819-7593870dc",
        );
        const r = await liveReport("ibmcloud-prow", old, committed, {});
        assert.equal(named(problemsOf(r), "Deployment horologium-old").length, 1, renderReport(r));
        assert.equal(exitCode(r), 2);
    });
});

describe("adopt roles: controls on Packit, DIALS and Thoth", function () {
    this.timeout(180_000);
    let packit: DesiredObject[];
    let ownBroker: DesiredObject[];
    let dials: DesiredObject[];
    let thoth: DesiredObject[];

    before(async () => {
        packit = await systemObjects("prod", "packit", packitWhereItRuns);
        ownBroker = await systemObjects("prod", "packit", (values) => {
            packitWhereItRuns(values);
            delete (values.packit as { redis: { liveService?: string } }).redis.liveService;
        });
        dials = await systemObjects("prod", "dials", dialsLiveLayout, DIALS_LIVE_PASSWORDS);
        // The production station is hibernated (no job runs, no consumer): one that runs them holds their roles.
        thoth = (
            await systemObjects("prod", "thoth", (values) => {
                (
                    values.thoth as { station: { modules: { hibernated: boolean } } }
                ).station.modules.hibernated = false;
            })
        ).filter((d) => d.object.metadata.namespace === THOTH_LIVE.namespace);
    });

    it("Packit's broker with no containerPort, named by no client's env, is still the broker: the program's own Redis beside it blocks", async () => {
        const live = withoutPorts(PACKIT_LIVE, "redict");
        for (const w of live.workloads) for (const c of w.containers) delete c.env?.REDIS_SERVICE_HOST;
        const r = await liveReport("packit-auto", live, ownBroker);
        const [problem] = named(problemsOf(r), "Deployment redict");
        // Its Service sends 6379 to it: the port it serves, declared or not.
        assert.match(problem ?? "", /\(port 6379\).*would add Deployment redis/, renderReport(r));
        const risk = r.findings.find((f) => f.id === "v1/PersistentVolumeClaim/packit--prod/redis-pvc");
        assert.equal(risk?.verdict, "data-at-risk");
    });

    it("Packit's broker as the Celery processes name it (REDIS_SERVICE_HOST): blocks as the broker, never scaled down, with the stack key that keeps it", async () => {
        // The clients' env as 1f79bca's templates have it (test/fixtures/live/packit.ts).
        const live = withoutPorts(PACKIT_LIVE, "redict");
        const r = await liveReport("packit-auto", live, ownBroker);
        const [problem] = named(problemsOf(r), "Deployment redict");
        assert.match(
            problem,
            /runs today as the Celery broker \(evidence: Service redict selects its pods, and REDIS_SERVICE_HOST of .*packit-worker-long-running/,
        );
        assert.match(problem, /Do not scale redict down or delete it/);
        assert.match(problem, /set packit\.redis\.liveService: redict in the stack file/);
        assert.doesNotMatch(problem, /scale deployment redict --replicas=0/);
        // With the key set (the fixes), the program makes no broker and nothing of it blocks.
        const kept = await liveReport("packit-auto", live, packit);
        assert.deepEqual(problemsOf(kept), []);
    });

    it("a live all-queues Packit worker beside the program's split workers: blocks as a second consumer of their queues", async () => {
        const live = structuredClone(PACKIT_LIVE);
        const worker: LiveWorkload = {
            ...structuredClone(live.workloads.find((w) => w.name === "packit-worker-short-running")!),
            name: "packit-worker",
            selector: { component: "packit-worker" },
            podLabels: { component: "packit-worker" },
            statefulSet: { serviceName: "packit-worker", claimTemplates: [] },
            // OpenShift's trigger rewrote the image to the internal registry's digest; no command, no QUEUES.
            containers: [
                {
                    name: "packit-worker",
                    image: "image-registry.openshift-image-registry.svc:5000/packit--prod/packit-worker@sha256:5ea57e4833e80e77686b9a1485c2a0945442d05a74303ad1118aa5a3afd91ee3",
                },
            ],
        };
        live.workloads.push(worker);
        const r = await liveReport("packit-auto", live, packit);
        const [problem] = named(problemsOf(r), "StatefulSet packit-worker");
        assert.match(
            problem,
            /as a consumer of every Celery queue \(evidence: image .* \(its command is run_worker\.sh\) worker, no QUEUES: it consumes every queue\)/,
        );
        assert.match(
            problem,
            /StatefulSet packit-worker-long-running, StatefulSet packit-worker-short-running|StatefulSet packit-worker-short-running, StatefulSet packit-worker-long-running/,
        );
        assert.match(problem, /first make sure it runs no task/);
        assert.match(problem, /kubectl -n packit--prod scale statefulset packit-worker --replicas=0/);
    });

    it("DIALS' broker with no containerPort under its own name: adopted in place, nothing blocks", async () => {
        const r = await liveReport(
            "cern-paas",
            withoutPorts(DIALS_LIVE, "redis-etl-broker"),
            dials,
            undefined,
            dialsRecordedAtPin(),
        );
        assert.equal(exitCode(r), 0, renderReport(r));
        const f = r.findings.find((x) => x.id === "apps/v1/Deployment/cms-dials-prod/redis-etl-broker");
        assert.notEqual(f?.verdict, "create");
    });

    it("DIALS' broker with no containerPort under another name: blocks (its Service's port), its claim's data at risk", async () => {
        const live = withoutPorts(datastoreRenamed(DIALS_LIVE, "redis-etl-broker", "redis"), "redis");
        const r = await liveReport("cern-paas", live, dials, undefined, dialsRecordedAtPin());
        assert.equal(exitCode(r), 2);
        assert.match(
            named(problemsOf(r), "Deployment redis")[0] ?? "",
            /\(port 6379\).*would add Deployment redis-etl-broker/,
        );
        const claim = r.findings.find(
            (f) => f.id === "v1/PersistentVolumeClaim/cms-dials-prod/redis-etl-broker",
        );
        assert.equal(claim?.verdict, "data-at-risk");
    });

    it("DIALS' broker renamed behind the program's Service name (redis-etl-broker) with no port: blocks as that Service's server", async () => {
        const live = withoutPorts(
            renamed(DIALS_LIVE, "redis-etl-broker", "redis-etl-broker-v2"),
            "redis-etl-broker-v2",
        );
        // Its claim is a new one: the program's broker would start on its own empty claim.
        const w = live.workloads.find((x) => x.name === "redis-etl-broker-v2")!;
        w.claims = ["redis-etl-broker-v2"];
        live.claims.push({ name: "redis-etl-broker-v2", size: "1Gi", src: "control" });
        for (const s of live.services.filter((x) => x.name === "redis-etl-broker"))
            s.selector = { app: "redis-etl-broker-v2", deployment: "redis-etl-broker-v2" };
        const r = await liveReport("cern-paas", live, dials, undefined, dialsRecordedAtPin());
        const [problem] = named(problemsOf(r), "Deployment redis-etl-broker-v2");
        assert.match(problem, /as the server of Service redis-etl-broker/);
        assert.match(problem, /Do not scale redis-etl-broker-v2 down or delete it/);
        assert.equal(exitCode(r), 2);
    });

    it("a DIALS worker under another name consuming a queue the program's worker consumes: blocks as that queue's second consumer", async () => {
        const live = renamed(DIALS_LIVE, "csc-bulk", "csc-bulk-2023");
        const w = live.workloads.find((x) => x.name === "csc-bulk-2023")!;
        // As components/dials/workers.ts starts one, on the etl ImageStream's image.
        w.containers[0].command = [
            "bash",
            "-c",
            "celery --app=python worker --hostname=csc-bulk@%h --queues=csc-bulk",
        ];
        const r = await liveReport("cern-paas", live, dials, undefined, dialsRecordedAtPin());
        const [problem] = named(problemsOf(r), "Deployment csc-bulk-2023");
        assert.match(problem, /as the consumer of Celery queue csc-bulk/);
        assert.match(problem, /it would add Deployment csc-bulk for the same role/);
        assert.doesNotMatch(
            problem,
            /extraQueues/,
            "a stack edit from the live names would name the wrong queue",
        );
        assert.match(problem, /ask dials's owner how the stack file names it/);
    });

    it("DIALS elsewhere, one stray Deployment in cms-dials-prod: blocks naming it; beside DIALS it is left alone", async () => {
        const only = onlyStray(DIALS_LIVE);
        const r = await liveReport("cern-paas", only, dials, undefined, dialsRecordedAtPin());
        assert.equal(exitCode(r), 2);
        const problems = problemsOf(r).filter((p) => p.startsWith("only workloads of no known role"));
        assert.equal(problems.length, 1, renderReport(r));
        assert.match(problems[0], /run in cms-dials-prod today \(1 Deployment \(backup-tool\)\)/);
        assert.match(problems[0], /--first-install dials/);
        const beside = structuredClone(DIALS_LIVE);
        beside.workloads.push(only.workloads[0]);
        const r2 = await liveReport("cern-paas", beside, dials, undefined, dialsRecordedAtPin());
        assert.equal(exitCode(r2), 0, renderReport(r2));
        assert.ok(
            r2.leftBehind.some(
                (l) => l.id === "apps/v1/Deployment/cms-dials-prod/backup-tool" && !l.replacedBy,
            ),
        );
    });

    it("Thoth: a job the program schedules, running today as a Deployment, and a Deployment of the program's running as a CronJob: both block", async () => {
        const live = structuredClone(THOTH_LIVE);
        live.workloads.push({
            kind: "Deployment",
            name: "graph-refresh-loop",
            replicas: 1,
            selector: { app: "graph-refresh-loop" },
            podLabels: { app: "graph-refresh-loop" },
            containers: [
                {
                    name: "graph-refresh",
                    image: "image-registry.openshift-image-registry.svc:5000/thoth-test-core/graph-refresh-job@sha256:5ea57e4833e80e77686b9a1485c2a0945442d05a74303ad1118aa5a3afd91ee3",
                },
            ],
            src: "control",
        });
        live.cronJobs = [
            {
                name: "investigator-nightly",
                schedule: "@daily",
                containers: [{ name: "investigator", image: "quay.io/thoth-station/investigator:v0.17.0" }],
                src: "control",
            },
        ];
        const r = await liveReport("psi", live, thoth);
        const problems = problemsOf(r);
        assert.match(
            named(problems, "Deployment graph-refresh-loop")[0] ?? "",
            /as the job graph-refresh-job .*it would add CronJob graph-refresh/,
            problems.join("\n"),
        );
        assert.match(
            named(problems, "CronJob investigator-nightly")[0] ?? "",
            /it would add Deployment investigator-consumer/,
        );
        assert.equal(exitCode(r), 2);
        // The live fixture itself (DeploymentConfigs handed over by name) holds no role under another name.
        const plain = await liveReport("psi", THOTH_LIVE, thoth);
        assert.deepEqual(problemsOf(plain), []);
        assert.deepEqual(classification(THOTH_LIVE, plain).problems, []);
    });
});
