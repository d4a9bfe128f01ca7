import { strict as assert } from "assert";
import fc from "fast-check";
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { canonicalApiServer } from "../../../components/config/clusterIdentity";
import { nearProductionName } from "../../../components/config/identity";
import { PROD, STAGE, stage } from "../battery";
import {
    PSI,
    assertBattery,
    committedAs,
    kubeconfig,
    planText,
    refusalFaults,
    stackRun,
} from "./identityCases";
import { renamedPackit, renamedPsi } from "./renamedClusters";

// Issue 52, items 1 and 2, generated: a cluster is what its credential reaches, in any spelling of its server, and
// production is the committed Pulumi.prod.yaml run as stack `prod`. Each class is a list of generated cases judged one
// by one (assertBattery), so a run on the old code says how many of them it falls short on; each case is refused at
// its key with a fix that copies nothing out of another stack's file.

const N = 24;
const sample = <T>(arb: fc.Arbitrary<T>, seed = 52) => fc.sample(arb, { seed, numRuns: N });

/** Upper-cases some characters of `text`. */
const recased = (text: string) =>
    fc
        .array(fc.boolean(), { minLength: text.length, maxLength: text.length })
        .map((up) => [...text].map((ch, i) => (up[i] ? ch.toUpperCase() : ch)).join(""));

/** Spellings of psi's API server that no string comparison calls equal to it: a trailing dot is in every one. */
const psiSpellings = fc
    .record({
        scheme: fc.constantFrom("", "https://", "HTTPS://", "hTTpS://"),
        host: recased("api.ocp4.prod.psi.redhat.com"),
        port: fc.constantFrom(":6443", ":06443"),
        slash: fc.constantFrom("", "/", "/api/"),
    })
    .map(({ scheme, host, port, slash }) => `${scheme}${host}.${port}${scheme === "" ? "" : slash}`);

/** The spellings of 10.0.9.5 a resolver reads as that address. */
const IP = "10.0.9.5";
const ipSpellings = fc
    .record({
        form: fc.constantFrom(
            "[::ffff:10.0.9.5]",
            "[::ffff:a00:905]",
            "[0:0:0:0:0:ffff:a00:905]",
            "[::FFFF:10.0.9.5]",
            "10.0.2309",
            "0xa.0.9.5",
            "012.0.9.5",
            "167774469",
            "0x0a000905",
        ),
        scheme: fc.constantFrom("", "https://"),
    })
    .map(({ form, scheme }) => `${scheme}${form}:6443`);

/** Every loopback spelling: 127.0.0.0/8 in its numeric forms, ::1, IPv4-mapped loopback, localhost and below it. */
const loopbackSpellings = fc
    .tuple(
        fc.constantFrom(
            "127.0.0.1",
            "127.1",
            "0x7f.0.0.1",
            "0177.0.0.1",
            "2130706433",
            "[::1]",
            "[0:0:0:0:0:0:0:1]",
            "[::ffff:127.0.0.1]",
            "localhost",
            "LOCALHOST.",
            "kwok.localhost",
            "127.42.7.9",
        ),
        fc.constantFrom("", ":6443", ":443", ":32766"),
        fc.constantFrom("", "https://"),
    )
    .map(([host, port, scheme]) => `${scheme}${host}${port}`);

