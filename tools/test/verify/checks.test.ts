import { strict as assert } from "assert";
import { createHmac } from "node:crypto";
import * as https from "node:https";
import { AddressInfo } from "node:net";
import * as tls from "node:tls";
import { CheckResult, Targets } from "../../verify/model";
import { network } from "../../verify/net";
import { exitCode, renderResults } from "../../verify/report";
import { verify } from "../../verify/run";
import { TestCertificates, makeCertificates } from "./certs";
import { DnsServer, startDnsServer } from "./dnsServer";

// verify's checks against loopback stand-ins: an HTTPS server with its own CA (serving per SNI name the deployed
// certificate, another one, or one expiring tomorrow; a hook checking GitHub's HMAC; a /metrics that refuses or takes
// a push; a hub API) and a DNS server answering the names. Each control breaks exactly one thing and must fail
// exactly its check, naming its runbook step.

const SECRET = "verify-test-hmac";
const ANNOUNCEMENT = "Maintenance Friday 18:00";

let certs: TestCertificates;
let server: https.Server;
let dns: DnsServer;
let port: number;

function hookAnswer(req: { headers: Record<string, unknown> }, body: string, lax: boolean): number {
    const want = `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`;
    return lax || req.headers["x-hub-signature-256"] === want ? 200 : 403;
}

before(async () => {
    certs = makeCertificates();
    const context = (c: { cert: string; key: string }) => tls.createSecureContext(c);
    const contexts = { other: context(certs.other), expiring: context(certs.expiring) };
    server = https.createServer(
        {
            ...certs.deployed,
            SNICallback: (name, cb) =>
                cb(
                    null,
                    name.startsWith("other.")
                        ? contexts.other
                        : name.startsWith("expiring.")
                          ? contexts.expiring
                          : context(certs.deployed),
                ),
        },
        (req, res) => {
            const chunks: Buffer[] = [];
            req.on("data", (c: Buffer) => chunks.push(c));
            req.on("end", () => {
                const host = String(req.headers.host);
                const body = Buffer.concat(chunks).toString("utf8");
                const path = req.url ?? "/";
                let status = 200;
                let out = "ok";
                if (host.startsWith("down.")) status = 503;
                else if (path.startsWith("/metrics") && req.method !== "GET")
                    status = host.startsWith("metrics-open.") ? 202 : 405;
                else if (path === "/hook") status = hookAnswer(req, body, host.startsWith("lax."));
                else if (path === "/hub/api") out = JSON.stringify({ version: "4.1.5" });
                else if (host.startsWith("deck"))
                    out = host.startsWith("deck.") ? "<title>Prow Status</title>" : "<title>404</title>";
                else if (path === "/hub/login")
                    out = host.startsWith("hub.") ? `<div>${ANNOUNCEMENT}</div>` : "<div/>";
                res.writeHead(status).end(out);
            });
        },
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
    const names = [
        "good",
        "other",
        "expiring",
        "down",
        "metrics",
        "metrics-open",
        "prow",
        "lax",
        "hub",
        "nohub",
        "moved",
        "deck",
        "deck-blank",
    ].map((n): [string, string] => [`${n}.verify.test`, n === "moved" ? "127.0.0.2" : "127.0.0.1"]);
    dns = await startDnsServer(new Map(names));
});

after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await dns.close();
});

function empty(): Targets {
    return {
        stack: "test",
        hosts: [],
        records: [],
        hooks: [],
        metrics: [],
        hubs: [],
        prowJobs: [],
        cluster: [],
    };
}

function host(
    name: string,
    certificate: Targets["hosts"][number]["certificate"] = {
        pem: certs.deployed.cert,
        from: "Secret test/tls",
    },
) {
    return {
        system: "packit",
        host: `${name}.verify.test`,
        path: "/",
        object: `Route test/${name}`,
        certificate,
    };
}

async function run(t: Partial<Targets>): Promise<CheckResult[]> {
    const net = network({ dnsServer: dns.address, port, ca: [certs.ca], timeoutMs: 5000 });
    return verify({ ...empty(), ...t }, net, { expiryDays: 14 });
}

const failed = (rs: CheckResult[]) => rs.filter((r) => r.outcome === "FAIL");

