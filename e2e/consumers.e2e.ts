import * as assert from "assert";
import { ChildProcess, spawn, spawnSync } from "child_process";
import { readFileSync, readdirSync } from "fs";
import { createServer } from "net";
import * as path from "path";
import { parseAllDocuments } from "yaml";
import { queuesIn, shortened } from "../test/shared/consumersScript";
import { ROOT } from "./localStack";

// The consumers Job `pulumi up` waits for (components/shared/consumers.ts), its script as the committed stage plan
// renders it, run against the real software: Debian's Redis as the broker and Debian's Celery workers consuming the
// plan's queues on loopback. kwok completes any Job whatever its script says, so this is where the script is proved:
// it passes with every queue consumed and fails naming the queues of a stopped consumer. Waits are cut for the test
// (attempts, delay and reply timeout), nothing else of the script changes.

interface PlannedJob {
    name: string;
    script: string;
    env: { name: string }[];
}

interface PlannedObject {
    kind: string;
    metadata: { name: string; namespace: string };
    spec?: { template: { spec: { containers: { command: string[]; env?: { name: string }[] }[] } } };
}

/** The consumers Jobs of the committed stage plan: DIALS' ETL and Packit's and Stream's workers. */
function plannedJobs(): PlannedJob[] {
    const dir = path.join(ROOT, "plans/stage/kubernetes");
    return readdirSync(dir).flatMap((f) =>
        parseAllDocuments(readFileSync(path.join(dir, f), "utf8"))
            .map((d) => d.toJS() as PlannedObject)
            .filter((o) => o?.kind === "Job" && /consumers/.test(o.metadata.name))
            .map((o) => {
                const c = o.spec!.template.spec.containers[0];
                return {
                    name: `${o.metadata.namespace}/${o.metadata.name}`,
                    script: c.command[2],
                    env: c.env ?? [],
                };
            }),
    );
}

/** Debian's celery runs on Debian's python3: PATH without the machine's other pythons. */
const DEBIAN_PATH = "/usr/sbin:/usr/bin:/sbin:/bin";

async function freePort(): Promise<number> {
    const server = createServer();
    await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
    const { port } = server.address() as { port: number };
    await new Promise((ok) => server.close(ok));
    return port;
}

function run(script: string, env: Record<string, string>): Promise<{ code: number; out: string }> {
    return new Promise((resolve) => {
        const child = spawn("/bin/sh", ["-c", script], { env: { PATH: DEBIAN_PATH, HOME: "/tmp", ...env } });
        let out = "";
        child.stdout.on("data", (d) => (out += d));
        child.stderr.on("data", (d) => (out += d));
        child.on("close", (code) => resolve({ code: code ?? -1, out }));
    });
}

describe("the consumers Job's script against Debian's Redis and Celery workers", function () {
    this.timeout(300_000);
    const started: ChildProcess[] = [];
    const missing = ["/usr/bin/redis-server", "/usr/bin/celery"].filter(
        (b) => spawnSync("test", ["-x", b]).status !== 0,
    );
    const celery =
        missing.length === 0 &&
        spawnSync("python3", ["-c", "import celery, redis"], { env: { PATH: DEBIAN_PATH } }).status === 0;

    before(function () {
        if (!celery) {
            process.stdout.write(
                `      [consumers] SKIPPED: needs Debian's redis-server, celery and python3-redis (missing: ${missing.join(", ") || "the python modules"})\n`,
            );
            this.skip();
        }
    });
    afterEach(() => {
        for (const p of started.splice(0)) p.kill("SIGKILL");
    });

    const jobs = plannedJobs();
    it("the stage plan has the three Jobs, each waiting for the queues its workers consume", () => {
        assert.deepEqual(
            jobs.map((j) => j.name.replace(/-[0-9a-f]{10}$/, "")),
            [
                "cms-dials-stage/etl-consumers",
                "packit-stg/packit-worker-consumers",
                "stream-stg/packit-worker-consumers",
            ],
        );
        for (const j of jobs) assert.ok(queuesIn(j.script).length >= 3, j.name);
    });

    for (const job of jobs.filter((j) => !j.name.startsWith("stream-")))
        it(`${job.name}: passes with every queue consumed, fails naming the queues of a stopped consumer`, async () => {
            const port = await freePort();
            const redis = spawn(
                "/usr/bin/redis-server",
                ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                { stdio: "ignore" },
            );
            started.push(redis);
            const url = `redis://127.0.0.1:${port}/0`;
            // The broker the Job's env names, on loopback: DIALS' URL, or the host and port packit-service reads.
            const names = job.env.map((e) => e.name);
            const env: Record<string, string> = names.includes("CELERY_BROKER_URL")
                ? { CELERY_BROKER_URL: url }
                : { REDIS_SERVICE_HOST: "127.0.0.1", REDIS_SERVICE_PORT: String(port) };
            const queues = queuesIn(job.script);
            const half = Math.ceil(queues.length / 2);
            const worker = (name: string, qs: string[]) => {
                const p = spawn(
                    "celery",
                    [
                        `--broker=${url}`,
                        "worker",
                        `--queues=${qs.join(",")}`,
                        `--hostname=${name}@%h`,
                        "--pool=solo",
                        "--without-gossip",
                        "--without-mingle",
                        "--loglevel=WARNING",
                    ],
                    { env: { PATH: DEBIAN_PATH, HOME: "/tmp" }, stdio: "ignore" },
                );
                started.push(p);
                return p;
            };
            worker("first", queues.slice(0, half));
            const second = worker("second", queues.slice(half));
            const all = await run(shortened(job.script, 8), env);
            assert.equal(all.code, 0, all.out);
            assert.match(all.out, new RegExp(`every queue has a consumer: ${queues.join(" ")}`));
            // Control: the second worker stops; its queues are named, the first's are not.
            second.kill("SIGKILL");
            const stopped = await run(shortened(job.script, 8), env);
            assert.equal(stopped.code, 1, stopped.out);
            assert.match(stopped.out, new RegExp(`no consumer on: ${queues.slice(half).join(" ")}\\n`));
        });
});
