import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { ProgramConfig, loadProgramConfig } from "../../components/config/load";
import { ConfigError, ConfigProblem } from "../../components/config/problems";
import { ConfigSource, memoryConfigSource } from "../../components/config/source";
import { isLive } from "../../components/config/system";
import { LIVE_SYSTEMS_OUTPUT, readDeployed, runProgramOnEngine, todoLines } from "../../components/program";
import { SYSTEMS } from "../../components/systems";
import { fakeId, fakeInvoke, fakeOutputs } from "../../tools/mocks/fakes";
import { settle } from "../../tools/mocks/recorder";
import { readStackFile, stackFileSource } from "../../tools/plan/stackfile";
import { reinstallRecorder, operatorCheckout, stackSecrets, stackValues } from "../harness";
import { cleanKubeconfig } from "./guards/identityCases";

// Issue 83 part 1: systems go live one at a time. A staged system is checked in full, its unset secrets and
// placeholders are its to-do (never a problem), `pulumi up` registers nothing of it, and staging a system the last
// `up` deployed is refused before anything is registered.

const SECTIONS = SYSTEMS.map((s) => s.section);

/** The committed prod file as `pulumi preview` reads it (no secret set: prod sets none), `live` turned live. */
function prodWith(live: readonly string[]): ConfigSource {
    const file = readStackFile("prod");
    for (const s of SECTIONS) {
        const section = file.values[s] as { enabled?: boolean; status?: string } | undefined;
        if (section?.enabled) section.status = live.includes(s) ? "live" : "staged";
    }
    return stackFileSource(file, "[secret]");
}

/** The problems the engine's load of `source` stops on (none: the configuration it accepts). */
function engineLoad(source: ConfigSource): { problems: readonly ConfigProblem[]; config?: ProgramConfig } {
    try {
        return { problems: [], config: loadProgramConfig(source, SYSTEMS) };
    } catch (err) {
        assert.ok(err instanceof ConfigError, String(err));
        assert.doesNotMatch(err.message, /at .*\.[jt]s:\d+/, "no stack trace in a user error");
        return { problems: err.problems };
    }
}

/** Whether a key is DIALS's: its section, its secrets, or its cluster's (cern-paas: kubeconfig, pin). */
const dialsOwn = (key: string) =>
    /^runbooks:(dials[.-]|kubeconfig-cern-paas$|clusters\.cern-paas\.)/.test(key);

describe("systems go live one at a time (issue 83 part 1)", function () {
    this.timeout(120_000);

    it("the committed prod file stages every system: a preview stops on nothing, and lists 161 to-do items", () => {
        const file = readStackFile("prod");
        assert.deepEqual(
            SECTIONS.filter((s) => isLive(file.values[s])),
            [],
        );
        const { problems, config } = engineLoad(stackFileSource(file, "[secret]"));
        assert.deepEqual(problems, []);
        assert.deepEqual(config!.staged, SECTIONS);
        // The issue counted 111 secrets and 53 placeholders before prod could deploy every system. One fewer (was
        // 164) since prow.images.rehearse pins the release kubevirt/project-infra@2c863fd names (facts/images/prow.yaml);
        // two fewer again since thoth's nepthys and dgraph images are releases their deployment repositories name
        // (thoth-application@f2cf35f, dgraph-thoth-config@1979d32: facts/images/thoth.yaml), so production accepts them.
        assert.equal(config!.todo.length, 161);
        assert.deepEqual(
            config!.deployments.filter((d) => d.live),
            [],
        );
    });

    it("prod with only DIALS live previews needing DIALS's secrets and placeholders alone", () => {
        const { problems } = engineLoad(prodWith(["dials"]));
        assert.ok(problems.length > 0);
        assert.deepEqual(
            problems.map((p) => p.key).filter((k) => !dialsOwn(k)),
            [],
            "a problem of another system",
        );
        for (const k of [
            "runbooks:dials-django-database-uri",
            "runbooks:kubeconfig-cern-paas",
            "runbooks:dials.databaseServer",
        ])
            assert.ok(
                problems.some((p) => p.key === k),
                k,
            );
        // Control: Thoth live too brings its own (the filter above can fail).
        const both = engineLoad(prodWith(["dials", "thoth"])).problems.map((p) => p.key);
        assert.ok(both.some((k) => k.startsWith("runbooks:thoth-")));
        assert.ok(both.some((k) => !dialsOwn(k)));
    });

    it("prod with only DIALS live plans needing DIALS's secrets alone; the others' are to-do", () => {
        const unset: string[] = [];
        const config = loadProgramConfig(prodWith(["dials"]), SYSTEMS, {
            placeholderSecret: (spec) => {
                unset.push(spec.key);
                return "[secret]";
            },
        });
        const todo = new Set(config.todo.map((p) => p.key));
        const blocking = unset.filter((k) => !todo.has(`runbooks:${k}`));
        assert.ok(blocking.includes("dials-django-database-uri"));
        assert.deepEqual(
            blocking.filter((k) => !dialsOwn(`runbooks:${k}`)),
            [],
        );
        assert.deepEqual(
            config.operatorValues.map((p) => p.key).filter((k) => !dialsOwn(k)),
            [],
        );
        assert.deepEqual(
            config.staged,
            SECTIONS.filter((s) => s !== "dials"),
        );
        // Every other system is planned in full (the plan records it), marked staged.
        assert.deepEqual(
            config.deployments.map((d) => [d.def.section, d.live]),
            SECTIONS.map((s) => [s, s === "dials"]),
        );
        const lines = todoLines(config);
        assert.ok(
            lines.some((l) => /^STAGED runbooks:thoth: .*runbooks:thoth-sesheta-ssh-privatekey/.test(l)),
        );
        assert.ok(lines.every((l) => !l.includes("[secret]")));
    });
});