describe("verify's checks on loopback", () => {
    it("passes a host that resolves, answers and serves the deployed, trusted, lasting certificate", async () => {
        const rs = await run({ hosts: [host("good")] });
        assert.deepEqual(
            rs.map((r) => r.outcome),
            ["PASS", "PASS", "PASS"],
            renderResults("test", rs),
        );
        assert.match(rs[1].saw, /same as Secret test\/tls/);
        assert.equal(exitCode(rs), 0);
    });

    it("control: a served certificate differing from the deployed one fails the certificate check alone", async () => {
        const rs = await run({ hosts: [host("other")] });
        assert.deepEqual(
            failed(rs).map((r) => r.check),
            ["certificate of other.verify.test"],
        );
        assert.match(failed(rs)[0].saw, /differs from the deployed one/);
        assert.equal(failed(rs)[0].step.lines, "325-334");
        assert.equal(exitCode(rs), 1);
    });

    it("control: a certificate expiring within the days asked fails", async () => {
        const rs = await run({ hosts: [host("expiring", { none: "no deployed certificate to compare" })] });
        assert.deepEqual(
            failed(rs).map((r) => r.check),
            ["certificate of expiring.verify.test"],
        );
        assert.match(failed(rs)[0].saw, /expires within 14 days/);
    });

    it("control: a certificate from a CA not trusted fails", async () => {
        const net = network({ dnsServer: dns.address, port, timeoutMs: 5000 });
        const rs = await verify({ ...empty(), hosts: [host("good")] }, net, { expiryDays: 14 });
        assert.deepEqual(
            failed(rs).map((r) => r.check),
            ["certificate of good.verify.test"],
        );
        assert.match(failed(rs)[0].saw, /not trusted/);
    });

    it("a page a runbook's smoke test reads must show its text; control: 200 without it fails", async () => {
        const page = { status: 200, contains: "Prow Status", from: "the smoke test" };
        const rs = await run({
            hosts: [
                { ...host("deck"), page },
                { ...host("deck-blank"), page },
            ],
        });
        const answered = rs.filter((r) => r.check.startsWith("answers"));
        assert.deepEqual(
            answered.map((r) => [r.outcome, r.saw]),
            [
                ["PASS", 'HTTP 200, "Prow Status" shown (as the smoke test asks)'],
                ["FAIL", 'HTTP 200, "Prow Status" NOT shown (as the smoke test asks)'],
            ],
        );
    });

    it("control: a host answering 503 fails its answers check", async () => {
        const rs = await run({ hosts: [host("down")] });
        assert.deepEqual(
            failed(rs).map((r) => r.check),
            ["answers GET https://down.verify.test/ (Route test/down)"],
        );
        assert.match(failed(rs)[0].saw, /HTTP 503/);
    });

    it("a record where the stack says passes; control: a record pointing elsewhere fails, naming both", async () => {
        const record = (name: string) => ({
            system: "callysto",
            name,
            type: "A" as const,
            addresses: ["127.0.0.1"],
            from: "test",
        });
        const rs = await run({ records: [record("good.verify.test"), record("moved.verify.test")] });
        assert.deepEqual(
            rs.map((r) => r.outcome),
            ["PASS", "FAIL"],
        );
        assert.match(rs[1].saw, /A 127\.0\.0\.2, the stack says 127\.0\.0\.1/);
        assert.equal(rs[1].step.runbook, "004-callysto");
    });

    it("control: a name that does not resolve fails its DNS check", async () => {
        const rs = await run({ hosts: [host("absent")] });
        assert.match(rs[0].saw, /does not resolve/);
        assert.equal(rs[0].outcome, "FAIL");
    });

    it("/metrics answering GET and refusing a push passes; control: /metrics accepting a push fails", async () => {
        const m = (name: string) => ({ system: "packit", host: `${name}.verify.test`, path: "/metrics" });
        const rs = await run({ metrics: [m("metrics"), m("metrics-open")] });
        assert.deepEqual(
            rs.map((r) => r.outcome),
            ["PASS", "FAIL"],
            renderResults("test", rs),
        );
        assert.match(rs[1].saw, /PUT accepted \(202\)/);
        assert.equal(rs[1].step.lines, "380-383");
    });

    it("a hook taking the signed ping and refusing a wrong HMAC passes; controls: a wrong HMAC, a hook taking any", async () => {
        const h = (name: string, secret: string) => ({
            system: "prow",
            host: `${name}.verify.test`,
            path: "/hook",
            secret,
        });
        const rs = await run({
            hooks: [h("prow", SECRET), h("prow", "not-the-hooks-secret"), h("lax", SECRET)],
        });
        assert.deepEqual(
            rs.map((r) => r.outcome),
            ["PASS", "FAIL", "FAIL"],
            renderResults("test", rs),
        );
        assert.match(rs[1].saw, /signed ping 403/);
        assert.match(rs[2].saw, /wrongly signed ping 200/);
        assert.equal(rs[1].step.runbook, "002-kubevirt-prow");
        // The secret is never printed.
        assert.ok(!renderResults("test", rs).includes(SECRET));
    });

    it("a hook whose secret cannot be read fails, naming why", async () => {
        const rs = await run({
            hooks: [
                {
                    system: "prow",
                    host: "prow.verify.test",
                    path: "/hook",
                    secret: { none: "secret prow-hmac-token cannot be read" },
                },
            ],
        });
        assert.equal(rs[0].outcome, "FAIL");
        assert.match(rs[0].saw, /prow-hmac-token cannot be read/);
    });

    it("a hub's API and announcement pass; control: a hub not showing the announcement fails", async () => {
        const rs = await run({
            hubs: [
                { system: "callysto", host: "hub.verify.test", announcement: ANNOUNCEMENT },
                { system: "callysto", host: "nohub.verify.test", announcement: ANNOUNCEMENT },
            ],
        });
        assert.deepEqual(
            rs.map((r) => r.outcome),
            ["PASS", "PASS", "PASS", "FAIL"],
            renderResults("test", rs),
        );
        assert.equal(rs[3].step.lines, "406-413");
    });

    it("lists what needs the cluster as SKIP with why, and the report names the runbook steps of failures", async () => {
        const rs = await run({
            hosts: [host("other")],
            cluster: [
                {
                    system: "dials",
                    kind: "consumers",
                    check: "consumers back on the ETL queues",
                    why: "needs the cluster",
                },
            ],
        });
        // The consumers are asked by the Job `pulumi up` waits for: UP, never a failure of verify's own.
        assert.equal(rs.at(-1)?.outcome, "UP");
        const text = renderResults("test", rs);
        assert.match(
            text,
            /^UP dials: consumers back on the ETL queues: needs the cluster \[runbook 003-cms-dials line 174: /m,
        );
        assert.match(text, /verify test: \d+ passed, 1 failed, 1 made by pulumi up, 0 skipped/);
        const prow = await run({
            hosts: [],
            cluster: [{ system: "callysto", kind: "hubPool", check: "hub's pool", why: "needs hubtraf" }],
        });
        assert.equal(prow[0].outcome, "SKIP", "a check nothing makes stays SKIP");
        assert.match(
            text,
            /Runbook steps to take:\n {2}packit: runbook 001-packit-stream line 325-334: inspect a certificate/,
        );
        assert.equal(exitCode(rs), 1);
    });
});
