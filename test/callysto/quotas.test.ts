import { strict as assert } from "assert";
import { existsSync } from "fs";
import { parse } from "yaml";
import { ADHOC_SCRIPT } from "../../components/callysto/ansible";
import { quotaCommand } from "../../components/callysto/quotas";
import { Objects, Registered } from "../harness";
import { Plan, T, committedPlan, stageWithoutPacker } from "./helpers";
import { Sandbox, recordArgs, recordFile } from "./scripts";

const QUOTAS = { "3b4c9e0f1a2d": "5G", "9f8e7d6c5b4a": "10G" };

function quotaCommands<R extends Registered>(plan: Objects<R>): Record<string, R> {
    return Object.fromEntries(
        plan
            .ofType(T.command)
            .filter((c) => c.name.startsWith("callysto-hub-dev-quotas-"))
            .map((c) => [c.name.slice("callysto-hub-dev-quotas-".length), c]),
    );
}

/**
 * Stage with `quotas` on hub-dev. Every such evaluation alike leaves out the packer security group and the certificate:
 * a user's quota command reads neither (only the hub, its inventory and its playbook run), so nothing compared here
 * can come from them or be hidden by them.
 */
function withQuotas(quotas: Record<string, string>) {
    return stageWithoutPacker((c) => {
        c.certificates!.enabled = false;
        c.hosts.find((h) => h.name === "hub-dev")!.quotas = quotas;
    });
}

/** Stage with {@link QUOTAS} on hub-dev, evaluated once for the cases of this file that read it. */
let withTheQuotas: Promise<Plan> | undefined;
function planWithQuotas(): Promise<Plan> {
    withTheQuotas ??= withQuotas(QUOTAS);
    return withTheQuotas;
}

describe("callysto user quotas", function () {
    this.timeout(120_000);

    it("sets the refquota of a user's home dataset, as quota/set did", () => {
        assert.equal(quotaCommand("3b4c9e0f1a2d", "5G"), "zfs set refquota=5G tank/home/3b4c9e0f1a2d");
    });

    it("applies each user's quota with its own command on the hub, after the hub is provisioned", async () => {
        const plan = await planWithQuotas();
        const commands = quotaCommands(plan);
        assert.deepEqual(Object.keys(commands).sort(), Object.keys(QUOTAS).sort());
        const c = commands["3b4c9e0f1a2d"];
        const env = c.inputs.environment as Record<string, string>;
        assert.equal(
            env.ANSIBLE_ADHOC_STEPS,
            "ansible.builtin.command zfs set refquota=5G tank/home/3b4c9e0f1a2d",
        );
        assert.equal(env.ANSIBLE_LIMIT, "hub-dev.callysto.space");
        assert.deepEqual(Object.keys(parse(env.ANSIBLE_INVENTORY_YAML).all.hosts), [
            "hub-dev.callysto.space",
        ]);
        assert.deepEqual(c.inputs.triggers, ["hub-dev.callysto.space", "3b4c9e0f1a2d", "5G"]);
        assert.deepEqual(c.secretPaths, ["environment.ANSIBLE_SSH_PRIVATE_KEY"]);
        const hubRun = plan.byName("callysto-provisioning-hub-dev", T.command);
        assert.ok(
            c.dependencies.includes(hubRun.urn),
            "the home datasets exist once the hub's playbook has run",
        );
        // The committed stage stack sets no quota: the run's plan of it (what the stack deploys, no evaluation).
        assert.equal(
            Object.keys(quotaCommands(await committedPlan("stage"))).length,
            0,
            "no quotas, no commands",
        );
    });

    it("touches only the user whose quota changed", async () => {
        const before = quotaCommands(await planWithQuotas());
        const after = quotaCommands(await withQuotas({ ...QUOTAS, "9f8e7d6c5b4a": "20G" }));
        assert.deepEqual(after["3b4c9e0f1a2d"].inputs, before["3b4c9e0f1a2d"].inputs);
        assert.notDeepEqual(after["9f8e7d6c5b4a"].inputs.triggers, before["9f8e7d6c5b4a"].inputs.triggers);
        assert.equal(
            (after["9f8e7d6c5b4a"].inputs.environment as Record<string, string>).ANSIBLE_ADHOC_STEPS,
            "ansible.builtin.command zfs set refquota=20G tank/home/9f8e7d6c5b4a",
        );
    });

    it("runs the ad-hoc command as root with a private key file that is gone afterwards", () => {
        const sandbox = new Sandbox({
            ansible: [
                'key="$(printf \'%s\\n\' "$@" | grep -A1 -- --private-key | tail -1)"',
                recordArgs("ansible"),
                ...recordFile("key", "key"),
                'printf \'%s\\n\' "${ANSIBLE_SSH_PRIVATE_KEY:-unset}" >> "$CALLS/key-env"',
            ].join("\n"),
        });
        sandbox.run(ADHOC_SCRIPT, {
            ANSIBLE_SSH_PRIVATE_KEY: "KEY",
            ANSIBLE_INVENTORY_YAML: "all: {}\n",
            ANSIBLE_LIMIT: "hub-dev.callysto.space",
            ANSIBLE_ADHOC_STEPS: `ansible.builtin.command ${quotaCommand("3b4c9e0f1a2d", "5G")}`,
        });
        const [call] = sandbox.calls("ansible");
        assert.match(
            call,
            /^hub-dev\.callysto\.space --private-key \S+\/id_rsa -i \S+\/inventory\.yml --become /,
        );
        assert.ok(call.endsWith("-m ansible.builtin.command -a zfs set refquota=5G tank/home/3b4c9e0f1a2d"));
        assert.deepEqual(sandbox.calls("key-mode"), ["600"]);
        assert.deepEqual(sandbox.calls("key-env"), ["unset"], "the key is not left in Ansible's environment");
        assert.ok(!existsSync(sandbox.calls("key-path")[0]), "the key file is removed");
    });
});
