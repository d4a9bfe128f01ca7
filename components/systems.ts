import { callysto } from "./callysto";
import { SystemDefinition, registered } from "./config/systemDefinition";
import { dials } from "./dials";
import { packit, stream } from "./packit";
import { prow } from "./prow";
import { thoth } from "./thoth";

/** Every system the program can deploy, in deployment order. A stack enables them in its own config. */
export const SYSTEMS: readonly SystemDefinition[] = [
    registered(thoth),
    registered(packit),
    registered(stream),
    registered(prow),
    registered(dials),
    registered(callysto),
];
