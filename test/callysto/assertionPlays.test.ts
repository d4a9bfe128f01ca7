// Every provisioning run of stage, prod and local-callysto, judged by Ansible: the assertions the pinned playbooks make
// before they touch a host (and what later plays read without asserting), evaluated by ansible-playbook against the
// run's own inventory and extra variables as the plan holds them. A missing variable fails naming the host, the
// playbook and the variable. With the checkout of the pinned tree .ci/trees.sh makes before npm test (or
// CALLYSTO_INFRA_DIR=<dir> naming another), the real playbooks are syntax-checked and their own first plays run the
// same way, with the repository's group_vars (base_packages must load from group_vars/all). Where
// ansible-playbook is not installed (.ci/run installs Debian's ansible-core), one SKIPPED line says so.
import { strict as assert } from "assert";
import { execFileSync, spawnSync } from "child_process";
import { mkdirSync, readFileSync, writeFileSync } from "fs";
import * as path from "path";
import { parse } from "yaml";
import { readStackFile } from "../../tools/plan/stackfile";
import { repoRoot } from "../../tools/root";
import { scratchDir } from "../fixtures/scratch";
import { runWith } from "../harness";
import { fillPlaceholders } from "../placeholders";
import { callysto } from "../../components/callysto";
import {
    ANSIBLE_PLAYBOOK,
    PlannedRun,
    checkingPlay,
    describeFailure,
    installed,
    loadRequires,
    pinnedCheckout,
    plannedRuns,
    playbookChain,
    recordedPlays,
    runChecks,
    syntaxCheck,
} from "./assertionPlays";
import { CALLYSTO, SECRETS, editing } from "./helpers";
import { runSystem } from "../fixtures/system";
import { treeMissing } from "../fixtures/upstreamTrees";
import { CallystoConfig } from "../../components/callysto/config";

type CheckedStack = "stage" | "prod" | "local-callysto";

/** The local stack's sections the Callysto tests keep, placeholders filled as the e2e fills them. */
function localCallysto(edit?: (c: CallystoConfig) => void): Promise<PlannedRun[]> {
    const all = fillPlaceholders(structuredClone(readStackFile("local-callysto", repoRoot()).values));
    const values = Object.fromEntries(CALLYSTO.sections.filter((s) => s in all).map((s) => [s, all[s]]));
    edit?.(values.callysto as CallystoConfig);
    return runWith({ values, secrets: SECRETS, systems: [callysto] }).then(plannedRuns);
}

/**
 * A stack's runs: prod with the adopted hub's provisioning asked for, since that switch is the only documented way to
 * change the production hub and nothing may stop it then.
 */
function runsOf(stack: CheckedStack, edit?: (c: CallystoConfig) => void): Promise<PlannedRun[]> {
    if (stack === "local-callysto") return localCallysto(edit);
    return runSystem(
        CALLYSTO,
        stack,
        editing((c) => {
            if (stack === "prod") c.hosts[0].adopt!.provision = true;
            edit?.(c);
        }),
    ).then(plannedRuns);
}

/** Every failed requirement of a stack's runs, one line each: `<stack>: <host>: <playbook>: <file:lines>: <msg>`. */
async function failuresOf(stack: CheckedStack, edit?: (c: CallystoConfig) => void): Promise<string[]> {
    const runs = await runsOf(stack, edit);
    assert.ok(runs.length > 0, `${stack} has provisioning runs`);
    return runs.flatMap((run) =>
        runChecks(run, recordedPlays(run)).map((f) => `${stack}: ${describeFailure(f)}`),
    );
}

