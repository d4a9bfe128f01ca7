import { SectionBase } from "../config/system";
import { ProwConfig } from "./config";
import { ResolvedEnvironment } from "./resolve";
import { PlannedSecret } from "./secrets";

// Apart from ./config.ts: the environment is resolved from the parsed settings (./resolve.ts reads ProwConfig), so
// the section that carries it sits above both.

/**
 * The `prow` section as its check builds it (checks.ts): the stack's settings, the environment with them applied,
 * and where each Secret's values come from. Deploy reads only this, so it never meets a value nobody provides; it
 * keeps the parsed settings, so what reads a section (namespaces, hosts) reads this one alike.
 */
export interface ProwSection extends ProwConfig, SectionBase {
    cluster: string;
    status: ProwConfig["status"];
    /** The environment's typed defaults with the stack's overrides applied: every object is built from it. */
    resolved: ResolvedEnvironment;
    /** Each Secret with where its values come from (`secretSource`). */
    secretSources: readonly PlannedSecret[];
}
