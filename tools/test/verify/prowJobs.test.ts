import { strict as assert } from "assert";
import { ProwJobSeen, ProwJobTarget } from "../../verify/model";
import { network } from "../../verify/net";
import { RECENT_MS, prowJobCheck, prowJobSeen, prowJobVerdict } from "../../verify/prowJobs";
import { verify } from "../../verify/run";

// verify's "a ProwJob succeeds after the deploy" (runbook 002 l.216-227) over listed and generated sets of ProwJobs:
// it passes exactly when one Prow started since the deploy (or within the last day) succeeded, waits while none has,
// and names what ran instead. Nothing here starts a job: the check only lists.

const TARGET: ProwJobTarget = { system: "prow", cluster: "c", namespace: "jobs", from: "test" };
const DEPLOYED = new Date("2026-11-29T12:00:00Z");
const at = (minutes: number) => new Date(DEPLOYED.getTime() + minutes * 60_000).toISOString();
const job = (name: string, state: string, minutes: number | undefined, url?: string): ProwJobSeen => ({
    name,
    job: `job-${name}`,
    type: "periodic",
    state,
    ...(minutes === undefined ? {} : { startTime: at(minutes) }),
    ...(url ? { url } : {}),
});

/** A clock that moves only when the check sleeps. */
function clock(startMinutes: number) {
    let now = DEPLOYED.getTime() + startMinutes * 60_000;
    return {
        now: () => new Date(now),
        sleep: async (ms: number) => {
            now += ms;
        },
    };
}

