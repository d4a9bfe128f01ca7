import { KindedNotice, taggedNotice } from "../config/notices";
import { ImageUse, runningImagesCommand } from "../config/unconfirmedImage";
import { z } from "zod";
import { loadFacts } from "../shared/facts";
import { BOT_NAMES } from "./bots/catalog";
import { enabledBot } from "./bots/enabled";
import { METRICS_AUDIENCE_KEY, STATION_METRICS_ROUTES, ThothConfig, ThothSection } from "./config";
import { routeAudienceNotice } from "../config/routeAudience";
import { catalogNotices } from "./station/catalog/catalogPrerequisites";
import { tierNamespaces } from "./station/tiers";

/** Where runbook 000 runs the bots and the ultrahook clients today. */
const BOTS_TODAY = "aicoe-prod-bots";
const ULTRAHOOKS_TODAY = "aicoe";

/** How runbook 000 deploys each bot instead of a pinned tag, and its pods' names (facts/thoth/bot-deploys.yaml). */
const RUNBOOK_DEPLOY = loadFacts(
    "facts/thoth/bot-deploys.yaml",
    z.record(z.enum(BOT_NAMES), z.strictObject({ why: z.string(), pods: z.string() })),
    "how the runbook deploys each bot",
);

/**
 * The bot and ultrahook images of a configuration, each with how the runbook deploys it instead of a tag and where it
 * runs today: the confirmation rule (components/shared/confirmedImages.ts) decides which of them stop production.
 */
export function thothImages(config: ThothConfig): ImageUse[] {
    const images: ImageUse[] = [];
    const bots = config.bots;
    if (bots?.enabled) {
        for (const bot of BOT_NAMES) {
            const entry = enabledBot(bots, bot);
            if (!entry) continue;
            const { why, pods } = RUNBOOK_DEPLOY[bot];
            images.push({
                key: `thoth.bots.${bot}.image`,
                image: entry.image,
                why,
                running: runningImagesCommand(BOTS_TODAY, pods),
            });
        }
    }
    const hooks = config.ultrahooks;
    if (hooks?.enabled) {
        images.push({
            key: "thoth.ultrahooks.image",
            image: hooks.image,
            why: "the runbook builds the client in the cluster (AICoE/ultrahook-openshift openshift/ultrahook.app.yaml); an imageID in the cluster's registry stays valid while its ImageStream in aicoe exists",
            running: runningImagesCommand(ULTRAHOOKS_TODAY, "ultrahook"),
        });
    }
    return images;
}

/**
 * amun-api's Routes while they are held (`exposeAmunApi` off): why, what still answers, and the key that serves them
 * once amun's inspection templates exist. Empty when the station's modules are off or the Routes are served.
 */
export function heldRouteNotices(config: ThothConfig): KindedNotice[] {
    const station = config.station;
    const modules = station?.modules;
    if (!station?.enabled || !modules?.enabled || modules.exposeAmunApi) return [];
    const ns = tierNamespaces(station.environment);
    return [
        taggedNotice(
            "HELD ROUTE",
            `runbooks:thoth.station.modules.exposeAmunApi = false: amun-api runs in ${ns["amun-api"]} without ` +
                `its Routes (amun-api, and amun-api-route53 for ${modules.hosts.amunApi}): amun's inspection ` +
                `WorkflowTemplates and Templates are not deployed in ${ns["amun-inspection"]} (no catalog module holds ` +
                `them), so an inspection it accepted could not run. Inside the cluster its Service still answers. Routes ` +
                `of these names already in the cluster are not this stack's and stay as they are ` +
                `(oc -n ${ns["amun-api"]} get route amun-api amun-api-route53). Once the templates exist there: ` +
                `pulumi config set --path thoth.station.modules.exposeAmunApi true`,
        ),
    ];
}

/**
 * What an operator must read before `up` (the definition's `notices`): the held Routes, and the catalog's objects,
 * which exist only once the provider renders the pinned commit.
 */
export function thothNotices(section: ThothSection): KindedNotice[] {
    const modules = section.station?.modules;
    return [
        ...heldRouteNotices(section),
        ...(section.station && modules ? catalogNotices(modules.catalog, section.station.environment) : []),
        ...(modules?.enabled
            ? routeAudienceNotice(METRICS_AUDIENCE_KEY, modules.metricsAudience, STATION_METRICS_ROUTES)
            : []),
    ];
}
