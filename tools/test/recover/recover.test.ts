// `npm run recover`: the README's recovery as a command. Played against a fake host that keeps a stack's pending
// operations, lock and adoption the way the engine does, so each refusal and each step's order is checked here;
// recoverAutomation.test.ts runs the Automation API side against a stand-in CLI, and the e2e runs the same command
// against the real engine after a killed `up`.
import { strict as assert } from "assert";
import { LockHolder, PulumiFailure } from "../../engine/automation";
import { RecoveryHost, RecoveryStopped, recover } from "../../recover/recover";
import { clusterOf, notStale, pendingOperationsOf, recoveryOf } from "../../recover/state";

const K8S_PROVIDER =
    "urn:pulumi:prod::runbooks::pulumi:providers:kubernetes::cluster-psi::4c1e2d3f-0000-4000-8000-000000000000";
type PendingRecord = {
    type: string;
    resource: { urn: string; type?: string; custom?: boolean; provider?: string };
};
const pendingCreate = (name: string, provider = K8S_PROVIDER): PendingRecord => ({
    type: "creating",
    resource: {
        urn: `urn:pulumi:prod::runbooks::kubernetes:core/v1:Service::${name}`,
        custom: true,
        provider,
    },
});

interface World {
    pending: PendingRecord[];
    lock?: LockHolder;
    /** A lock taken after recovery read the locks (by an update that then died): the next refresh finds it. */
    lateLock?: LockHolder;
    /** Whether the backend's lock files can be read here (a file backend). */
    locksReadable: boolean;
    orphans: { pid: number; cmd: string }[];
    /** The clusters each up ran with adoption on, in order. */
    ups: string[][];
    previewClean: boolean;
    failOn?: string;
}

function fakeHost(world: World): RecoveryHost & { calls: string[]; printed: string[] } {
    const calls: string[] = [];
    const printed: string[] = [];
    /** Records an operation; fails it as the engine would (a lock refuses up, refresh and preview). */
    const op = async (call: string, locking = true) => {
        calls.push(call);
        if (world.failOn && call.startsWith(world.failOn)) throw new PulumiFailure(255, "boom", false);
        if (locking && world.lock) throw new PulumiFailure(255, "the stack is currently locked", true);
    };
    return {
        stack: "prod",
        calls,
        printed,
        exportState: async () => ({ deployment: { pending_operations: world.pending } }),
        cancel: async () => {
            await op("cancel", false);
            world.lock = undefined;
        },
        refresh: async ({ clearPendingCreates }) => {
            if (world.lateLock) [world.lock, world.lateLock] = [world.lateLock, undefined];
            await op(clearPendingCreates ? "refresh --clear-pending-creates" : "refresh");
            if (clearPendingCreates) world.pending = [];
        },
        up: async (adoptOn) => {
            await op(adoptOn.length > 0 ? `up adopting ${adoptOn.join(",")}` : "up");
            world.ups.push([...adoptOn]);
        },
        previewNoChanges: async () => {
            await op("preview --expect-no-changes");
            if (!world.previewClean) throw new PulumiFailure(255, "~ 1 to update", false);
        },
        locks: async () => (world.locksReadable ? (world.lock ? [world.lock] : []) : undefined),
        processes: () => ({ orphans: world.orphans, clis: [] }),
        end: async (pids) => {
            world.orphans = world.orphans.filter((p) => !pids.includes(p.pid));
            return [];
        },
        hostname: "runner-1",
        alive: () => false,
        print: (line) => printed.push(line),
    };
}

const staleLock: LockHolder = {
    url: "file:///state/.pulumi/locks/organization/runbooks/prod/abc.json",
    user: "ci",
    host: "runner-1",
    pid: 4242,
    time: "2026-11-24T10:00:00Z",
};

function world(over: Partial<World> = {}): World {
    return {
        pending: [pendingCreate("deck")],
        locksReadable: true,
        orphans: [],
        ups: [],
        previewClean: true,
        ...over,
    };
}

