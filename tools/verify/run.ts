import { X509Certificate, createHmac, randomUUID } from "node:crypto";
import {
    CheckResult,
    HookTarget,
    HostTarget,
    HubTarget,
    MetricsTarget,
    RecordTarget,
    Targets,
} from "./model";
import { Network, request, resolve, servedCertificate } from "./net";
import { ProwJobOptions, prowJobCheck, prowJobCheckName } from "./prowJobs";
import { CHECKS, CheckKind, stepOf } from "./steps";

// The checks of `verify`, each one read-only request (a GET, a TLS handshake, a DNS question; the hook's ping is
// answered by Prow with a pong and changes nothing; the refused push is refused before it stores anything, and a
// push that is accepted is exactly what the check reports; the ProwJobs are listed, never made). Each gives PASS or
// FAIL with what it saw.

export interface VerifyOptions {
    /** A served certificate expiring within this many days fails (the renewals run 30 days ahead). */
    expiryDays: number;
    now?: Date;
    /** How the ProwJobs are read from the cluster, and how long to wait for a success. */
    prowJobs?: ProwJobOptions;
}

type Verdict = { ok: boolean; saw: string };

async function attempt(run: () => Promise<Verdict>): Promise<Verdict> {
    try {
        return await run();
    } catch (err) {
        return { ok: false, saw: err instanceof Error ? err.message : String(err) };
    }
}

function result(kind: CheckKind, system: string, check: string, v: Verdict): CheckResult {
    return { system, check, step: stepOf(kind, system), outcome: v.ok ? "PASS" : "FAIL", saw: v.saw };
}

/**
 * A host answers when it gives any HTTP answer but a server error (a router's 503 is an app that is not up); where a
 * runbook's smoke test reads the page, with its status and text.
 */
async function answers(net: Network, t: HostTarget): Promise<CheckResult> {
    const v = await attempt(async () => {
        const a = await request(net, t.host, "GET", t.path);
        if (!t.page) return { ok: a.status > 0 && a.status < 500, saw: `HTTP ${a.status}` };
        const shown = a.body.includes(t.page.contains);
        return {
            ok: a.status === t.page.status && shown,
            saw: `HTTP ${a.status}, "${t.page.contains}" ${shown ? "shown" : "NOT shown"} (as ${t.page.from} asks)`,
        };
    });
    return result("answers", t.system, `answers GET https://${t.host}${t.path} (${t.object})`, v);
}

/** The first certificate of a PEM bundle (a fullchain's leaf). */
function leafOf(pem: string): X509Certificate {
    const first = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem);
    if (!first) throw new Error("the deployed value holds no PEM certificate");
    return new X509Certificate(first[0]);
}

async function certificate(net: Network, t: HostTarget, o: VerifyOptions): Promise<CheckResult> {
    const v = await attempt(async () => {
        const served = await servedCertificate(net, t.host);
        const days = Math.floor((served.validTo.getTime() - (o.now ?? new Date()).getTime()) / 86_400_000);
        const seen = `serves serial ${served.serialNumber}, CN ${served.subject}, expires in ${days} days`;
        const problems: string[] = [];
        if (served.untrusted) problems.push(served.untrusted);
        if (days < o.expiryDays) problems.push(`expires within ${o.expiryDays} days`);
        if ("pem" in t.certificate) {
            const deployed = leafOf(t.certificate.pem);
            if (deployed.fingerprint256 !== served.fingerprint256)
                problems.push(
                    `differs from the deployed one (${t.certificate.from}: serial ${deployed.serialNumber})`,
                );
        }
        const compared = "pem" in t.certificate ? `same as ${t.certificate.from}` : t.certificate.none;
        return problems.length > 0
            ? { ok: false, saw: `${seen}: ${problems.join("; ")}` }
            : { ok: true, saw: `${seen}; ${compared}` };
    });
    return result("certificate", t.system, `certificate of ${t.host}`, v);
}

/** Every public host resolves (where the stack says no address, any answer: the cluster's router is not in it). */
async function hostResolves(net: Network, t: HostTarget): Promise<CheckResult> {
    const v = await attempt(async () => ({
        ok: true,
        saw: `resolves to ${(await resolve(net, t.host)).join(", ")}`,
    }));
    return result("dns", t.system, `${t.host} resolves`, v);
}

async function record(net: Network, t: RecordTarget): Promise<CheckResult> {
    const v = await attempt(async () => {
        const got =
            t.type === "A" ? await net.resolver.resolve4(t.name) : await net.resolver.resolve6(t.name);
        const same = [...got].sort().join(",") === [...t.addresses].sort().join(",");
        return {
            ok: same,
            saw: `${t.type} ${got.join(", ")}${same ? "" : `, the stack says ${t.addresses.join(", ")} (${t.from})`}`,
        };
    });
    return result("dns", t.system, `${t.name} ${t.type} is where the stack says`, v);
}

