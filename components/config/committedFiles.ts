import { execFileSync } from "child_process";
import type { CommittedFiles } from "./identity";

/** The committed stack files at HEAD in `root`, read only by the engine run (the one that writes). */
export function gitCommittedFiles(root: string): CommittedFiles {
    return {
        atHead(stack) {
            try {
                return execFileSync("git", ["show", `HEAD:./Pulumi.${stack}.yaml`], {
                    cwd: root,
                    encoding: "utf8",
                    stdio: ["ignore", "pipe", "ignore"],
                    maxBuffer: 64 * 1024 * 1024,
                });
            } catch {
                return undefined;
            }
        },
    };
}
