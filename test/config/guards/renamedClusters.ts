import { Document } from "yaml";
import { C } from "../battery";

// Stack-file edits that move a system onto a renamed copy of a cluster entry: the way a stack could escape
// production's grants if a cluster were its name rather than its API server (issue 38, finding 1; issue 52 item 1).

/**
 * Stage's psi entry renamed psi-renamed, with `server` as its apiServer (undefined: the entry has none), and
 * Thoth's bots moved into `namespace`.
 */
export function renamedPsi(server: string | undefined, namespace: string): (d: Document) => void {
    return (d) => {
        const psi = d.getIn(C("clusters", "psi"));
        d.deleteIn(C("clusters", "psi"));
        d.setIn(C("clusters", "psi-renamed"), psi);
        if (server === undefined) d.deleteIn(C("clusters", "psi-renamed", "apiServer"));
        else d.setIn(C("clusters", "psi-renamed", "apiServer"), server);
        d.setIn(C("thoth", "cluster"), "psi-renamed");
        d.setIn(C("thoth", "bots", "namespace"), namespace);
    };
}

/**
 * Stage's packit-auto entry renamed packit-elsewhere (with `server` as its apiServer; undefined: as stage's entry
 * has it, none), Packit and Stream moved onto it and Packit into production's namespace.
 */
export function renamedPackit(server?: string): (d: Document) => void {
    return (d) => {
        const c = d.getIn(C("clusters", "packit-auto"));
        d.deleteIn(C("clusters", "packit-auto"));
        d.setIn(C("clusters", "packit-elsewhere"), c);
        if (server !== undefined) d.setIn(C("clusters", "packit-elsewhere", "apiServer"), server);
        d.setIn(C("packit", "cluster"), "packit-elsewhere");
        d.setIn(C("stream", "cluster"), "packit-elsewhere");
        d.setIn(C("packit", "namespace"), "packit-prod");
        d.setIn(C("clusters", "packit-elsewhere", "namespaces", "packit-prod"), "packit");
    };
}
