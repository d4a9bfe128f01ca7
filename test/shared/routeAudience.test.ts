import { strict as assert } from "assert";
import fc from "fast-check";
import { routeAudienceProblems, routeAudienceSchema } from "../../components/config/routeAudience";
import {
    ALLOW_LIST_ANNOTATION,
    PUBLIC_BY_ANNOTATION,
    PortPurpose,
    audienceAnnotations,
    declaredPurpose,
} from "../../components/shared/portPurpose";
import { thothCheck } from "../../components/thoth/checks";
import { thothSchema } from "../../components/thoth/config";
import { thothStack } from "../thoth/fixtures";
import { PLACEHOLDER } from "../../components/shared/placeholder";

const KEY = "thoth.station.modules.metricsAudience";
const ROUTES = ["workflow-controller-metrics"];
const purposes = fc.constantFrom<PortPurpose>("admin", "metrics");
const platforms = fc.constantFrom("openshift" as const, "kubernetes" as const);
const cidr = fc.tuple(fc.ipV4(), fc.integer({ min: 8, max: 32 })).map(([ip, bits]) => `${ip}/${bits}`);

describe("public Routes to admin or metrics ports: the one rule", () => {
    it("admits exactly the named ranges on every platform, or records the runbook that makes it public", () => {
        fc.assert(
            fc.property(
                purposes,
                platforms,
                fc.boolean(),
                fc.array(cidr, { minLength: 1, maxLength: 5 }),
                (p, platform, production, ranges) => {
                    const made = audienceAnnotations(
                        "r",
                        p,
                        { allowFrom: ranges, key: "k" },
                        { platform, production },
                    );
                    const listed = made[ALLOW_LIST_ANNOTATION[platform]].split(
                        platform === "openshift" ? " " : ",",
                    );
                    assert.deepEqual(listed, ranges);
                    const publicBy = audienceAnnotations(
                        "r",
                        p,
                        { publicBy: "runbook 001" },
                        { platform, production },
                    );
                    assert.deepEqual(publicBy, { [PUBLIC_BY_ANNOTATION]: "runbook 001" });
                },
            ),
        );
    });

    it("refuses one without an audience anywhere and one with no range in production; stage deploys it", () => {
        fc.assert(
            fc.property(purposes, platforms, (p, platform) => {
                assert.throws(() => audienceAnnotations("r", p, undefined, { platform, production: false }));
                assert.throws(
                    () =>
                        audienceAnnotations(
                            "r",
                            p,
                            { allowFrom: [], key: "runbooks:k" },
                            { platform, production: true },
                        ),
                    /runbooks:k/,
                );
                assert.deepEqual(
                    audienceAnnotations("r", p, { allowFrom: [], key: "k" }, { platform, production: false }),
                    {},
                );
            }),
        );
        assert.deepEqual(
            audienceAnnotations("r", "application", undefined, { platform: "openshift", production: true }),
            {},
        );
    });

    it("takes a port's purpose from its declaration, and asks one of a port whose name says admin or metrics", () => {
        fc.assert(
            fc.property(
                fc.string(),
                fc.constantFrom("metrics", "admin", "Metrics", "debug"),
                fc.string(),
                (a, hint, b) => {
                    assert.throws(
                        () => declaredPurpose({ name: `${a}${hint}${b}` }, "svc"),
                        /must declare its purpose/,
                    );
                    assert.equal(
                        declaredPurpose({ name: `${a}${hint}${b}`, purpose: "application" }, "svc"),
                        "application",
                    );
                },
            ),
        );
        assert.equal(declaredPurpose({ name: "http" }, "svc"), "application");
    });

    it("production: no audience is one problem with its full key and a message that asks for the range", () => {
        const [p, ...rest] = routeAudienceProblems(KEY, undefined, ROUTES, "production");
        assert.equal(rest.length, 0);
        assert.equal(p.key, `runbooks:${KEY}.allowFrom`);
        assert.match(p.message, /set it to the source ranges \(CIDR\) of their readers \(ask the operators/);
        assert.equal(p.fix, undefined);
        // Never an invented range: the fix carries no address at all.
        assert.doesNotMatch(p.fix ?? "", /\d+\.\d+\.\d+\.\d+/);
        assert.deepEqual(routeAudienceProblems(KEY, undefined, ROUTES, "staging"), []);
        assert.deepEqual(routeAudienceProblems(KEY, undefined, [], "production"), []);
    });

    it("refuses ranges that together admit the whole internet, and a range that is no CIDR", () => {
        const world = routeAudienceProblems(
            KEY,
            { allowFrom: ["0.0.0.0/1", "128.0.0.0/1"] },
            ROUTES,
            "production",
        );
        assert.equal(world.length, 1);
        assert.match(world[0].message, /every unicast IPv4 address/);
        // Pieces that cover every unicast address but not the multicast and reserved ranges are the world too.
        const unicast = routeAudienceProblems(
            KEY,
            { allowFrom: ["0.0.0.0/1", "128.0.0.0/2", "192.0.0.0/3"] },
            ROUTES,
            "production",
        );
        assert.match(unicast[0]?.message ?? "", /every unicast IPv4 address/);
        assert.equal(routeAudienceSchema.safeParse({ allowFrom: ["10.0.0.0:10.0.255.255"] }).success, false);
        assert.equal(routeAudienceSchema.safeParse({ allowFrom: [] }).success, false);
        const example = routeAudienceSchema.safeParse({
            allowFrom: ["<the CIDR of the Prometheus that scrapes them>"],
        });
        assert.equal(example.success, false, "the schema's example, pasted as is, is refused");
    });

    it("the committed prod stack without the key is refused with it; its placeholder passes the plan only", () => {
        const config = thothSchema.parse(thothStack("prod").thoth);
        // thothStack fills the placeholders as the operator would: put the committed one back.
        config.station!.modules!.metricsAudience = { allowFrom: [PLACEHOLDER] };
        const placeholder = thothCheck(config, "production");
        assert.ok(placeholder.section);
        assert.deepEqual(
            placeholder.problems?.map((p) => [p.key, p.placeholder]),
            [[`runbooks:${KEY}.allowFrom`, true]],
        );
        delete config.station?.modules?.metricsAudience;
        const refused = thothCheck(config, "production");
        assert.equal(refused.section, undefined);
        assert.deepEqual(
            refused.problems?.map((p) => p.key),
            [`runbooks:${KEY}.allowFrom`],
        );
        assert.ok(thothCheck(config, "staging").section);
    });
});
