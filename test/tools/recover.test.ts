// `npm run recover`: the README's recovery as a command. Played against a fake CLI that keeps a stack's pending
// operations, lock and config the way the engine does, so each refusal and each step's order is checked here; the
// e2e runs the same command against the real engine after a killed `up`.
import { strict as assert } from "assert";
import { CliResult, RecoveryHost, RecoveryStopped, recover } from "../../tools/recover/recover";
import {
    LockHolder,
    clusterOf,
    lockHolders,
    notStale,
    pendingOperationsOf,
    recoveryOf,
} from "../../tools/recover/state";

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
    orphans: { pid: number; cmd: string }[];
    config: Map<string, string>;
    previewClean: boolean;
    failOn?: string;
}

function fakeHost(world: World): RecoveryHost & { calls: string[]; printed: string[] } {
    const calls: string[] = [];
    const printed: string[] = [];
    const ok = (stdout = ""): CliResult => ({ code: 0, stdout, stderr: "" });
    return {
        stack: "prod",
        calls,
        printed,
        pulumi(args) {
            const call = args.join(" ");
            calls.push(call);
            if (world.failOn && call.startsWith(world.failOn))
                return { code: 255, stdout: "", stderr: "boom" };
            const locking = /^(up|refresh|cancel)/.test(call) && !call.startsWith("cancel");
            if (locking && world.lock) {
                const l = world.lock;
                return {
                    code: 255,
                    stdout: "",
                    stderr:
                        "error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file with `pulumi cancel`.\n" +
                        `  ${l.url}: created by ${l.user}@${l.host} (pid ${l.pid}) at ${l.time}\n`,
                };
            }
            if (call === "cancel --yes") {
                world.lock = undefined;
                return ok();
            }
            if (call === "refresh --yes --clear-pending-creates") world.pending = [];
            const [verb, sub, , key, value] = args;
            if (verb === "config" && sub === "get") {
                const v = world.config.get(key === "--path" ? value : args[3]);
                return v === undefined ? { code: 255, stdout: "", stderr: "not found" } : ok(`${v}\n`);
            }
            if (verb === "config" && sub === "set") world.config.set(args[3], args[4]);
            if (verb === "config" && sub === "rm") world.config.delete(args[3]);
            if (verb === "preview")
                return world.previewClean ? ok() : { code: 255, stdout: "~ 1 to update", stderr: "" };
            return ok();
        },
        exportState: () => ({ deployment: { pending_operations: world.pending } }),
        locks: () => undefined,
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
        orphans: [],
        config: new Map(),
        previewClean: true,
        ...over,
    };
}

describe("npm run recover", () => {
    it("runs the README's steps in order: stale lock removed, refresh, adoption on the pending create's cluster, up, clear, adoption back, up, preview", async () => {
        const w = world({ lock: staleLock, config: new Map([["clusters.psi.adoptExisting", "false"]]) });
        const host = fakeHost(w);
        await recover(host, { killPlugins: false });
        assert.deepEqual(host.calls, [
            "refresh --yes",
            "cancel --yes",
            "refresh --yes",
            "config get --path clusters.psi.adoptExisting",
            "config set --path clusters.psi.adoptExisting true",
            "up --yes",
            "refresh --yes --clear-pending-creates",
            "config set --path clusters.psi.adoptExisting false",
            "up --yes",
            "preview --expect-no-changes",
        ]);
        assert.equal(w.config.get("clusters.psi.adoptExisting"), "false");
        assert.match(host.printed.at(-1)!, /recovered stack prod/);
    });

    it("puts adoption back as it was: a key that was unset is removed again, not left false", async () => {
        const w = world();
        await recover(fakeHost(w), { killPlugins: false });
        assert.equal(w.config.has("clusters.psi.adoptExisting"), false);
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
            assert.ok(!host.calls.includes("cancel --yes"), "cancelled a lock that was not proven stale");
        }
    });

    it("stops at the failing step, naming it, and runs nothing after it", async () => {
        const host = fakeHost(world({ failOn: "up" }));
        await assert.rejects(recover(host, { killPlugins: false }), /step \d+ \(adoption up\)[\s\S]*boom/);
        assert.equal(host.calls.at(-1), "up --yes");
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

    it("reads every holder of the CLI's lock refusal, and none from other errors", () => {
        const msg =
            "error: the stack is currently locked by 2 lock(s). Either wait ...\n" +
            "  file:///s/.pulumi/locks/organization/runbooks/prod/a.json: created by ci@runner-1 (pid 12) at 2026-11-24T10:00:00Z\n" +
            "  file:///s/.pulumi/locks/organization/runbooks/prod/b.json: created by first last@runner-2 (pid 13) at 2026-11-24T10:01:00Z\n";
        assert.deepEqual(
            lockHolders(msg).map((l) => [l.user, l.host, l.pid]),
            [
                ["ci", "runner-1", 12],
                ["first last", "runner-2", 13],
            ],
        );
        assert.deepEqual(lockHolders("error: connection refused (pid 12)"), []);
    });

    it("calls a lock stale only when taken here, by a process gone, with no pulumi running in the project", () => {
        const here = { host: "runner-1", alive: () => false, runningCli: [] };
        assert.equal(notStale(staleLock, here), undefined);
        assert.match(notStale(staleLock, { ...here, runningCli: [99] })!, /99/);
        assert.match(notStale(staleLock, { ...here, alive: () => true })!, /still running/);
        assert.match(notStale({ ...staleLock, host: "runner-2" }, here)!, /runner-2/);
    });
});