/** Stage as its operator has it, every kubeconfig decrypted, `staged` systems staged and the rest live. */
function stageSource(staged: readonly string[]): ConfigSource {
    const values = stackValues("stage");
    (values.clusters as Record<string, Record<string, unknown>>).psi.identity = { uid: PSI_UID };
    for (const s of staged) (values[s] as { status: string }).status = "staged";
    const secrets = stackSecrets("stage");
    for (const k of Object.keys(secrets)) {
        if (k.startsWith("kubeconfig-")) secrets[k] = cleanKubeconfig(k.slice("kubeconfig-".length));
    }
    const base = memoryConfigSource(values, secrets, { stack: "stage" });
    return { ...base, getValue: (k) => (k in secrets ? secrets[k] : base.getValue(k)) };
}

const PSI_UID = "3f6c2a7e-1d2b-4c5e-9f80-7a1b2c3d4e5f";

/**
 * Mocks whose StackReference to the stack answers `outputs` (the last `up`'s), recording every registered type: the
 * real {@link readDeployed} runs against them.
 */
function mocksWithLastUp(outputs: Record<string, unknown> | undefined): string[] {
    const registered: string[] = [];
    void pulumi.runtime.setMocks(
        {
            newResource: (args) => {
                registered.push(args.type);
                if (args.type === "pulumi:pulumi:StackReference")
                    return {
                        id: String(args.inputs.name),
                        state: { ...args.inputs, outputs: outputs ?? {}, secretOutputNames: [] },
                    };
                const state = { ...args.inputs, ...fakeOutputs(args.type, args.name, args.inputs) };
                return { id: args.custom ? fakeId(args.type, args.name) : undefined, state };
            },
            call: (args) =>
                args.token === "kubernetes:kustomize:directory"
                    ? { result: [] }
                    : fakeInvoke(args.token, args.inputs),
        },
        "runbooks",
        "stage",
        false,
        "organization",
    );
    return registered;
}

describe("staging a system the last pulumi up deployed (issue 83 part 1)", function () {
    this.timeout(120_000);
    let root: string;
    before(() => (root = operatorCheckout()));
    after(() => reinstallRecorder());

    const others = SECTIONS.filter((s) => s !== "dials");
    const run = (staged: readonly string[]) =>
        runProgramOnEngine(stageSource(staged), SYSTEMS, async () => ({ uid: PSI_UID }), root, readDeployed);

    it("is refused with one message naming runbooks:dials.status, before anything else is registered", async () => {
        const registered = mocksWithLastUp({ [LIVE_SYSTEMS_OUTPUT]: ["dials"] });
        await assert.rejects(run(SECTIONS), (err: unknown) => {
            assert.ok(err instanceof ConfigError);
            assert.deepEqual(
                err.problems.map((p) => p.key),
                ["runbooks:dials.status"],
            );
            assert.match(
                err.message,
                /runbooks:dials\.status: is staged, but this system is deployed \(the stack output liveSystems of the last update lists it\)/,
            );
            // "Set it back to live" says the value; no printed command sets one (issue 85).
            assert.match(
                err.message,
                /Set it back to live; removing a system is enabled: false, never staged/,
            );
            assert.doesNotMatch(err.message, /fix: |pulumi config set/);
            assert.doesNotMatch(err.message, /at .*\.[jt]s:\d+/);
            process.stdout.write(`      refusal: ${err.message.split("\n").slice(0, 3).join("\n      ")}\n`);
            return true;
        });
        assert.deepEqual(registered, ["pulumi:pulumi:StackReference"]);
    });

    it("reads a stack last updated before the liveSystems output by its systems' own outputs", async () => {
        mocksWithLastUp({ dials: { namespace: "x" } });
        await assert.rejects(run(SECTIONS), /runbooks:dials\.status: is staged/);
    });

    it("control: a stack that never deployed DIALS stages it; DIALS registers nothing and is not in liveSystems", async () => {
        const registered = mocksWithLastUp(undefined);
        const outputs = await run(["dials"]);
        await settle();
        assert.ok(!("dials" in outputs));
        assert.deepEqual(outputs[LIVE_SYSTEMS_OUTPUT], others);
        assert.ok(registered.some((t) => t.startsWith("runbooks:thoth:")));
        assert.ok(!registered.some((t) => t.startsWith("runbooks:dials:")), "a staged system registered");
    });

    it("control: DIALS live again deploys it, and only it", async () => {
        const registered = mocksWithLastUp({ [LIVE_SYSTEMS_OUTPUT]: ["dials"] });
        const outputs = await run(others);
        await settle();
        assert.deepEqual(outputs[LIVE_SYSTEMS_OUTPUT], ["dials"]);
        // The shared components (runbooks:shared:Workload, ...) a system's own component is the parent of.
        const systems = new Set(
            registered.filter((t) => t.startsWith("runbooks:")).map((t) => t.split(":")[1]),
        );
        assert.deepEqual(
            [...systems].filter((s) => s !== "shared"),
            ["dials"],
        );
        assert.ok(!registered.includes("runbooks:thoth:Thoth"));
    });
});
