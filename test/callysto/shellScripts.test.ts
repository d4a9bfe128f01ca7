// The shell scripts Callysto's commands run, read by the shell and by shellcheck. No script of callysto/infrastructure
// runs (its scripts/role_update.sh is stood in for by PLAYBOOK_SCRIPT, its letsencrypt hooks by DNS_HOOK_SCRIPT): these
// are all there is. Where shellcheck is not installed (.ci/run installs it), one SKIPPED line says so.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import { ADHOC_SCRIPT, PLAYBOOK_SCRIPT } from "../../components/callysto/ansible";
import {
    CERTIFICATE_SCRIPT,
    DNS_HOOK_SCRIPT,
    PROVIDED_CERTIFICATE_SCRIPT,
    RESTART_SERVING_SCRIPT,
} from "../../components/callysto/certificates";
import { installed } from "./assertionPlays";

/** Each script, the shell that runs it (bash for the local commands, the hosts' /bin/sh for Ansible's shell module). */
const SCRIPTS: { name: string; text: string; shell: "bash" | "sh" }[] = [
    { name: "PLAYBOOK_SCRIPT", text: PLAYBOOK_SCRIPT, shell: "bash" },
    { name: "ADHOC_SCRIPT", text: ADHOC_SCRIPT, shell: "bash" },
    { name: "CERTIFICATE_SCRIPT", text: CERTIFICATE_SCRIPT, shell: "bash" },
    { name: "PROVIDED_CERTIFICATE_SCRIPT", text: PROVIDED_CERTIFICATE_SCRIPT, shell: "bash" },
    { name: "DNS_HOOK_SCRIPT", text: DNS_HOOK_SCRIPT, shell: "bash" },
    { name: "RESTART_SERVING_SCRIPT", text: RESTART_SERVING_SCRIPT, shell: "sh" },
];

describe("callysto shell scripts, read by their tools", () => {
    it("parse with the shell that runs each (-n)", () => {
        for (const s of SCRIPTS) {
            const r = spawnSync(s.shell, ["-n"], { input: s.text, encoding: "utf8" });
            assert.equal(r.status, 0, `${s.name}: ${r.stderr}`);
        }
        const broken = spawnSync("bash", ["-n"], {
            input: `${PLAYBOOK_SCRIPT}\nif true; then`,
            encoding: "utf8",
        });
        assert.notEqual(broken.status, 0, "control: an unclosed if is refused");
    });

    it("pass shellcheck", function () {
        if (!installed("shellcheck")) {
            console.log("    callysto shellcheck SKIPPED: shellcheck is not on PATH (.ci/run installs it)");
            this.skip();
        }
        const check = (text: string, shell: string) =>
            // SC1090: the hook sources the operator's openrc, a file that exists only at run time.
            spawnSync("shellcheck", ["-s", shell, "-e", "SC1090", "-"], { input: text, encoding: "utf8" });
        for (const s of SCRIPTS) {
            const r = check(s.text, s.shell);
            assert.equal(r.status, 0, `${s.name}:\n${r.stdout}${r.stderr}`);
        }
        assert.notEqual(
            check("rm -rf $work/x\n", "bash").status,
            0,
            "control: an unquoted expansion is refused",
        );
    });
});