describe("generated battery: one cluster, however its server is spelt (issue 52 item 1)", function () {
    this.timeout(600000);
    let root: string;
    before(() => {
        // Production's psi at an address, for the numeric spellings.
        root = mkdtempSync(path.join(tmpdir(), "spellings-"));
        writeFileSync(path.join(root, "Pulumi.prod.yaml"), PROD.replaceAll(PSI, `${IP}:6443`));
        writeFileSync(path.join(root, "Pulumi.stage.yaml"), STAGE.replaceAll(PSI, `${IP}:6443`));
    });
    after(() => rmSync(root, { recursive: true, force: true }));

    it("production's host with a trailing dot, in any case, scheme, port form or path, is production's cluster", () => {
        const cases = sample(psiSpellings);
        // Control: no case is the text production's file writes.
        for (const s of cases) assert.notEqual(s, PSI);
        assertBattery("spellings: host", cases, (server) => {
            if (canonicalApiServer(server) !== PSI)
                return [`${server} reads as ${canonicalApiServer(server)}`];
            const text = stage(renamedPsi(server, "aicoe-prod-bots"));
            return refusalFaults(planText(text, "stage"), "runbooks:thoth.bots.namespace", text);
        });
    });

    it("production's address in its numeric and IPv4-mapped IPv6 forms is production's cluster", () => {
        const cases = sample(ipSpellings);
        assertBattery("spellings: numeric", cases, (server) => {
            if (canonicalApiServer(server) !== `${IP}:6443`)
                return [`${server} reads as ${canonicalApiServer(server)}`];
            const text = stage(renamedPsi(server, "aicoe-prod-bots")).replaceAll(PSI, `${IP}:6443`);
            return refusalFaults(planText(text, "stage", { root }), "runbooks:thoth.bots.namespace", text);
        });
    });

    it("a loopback spelling proves no other cluster: stage cannot take production's namespace behind one", () => {
        const cases = sample(loopbackSpellings);
        assertBattery("spellings: loopback", cases, (server) => {
            const text = stage(renamedPackit(server));
            return refusalFaults(
                planText(text, "stage"),
                /^runbooks:(packit\.namespace|clusters\.packit-elsewhere\.namespaces)/,
                text,
            );
        });
    });

    it("the credential decides: a kubeconfig reaching production's server in any spelling refutes another apiServer", () => {
        const cases = sample(fc.tuple(psiSpellings, fc.constantFrom(0, 1, 2)), 521);
        assertBattery("spellings: credential", cases, ([spelt, ca]) => {
            const server = /^https:\/\//i.test(spelt) ? spelt : `https://${spelt}`;
            const out = stackRun("stage", { psi: kubeconfig({ server, ca }) }, (v) => {
                const clusters = v.clusters as Record<string, Record<string, unknown>>;
                clusters.psi.apiServer = "api.ocp4.stage.example.org:6443";
            });
            return refusalFaults(out, "runbooks:clusters.psi.apiServer", STAGE);
        });
    });

    it("legitimate: stage's own server respelt in its kubeconfig, or a different real cluster for stage, plans", () => {
        const own = sample(psiSpellings, 522);
        assertBattery("legitimate: own server respelt", own, (spelt) => {
            const server = /^https:\/\//i.test(spelt) ? spelt : `https://${spelt}`;
            const out = stackRun("stage", { psi: kubeconfig({ server, ca: 0 }) });
            return out.problems.length === 0 ? [] : [out.message.slice(0, 400)];
        });
        const other = sample(
            fc.tuple(
                fc.stringMatching(/^[a-z][a-z0-9]{2,8}$/),
                fc.integer({ min: 1024, max: 65535 }),
                fc.constantFrom(1, 2),
            ),
            523,
        );
        assertBattery("legitimate: a different cluster for stage", other, ([name, port, ca]) => {
            const host = `api.${name}.stage.example.org`;
            const out = stackRun(
                "stage",
                { psi: kubeconfig({ server: `https://${host}:${port}`, ca }) },
                (v) => {
                    const clusters = v.clusters as Record<string, Record<string, unknown>>;
                    clusters.psi.apiServer = `${host}:${port}`;
                },
            );
            return out.problems.length === 0 ? [] : [out.message.slice(0, 400)];
        });
    });
});

/** Stack names that are neither production's, a near miss of it, nor a local stack's. */
const otherNames = fc
    .tuple(
        fc.constantFrom(
            "stage",
            "staging",
            "qa",
            "dev",
            "scratch",
            "perf",
            "canary",
            "preprod",
            "test",
            "demo",
        ),
        fc.constantFrom("", "-copy", "-2", "-backup", "-tmp", "-jane"),
    )
    .map(([a, b]) => `${a}${b}`)
    .filter((n) => nearProductionName(n) === undefined);

/** The ways a file writes the production tier. */
const productionTier = fc.constantFrom("production", '"production"', "'production'", "!!str production");

