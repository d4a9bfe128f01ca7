import { strict as assert } from "assert";
import { callysto } from "../../components/callysto";
import { callystoProblems } from "../../components/callysto/checks";
import { callystoSchema } from "../../components/callysto/config";
import { PLACEHOLDER } from "../../components/shared/placeholder";
import { configErrorOf, runWith, liveStackFile } from "../harness";
import { stackPlan } from "../fixtures/plans";
import { OPERATOR_PUBLIC_KEY } from "../placeholders";
import { SECRETS, callystoValues, section } from "./helpers";

/** The local test stack's public key: its private half is committed, decryptable with the test passphrase. */
const LOCAL_TEST_KEY =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEc8SSCqoMcfNcscZ/78ETT6vbV3+lYdlwFiBtipPSlX callysto-dev";

const problemsOf = (values: Record<string, unknown>) =>
    configErrorOf(() => runWith({ values, secrets: SECRETS, systems: [callysto] }));

/** The committed stack file as it is, placeholders included. */
function committed(stack: "stage" | "prod"): Record<string, unknown> {
    const values = liveStackFile(stack).values;
    return { tier: values.tier, openstack: values.openstack, callysto: structuredClone(values.callysto) };
}

/** Each key's printed fix is the read given for it: the operator sets the value it prints. */
function assertFixes(fixes: Record<string, string | undefined>, expected: Record<string, string>): void {
    for (const [key, fix] of Object.entries(expected)) assert.equal(fixes[key], fix, key);
}

describe("callysto operator-held values", function () {
    this.timeout(60_000);

    it("ships stage and prod with a placeholder public key and ssh source, never a key from the repository", () => {
        for (const stack of ["stage", "prod"] as const) {
            const cfg = committed(stack).callysto as { keypair: { publicKey: string }; sshSources: string[] };
            assert.equal(cfg.keypair.publicKey, PLACEHOLDER, stack);
            // Production asks for an IPv6 range too: runbook 004's hub takes ssh over IPv6.
            assert.deepEqual(
                cfg.sshSources,
                stack === "prod" ? [PLACEHOLDER, PLACEHOLDER] : [PLACEHOLDER],
                stack,
            );
        }
    });

    it("stops a real stage run until the operator sets their key, their address and the zone id, with the commands to do it", async () => {
        const err = await problemsOf(committed("stage"));
        const fixes = Object.fromEntries(err.problems.map((p) => [p.key, p.fix]));
        assert.deepEqual(Object.keys(fixes).sort(), [
            "runbooks:callysto.dns.createZone.importId",
            "runbooks:callysto.keypair.publicKey",
            "runbooks:callysto.sshSources[0]",
        ]);
        assertFixes(fixes, {
            "runbooks:callysto.keypair.publicKey": "cat keys/id_rsa.pub",
            "runbooks:callysto.dns.createZone.importId": "openstack zone show -f value -c id callysto.space.",
            "runbooks:callysto.sshSources[0]": `curl -fsS https://checkip.amazonaws.com`,
        });
        assert.match(
            err.message,
            /keypair\.publicKey: is a placeholder: .*only this environment's operators hold/,
        );
    });

    it("stops a real prod run until every id of the adopted hub, volumes and address is set, each with its lookup", async () => {
        const err = await problemsOf(committed("prod"));
        const fixes = Object.fromEntries(err.problems.map((p) => [p.key, p.fix]));
        assertFixes(fixes, {
            "runbooks:callysto.hosts[0].zfs.existingVolumes[1].id": `openstack volume show -f value -c id hub.callysto.ca-home-2`,
            "runbooks:callysto.hosts[0].adopt.instanceId": `openstack server show -f value -c id hub.callysto.ca`,
            "runbooks:callysto.hosts[0].floatingIpId": `openstack floating ip show -f value -c id 162.246.156.97`,
            "runbooks:callysto.hosts[0].adopt.portId": `openstack port list --server hub.callysto.ca -f value -c ID`,
            // The second ssh source is the workstation's IPv6 range, which runbook 004's hub takes ssh over.
            "runbooks:callysto.sshSources[1]": `curl -6 -fsS https://api6.ipify.org`,
        });
        assert.ok(
            err.problems.every((p) => p.placeholder),
            "every problem is a placeholder the operator fills",
        );
        assert.equal(err.problems.length, 8);
    });

    it("quotes an existing volume's name (Cinder names are free text) so the pasted lookup reads it as one word", async () => {
        const values = committed("prod");
        const hosts = (values.callysto as { hosts: { zfs: { existingVolumes: { name: string }[] } }[] })
            .hosts;
        hosts[0].zfs.existingVolumes[1].name = "home 2; rm -rf ~ $HOME";
        const err = await problemsOf(values);
        const fix = err.problems.find(
            (p) => p.key === "runbooks:callysto.hosts[0].zfs.existingVolumes[1].id",
        )?.fix;
        assert.equal(fix, `openstack volume show -f value -c id 'home 2; rm -rf ~ $HOME'`);
    });

    it("lets the offline plan render the committed files, placeholders and all", async () => {
        // The run's plan of the committed prod stack is that offline plan: placeholders, unset secrets and all.
        const { resources } = await stackPlan("prod");
        assert.ok(resources.filter((r) => r.system === "callysto").length > 0);
    });

    it("refuses the local test stack's key in staging and production, and accepts it only in the local tier", () => {
        for (const [stack, tier] of [
            ["stage", "staging"],
            ["prod", "production"],
        ] as const) {
            const cfg = callystoSchema.parse(section(callystoValues(stack)));
            cfg.keypair.publicKey = LOCAL_TEST_KEY.replace("callysto-dev", "renamed comment");
            const problems = callystoProblems(cfg, tier);
            assert.deepEqual(
                problems.map((p) => p.key),
                ["runbooks:callysto.keypair.publicKey"],
            );
            assert.match(problems[0].message, /local test stack's key, whose private half is committed/);
            assert.ok(!problems[0].placeholder, "never skipped, not even by the offline plan");
            cfg.keypair.publicKey = OPERATOR_PUBLIC_KEY;
            assert.deepEqual(callystoProblems(cfg, tier), []);
        }
        const local = callystoSchema.parse(section(callystoValues("stage")));
        local.keypair.publicKey = LOCAL_TEST_KEY;
        delete local.sshSources;
        assert.deepEqual(callystoProblems(local, "local"), []);
    });

    it("requires an explicit ssh source list outside the local stack", () => {
        const cfg = callystoSchema.parse(section(callystoValues("stage")));
        delete cfg.sshSources;
        const problems = callystoProblems(cfg, "staging");
        assert.deepEqual(
            problems.map((p) => p.key),
            ["runbooks:callysto.sshSources"],
        );
        assert.match(problems[0].message, /open to the whole internet/);
    });
});
