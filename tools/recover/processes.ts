import { readFileSync, readdirSync, readlinkSync, realpathSync } from "fs";
import * as path from "path";

// The engine starts every plugin (language host, providers) in the program's directory and in a process group of its
// own (sdk/go/common/resource/plugin: cmd.Dir = pwd, RegisterProcessGroup), so killing the CLI leaves them running,
// re-parented away from it. That is how they are found: their working directory is in the project, their executable
// is a plugin, and no `pulumi` process is their parent any more.

export interface ProjectProcess {
    pid: number;
    /** The command line, as `ps` shows it. */
    cmd: string;
}

interface ProcessInfo extends ProjectProcess {
    ppid: number;
    name: string;
    cwd: string;
}

function readProcess(pid: number): ProcessInfo | undefined {
    try {
        const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8")
            .split("\0")
            .filter((a) => a !== "");
        // stat: "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ")".
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
        return {
            pid,
            ppid,
            name: path.basename(argv[0] ?? ""),
            cmd: argv.join(" "),
            cwd: readlinkSync(`/proc/${pid}/cwd`),
        };
    } catch {
        return undefined; // gone meanwhile, or not ours to read
    }
}

function processes(): ProcessInfo[] {
    return readdirSync("/proc")
        .map(Number)
        .filter((pid) => Number.isInteger(pid) && pid !== process.pid)
        .flatMap((pid) => readProcess(pid) ?? []);
}

const PLUGIN = /^pulumi-(resource|language|analyzer|converter)-/;

/** Plugins working in `projectDir` whose CLI is gone (with what they started), and the `pulumi` CLIs running there. */
export function projectProcesses(projectDir: string): { orphans: ProjectProcess[]; clis: ProjectProcess[] } {
    const dir = realpathSync(projectDir);
    const all = processes();
    const byPid = new Map(all.map((p) => [p.pid, p]));
    // The engine starts plugins in the program's directory (Pulumi.yaml's main: dist/ here), so inside the project.
    const inProject = all.filter((p) => p.cwd === dir || p.cwd.startsWith(`${dir}${path.sep}`));
    const clis = inProject.filter((p) => p.name === "pulumi");
    const orphans = inProject.filter((p) => PLUGIN.test(p.name) && byPid.get(p.ppid)?.name !== "pulumi");
    // And what they started, such as the program the language host ran (node): it goes on without its engine too.
    for (let grew = true; grew;) {
        const more = inProject.filter((p) => !orphans.includes(p) && orphans.some((o) => o.pid === p.ppid));
        orphans.push(...more);
        grew = more.length > 0;
    }
    const strip = ({ pid, cmd }: ProcessInfo) => ({ pid, cmd });
    return { orphans: orphans.map(strip), clis: clis.map(strip) };
}

/** True while `pid` exists (signal 0 only checks). */
export function alive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (err) {
        return (err as NodeJS.ErrnoException).code === "EPERM";
    }
}
