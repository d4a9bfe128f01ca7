import { strict as assert } from "assert";
import { existsSync, writeFileSync } from "fs";
import * as path from "path";
import {
    CERTIFICATE_SCRIPT,
    DNS_HOOK_SCRIPT,
    certificateDir,
    certificateName,
    renewalWindow,
} from "../../components/callysto/certificates";
import { fakeId } from "../../tools/mocks/fakes";
import { Registered } from "../harness";
import { SECRETS, T, committedPlan, stageWithoutPacker } from "./helpers";
import { Sandbox, recordArgs, recordFile, selfSignedCertificate } from "./scripts";

function env(c: Registered): Record<string, string> {
    return c.inputs.environment as Record<string, string>;
}

describe("callysto certificates", function () {
    this.timeout(120_000);

    it("names the certificate and its directory as the Makefile and deploy-certs.yml expect", () => {
        assert.equal(certificateName("callysto.ca"), "star_callysto_ca");
        assert.equal(
            certificateDir("/home/ptty2u/work/letsencrypt/prod/", "callysto.ca"),
            "/home/ptty2u/work/letsencrypt/prod/live/star_callysto_ca",
        );
    });

    it("checks for renewal once per window: same window inside it, a new one after it", () => {
        const monday = new Date("2026-11-19T00:00:00Z");
        assert.equal(renewalWindow(monday, 7), "2026-11-19");
        assert.equal(renewalWindow(new Date("2026-11-25T23:59:59Z"), 7), "2026-11-19");
        assert.equal(renewalWindow(new Date("2026-11-26T00:00:00Z"), 7), "2026-11-26");
        assert.equal(renewalWindow(new Date("2026-11-26T00:00:00Z"), 30), "2026-11-03");
        assert.equal(renewalWindow(new Date("2026-12-02T23:59:59Z"), 30), "2026-11-03");
        assert.equal(renewalWindow(new Date("2026-12-03T00:00:00Z"), 30), "2026-12-03");
    });

    it("runs certbot for *.<domain> against the environment's zone, and hands its directory to provisioning", async () => {
        // Stage without the packer security group, which no host, certificate or playbook run uses.
        const plan = await stageWithoutPacker();
        const certbot = plan.byName("callysto-certificate-certbot", T.command);
        const zoneId = fakeId(T.zone, plan.ofType(T.zone)[0].name);
        const e = env(certbot);
        assert.equal(e.CERT_DOMAIN, "callysto.space");
        assert.equal(e.CERT_NAME, "star_callysto_space");
        assert.equal(e.DNS_ZONE_ID, zoneId);
        assert.equal(e.RENEW_BEFORE_DAYS, "30");
        assert.equal(e.CERT_DIRECTORY, "/home/ptty2u/work/letsencrypt/dev");
        assert.deepEqual(certbot.secretPaths, ["environment.DESIGNATE_OPENRC"]);
        assert.equal(e.DESIGNATE_OPENRC, SECRETS["callysto-designate-openrc"]);
        const triggers = certbot.inputs.triggers as string[];
        assert.deepEqual(triggers.slice(0, 2), ["star_callysto_space", zoneId]);
        assert.equal(triggers[2], `window:${renewalWindow(new Date(), 7)}`);

        const dir = "/home/ptty2u/work/letsencrypt/dev/live/star_callysto_space";
        const hubVars = JSON.parse(
            env(plan.byName("callysto-provisioning-hub-dev", T.command)).ANSIBLE_EXTRA_VARS,
        );
        assert.equal(hubVars.callysto_ssl_cert_dir, dir);
        const deploy = plan.byName("callysto-provisioning-certificates", T.command);
        // The program's own steps, not deploy-certs.yml (certificateSteps.test.ts runs them).
        assert.ok(!("ANSIBLE_PLAYBOOKS" in env(deploy)));
        assert.equal(env(deploy).ANSIBLE_LIMIT, "hub,sharder,ssp,stats");
        assert.equal(env(deploy).CALLYSTO_SSL_CERT_DIR, dir);
        assert.equal(
            (deploy.inputs.triggers as string[])[0],
            `star_callysto_space@${renewalWindow(new Date(), 7)}`,
        );
        assert.ok(deploy.dependencies.includes(certbot.urn));
    });

    it("never runs a DNS-01 challenge in production's zone, managed outside: it checks and deploys the hand-made certificate", async () => {
        const plan = await committedPlan("prod");
        assert.equal(
            plan.ofType(T.command).filter((c) => c.name === "callysto-certificate-certbot").length,
            0,
            "no certbot run writes a TXT record into callysto.ca",
        );
        const check = plan.byName("callysto-certificate-check", T.command);
        const e = env(check);
        assert.equal(e.CERT_DOMAIN, "callysto.ca");
        assert.equal(
            e.CERT_DIRECTORY,
            "/home/ptty2u/work/callysto-infra/letsencrypt/prod/certs/star_callysto_ca",
        );
        assert.ok(
            !("DNS_ZONE_ID" in e) && !("DESIGNATE_OPENRC" in e),
            "no zone and no Designate credentials",
        );
        // The renewed certificate reaches the live hub, adopted as it is, as the runbook's play puts it there.
        assert.deepEqual(
            plan
                .ofType(T.command)
                .map((c) => c.name)
                .filter((n) => n.startsWith("callysto-provisioning-")),
            ["callysto-provisioning-certificates"],
            "the certificate deployment is the only playbook run on the live hub",
        );
        const deploy = plan.byName("callysto-provisioning-certificates", T.command);
        assert.equal(env(deploy).ANSIBLE_LIMIT, "hub,sharder,ssp,stats");
        assert.ok(
            deploy.dependencies.includes(plan.byName("callysto-certificate-check", T.command).urn),
            "deployed only after the check passed",
        );
        assert.ok(
            deploy.dependencies.some((urn) =>
                urn.endsWith("PortSecGroupAssociate::callysto-hub-port-secgroups"),
            ),
            "deployed once the hub's port lets Ansible in",
        );
        assert.match(env(deploy).ANSIBLE_INVENTORY_YAML, /hub\.callysto\.ca/);
        assert.equal(
            env(deploy).CALLYSTO_SSL_CERT_DIR,
            "/home/ptty2u/work/callysto-infra/letsencrypt/prod/certs/star_callysto_ca",
        );
    });

    it("the DNS hook replaces the TXT recordset _acme-challenge.<domain>. in the zone, and removes it afterwards", () => {
        const sandbox = new Sandbox({ openstack: recordArgs("openstack") });
        const openrc = path.join(sandbox.dir, "openrc");
        writeFileSync(openrc, "export OS_CLOUD=designate\n");
        const hookEnv = {
            OPENRC: openrc,
            CERTBOT_DOMAIN: "callysto.space",
            CERTBOT_VALIDATION: "tok3n",
            DNS_ZONE_ID: "zone-1",
            PROPAGATION_SECONDS: "0",
        };
        sandbox.run(DNS_HOOK_SCRIPT, hookEnv, ["deploy"]);
        assert.deepEqual(sandbox.calls("openstack"), [
            "recordset delete zone-1 _acme-challenge.callysto.space.",
            'recordset create zone-1 _acme-challenge.callysto.space. --type TXT --ttl 60 --record "tok3n"',
        ]);
        sandbox.run(DNS_HOOK_SCRIPT, hookEnv, ["clean"]);
        assert.equal(
            sandbox.calls("openstack")[2],
            "recordset delete zone-1 _acme-challenge.callysto.space.",
        );
    });

    it("renews only when the certificate expires within renewBeforeDays, with the hook and a private openrc", () => {
        const sandbox = new Sandbox({
            certbot: [recordArgs("certbot"), ...recordFile("OPENRC", "openrc")].join("\n"),
        });
        const live = path.join(sandbox.dir, "le", "live", "star_callysto_space");
        // A certificate valid for 60 more days.
        selfSignedCertificate(live, { commonName: "*.callysto.space", days: 60 });
        const certEnv = (renewBeforeDays: number) => ({
            CERT_DOMAIN: "callysto.space",
            CERT_NAME: "star_callysto_space",
            CERT_DIRECTORY: path.join(sandbox.dir, "le"),
            RENEW_BEFORE_DAYS: String(renewBeforeDays),
            ACME_EMAIL: "sysadmin@callysto.ca",
            ACME_SERVER: "https://acme-v02.api.letsencrypt.org/directory",
            DNS_ZONE_ID: "zone-1",
            PROPAGATION_SECONDS: "0",
            DNS_HOOK_SCRIPT,
            DESIGNATE_OPENRC: "export OS_PASSWORD=designate-secret",
        });

        const out = sandbox.run(CERTIFICATE_SCRIPT, certEnv(30));
        assert.match(out, /valid for more than 30 days: not renewed/);
        assert.deepEqual(sandbox.calls("certbot"), [], "a certificate far from expiry is left alone");

        sandbox.run(CERTIFICATE_SCRIPT, certEnv(90));
        const [call] = sandbox.calls("certbot");
        assert.match(call, /^certonly --non-interactive --agree-tos --email sysadmin@callysto\.ca /);
        assert.match(
            call,
            /--manual --preferred-challenges dns-01 --manual-auth-hook \S+\/hook\.sh deploy --manual-cleanup-hook \S+\/hook\.sh clean/,
        );
        assert.ok(call.endsWith("--cert-name star_callysto_space --force-renewal -d *.callysto.space"));
        assert.deepEqual(sandbox.calls("openrc-mode"), ["600"]);
        assert.ok(!existsSync(sandbox.calls("openrc-path")[0]), "the credentials file is removed");
    });
});
