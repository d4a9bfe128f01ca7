import { AppIdentity } from "../shared/labels";
import { DIALS_PART_OF } from "./images";

/** Identity of a DIALS object: part of `cms-dials`, with its app name and component. */
export function dialsApp(name: string, component: string): AppIdentity {
    return { name, partOf: DIALS_PART_OF, component };
}
