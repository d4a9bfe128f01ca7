import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as pulumi from "@pulumi/pulumi";
import { PLAYBOOK_SCRIPT, extraVarsEnvironment, splitExtraVars } from "../../components/callysto/ansible";

// Ansible extra variables that are credentials must never reach a command as a plain input (the state keeps every
// input; plain ones unencrypted). Tokens are assembled from parts so no scanner mistakes this file for a leak.
const AKIA = `AKIA${"QYLPMN5HHHFPZAM2"}`;
const GHP = `ghp_${"A1b2C3d4E5".repeat(3)}F6g7H8`;

async function reveal(value: pulumi.Input<string>): Promise<{ value: string; secret: boolean }> {
    const out = pulumi.output(value);
    const secret = await (out as unknown as { isSecret: Promise<boolean> }).isSecret;
    const text = await new Promise<string>((resolve) => out.apply((v) => resolve(v)));
    return { value: text, secret };
}

/** The part of the playbook script that writes the vars file, run with bash on the given environment. */
function varsFile(env: Record<string, string>): unknown {
    const lines = PLAYBOOK_SCRIPT.split("\n");
    const from = lines.findIndex((l) => l.startsWith('vars="'));
    const to = lines.findIndex((l) => l.includes('> "$work/vars.json"'));
    const script = [
        "set -euo pipefail",
        'work="$(mktemp -d)"',
        "trap 'rm -rf \"$work\"' EXIT",
        ...lines.slice(from, to + 1),
        'cat "$work/vars.json"',
    ];
    const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("ANSIBLE_")));
    return JSON.parse(
        execFileSync("bash", ["-c", script.join("\n")], { env: { ...base, ...env } }).toString(),
    );
}

describe("callysto Ansible extra variables that are credentials", () => {
    it("are told from plain variables by the maintained rule set, nested values too", () => {
        const { plain, secret } = splitExtraVars({
            jupyterhub_announcement: "Maintenance Friday",
            jhub_docker_cull_cull_s: 10800,
            aws_access_key_id: AKIA,
            backup: { s3: { token: GHP } },
        });
        assert.deepEqual(plain, {
            jupyterhub_announcement: "Maintenance Friday",
            jhub_docker_cull_cull_s: 10800,
        });
        assert.deepEqual(Object.keys(secret).sort(), ["aws_access_key_id", "backup"]);
    });

    it("reach the command only in a secret-marked input, never in the plain variables", async () => {
        const env = extraVarsEnvironment({ callysto_ssl_cert_dir: "/etc/certs", aws_access_key_id: AKIA });
        const plain = await reveal(env.ANSIBLE_EXTRA_VARS);
        assert.equal(plain.secret, false);
        assert.ok(!plain.value.includes(AKIA));
        const secret = await reveal(env.ANSIBLE_SECRET_EXTRA_VARS);
        assert.equal(secret.secret, true);
        assert.deepEqual(JSON.parse(secret.value), { aws_access_key_id: AKIA });
    });

    it("leave the inputs of a command without credentials as they were", async () => {
        const env = extraVarsEnvironment({ callysto_ssl_cert_dir: "/etc/certs" });
        assert.deepEqual(Object.keys(env), ["ANSIBLE_EXTRA_VARS"]);
        assert.deepEqual(await reveal(env.ANSIBLE_EXTRA_VARS), {
            value: '{"callysto_ssl_cert_dir":"/etc/certs"}',
            secret: false,
        });
    });

    it("mark all variables secret when they are known only later and one is a credential", async () => {
        const env = extraVarsEnvironment(pulumi.output({ a: 1, key: AKIA }));
        assert.equal((await reveal(env.ANSIBLE_EXTRA_VARS)).secret, true);
    });

    it("are merged into the private vars file by the playbook script", () => {
        assert.deepEqual(
            varsFile({ ANSIBLE_EXTRA_VARS: '{"a":1}', ANSIBLE_SECRET_EXTRA_VARS: '{"k":"x"}' }),
            {
                a: 1,
                k: "x",
            },
        );
        assert.deepEqual(varsFile({ ANSIBLE_EXTRA_VARS: "{}", ANSIBLE_SECRET_EXTRA_VARS: '{"k":"x"}' }), {
            k: "x",
        });
        assert.deepEqual(varsFile({ ANSIBLE_EXTRA_VARS: '{"a":1}' }), { a: 1 });
    });
});
