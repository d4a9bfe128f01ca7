import { strict as assert } from "assert";
import { SCHEDULED_IMPORT_SCHEDULE } from "../../components/packit/images";
import { IMPORT_IMAGES_SCRIPT } from "../../components/packit/scripts";
import { Objects, Registered, field } from "../harness";
import { runWithStubs } from "../thoth/shellStub";
import { CRONJOB, IMAGESTREAM, ROLE, ROLEBINDING, committedStage, envOf, podSpec } from "./fixtures";

const SERVICEACCOUNT = "kubernetes:core/v1:ServiceAccount";

/** Namespace → names of the ImageStreams there whose tag asks for scheduled import. */
function scheduledStreams(stage: Objects): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const is of stage.ofType(IMAGESTREAM)) {
        const scheduled = (field(is.inputs, "spec.tags") as { importPolicy: { scheduled: boolean } }[]).some(
            (t) => t.importPolicy.scheduled,
        );
        if (!scheduled) continue;
        const ns = field(is.inputs, "metadata.namespace") as string;
        out.set(ns, [...(out.get(ns) ?? []), field(is.inputs, "metadata.name") as string].sort());
    }
    return out;
}

function named(stage: Objects, type: string, name: string): Registered[] {
    return stage.ofType(type).filter((r) => field(r.inputs, "metadata.name") === name);
}

// Runbook 001, "Continuous Deployment": the platform turned scheduled ImageStream import off, so staging follows
// `:stg` only through a CronJob that imports every hour at minute 0.
describe("packit staging image import (runbook 001)", function () {
    this.timeout(60_000);
    let stage: Objects;
    before(async () => {
        stage = await committedStage();
    });

    it("runs one hourly import in exactly the namespaces with scheduled tags, importing exactly those streams", () => {
        const scheduled = scheduledStreams(stage);
        assert.deepEqual([...scheduled.keys()].sort(), ["packit-stg", "stream-stg"]);
        const jobs = named(stage, CRONJOB, "import-images");
        assert.deepEqual(
            jobs.map((j) => field(j.inputs, "metadata.namespace")).sort(),
            [...scheduled.keys()].sort(),
        );
        for (const [ns, streams] of scheduled) {
            const job = stage.one(CRONJOB, "import-images", ns);
            assert.equal(field(job.inputs, "spec.schedule"), "0 * * * *");
            assert.equal(SCHEDULED_IMPORT_SCHEDULE, "0 * * * *");
            assert.equal(field(job.inputs, "spec.timeZone"), undefined);
            assert.equal(field(job.inputs, "spec.concurrencyPolicy"), "Forbid");
            const env = envOf(job);
            assert.deepEqual(env.IMAGE_STREAMS.value!.split(" ").sort(), streams, ns);
            assert.equal(env.IMAGE_TAG.value, "stg");
            assert.equal(podSpec(job).serviceAccountName, "importimager");
        }
    });

    it("gives each import its own account allowed only to read its streams and create imports, in its namespace", () => {
        const scheduled = scheduledStreams(stage);
        for (const type of [SERVICEACCOUNT, ROLE, ROLEBINDING]) {
            assert.deepEqual(
                named(stage, type, "importimager")
                    .map((r) => field(r.inputs, "metadata.namespace"))
                    .sort(),
                [...scheduled.keys()].sort(),
                type,
            );
        }
        for (const [ns, streams] of scheduled) {
            assert.deepEqual(field(stage.one(ROLE, "importimager", ns).inputs, "rules"), [
                {
                    apiGroups: ["image.openshift.io"],
                    resources: ["imagestreams"],
                    resourceNames: streams,
                    verbs: ["get"],
                },
                { apiGroups: ["image.openshift.io"], resources: ["imagestreamimports"], verbs: ["create"] },
            ]);
            const binding = stage.one(ROLEBINDING, "importimager", ns);
            assert.deepEqual(field(binding.inputs, "subjects"), [
                { kind: "ServiceAccount", name: "importimager", namespace: ns },
            ]);
            assert.equal(field(binding.inputs, "roleRef.kind"), "Role");
        }
    });

    it("imports each stream's own tag, one `oc import-image` per stream", () => {
        const { calls, status } = runWithStubs(
            IMPORT_IMAGES_SCRIPT,
            { oc: "exit 0" },
            {
                IMAGE_STREAMS: "packit-service packit-worker",
                IMAGE_TAG: "stg",
                NAMESPACE: "packit-stg",
            },
        );
        assert.equal(status, 0);
        assert.deepEqual(calls, [
            ["oc", "import-image", "packit-service:stg", "-n", "packit-stg"],
            ["oc", "import-image", "packit-worker:stg", "-n", "packit-stg"],
        ]);
    });
});
