import { strict as assert } from "assert";
import { thothSchema } from "../../components/thoth/config";
import { thothNotices } from "../../components/thoth/notices";
import { Json, thothStack } from "./fixtures";

/** Thoth's notices about images (the held-Route notice is test/thoth/amunRoutes.test.ts's). */
const imageNotices = (config: Parameters<typeof thothNotices>[0]) =>
    thothNotices(config).filter((n) => n.startsWith("UNCONFIRMED IMAGE "));

const DIGEST = `sha256:${"0".repeat(64)}`;

function prod(change?: (thoth: Json) => void) {
    const thoth = structuredClone(thothStack("prod").thoth) as Json;
    change?.(thoth);
    return thothSchema.parse(thoth);
}

describe("thoth notices: unconfirmed bot and ultrahook images", () => {
    it("names every enabled bot's image and the ultrahook image, each with a command reading what runs today", () => {
        const notices = imageNotices(prod());
        const keys = notices.map((n) => /^UNCONFIRMED IMAGE (\S+) = /.exec(n)?.[1]);
        assert.deepEqual(keys, [
            "runbooks:thoth.bots.kebechet.image",
            "runbooks:thoth.bots.nepthys.image",
            "runbooks:thoth.bots.sesheta-webhooks.image",
            "runbooks:thoth.bots.sesheta-label-checker.image",
            "runbooks:thoth.bots.sesheta-scrum.image",
            "runbooks:thoth.bots.sesheta-approver.image",
            "runbooks:thoth.bots.review-manager.image",
            "runbooks:thoth.bots.webhook2kafka.image",
            "runbooks:thoth.bots.normalizers.image",
            "runbooks:thoth.ultrahooks.image",
        ]);
        const kebechet = notices[0];
        assert.ok(kebechet.includes("= quay.io/thoth-station/kebechet-job:v1.6.8:"), kebechet);
        assert.ok(
            kebechet.includes(
                `oc get pods -n aicoe-prod-bots -o jsonpath='{range .items[*]}{.metadata.name}{"\\t"}{.status.containerStatuses[*].imageID}{"\\n"}{end}' | grep kebechet`,
            ),
            kebechet,
        );
        assert.ok(
            kebechet.includes("pulumi config set --path thoth.bots.kebechet.image <the imageID"),
            kebechet,
        );
        const hook = notices[9];
        assert.ok(hook.includes("= quay.io/aicoe/ultrahook:v0.1.0:"), hook);
        assert.ok(hook.includes("builds the client in the cluster"), hook);
        assert.ok(hook.includes("oc get pods -n aicoe -o jsonpath="), hook);
    });

    it("an image pinned by the digest read from the running pods is confirmed: its notice goes away", () => {
        const notices = imageNotices(
            prod((t) => {
                t.bots.kebechet.image = `quay.io/thoth-station/kebechet-job@${DIGEST}`;
                t.ultrahooks.image = `image-registry.openshift-image-registry.svc:5000/aicoe/ultrahook@${DIGEST}`;
            }),
        );
        assert.equal(notices.length, 8);
        assert.ok(!notices.some((n) => n.includes("kebechet") || n.includes("ultrahooks")));
    });

    it("a switched-off bot or ultrahook part has no notice", () => {
        const notices = imageNotices(
            prod((t) => {
                t.bots.enabled = false;
                t.ultrahooks.enabled = false;
            }),
        );
        assert.deepEqual(notices, []);
    });
});
