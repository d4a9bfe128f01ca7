import * as pulumi from "@pulumi/pulumi";
import { staleRunningBuild } from "./components/shared/buildFreshness";

// Before the program loads: dist/ built from other sources than this checkout would deploy code nobody reviewed.
const stale = staleRunningBuild();
if (stale !== undefined) {
    // A RunError: the engine prints its message alone. The engine still formats the hidden stack, which through
    // source-map-support parses every SDK source map (20 s): the stack is the message.
    const err = new pulumi.RunError(stale);
    err.stack = stale;
    throw err;
}

import { runProgramOnEngine } from "./components/program";

// Every enabled system's outputs become one stack output named after its config section. Only the engine runs this
// file: its run checks the committed production file and each cluster's live identity before registering anything.
export = runProgramOnEngine();
