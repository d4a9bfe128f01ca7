import { strict as assert } from "assert";
import { runProgramOnEngine } from "../../components/program";
import { ConfigError } from "../../components/config/problems";
import { ConfigSource, memoryConfigSource } from "../../components/config/source";
import { SYSTEMS } from "../../components/systems";
import {
    onlyProblem,
    operatorCheckout,
    recorder,
    reinstallRecorder,
    resetRecorder,
    settled,
    stackSecrets,
    stackValues,
} from "../harness";
import { cleanKubeconfig } from "./guards/identityCases";

// Issue 52 item 1: the program as the engine runs it awaits the live identity of every cluster before it registers
// anything. The probe is injected (the e2e runs the real one against kwok); a wrong cluster leaves the recorder empty.

const PSI_UID = "3f6c2a7e-1d2b-4c5e-9f80-7a1b2c3d4e5f";
const OTHER_UID = "9b8e7d6c-5a4b-4c3d-8e2f-1a0b9c8d7e6f";

/** Stage as its operator has it, psi pinned, every kubeconfig decrypted by the source as the real one does. */
function stageSource(): ConfigSource {
    const values = stackValues("stage");
    (values.clusters as Record<string, Record<string, unknown>>).psi.identity = { uid: PSI_UID };
    const secrets = stackSecrets("stage");
    for (const k of Object.keys(secrets)) {
        if (k.startsWith("kubeconfig-")) secrets[k] = cleanKubeconfig(k.slice("kubeconfig-".length));
    }
    const base = memoryConfigSource(values, secrets, { stack: "stage" });
    return { ...base, getValue: (k) => (k in secrets ? secrets[k] : base.getValue(k)) };
}

describe("the engine run: identity before any registration (issue 52 item 1)", function () {
    this.timeout(120000);
    let root: string;
    before(() => (root = operatorCheckout()));

    it("a credential that reaches another cluster than the pinned one registers nothing", async () => {
        reinstallRecorder();
        resetRecorder();
        const probed: string[] = [];
        const run = runProgramOnEngine(
            stageSource(),
            SYSTEMS,
            async (_kubeconfig, _context, openshift) => {
                probed.push(String(openshift));
                return { uid: OTHER_UID };
            },
            root,
            async () => undefined,
        );
        await assert.rejects(run, (err: unknown) => {
            assert.ok(err instanceof ConfigError);
            onlyProblem(err, "runbooks:clusters.psi.identity.uid");
            return true;
        });
        await settled();
        assert.deepEqual(recorder.resources, [], "registered before the probe answered");
        assert.ok(probed.length > 0, "the probe ran");
    });

    it("control: the pinned cluster deploys", async () => {
        reinstallRecorder();
        resetRecorder();
        const outputs = await runProgramOnEngine(
            stageSource(),
            SYSTEMS,
            async () => ({ uid: PSI_UID }),
            root,
            async () => undefined,
        );
        assert.ok(Object.keys(outputs).length > 0);
        const resources = await settled();
        assert.ok(resources.length > 0, "nothing registered");
    });
});
