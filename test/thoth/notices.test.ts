import { strict as assert } from "assert";
import { thothSchema } from "../../components/thoth/config";
import { thothImages } from "../../components/thoth/notices";
import { imageVerdicts } from "../../components/config/unconfirmedImage";
import { sourcedImages } from "../../components/shared/confirmedImages";
import { readStackFile } from "../../tools/plan/stackfile";
import { Json } from "./fixtures";

const DIGEST = `sha256:${"0".repeat(64)}`;

/** The committed prod section as it is (every bot on), read as stage would: the notices a stage run prints. */
function stage(change?: (thoth: Json) => void) {
    const thoth = structuredClone(readStackFile("prod").values.thoth) as Json;
    change?.(thoth);
    return thothSchema.parse(thoth);
}

const notices = (config: ReturnType<typeof stage>) =>
    imageVerdicts(thothImages(config), "staging", sourcedImages("thoth")).notices.map((n) => n.text);

describe("thoth: unconfirmed bot and ultrahook images (stage notices)", () => {
    it("names every enabled bot's image and the ultrahook image, each with a command reading what runs today", () => {
        const said = notices(stage());
        const keys = said.map((n) => /^UNCONFIRMED IMAGE (\S+) = /.exec(n)?.[1]);
        assert.deepEqual(keys, [
            // Not nepthys: v0.4.4 is the release thoth-application@f2cf35f deploys (facts/images/thoth.yaml).
            "runbooks:thoth.bots.kebechet.image",
            "runbooks:thoth.bots.sesheta-webhooks.image",
            "runbooks:thoth.bots.sesheta-label-checker.image",
            "runbooks:thoth.bots.sesheta-scrum.image",
            "runbooks:thoth.bots.sesheta-approver.image",
            "runbooks:thoth.bots.review-manager.image",
            "runbooks:thoth.bots.webhook2kafka.image",
            "runbooks:thoth.bots.normalizers.image",
            "runbooks:thoth.ultrahooks.image",
        ]);
        const kebechet = said[0];
        assert.ok(kebechet.includes("= quay.io/thoth-station/kebechet-job:v1.2.4:"), kebechet);
        assert.ok(
            kebechet.includes(
                `oc get pods -n aicoe-prod-bots -o jsonpath='{range .items[*]}{.metadata.name}{"\\t"}{.status.containerStatuses[*].imageID}{"\\n"}{end}' | grep -F -e kebechet`,
            ),
            kebechet,
        );
        assert.ok(
            kebechet.endsWith(
                "pulumi config set --path thoth.bots.kebechet.image quay.io/thoth-station/kebechet-job@sha256:<the digest printed>",
            ),
            kebechet,
        );
        const hook = said[8];
        assert.ok(hook.includes("= quay.io/aicoe/ultrahook:v0.1.0:"), hook);
        assert.ok(hook.includes("builds the client in the cluster"), hook);
        assert.ok(hook.includes("oc get pods -n aicoe -o jsonpath="), hook);
    });

    it("an image pinned by the digest read from the running pods is confirmed: its notice goes away", () => {
        const said = notices(
            stage((t) => {
                t.bots.kebechet.image = `quay.io/thoth-station/kebechet-job@${DIGEST}`;
                t.ultrahooks.image = `image-registry.openshift-image-registry.svc:5000/aicoe/ultrahook@${DIGEST}`;
            }),
        );
        assert.equal(said.length, 7);
        assert.ok(!said.some((n) => n.includes("kebechet") || n.includes("ultrahooks")));
    });

    it("a switched-off bot or ultrahook part renders no image", () => {
        const config = stage((t) => {
            t.bots.enabled = false;
            t.ultrahooks.enabled = false;
        });
        assert.deepEqual(thothImages(config), []);
    });
});