describe("callysto provisioning runs against what the pinned playbooks require, judged by Ansible", function () {
    this.timeout(300_000);

    before(function () {
        if (!installed(ANSIBLE_PLAYBOOK)) {
            console.log(
                `    callysto assertion plays SKIPPED: ${ANSIBLE_PLAYBOOK} is not on PATH (.ci/run installs Debian's ansible-core)`,
            );
            this.skip();
        }
    });

    for (const stack of ["stage", "prod", "local-callysto"] as const) {
        it(`${stack}: every run passes the assertion plays of its playbooks`, async () => {
            assert.deepEqual(await failuresOf(stack), []);
        });
    }

    it("control: without hub_metrics every role's run fails, naming host, playbook and variable", async () => {
        const failures = await failuresOf("stage", (c) => delete c.provisioning!.vars.hub_metrics);
        assert.deepEqual(failures, [
            "stage: hub-dev.callysto.space: plays/hub-aio.yml: plays/imports/hub.yml:91-95: Must set hub_metrics to true or false",
            "stage: hub.callysto.space: plays/imports/sharder.yml: plays/imports/sharder.yml:20-24: Must set hub_metrics to true or false",
            "stage: ssp.callysto.space: plays/imports/ssp.yml: plays/imports/ssp.yml:43-47: Must set hub_metrics to true or false",
        ]);
    });

    it("control: a ZFS disk given as a virtio- path fails the hub's run, naming host and variable", async () => {
        const runs = await runsOf("stage");
        const hub = runs.find((r) => r.limit === "hub-dev.callysto.space")!;
        const inventory = parse(hub.inventory) as { all: { hosts: Record<string, Record<string, string>> } };
        const vars = inventory.all.hosts[hub.limit];
        vars.zfs_disk_1 = `/dev/disk/by-id/virtio-${vars.zfs_disk_1.slice(0, 20)}`;
        const edited = { ...hub, inventory: JSON.stringify(inventory) };
        assert.deepEqual(runChecks(edited, recordedPlays(edited)).map(describeFailure), [
            "hub-dev.callysto.space: plays/hub-aio.yml: roles/internal/zfs/tasks/main.yml:84-91: zfs_disk_1 and zfs_disk_2 must be bare volume ids: the zfs role creates the pool on /dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_<each>",
        ]);
    });

    it("control: a variable the assertion reads undefined fails naming it (the hub without a certificate directory)", async () => {
        const runs = await runsOf("local-callysto", (c) => delete c.provisioning!.vars.callysto_ssl_cert_dir);
        const failures = runs.flatMap((run) => runChecks(run, recordedPlays(run)));
        assert.deepEqual(
            failures.map((f) => `${f.host}: ${f.task}`),
            [
                "hub-local.callysto.local.test: plays/hub-aio.yml: plays/imports/hub.yml:20-24",
                "hub.callysto.local.test: plays/imports/sharder.yml: plays/imports/sharder.yml:8-12",
            ],
        );
        for (const f of failures) assert.match(f.msg, /'callysto_ssl_cert_dir' is undefined/);
    });

    it("control: a shib hub without the SSP's secrets fails on each of them", async () => {
        const runs = await runsOf("stage");
        const hub = runs.find((r) => r.limit === "hub-dev.callysto.space")!;
        const vars = Object.fromEntries(
            Object.entries(hub.vars).filter(([k]) => !k.startsWith("ssp_idp_multi_")),
        );
        const failures = runChecks({ ...hub, vars }, recordedPlays(hub)).map((f) => f.msg);
        assert.deepEqual(failures, [
            "Must set ssp_idp_multi_salt when using shib authenticator",
            "Must set ssp_idp_multi_admin_password when using shib authenticator",
            "Must set ssp_idp_multi_saml_cert when using shib authenticator",
            "Must set ssp_idp_multi_saml_key when using shib authenticator",
        ]);
    });

    describe("with the pinned tree checked out (.ci/trees.sh, or CALLYSTO_INFRA_DIR)", () => {
        let checkout: string;
        before(function () {
            const dir = pinnedCheckout();
            if (dir === undefined) {
                const { repository, commit } = loadRequires();
                console.log(
                    `    callysto real playbooks SKIPPED: ${treeMissing(repository, commit)}, and CALLYSTO_INFRA_DIR names none`,
                );
                this.skip();
            }
            checkout = dir;
        });

        /** The first play of a playbook file of the checkout. */
        const firstPlay = (file: string) =>
            (
                parse(readFileSync(path.join(checkout, "ansible", file), "utf8")) as Record<string, unknown>[]
            )[0];

        it("the record holds each playbook's first play: its hosts and its assertions, verbatim and in order", () => {
            for (const entry of loadRequires().playbooks.filter((p) => p.asserts.length > 0)) {
                const play = firstPlay(entry.path) as {
                    hosts: string;
                    tasks: { assert: { that: string; msg: string } }[];
                };
                assert.equal(play.hosts, entry.hosts, entry.path);
                const squash = (s: string) => s.replace(/\s+/g, " ").trim();
                assert.deepEqual(
                    play.tasks.map((t) => [squash(t.assert.that), t.assert.msg]),
                    entry.asserts.map((a) => [squash(a.that), a.msg]),
                    entry.path,
                );
            }
        });

        it("every run passes the real first plays, with the repository's group_vars beside its inventory", async () => {
            const requires = loadRequires();
            const failures: string[] = [];
            for (const stack of ["stage", "prod", "local-callysto"] as const) {
                for (const run of await runsOf(stack)) {
                    const plays = run.playbooks.flatMap((playbook) =>
                        playbookChain(playbook)
                            .filter((file) =>
                                requires.playbooks.some((p) => p.path === file && p.asserts.length > 0),
                            )
                            .map((file) => {
                                const play = firstPlay(file) as {
                                    hosts: string;
                                    tasks: Record<string, unknown>[];
                                };
                                const tasks = play.tasks.map((t) => ({
                                    ...t,
                                    name: `${playbook}: ${file}: ${String(t.name)}`,
                                    ignore_errors: true,
                                }));
                                return checkingPlay(`${playbook} (${file})`, play.hosts, tasks);
                            }),
                    );
                    // What the role plays install as base packages comes from group_vars/all alone
                    // (callysto/infrastructure@904146a:ansible/group_vars/all/base_packages.yml; hub.yml:117-124 skips
                    // the task without a word when it is undefined): it loads only beside the inventory.
                    plays.push(
                        checkingPlay("group_vars", "all", [
                            {
                                name: "group_vars/all/base_packages.yml",
                                "ansible.builtin.assert": {
                                    that: "base_packages is defined and base_packages | length > 0",
                                    fail_msg:
                                        "base_packages is undefined: the repository's group_vars did not load",
                                    quiet: true,
                                },
                                ignore_errors: true,
                            },
                        ]),
                    );
                    const groupVars = path.join(checkout, "ansible", "group_vars");
                    for (const f of runChecks(run, plays, groupVars))
                        failures.push(`${stack}: ${describeFailure(f)}`);
                }
            }
            assert.deepEqual(failures, []);
        });

        it("the shell scripts the roles install on the hosts parse, and shellcheck finds only what is recorded", function () {
            if (!installed("shellcheck")) {
                console.log(
                    "    callysto role scripts shellcheck SKIPPED: shellcheck is not on PATH (.ci/run installs it)",
                );
                this.skip();
            }
            // Upstream's, at the pin: a finding is fixed upstream and reaches the hosts with a new pin, so each is
            // recorded by file and code (-S warning), and a pin that adds one fails here, naming it. Templates
            // (*.sh.j2) are rendered by Ansible on the way and read by neither tool.
            const RECORDED: Record<string, string[]> = {
                "roles/internal/base-packages/files/centos-yum-security.sh": [],
                "roles/internal/base-packages/files/needs-restarting.sh": [],
                // :10,11,39,40 variables set and never read; :76 cd without a check.
                "roles/internal/jupyterhub/files/cleanup-inactive-accounts.sh": [
                    "SC2034",
                    "SC2034",
                    "SC2034",
                    "SC2034",
                    "SC2164",
                ],
                // :21 "$@" inside a longer string: the log line joins the arguments as intended.
                "roles/internal/jupyterhub/files/container_renice.sh": ["SC2145"],
            };
            const ansibleDir = path.join(checkout, "ansible");
            const found = execFileSync("find", ["roles", "-name", "*.sh", "-type", "f"], {
                cwd: ansibleDir,
                encoding: "utf8",
            })
                .split("\n")
                .filter((f) => f !== "")
                .sort();
            assert.deepEqual(found, Object.keys(RECORDED).sort());
            const problems: string[] = [];
            for (const file of found) {
                const n = spawnSync("bash", ["-n", file], { cwd: ansibleDir, encoding: "utf8" });
                if (n.status !== 0) problems.push(`${file}: bash -n: ${n.stderr.trim()}`);
                const r = spawnSync("shellcheck", ["-S", "warning", "-f", "gcc", file], {
                    cwd: ansibleDir,
                    encoding: "utf8",
                });
                const codes = [...r.stdout.matchAll(/\[(SC\d+)\]$/gm)].map((m) => m[1]);
                if (codes.join(",") !== RECORDED[file].join(","))
                    problems.push(`${file}: shellcheck found ${codes.join(",") || "nothing"}:\n${r.stdout}`);
            }
            assert.deepEqual(problems, []);
        });

        it("every playbook a run executes passes ansible-playbook --syntax-check (external roles stubbed)", async () => {
            // requirements.yml's roles and collections come from Galaxy at run time: stubbed by name, so the check reads
            // the repository's own playbooks and roles, not a download.
            const stubs = scratchDir("callysto-stubs-");
            const roles = path.join(stubs, "roles");
            const collections = path.join(stubs, "collections");
            const env = {
                ANSIBLE_ROLES_PATH: `${path.join(checkout, "ansible", "roles", "internal")}:${roles}`,
                ANSIBLE_COLLECTIONS_PATH: `${collections}:/usr/share/ansible/collections:/usr/lib/python3/dist-packages`,
            };
            /** An empty role, or a module that takes anything, of that name. */
            const stub = (role?: string, action?: string) => {
                const [ns, coll, name] = (role ?? action)!.split(".");
                if (action !== undefined) {
                    const dir = path.join(collections, "ansible_collections", ns, coll, "plugins", "modules");
                    mkdirSync(dir, { recursive: true });
                    writeFileSync(path.join(dir, `${name}.py`), "");
                    return;
                }
                const dir =
                    name === undefined
                        ? path.join(roles, role!)
                        : path.join(collections, "ansible_collections", ns, coll, "roles", name);
                mkdirSync(path.join(dir, "tasks"), { recursive: true });
                writeFileSync(path.join(dir, "tasks", "main.yml"), "---\n[]\n");
            };
            const seen = new Map<string, string>();
            for (const stack of ["stage", "prod", "local-callysto"] as const) {
                for (const run of await runsOf(stack))
                    for (const p of run.playbooks) seen.set(p, run.inventory);
            }
            const problems: string[] = [];
            for (const [playbook, inventory] of seen) {
                for (let tries = 0; tries < 80; tries++) {
                    const out = syntaxCheck(path.join(checkout, "ansible"), playbook, inventory, env);
                    if (!out) break;
                    const role = /the role '([\w.-]+)' was not found/.exec(out)?.[1];
                    const action = /couldn't resolve module\/action '(\w+\.\w+\.\w+)'/.exec(out)?.[1];
                    if (role === undefined && action === undefined) {
                        problems.push(`${playbook}: ${out}`);
                        break;
                    }
                    stub(role, action);
                }
            }
            assert.deepEqual(problems, []);
        });
    });
});
