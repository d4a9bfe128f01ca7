import { strict as assert } from "assert";
import fc from "fast-check";
import { operatorCheckout } from "../../harness";
import { canonical, printFaults } from "../printed";
import { C, prod, stage, validate } from "../battery";
import { planText } from "./identityCases";
import { chars, LOWER } from "./generated";

// Issues 70 and 85: nothing printed writes a value another stack owns, compared as a resolver reads it (case, a
// trailing dot, fullwidth letters, a URL around it). Stage's DIALS frontendHost written as production's host in upper
// case with a trailing dot was once "repaired" to production's host; the same for Callysto's DNS zone, Thoth's
// ultrahook subdomains, a namespace. Now each is refused at its key, and no command writes a value at all; a message
// quotes the value only as this file wrote it. Generated (24 cases each), with the committed checkout and with a
// checkout without git; legitimate values of this stack's own (a narrow new host) are granted as written.

const RUNS = { seed: 70, numRuns: 24 };

/** Stage's settings where production holds a value of its own, and production's value there. */
const PLACES: readonly { path: (string | number)[]; prod: string; stage: string }[] = [
    {
        path: ["dials", "web", "frontendHost"],
        prod: "cmsdials.web.cern.ch",
        stage: "cmsdials-stage.web.cern.ch",
    },
    {
        path: ["dials", "web", "apiHost"],
        prod: "cmsdials-api.web.cern.ch",
        stage: "cmsdials-api-stage.web.cern.ch",
    },
    { path: ["callysto", "domain"], prod: "callysto.ca", stage: "callysto.space" },
    { path: ["thoth", "ultrahooks", "instances", 0, "subdomain"], prod: "webhooks", stage: "webhooks-stage" },
    {
        path: ["thoth", "ultrahooks", "instances", 1, "subdomain"],
        prod: "review-manager",
        stage: "review-manager-stage",
    },
    { path: ["dials", "namespace"], prod: "cms-dials-prod", stage: "cms-dials-stage" },
    { path: ["thoth", "bots", "namespace"], prod: "aicoe-prod-bots", stage: "aicoe-stage-bots" },
];

/** Spellings a resolver reads as `value`: case, a trailing dot, fullwidth letters (IDN's mapping), a URL's default port. */
const respelt = (value: string, dns: boolean) =>
    fc
        .record({
            upper: fc.array(fc.boolean(), { minLength: value.length, maxLength: value.length }),
            dot: fc.boolean(),
            wide: fc.boolean(),
            url: fc.constantFrom("", "https://", "HTTPS://"),
        })
        .map(({ upper, dot, wide, url }) => {
            let v = [...value].map((ch, i) => (upper[i] ? ch.toUpperCase() : ch)).join("");
            // Fullwidth letters: NFKC (IDN's mapping, url.domainToASCII) reads them as the ASCII ones.
            if (wide) v = v.replace(/[a-z]/, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0));
            if (dns && url !== "") return `${url}${v}${dot ? "." : ""}:443/`;
            return `${v}${dot || (!upper.some(Boolean) && !wide) ? "." : ""}`;
        });

let root: string | undefined;
const noGit = () => (root ??= operatorCheckout());

/** The full key of a place. */
const keyOf = (place: (typeof PLACES)[number]) =>
    `runbooks:${place.path.join(".").replace(/\.(\d+)/g, "[$1]")}`;

