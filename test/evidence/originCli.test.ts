import { strict as assert } from "assert";
import { containerVerdict, scriptCommands, scriptVariables } from "./check";
import { loadEvidence } from "../../components/shared/evidence/load";
import { IMPORT_IMAGES_SCRIPT, SANDBOX_CLEANUP_SCRIPT } from "../../components/packit/scripts";
import { restartScript } from "../../components/thoth/station/modules/restartPlan";

// origin-cli runs only the program's own bash scripts (packit's and stream's image import and sandbox clean-up, thoth's
// watcher restart): the evidence check reads each script for the flags it passes to oc and kubectl, and counts the
// variables it expands as read (issue 51).

const IMAGE = "quay.io/openshift/origin-cli:4.15";
const IMPORT_ENV = ["HOME", "IMAGE_STREAMS", "IMAGE_TAG", "NAMESPACE"];
const CLEANUP_ENV = ["HOME", "SANDBOX_NAMESPACE", "POD_MAX_AGE_HOURS", "PVC_GRACE_MINUTES"];

function mismatches(script: string, env: readonly string[]): string[] {
    const verdict = containerVerdict(loadEvidence("shared/origin-cli@4.15.yaml"), {
        image: IMAGE,
        command: ["/bin/bash", "-c", script],
        env: env.map((name) => ({ name })),
        probes: [],
    });
    assert.equal(verdict.state, "checked");
    return verdict.state === "checked" ? verdict.mismatches : [];
}

describe("the program's oc scripts against openshift/oc release-4.15 (issue 51)", () => {
    it("pass oc and kubectl only flags their commands define, and expand every variable their jobs set", () => {
        assert.deepEqual(mismatches(IMPORT_IMAGES_SCRIPT, IMPORT_ENV), []);
        assert.deepEqual(mismatches(SANDBOX_CLEANUP_SCRIPT, CLEANUP_ENV), []);
        assert.deepEqual(
            mismatches(restartScript({ namespace: "thoth-backend", deployments: ["a", "b"] }), []),
            [],
        );
    });

    it("finds the calls across continued lines, pipes and command substitutions", () => {
        const calls = scriptCommands(SANDBOX_CLEANUP_SCRIPT).filter((w) => w[0] === "oc");
        assert.deepEqual(
            calls.map((w) => w[1]),
            ["get", "delete", "get", "get", "delete"],
        );
        assert.ok(calls[3].includes("-l") && calls[3].includes("app.kubernetes.io/managed-by!=pulumi"));
        // Bare names of an arithmetic expansion are read as well.
        assert.ok(scriptVariables(SANDBOX_CLEANUP_SCRIPT).has("POD_MAX_AGE_HOURS"));
    });

    it("control: a flag oc does not define, or one another command defines, fails", () => {
        const typo = mismatches(SANDBOX_CLEANUP_SCRIPT.replace("--wait=false", "--wiat=false"), CLEANUP_ENV);
        assert.ok(
            typo.some((m) => m.includes("passes --wiat to oc")),
            typo.join("\n"),
        );
        const elsewhere = mismatches('oc delete pod -n "$NS" --type=json x', ["NS"]);
        assert.ok(
            elsewhere.some((m) => m.includes("passes --type to oc")),
            elsewhere.join("\n"),
        );
        const kubectl = mismatches(
            restartScript({ namespace: "ns", deployments: ["a"] }).replace("--namespace", "--namspace"),
            [],
        );
        assert.ok(
            kubectl.some((m) => m.includes("passes --namspace to kubectl")),
            kubectl.join("\n"),
        );
    });

    it("control: a variable neither oc nor the script reads fails", () => {
        const found = mismatches(IMPORT_IMAGES_SCRIPT, [...IMPORT_ENV, "IMAGE_TAGS"]);
        assert.deepEqual(found.length, 1, found.join("\n"));
        assert.match(found[0], /sets IMAGE_TAGS, a variable .* \(nor its script\) never reads/);
    });
});
