// What a deploy job's `pulumi up` registers, computed in the job's own tree (the clone) without the engine or the
// network: the clone's compiled program, its stack file read as the engine reads it (secrets it does not set stood in
// for, as the offline plan does), run under the recording mocks the way `pulumi up` runs it (deployProgram's `live`
// scope). The systems are those of the top-level components it registered, and of its liveSystems output.
import { spawnSync } from "child_process";

const SCRIPT = `
const root = process.cwd();
const stack = process.argv[1];
const { readStackFile, stackFileSource } = require(root + "/dist/tools/plan/stackfile");
const { loadProgramConfig } = require(root + "/dist/components/config/load");
const { SYSTEMS } = require(root + "/dist/components/systems");
const { deployProgram, LIVE_SYSTEMS_OUTPUT } = require(root + "/dist/components/program");
const { installRecorder, settle } = require(root + "/dist/tools/mocks/recorder");
const { systemOf } = require(root + "/dist/tools/plan/render");
(async () => {
    const config = loadProgramConfig(stackFileSource(readStackFile(stack, root), "[secret]"), SYSTEMS, {
        placeholderSecret: () => "[secret]",
        root,
    });
    const recorder = installRecorder(stack);
    const outputs = deployProgram(config, "live");
    await settle();
    const byUrn = new Map(recorder.resources.map((r) => [r.urn, r]));
    const sections = SYSTEMS.map((s) => s.section);
    const systems = [...new Set(recorder.resources.map((r) => systemOf(r, byUrn, sections)))].filter((s) => s !== "program");
    process.stdout.write(JSON.stringify({ registered: systems, liveSystems: outputs[LIVE_SYSTEMS_OUTPUT], staged: config.staged }));
})().catch((err) => {
    process.stderr.write(String(err && err.message));
    process.exit(1);
});
`;

export interface LiveDeploy {
    /** The systems whose resources the up registers, in registration order. */
    registered: string[];
    /** Its liveSystems stack output. */
    liveSystems: string[];
    /** The systems the stack file stages. */
    staged: string[];
}

/** What `pulumi up --stack <stack>` registers in `dir` (a built checkout), by system. */
export function liveDeploy(dir: string, stack: string): LiveDeploy {
    const res = spawnSync(process.execPath, ["-e", SCRIPT, stack], {
        cwd: dir,
        encoding: "utf8",
        env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" },
    });
    if (res.status !== 0) throw new Error(`the program of ${dir} for stack ${stack} failed:\n${res.stderr}`);
    return JSON.parse(res.stdout) as LiveDeploy;
}
