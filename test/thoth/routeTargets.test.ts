import { strict as assert } from "assert";
import fc from "fast-check";
import { WEBHOOK_BOTS, WebhookBotName } from "../../components/thoth/bots/catalog";
import { thothCheck } from "../../components/thoth/checks";
import { ThothConfig, UltrahookTarget, thothSchema } from "../../components/thoth/config";
import { thothStack } from "./fixtures";

// The rules, stated apart from botRouteHosts and ultrahookTarget: a deployed webhook bot with its Route on is
// published on its configured host, else on OpenShift's default `<bot>-<namespace>.<domain>`; a tunnel to a bot goes
// to that Route (https, with its path) unless it asks for the Service or the bot has no Route.

const BOTS = Object.keys(WEBHOOK_BOTS) as WebhookBotName[];

/** How one webhook bot is generated: its Route switch and host, and how its tunnel reaches it. */
interface BotSetting {
    route: boolean;
    host?: string;
    via?: "route" | "service";
    path?: string;
}
const label = fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/);
const domain = fc.tuple(label, label).map(([a, b]) => `apps.${a}.${b}.com`);
const host = fc.tuple(label, label).map(([a, b]) => `${a}.${b}.org`);
const botSetting: fc.Arbitrary<BotSetting> = fc.record({
    route: fc.boolean(),
    host: fc.option(host, { nil: undefined }),
    via: fc.constantFrom<"route" | "service" | undefined>(undefined, "route", "service"),
    path: fc.option(fc.constantFrom("/github", "/hook", "/a/b"), { nil: undefined }),
});
const settings = fc.record(
    Object.fromEntries(BOTS.map((b) => [b, botSetting])) as Record<WebhookBotName, fc.Arbitrary<BotSetting>>,
);

function prod(change: (t: ThothConfig) => void): ThothConfig {
    const t = thothSchema.parse(thothStack("prod").thoth);
    change(t);
    return t;
}

/** The prod stack with one tunnel per webhook bot (as `setting` says) and the bots' Routes as `setting` says. */
function configured(d: string, s: Record<WebhookBotName, BotSetting>): ThothConfig {
    return prod((t) => {
        t.domain = d;
        for (const bot of BOTS) {
            const entry = t.bots![bot]!;
            entry.route = s[bot].route;
            if (s[bot].host === undefined) delete entry.host;
            else entry.host = s[bot].host;
        }
        t.ultrahooks!.instances = [
            ...BOTS.map((bot) => ({
                subdomain: `to-${bot}`,
                apiKeySecret: "ultrahook-aicoe",
                bot,
                // A Route the bot does not have is a config problem (see ultrahookProblems), not generated here.
                ...(s[bot].via === "route" && !s[bot].route ? {} : s[bot].via ? { via: s[bot].via } : {}),
                ...(s[bot].path ? { path: s[bot].path } : {}),
            })),
            {
                subdomain: "zuul",
                apiKeySecret: "ultrahook-aicoe",
                destination: "https://managesf.example.org",
            },
        ];
    });
}

describe("thoth check: each bot's Route host and each tunnel's target are fields of the section", () => {
    it("carries the Route host of every deployed webhook bot with its Route on, and none for the others", () => {
        fc.assert(
            fc.property(domain, settings, (d, s) => {
                const section = thothCheck(configured(d, s)).section;
                assert.ok(section?.bots);
                const expected = Object.fromEntries(
                    BOTS.filter((b) => s[b].route).map((b) => [b, s[b].host ?? `${b}-aicoe-prod-bots.${d}`]),
                );
                assert.deepEqual(section.bots.routeHosts, expected);
            }),
        );
    });

    it("carries each tunnel's target: its URL, its bot's Route, or its bot's Service", () => {
        fc.assert(
            fc.property(domain, settings, (d, s) => {
                const section = thothCheck(configured(d, s)).section;
                assert.ok(section?.ultrahooks?.enabled);
                const targets = Object.fromEntries(
                    section.ultrahooks.instances.map((i) => [i.subdomain, i.to]),
                );
                const expected: Record<string, UltrahookTarget> = {
                    zuul: { url: "https://managesf.example.org" },
                };
                for (const bot of BOTS) {
                    const path = s[bot].path ?? "";
                    const routeHost = s[bot].host ?? `${bot}-aicoe-prod-bots.${d}`;
                    expected[`to-${bot}`] =
                        s[bot].route && s[bot].via !== "service"
                            ? { url: `https://${routeHost}${path}` }
                            : { service: bot, path };
                }
                assert.deepEqual(targets, expected);
            }),
        );
    });

    it("keeps the problem of a Route without host or domain, and builds no section", () => {
        const result = thothCheck(
            prod((t) => {
                delete t.domain;
                delete t.bots!["review-manager"]!.host;
            }),
        );
        assert.equal(result.section, undefined);
        assert.ok(
            result.problems?.some(
                (p) =>
                    p.key === "runbooks:thoth.domain" &&
                    p.message.startsWith(
                        "is required: the Routes of sesheta-webhooks, review-manager, webhook2kafka",
                    ),
            ),
        );
    });
});