/** Prometheus scrapes /metrics with GET; a push (what the pushgateway would take) must be refused from outside. */
async function metrics(net: Network, t: MetricsTarget): Promise<CheckResult> {
    const v = await attempt(async () => {
        const get = await request(net, t.host, "GET", t.path);
        const pushes: string[] = [];
        for (const method of ["PUT", "POST"]) {
            const push = await request(
                net,
                t.host,
                method,
                `${t.path}/job/runbooks-verify`,
                { "content-type": "text/plain" },
                "# pushed by runbooks verify: must be refused\n",
            );
            pushes.push(`${method} ${push.status}`);
            if (push.status < 400)
                return { ok: false, saw: `GET ${get.status}; ${method} accepted (${push.status})` };
        }
        return { ok: get.status === 200, saw: `GET ${get.status}; ${pushes.join(", ")} refused` };
    });
    return result("metrics", t.system, `https://${t.host}${t.path} answers GET and refuses a push`, v);
}

/** GitHub's signature of a delivery: HMAC-SHA256 of the body, and the older SHA-1 one hook still reads. */
function signed(secret: string, body: string): Record<string, string> {
    return {
        "x-hub-signature-256": `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`,
        "x-hub-signature": `sha1=${createHmac("sha1", secret).update(body).digest("hex")}`,
    };
}

async function hook(net: Network, t: HookTarget): Promise<CheckResult> {
    const v = await attempt(async () => {
        if (typeof t.secret !== "string") return { ok: false, saw: `cannot sign a ping: ${t.secret.none}` };
        const body = JSON.stringify({ zen: "runbooks verify", hook_id: 0 });
        const ping = (headers: Record<string, string>) =>
            request(
                net,
                t.host,
                "POST",
                t.path,
                {
                    "content-type": "application/json",
                    "x-github-event": "ping",
                    "x-github-delivery": randomUUID(),
                    ...headers,
                },
                body,
            );
        const good = await ping(signed(t.secret, body));
        // The same ping signed with another key: a hook that takes it checks no signature.
        const bad = await ping(signed(`${t.secret}-wrong`, body));
        const ok = good.status >= 200 && good.status < 300 && bad.status >= 400 && bad.status < 500;
        return { ok, saw: `signed ping ${good.status}, wrongly signed ping ${bad.status}` };
    });
    return result(
        "hook",
        t.system,
        `https://${t.host}${t.path} accepts a signed ping, refuses a wrong HMAC`,
        v,
    );
}

async function hub(net: Network, t: HubTarget): Promise<CheckResult[]> {
    const api = await attempt(async () => {
        const a = await request(net, t.host, "GET", "/hub/api");
        const version = (JSON.parse(a.body) as { version?: string }).version;
        return {
            ok: a.status === 200 && typeof version === "string",
            saw: `HTTP ${a.status}, version ${version}`,
        };
    });
    const results = [result("hubApi", t.system, `https://${t.host}/hub/api answers`, api)];
    if (t.announcement) {
        const text = t.announcement;
        const shown = await attempt(async () => {
            const a = await request(net, t.host, "GET", "/hub/login");
            const found = a.body.includes(text);
            return {
                ok: a.status === 200 && found,
                saw: `HTTP ${a.status}, announcement ${found ? "" : "not "}shown`,
            };
        });
        results.push(
            result("announcement", t.system, `https://${t.host}/hub/login shows the announcement`, shown),
        );
    }
    return results;
}

/** Every check of `targets`, hosts first, in the order of the targets. */
export async function verify(targets: Targets, net: Network, options: VerifyOptions): Promise<CheckResult[]> {
    const results: CheckResult[] = [];
    // Each host once for DNS and its certificate, though several objects route paths of it.
    const seen = new Set<string>();
    for (const t of targets.hosts) {
        if (!seen.has(t.host)) {
            seen.add(t.host);
            results.push(await hostResolves(net, t));
            results.push(await certificate(net, t, options));
        }
        results.push(await answers(net, t));
    }
    for (const t of targets.records) results.push(await record(net, t));
    for (const t of targets.metrics) results.push(await metrics(net, t));
    for (const t of targets.hooks) results.push(await hook(net, t));
    for (const t of targets.hubs) results.push(...(await hub(net, t)));
    for (const t of targets.prowJobs)
        results.push(
            options.prowJobs
                ? await prowJobCheck(t, options.prowJobs)
                : result("prowJob", t.system, prowJobCheckName(t), {
                      ok: false,
                      saw: "no reader of the cluster was given",
                  }),
        );
    for (const c of targets.cluster)
        results.push({
            system: c.system,
            check: c.check,
            step: stepOf(c.kind, c.system),
            outcome: CHECKS[c.kind].inUp ? "UP" : "SKIP",
            saw: c.why,
        });
    return results;
}