describe("npm run recover", () => {
    it("runs the README's steps in order: stale lock removed, refresh, adoption up on the pending create's cluster, clear, up without adoption, preview", async () => {
        const w = world({ lock: staleLock });
        const host = fakeHost(w);
        await recover(host, { killPlugins: false });
        assert.deepEqual(host.calls, [
            "cancel",
            "refresh",
            "up adopting psi",
            "refresh --clear-pending-creates",
            "up",
            "preview --expect-no-changes",
        ]);
        assert.ok(host.printed.some((l) => /clusters\.psi\.adoptExisting: true for this up only/.test(l)));
        assert.match(host.printed.at(-1)!, /recovered stack prod/);
    });

    it("turns adoption on for the adoption up only: the up after it runs as the stack file has it", async () => {
        const w = world();
        await recover(fakeHost(w), { killPlugins: false });
        assert.deepEqual(w.ups, [["psi"], []]);
    });

    it("removes a lock taken after it read the locks once the refresh meets it, only after proving it stale from its file", async () => {
        const host = fakeHost(world({ lateLock: staleLock }));
        await recover(host, { killPlugins: false });
        assert.deepEqual(host.calls.slice(0, 3), ["refresh", "cancel", "refresh"]);
    });

    it("keeps a lock it cannot see the holder of (a backend whose locks are not files here), and says how to remove it", async () => {
        const host = fakeHost(world({ lateLock: staleLock, locksReadable: false }));
        await assert.rejects(
            recover(host, { killPlugins: false }),
            /does not show here who holds the lock: make sure no update of it runs anywhere, then: pulumi cancel --stack prod --yes/,
        );
        assert.deepEqual(host.calls, ["refresh"]);
    });

    it("refuses where nothing needs recovery, and changes nothing", async () => {
        const host = fakeHost(world({ pending: [] }));
        await assert.rejects(recover(host, { killPlugins: false }), (e: Error) => {
            assert.ok(e instanceof RecoveryStopped);
            assert.match(e.message, /nothing to recover/);
            return true;
        });
        assert.deepEqual(host.calls, []);
    });

    it("names the killed run's plugins and stops unless asked to end them; ends them when asked", async () => {
        const orphans = [{ pid: 777, cmd: "pulumi-resource-kubernetes 127.0.0.1:41234" }];
        const host = fakeHost(world({ orphans: [...orphans] }));
        await assert.rejects(recover(host, { killPlugins: false }), /--kill-plugins \(or kill 777\)/);
        assert.ok(host.printed.some((l) => l.includes("pid 777: pulumi-resource-kubernetes")));
        assert.deepEqual(host.calls, []);
        const w = world({ orphans: [...orphans] });
        await recover(fakeHost(w), { killPlugins: true });
        assert.deepEqual(w.orphans, []);
    });

    it("keeps a lock that may belong to a running update: another machine's, or a live process's", async () => {
        for (const lock of [
            { ...staleLock, host: "runner-2" },
            { ...staleLock, pid: process.pid },
        ]) {
            const host = fakeHost(world({ lock }));
            host.alive = (pid) => pid === process.pid;
            await assert.rejects(recover(host, { killPlugins: false }), /may belong to a running update/);
            assert.ok(!host.calls.includes("cancel"), "cancelled a lock that was not proven stale");
        }
    });

    it("stops at the failing step, naming it, and runs nothing after it", async () => {
        const host = fakeHost(world({ failOn: "up" }));
        await assert.rejects(recover(host, { killPlugins: false }), /step \d+ \(adoption up\)[\s\S]*boom/);
        assert.equal(host.calls.at(-1), "up adopting psi");
    });

    it("does not call a stack recovered that still previews changes", async () => {
        await assert.rejects(
            recover(fakeHost(world({ previewClean: false })), { killPlugins: false }),
            /still previews changes/,
        );
    });

    it("forgets pending records only the state holds without stopping", async () => {
        const w = world({
            pending: [
                pendingCreate("deck"),
                {
                    type: "creating",
                    resource: {
                        urn: "urn:pulumi:prod::runbooks::runbooks:prow:Prow$runbooks:shared:Workload::prow-deck-workload",
                        custom: false,
                    },
                },
            ],
        });
        await recover(fakeHost(w), { killPlugins: false });
        assert.deepEqual(w.pending, []);
    });

    it("will not adopt what only a cloud could tell exists: a pending OpenStack or command create stops it", async () => {
        const host = fakeHost(
            world({
                pending: [
                    pendingCreate("deck"),
                    {
                        type: "creating",
                        resource: {
                            urn: "urn:pulumi:prod::runbooks::openstack:compute/instance:Instance::hub",
                            provider: "urn:pulumi:prod::runbooks::pulumi:providers:openstack::calgary::id",
                        },
                    },
                ],
            }),
        );
        await assert.rejects(recover(host, { killPlugins: false }), /Instance::hub/);
        assert.deepEqual(host.calls, []);
    });
});

describe("recovery's readers", () => {
    it("finds a pending create's cluster from its provider reference, and none for other providers", () => {
        const [k8s, other] = pendingOperationsOf({
            deployment: {
                pending_operations: [
                    pendingCreate("a"),
                    pendingCreate(
                        "b",
                        "urn:pulumi:prod::runbooks::pulumi:providers:random::default_4_21_1::x",
                    ),
                ],
            },
        });
        assert.equal(clusterOf(k8s), "psi");
        assert.equal(clusterOf(other), undefined);
        assert.equal(clusterOf({ type: "creating", urn: "u", type_: "t", custom: true }), undefined);
    });

    it("forgets what only the state holds (components, random values, as the engine records them), adopts Kubernetes objects, checks the rest", () => {
        // As a killed up left them on the real engine: components and random values are nested under components.
        const ops = pendingOperationsOf({
            deployment: {
                pending_operations: [
                    {
                        type: "creating",
                        resource: {
                            urn: "urn:pulumi:local::runbooks::runbooks:prow:Prow$runbooks:prow:Component$runbooks:shared:Workload::prow-ghproxy-workload",
                            type: "runbooks:shared:Workload",
                            custom: false,
                        },
                    },
                    {
                        type: "creating",
                        resource: {
                            urn: "urn:pulumi:local::runbooks::runbooks:dials:Dials$runbooks:shared:Redis$random:index/randomPassword:RandomPassword::dials-redis-web-cache-password",
                            custom: true,
                        },
                    },
                    pendingCreate("deck"),
                    {
                        type: "creating",
                        resource: {
                            urn: "urn:pulumi:prod::runbooks::command:local:Command::play",
                            provider: "urn:pulumi:prod::runbooks::pulumi:providers:command::default::id",
                        },
                    },
                    {
                        type: "creating",
                        resource: { urn: "urn:pulumi:prod::runbooks::kubernetes:core/v1:Service::orphan" },
                    },
                ],
            },
        });
        assert.deepEqual(ops.map(recoveryOf), ["forget", "forget", "adopt", "check", "check"]);
    });

    it("calls a lock stale only when taken here, by a process gone, with no pulumi running in the project", () => {
        const here = { host: "runner-1", alive: () => false, runningCli: [] };
        assert.equal(notStale(staleLock, here), undefined);
        assert.match(notStale(staleLock, { ...here, runningCli: [99] })!, /99/);
        assert.match(notStale(staleLock, { ...here, alive: () => true })!, /still running/);
        assert.match(notStale({ ...staleLock, host: "runner-2" }, here)!, /runner-2/);
    });
});
