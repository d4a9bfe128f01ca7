// The certificate's way to the web hosts: plays/deploy-certs.yml at the pin restarts caddy whenever a file changed,
// on hosts without caddy too (runbook 004's hub serves TLS with httpd alone), so every renewal failed there before
// httpd was restarted. The program copies the four files and restarts what serves them itself; these cases run the
// rendered command with stub executables in place of Ansible, git and the host's systemd.
import { strict as assert } from "assert";
import { writeFileSync } from "fs";
import * as path from "path";
import {
    CERT_DIR_VARIABLE,
    DEPLOYED_CERTIFICATE,
    RESTART_SERVING_SCRIPT,
} from "../../components/callysto/certificates";
import { singleQuoted } from "../../components/shared/shellWord";
import { Registered } from "../harness";
import { T, committedPlan, planEdited } from "./helpers";
import { Sandbox, recordArgs } from "./scripts";

function env(c: Registered): Record<string, string> {
    return c.inputs.environment as Record<string, string>;
}

/** systemd's rendering of a start time, as `systemctl show -p ActiveEnterTimestamp` prints it. */
function systemdTime(epoch: number): string {
    const iso = new Date(epoch * 1000).toISOString();
    const day = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][new Date(epoch * 1000).getUTCDay()];
    return `${day} ${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

const WRITTEN = 1_767_000_000;

/**
 * A host as the stubs see it: which units run and since when, and when the certificate files were written. Its
 * `systemctl` records every restart; `stat` answers for the four destinations.
 */
function hostStubs(): Record<string, string> {
    return {
        systemctl: [
            recordArgs("systemctl"),
            'case "$1" in',
            '  is-active) [ -f "$CALLS/running-$3" ] ;;',
            '  show) printf \'ActiveEnterTimestamp=%s\\n\' "$(cat "$CALLS/running-$4")" ;;',
            '  restart) if [ -f "$CALLS/fail-$2" ]; then exit 1; fi ;;',
            "esac",
        ].join("\n"),
        stat: ["shift 2", 'for f in "$@"; do cat "$CALLS/written"; done'].join("\n"),
    };
}

function runningSince(sandbox: Sandbox, unit: string, epoch: number): void {
    writeFileSync(path.join(sandbox.dir, `running-${unit}`), systemdTime(epoch));
}

/** The restart as a host's /bin/sh runs it; its exit status and the units it restarted. */
function restartOn(setup: (s: Sandbox) => void): { status: number; restarted: string[] } {
    const sandbox = new Sandbox(hostStubs());
    writeFileSync(path.join(sandbox.dir, "written"), `${WRITTEN}\n`);
    setup(sandbox);
    let status = 0;
    try {
        sandbox.run(`sh -c ${singleQuoted(RESTART_SERVING_SCRIPT)}`, {});
    } catch (err) {
        status = (err as { status: number }).status;
    }
    const restarted = sandbox
        .calls("systemctl")
        .filter((c) => c.startsWith("restart "))
        .map((c) => c.slice("restart ".length));
    return { status, restarted };
}

describe("callysto certificate deployment on the web hosts", function () {
    this.timeout(120_000);

    it("copies the four files to /etc/pki/tls/ from the directory in the environment, then restarts, naming no caddy to restart", async () => {
        const deploy = (await committedPlan("stage")).byName("callysto-provisioning-certificates", T.command);
        const e = env(deploy);
        assert.equal(e[CERT_DIR_VARIABLE], "/home/ptty2u/work/letsencrypt/dev/live/star_callysto_space");
        const steps = e.ANSIBLE_ADHOC_STEPS.split("\n");
        assert.deepEqual(
            steps.map((s) => s.split(" ")[0]),
            [
                "ansible.builtin.copy",
                "ansible.builtin.copy",
                "ansible.builtin.copy",
                "ansible.builtin.copy",
                "ansible.builtin.shell",
            ],
        );
        assert.deepEqual(
            steps.slice(0, 4).map((s) => / dest=(\S+) /.exec(s)?.[1]),
            [
                "/etc/pki/tls/certs/cert.pem",
                "/etc/pki/tls/certs/chain.pem",
                "/etc/pki/tls/certs/fullchain.pem",
                "/etc/pki/tls/private/privkey.pem",
            ],
        );
        assert.match(steps[3], / mode=0600$/, "the key is root's alone");
        // The directory is a config value: it reaches Ansible through the environment, never the arguments' text.
        for (const s of steps.slice(0, 4)) {
            assert.match(
                s,
                /^ansible\.builtin\.copy src=\{\{ lookup\('env', 'CALLYSTO_SSL_CERT_DIR'\) \}\}\/\w+\.pem /,
            );
            assert.ok(!s.includes(e[CERT_DIR_VARIABLE]));
        }
        assert.equal(steps[4], `ansible.builtin.shell ${RESTART_SERVING_SCRIPT}`);
        // caddy is restarted only where it runs: no step restarts it, or anything, unconditionally.
        assert.ok(!/systemctl restart (caddy|httpd)/.test(e.ANSIBLE_ADHOC_STEPS));
        assert.equal(e.ANSIBLE_LIMIT, "hub,sharder,ssp,stats");
        assert.ok(!("ANSIBLE_PLAYBOOKS" in e) && !("PLAYBOOK_REPO" in e), "no checkout, no playbook");
    });

    it("runs the rendered command: four copies as root, then the restart on every web host; no git, no playbook", async () => {
        const deploy = (await committedPlan("stage")).byName("callysto-provisioning-certificates", T.command);
        const sandbox = new Sandbox({
            ...hostStubs(),
            git: recordArgs("git"),
            "ansible-playbook": recordArgs("ansible-playbook"),
            // Records each call; runs the shell step as the host would, against the stubbed systemd.
            ansible: [
                recordArgs("ansible"),
                'module=""; args=""; prev=""',
                'for a in "$@"; do case "$prev" in -m) module="$a" ;; -a) args="$a" ;; esac; prev="$a"; done',
                'printf \'%s\\n\' "$args" >> "$CALLS/args-$module"',
                'if [ "$module" = ansible.builtin.shell ]; then sh -c "$args"; fi',
            ].join("\n"),
        });
        writeFileSync(path.join(sandbox.dir, "written"), `${WRITTEN}\n`);
        // The hub as runbook 004 has it: httpd serving since before the renewal, no caddy unit at all.
        runningSince(sandbox, "httpd", WRITTEN - 86_400);
        const environment = Object.fromEntries(Object.entries(env(deploy)).map(([k, v]) => [k, String(v)]));
        sandbox.run(String(deploy.inputs.create), environment);

        const calls = sandbox.calls("ansible");
        assert.equal(calls.length, 5);
        for (const c of calls) {
            assert.match(
                c,
                /^hub,sharder,ssp,stats --private-key \S+\/id_rsa -i \S+\/inventory\.yml --become -m /,
            );
        }
        assert.deepEqual(
            calls.map((c) => /-m (\S+)/.exec(c)![1]),
            [...DEPLOYED_CERTIFICATE.map(() => "ansible.builtin.copy"), "ansible.builtin.shell"],
        );
        assert.deepEqual(
            sandbox.calls("args-ansible.builtin.copy").map((a) => /dest=(\S+)/.exec(a)![1]),
            DEPLOYED_CERTIFICATE.map((f) => f.dest),
        );
        assert.deepEqual(sandbox.calls("args-ansible.builtin.shell"), [RESTART_SERVING_SCRIPT]);
        assert.deepEqual(
            sandbox.calls("systemctl").filter((c) => c.startsWith("restart")),
            ["restart httpd"],
            "httpd restarted; caddy, absent, never asked for",
        );
        assert.deepEqual(sandbox.calls("git"), []);
        assert.deepEqual(sandbox.calls("ansible-playbook"), []);
    });

    it("restarts each web server that runs and predates the files, skips what the host lacks, fails when a restart fails", () => {
        // The runbook's hub: httpd only, started before the new files.
        assert.deepEqual(
            restartOn((s) => runningSince(s, "httpd", WRITTEN - 60)),
            { status: 0, restarted: ["httpd"] },
        );
        // A certificate unchanged since httpd last started: nothing restarts.
        assert.deepEqual(
            restartOn((s) => runningSince(s, "httpd", WRITTEN + 60)),
            { status: 0, restarted: [] },
        );
        // A hub of a stack with stats: httpd and stats_client's caddy both serve it.
        assert.deepEqual(
            restartOn((s) => {
                runningSince(s, "httpd", WRITTEN - 60);
                runningSince(s, "caddy", WRITTEN - 60);
            }),
            { status: 0, restarted: ["httpd", "caddy"] },
        );
        // The SCL httpd of older hosts.
        assert.deepEqual(
            restartOn((s) => runningSince(s, "httpd24-httpd", WRITTEN)),
            {
                status: 0,
                restarted: ["httpd24-httpd"],
            },
        );
        // Nothing serving: nothing to restart, and no failure.
        assert.deepEqual(
            restartOn(() => undefined),
            { status: 0, restarted: [] },
        );
        // A failed restart fails the step (and the up), after trying the others.
        const failed = restartOn((s) => {
            runningSince(s, "httpd", WRITTEN - 60);
            runningSince(s, "caddy", WRITTEN - 60);
            writeFileSync(path.join(s.dir, "fail-httpd"), "");
        });
        assert.notEqual(failed.status, 0);
        assert.deepEqual(failed.restarted, ["httpd", "caddy"]);
    });

    it("runs the named playbook instead where certificatesPlaybook is set", async () => {
        const plan = await planEdited(
            "stage",
            (c) => (c.provisioning!.certificatesPlaybook = "plays/deploy-certs.yml"),
        );
        const e = env(plan.byName("callysto-provisioning-certificates", T.command));
        assert.equal(e.ANSIBLE_PLAYBOOKS, "plays/deploy-certs.yml");
        assert.deepEqual(JSON.parse(e.ANSIBLE_EXTRA_VARS), {
            callysto_ssl_cert_dir: "/home/ptty2u/work/letsencrypt/dev/live/star_callysto_space",
        });
        assert.ok(!("ANSIBLE_ADHOC_STEPS" in e));
    });
});