describe("verify: a ProwJob succeeds after the deploy", () => {
    it("reads the API's ProwJob: spec.job and type, status.state, startTime and url", () => {
        assert.deepEqual(
            prowJobSeen({
                metadata: { name: "abc" },
                spec: { job: "periodic-noop", type: "periodic", agent: "kubernetes" },
                status: { state: "success", startTime: at(1), url: "https://prow/view/abc" },
            }),
            {
                name: "abc",
                job: "periodic-noop",
                type: "periodic",
                state: "success",
                startTime: at(1),
                url: "https://prow/view/abc",
            },
        );
        assert.deepEqual(prowJobSeen({ metadata: { name: "new" } }), {
            name: "new",
            job: "",
            type: "",
            state: "",
        });
    });

    it("passes on a success started after the deploy, naming it", () => {
        const v = prowJobVerdict(
            [job("old", "success", -5), job("a", "failure", 2), job("b", "success", 3)],
            DEPLOYED,
        );
        assert.equal(v.ok, true);
        assert.match(
            v.saw,
            /^job-b \(periodic, ProwJob b\) started .* and succeeded; since .*: 1 success, 1 failure$/,
        );
    });

    it("controls: a success before the deploy, failures only, and no job at all each fail, saying which", () => {
        const before = prowJobVerdict([job("old", "success", -1)], DEPLOYED);
        assert.equal(before.ok, false);
        assert.match(
            before.saw,
            /no ProwJob started since .* \(1 older\): Prow is running but starts no job/,
        );
        const failing = prowJobVerdict(
            [job("a", "failure", 1, "https://prow/a"), job("b", "error", 2), job("c", "pending", 3)],
            DEPLOYED,
        );
        assert.equal(failing.ok, false);
        assert.match(failing.saw, /none of the 3 ProwJobs .* succeeded \(1 pending, 1 error, 1 failure\)/);
        assert.match(failing.saw, /newest that failed: job-b error, job-a failure https:\/\/prow\/a$/);
        assert.equal(prowJobVerdict([job("t", "triggered", undefined)], DEPLOYED).ok, false);
    });

    it("over generated sets: passes exactly when a success started at or after the deploy", () => {
        const states = ["triggered", "pending", "success", "failure", "aborted", "error", ""];
        let seed = 83;
        const next = (n: number) => {
            seed = (seed * 1103515245 + 12345) % 2 ** 31;
            return seed % n;
        };
        let passes = 0;
        for (let i = 0; i < 500; i++) {
            const jobs = Array.from({ length: next(6) }, (_, k) =>
                job(`j${k}`, states[next(states.length)], next(5) === 0 ? undefined : next(41) - 20),
            );
            const expected = jobs.some(
                (j) =>
                    j.state === "success" &&
                    j.startTime !== undefined &&
                    Date.parse(j.startTime) >= DEPLOYED.getTime(),
            );
            const v = prowJobVerdict(jobs, DEPLOYED);
            assert.equal(v.ok, expected, `${JSON.stringify(jobs)}: ${v.saw}`);
            if (v.ok) passes++;
        }
        assert.ok(passes > 50 && passes < 450, `the generator draws both verdicts (${passes} of 500 pass)`);
    });

    it("waits while none has succeeded, and passes once one does", async () => {
        const c = clock(1);
        let lists = 0;
        const r = await prowJobCheck(TARGET, {
            ...c,
            deployedAt: DEPLOYED,
            waitMs: 30 * 60_000,
            pollMs: 60_000,
            list: async () => (++lists < 4 ? [job("a", "pending", 1)] : [job("a", "success", 1)]),
        });
        assert.equal(r.outcome, "PASS", r.saw);
        assert.equal(lists, 4);
        assert.equal(r.step.lines, "216-227");
    });

    it("fails when the wait is over, saying how long it waited; fails at once on an unreadable cluster or an unknown deploy", async () => {
        const c = clock(1);
        let lists = 0;
        const timedOut = await prowJobCheck(TARGET, {
            ...c,
            deployedAt: DEPLOYED,
            waitMs: 10 * 60_000,
            pollMs: 60_000,
            list: async () => (lists++, [job("a", "failure", 1)]),
        });
        assert.equal(timedOut.outcome, "FAIL");
        assert.match(timedOut.saw, /\(waited 10 min\)$/);
        assert.ok(lists >= 10 && lists <= 11, `${lists} lists in 10 minutes, one a minute`);
        const unreadable = await prowJobCheck(TARGET, {
            ...clock(1),
            deployedAt: DEPLOYED,
            waitMs: 10 * 60_000,
            pollMs: 60_000,
            list: async () => {
                throw new Error("HTTP-Code: 403\\nforbidden");
            },
        });
        assert.equal(unreadable.outcome, "FAIL");
        assert.match(unreadable.saw, /^cannot list ProwJobs on cluster c: HTTP-Code: 403/);
        const unknown = await prowJobCheck(TARGET, {
            ...clock(1),
            waitMs: 0,
            pollMs: 1,
            list: async () => [],
        });
        assert.match(unknown.saw, /pass --since/);
    });

    it("a deploy older than a day asks at once for a success within the last day (the nightly run)", async () => {
        const c = clock(3 * 24 * 60);
        let lists = 0;
        const r = await prowJobCheck(TARGET, {
            ...c,
            deployedAt: DEPLOYED,
            waitMs: 20 * 60_000,
            pollMs: 30_000,
            list: async () => (lists++, [job("two-days-ago", "success", 24 * 60)]),
        });
        assert.equal(r.outcome, "FAIL", "a success two days old does not say Prow works today");
        assert.equal(lists, 1, "no wait: the nightly job's limit is not spent on a day-old deploy");
        const recent = await prowJobCheck(TARGET, {
            ...clock(3 * 24 * 60),
            deployedAt: DEPLOYED,
            waitMs: 0,
            pollMs: 1,
            list: async () => [job("an-hour-ago", "success", 3 * 24 * 60 - 60)],
        });
        assert.equal(recent.outcome, "PASS", recent.saw);
        const since = new Date(c.now().getTime() - RECENT_MS).toISOString();
        assert.ok(r.saw.includes(`since ${since}`), r.saw);
    });

    it("verify without a reader of the cluster fails the check, never passes it", async () => {
        const targets = { stack: "t", hosts: [], records: [], hooks: [], metrics: [], hubs: [], cluster: [] };
        const rs = await verify({ ...targets, prowJobs: [TARGET] }, network({ timeoutMs: 1 }), {
            expiryDays: 14,
        });
        assert.deepEqual(
            rs.map((r) => [r.outcome, r.check, r.saw]),
            [
                [
                    "FAIL",
                    "a ProwJob in jobs (test) succeeds after the deploy",
                    "no reader of the cluster was given",
                ],
            ],
        );
    });
});