describe("issues 70 and 85: nothing printed writes another stack's value, in any spelling of it", function () {
    this.timeout(600000);

    it("production's value respelt in stage's own setting is refused at that key, and never printed respelt", () => {
        const cases = fc
            .nat({ max: PLACES.length - 1 })
            .chain((i) =>
                fc.tuple(fc.constant(PLACES[i]), respelt(PLACES[i].prod, PLACES[i].prod.includes("."))),
            );
        fc.assert(
            fc.property(cases, ([place, spelling]) => {
                assert.equal(canonical(spelling), place.prod, `${spelling} is not ${place.prod}`);
                const text = stage((d) =>
                    d.setIn(C(String(place.path[0]), ...place.path.slice(1)), spelling),
                );
                for (const [where, out] of [
                    ["committed checkout", validate(text)],
                    ["checkout without git", planText(text, "stage", { root: noGit() })],
                ] as const) {
                    assert.ok(
                        out.problems.some((p) => p.key === keyOf(place)),
                        `${where}: no problem at the setting: ${out.message}`,
                    );
                    assert.deepEqual(printFaults(text, "stage", out.problems), [], where);
                }
            }),
            RUNS,
        );
    });

    it("a refused value that others follow (Packit's deployment) leaves them unchecked: no default's host or namespace of the other stack is printed", () => {
        // Left unset, Packit's namespaces and hosts follow `deployment`; a refused deployment parses to the schema's
        // default, whose names are stage's (stream-stg, stg.stream.packit.dev). Found by the generative battery.
        const broken = fc.oneof(
            fc.constantFrom("staging", "PROD", "", "ghp_0123456789abcdefghijklmnopqrstuvwxyzAB"),
            fc.integer(),
            chars(LOWER, 1, 12),
        );
        fc.assert(
            fc.property(
                fc.constantFrom("packit", "stream"),
                fc.constantFrom(["prod", prod] as const, ["stage", stage] as const),
                broken,
                (section, [stack, edit], value) => {
                    fc.pre(!["stg", "prod", "dev"].includes(String(value)));
                    const text = edit((d) => d.setIn(C(section, "deployment"), value));
                    const out = validate(text, stack);
                    assert.ok(
                        out.problems.some((p) => p.key === `runbooks:${section}.deployment`),
                        `${stack}: ${out.message}`,
                    );
                    assert.deepEqual(printFaults(text, stack, out.problems), [], `${stack} ${section}`);
                },
            ),
            RUNS,
        );
    });

    it("canonical form: case, trailing dot, fullwidth letters, a URL's host", () => {
        fc.assert(
            fc.property(chars(LOWER, 3, 10), chars(LOWER, 2, 6), (a, b) => {
                const host = `${a}.${b}.example`;
                for (const spelling of [
                    host.toUpperCase(),
                    `${host}.`,
                    `https://${host}:443/x`,
                    `http://${host}:80`,
                ])
                    assert.equal(canonical(spelling), host, spelling);
            }),
            { ...RUNS, numRuns: 20 },
        );
        assert.equal(canonical("ｃallysto.ca."), "callysto.ca");
    });

    it("control: the property fails on what it forbids (production's value respelt in a command, a secret quoted, a set)", () => {
        const text = stage((d) => d.setIn(["config", "runbooks:github-token"], "hunter2-plain"));
        const at = (fix: string, message = "is wrong") =>
            printFaults(text, "stage", [{ key: "runbooks:packit.namespace", message, fix }]);
        const rename = at(
            "edit Pulumi.stage.yaml: rename runbooks:packit.namespace to runbooks:packit.PACKIT-PROD.",
        );
        assert.ok(
            rename.some((f) => /holds another stack's packit-prod/.test(f)),
            rename.join("\n"),
        );
        const quoted = printFaults(text, "stage", [
            { key: "runbooks:github-token", message: "is hunter2-plain" },
        ]);
        assert.ok(
            quoted.some((f) => /quotes a credential/.test(f)),
            quoted.join("\n"),
        );
        const set = at("pulumi config set --path packit.namespace packit-stg --stack stage");
        assert.ok(
            set.some((f) => /is no allowed kind/.test(f)),
            set.join("\n"),
        );
        assert.deepEqual(
            at("edit Pulumi.stage.yaml: rename runbooks:packit.namespaec to runbooks:packit.namespace"),
            [],
        );
    });
});

describe("issues 70 and 85: this stack's own values", function () {
    this.timeout(600000);

    it("a narrow new host of stage's own is granted as written (its grant's key names it)", () => {
        fc.assert(
            fc.property(chars(LOWER, 3, 10), (w) => {
                const host = `cmsdials-${w}-stage.web.cern.ch`;
                const out = validate(stage((d) => d.setIn(C("dials", "web", "frontendHost"), host)));
                const grant = out.problems.find((p) => p.key.startsWith("runbooks:clusters.cern-paas.hosts"));
                assert.ok(grant && grant.key.includes(host), out.message);
                assert.match(grant.message, /grant it to dials there$/);
            }),
            RUNS,
        );
    });

    it("a value both stacks hold (Thoth's cluster domain) respelt is refused at its key; nothing is written for it", () => {
        fc.assert(
            fc.property(
                respelt("apps.ocp4.prod.psi.redhat.com", false).filter((s) => !/[^\x00-\x7f]/.test(s)),
                (spelling) => {
                    const text = stage((d) => d.setIn(C("thoth", "domain"), spelling));
                    const out = validate(text);
                    const p = out.problems.find((q) => q.key === "runbooks:thoth.domain");
                    assert.ok(p, out.message);
                    assert.equal(p.fix, undefined);
                    assert.deepEqual(printFaults(text, "stage", out.problems), []);
                },
            ),
            { ...RUNS, numRuns: 20 },
        );
    });
});
