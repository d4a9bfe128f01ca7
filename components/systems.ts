import { SystemDefinition } from "./config/system";
import { thoth } from "./thoth";

/** Every system the program can deploy, in deployment order. A stack enables them in its own config. */
export const SYSTEMS: readonly SystemDefinition[] = [thoth];
