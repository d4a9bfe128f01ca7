import { strict as assert } from "assert";
import fc from "fast-check";
import { canonicalName } from "../../../components/config/foreignValues";
import { operatorCheckout } from "../../harness";
import { C, stage, validate } from "../battery";
import { planText } from "./identityCases";
import { chars, LOWER } from "./generated";

// Issue 70, part 4: a printed fix never writes a value another stack owns, compared as a resolver reads it (case, a
// trailing dot, IDN, default ports aside). Stage's DIALS frontendHost written as production's host in upper case with
// a trailing dot was repaired to production's host; the same for Callysto's DNS zone, Thoth's ultrahook subdomains,
// a namespace. Now such a fix restores this stack's own committed value where git has one, and otherwise asks for it
// (`<this stack's own ...>`), never printing production's. Generated (24 cases each), with the committed checkout and
// with a checkout without git; legitimate fixes (a narrow new host, a value both stacks hold) keep their value.

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

/** Every value production owns that stage does not, canonical: what no stage fix may write. */
const PROD_ONLY = PLACES.map((p) => p.prod);

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

/** The values of a fix that are production's own, read as a resolver reads them. */
function carried(fix: string): string[] {
    return fix
        .split(/[\s'"[\](),;=]+/)
        .filter((w) => w !== "")
        .map(canonicalName)
        .filter((w) => PROD_ONLY.includes(w));
}

let root: string | undefined;
const noGit = () => (root ??= operatorCheckout());

describe("issue 70, part 4: no printed fix writes another stack's value, in any spelling of it", function () {
    this.timeout(600000);

    it("production's value respelt in stage's own setting: the committed value is restored, or stage's own is asked for", () => {
        const cases = fc
            .nat({ max: PLACES.length - 1 })
            .chain((i) =>
                fc.tuple(fc.constant(PLACES[i]), respelt(PLACES[i].prod, PLACES[i].prod.includes("."))),
            );
        fc.assert(
            fc.property(cases, ([place, spelling]) => {
                assert.equal(canonicalName(spelling), place.prod, `${spelling} is not ${place.prod}`);
                const text = stage((d) =>
                    d.setIn(C(String(place.path[0]), ...place.path.slice(1)), spelling),
                );
                for (const [where, out] of [
                    ["committed checkout", validate(text)],
                    ["checkout without git", planText(text, "stage", { root: noGit() })],
                ] as const) {
                    assert.ok(out.problems.length > 0, `${where}: ${spelling} planned`);
                    for (const p of out.problems) {
                        assert.deepEqual(carried(p.fix), [], `${where}: ${p.key}: ${p.fix}`);
                        if (/<this stack's own/.test(p.fix)) assert.match(p.fix, /stack "prod"'s/);
                    }
                    const own = out.problems.find(
                        (p) => p.key === `runbooks:${place.path.join(".").replace(/\.(\d+)/g, "[$1]")}`,
                    );
                    assert.ok(own, `${where}: no problem at the setting: ${out.message}`);
                    // With git, stage's committed value comes back; without, the operator is asked for stage's own.
                    if (where === "committed checkout") assert.ok(own.fix.includes(place.stage), own.fix);
                    else assert.match(own.fix, /<this stack's own|by hand/, own.fix);
                }
            }),
            RUNS,
        );
    });

    it("control: where no other check guards the value (a DNS zone, an ultrahook subdomain), only this one asks", () => {
        // Ownership compares grants on a cluster; a DNS zone or an ultrahook subdomain has none, so without this check
        // the field's repair of the spelling (production's value) proves itself and is printed.
        const unguarded = PLACES.filter((p) => p.path.includes("domain") || p.path.includes("subdomain"));
        fc.assert(
            fc.property(
                fc
                    .nat({ max: unguarded.length - 1 })
                    .chain((i) => fc.tuple(fc.constant(unguarded[i]), respelt(unguarded[i].prod, false)))
                    .filter(([, s]) => !/[^\x00-\x7f]/.test(s)),
                ([place, spelling]) => {
                    const text = stage((d) =>
                        d.setIn(C(String(place.path[0]), ...place.path.slice(1)), spelling),
                    );
                    const out = planText(text, "stage", { root: noGit() });
                    const last = String(place.path[place.path.length - 1]);
                    assert.ok(
                        out.problems.some((p) =>
                            new RegExp(`<this stack's own ${last}>.*stack "prod"'s`).test(p.fix),
                        ),
                        out.message,
                    );
                },
            ),
            RUNS,
        );
    });

    it("canonical form: case, trailing dot, IDN (fullwidth, punycode), default ports, a URL's host", () => {
        fc.assert(
            fc.property(chars(LOWER, 3, 10), chars(LOWER, 2, 6), (a, b) => {
                const host = `${a}.${b}.example`;
                for (const spelling of [
                    host.toUpperCase(),
                    `${host}.`,
                    `https://${host}:443/x`,
                    `http://${host}:80`,
                    `${host}:443`,
                ]) {
                    assert.equal(canonicalName(spelling), host, spelling);
                }
                assert.equal(canonicalName(`${host}:6443`), `${host}:6443`);
            }),
            { ...RUNS, numRuns: 20 },
        );
        assert.equal(canonicalName("BÜCHER.example."), "xn--bcher-kva.example");
        assert.equal(canonicalName("xn--bcher-kva.example"), "xn--bcher-kva.example");
    });
});

describe("issue 70, part 4: fixes with this stack's own values keep them", function () {
    this.timeout(600000);

    it("a narrow new host of stage's own is granted as written (its grant fix names it)", () => {
        fc.assert(
            fc.property(chars(LOWER, 3, 10), (w) => {
                const host = `cmsdials-${w}-stage.web.cern.ch`;
                const out = validate(stage((d) => d.setIn(C("dials", "web", "frontendHost"), host)));
                const grant = out.problems.find((p) => p.key.startsWith("runbooks:clusters.cern-paas.hosts"));
                assert.ok(grant && grant.fix.includes(host), out.message);
            }),
            RUNS,
        );
    });

    it("a value both stacks hold (Thoth's cluster domain) respelt is repaired to it: it is stage's own too", () => {
        fc.assert(
            fc.property(
                respelt("apps.ocp4.prod.psi.redhat.com", false).filter((s) => !/[^\x00-\x7f]/.test(s)),
                (spelling) => {
                    const out = validate(stage((d) => d.setIn(C("thoth", "domain"), spelling)));
                    const p = out.problems.find((q) => q.key === "runbooks:thoth.domain");
                    assert.ok(p, out.message);
                    assert.match(p.fix, /thoth\.domain apps\.ocp4\.prod\.psi\.redhat\.com --stack stage$/);
                },
            ),
            { ...RUNS, numRuns: 20 },
        );
    });
});