describe("generated battery: production is the committed Pulumi.prod.yaml run as stack prod (issue 52 item 2)", function () {
    this.timeout(600000);

    it("any other stack name whose file claims production is refused, its fix copying nothing", () => {
        const cases = sample(fc.tuple(otherNames, productionTier, fc.constantFrom("stage", "prod")));
        assertBattery("claims: other stack names", cases, ([name, tier, from]) => {
            const base = from === "stage" ? STAGE : PROD;
            const text = base.replace(/runbooks:tier: \w+/, `runbooks:tier: ${tier}`);
            return refusalFaults(planText(text, name), "runbooks:tier", text, (p) =>
                p.key === "runbooks:tier" && /tier production/.test(p.fix ?? "")
                    ? "the fix sets production"
                    : undefined,
            );
        });
    });

    it("stack prod from a file git does not track, or whose pins differ from HEAD, is refused before a write", () => {
        const uid = fc.uuid({ version: 4 });
        const cases = sample(
            fc.record({
                tracked: fc.boolean(),
                pins: fc.uniqueArray(
                    fc.tuple(fc.constantFrom("psi", "packit-auto", "cern-paas", "ibmcloud-prow"), uid),
                    {
                        minLength: 1,
                        maxLength: 3,
                        selector: ([cluster]) => cluster,
                    },
                ),
            }),
        );
        assertBattery("claims: uncommitted prod", cases, ({ tracked, pins }) => {
            let text = PROD;
            for (const [cluster, u] of pins) {
                text = text.replace(
                    new RegExp(`^(    ${cluster}:\\n)`, "m"),
                    `$1      identity:\n        uid: ${u}\n`,
                );
            }
            const committed = committedAs(tracked ? { prod: PROD } : {});
            return refusalFaults(
                planText(text, "prod", { committed }),
                /^runbooks:(tier|clusters\..+\.identity)$/,
                text,
                (p) =>
                    /^runbooks:(tier|clusters\..+\.identity)$/.test(p.key) &&
                    !/committed|git does not track/.test(p.message)
                        ? "not refused as an uncommitted production file"
                        : undefined,
            );
        });
    });

    it("legitimate: the committed prod file, as committed, plans; so does stage", () => {
        assert.deepEqual(planText(PROD, "prod", { committed: committedAs({ prod: PROD }) }).problems, []);
        assert.deepEqual(planText(STAGE, "stage", { committed: committedAs({ prod: PROD }) }).problems, []);
    });
});

/** Near misses of production's stack name: case, one edit of `prod`, up to two of `production`. */
const nearNames = fc
    .oneof(
        recased("prod"),
        recased("production"),
        fc
            .tuple(fc.nat({ max: 4 }), fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789-_"))
            .map(([i, ch]) => {
                const p = "prod";
                return `${p.slice(0, i)}${ch}${p.slice(i)}`;
            }),
        fc.tuple(fc.nat({ max: 3 }), fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0")).map(([i, ch]) => {
            const p = "prod";
            return `${p.slice(0, i)}${ch}${p.slice(i + 1)}`;
        }),
        fc.nat({ max: 9 }).map((i) => `production`.slice(0, i) + `production`.slice(i + 1)),
    )
    .filter((n) => n !== "prod");

describe("generated battery: near misses of production's name and keys get a 'did you mean' (issue 52 item 2)", function () {
    this.timeout(600000);

    it("a stack named like prod is refused with 'did you mean stack prod', whatever its file says", () => {
        const cases = sample(fc.tuple(nearNames, fc.constantFrom("stage", "prod")));
        assertBattery("near miss: stack names", cases, ([name, from]) => {
            const text = from === "stage" ? STAGE : PROD;
            return refusalFaults(planText(text, name), "runbooks:tier", text, (p) =>
                p.key === "runbooks:tier" && !/did you mean stack "prod"/.test(p.message)
                    ? "no 'did you mean stack prod'"
                    : undefined,
            );
        });
    });

    it("a misspelt tier key or a near miss of a tier gets 'did you mean', and no fix sets production on stage", () => {
        const keyTypo = fc
            .oneof(
                fc.constantFrom("teir", "tire", "tiers", "Tier", "TIER", "tier_", "tie", "tiér"),
                fc
                    .tuple(fc.nat({ max: 3 }), fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz"))
                    .map(([i, ch]) => `${"tier".slice(0, i)}${ch}${"tier".slice(i + 1)}`),
            )
            .filter((k) => k !== "tier")
            .map((key) => ({ key, value: "staging" }));
        const valueTypo = fc
            .constantFrom(
                "Production",
                "PRODUCTION",
                "prod",
                "prodution",
                "productoin",
                "Prod",
                "produciton",
                "prd",
            )
            .map((value) => ({ key: "tier", value }));
        const cases = sample(fc.oneof(keyTypo, valueTypo));
        assertBattery("near miss: tier keys and values", cases, ({ key, value }) => {
            const text = STAGE.replace(/runbooks:tier: \w+/, `runbooks:${key}: ${value}`);
            return refusalFaults(planText(text, "stage"), `runbooks:${key}`, text, (p) =>
                /tier production/.test(p.fix ?? "")
                    ? "a fix sets production on stage"
                    : p.key === `runbooks:${key}` && key !== "tier" && !/did you mean "tier"/.test(p.message)
                      ? "no 'did you mean \"tier\"'"
                      : undefined,
            );
        });
    });
});
