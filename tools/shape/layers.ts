// The layers of components/ (issue 53): the building blocks (components/shared) stand on nothing of the program, the
// stack config and the system contract (components/config) stand on the building blocks only, the system folders
// stand on both, and the tools on those two and the registry of systems. A lower layer that imports a higher one knows what stands on it: a system's table or a config rule
// in the base means every change to a system reaches into it. Read from the import graph, type-only imports included.

/** A folder of the program and the folders (or single files) outside it that its files may import from. */
export interface Layer {
    folder: string;
    mayImport: readonly string[];
}

/** The layers, lowest first. A file outside every layer's folder (a system's, the program's) may import any. */
export const LAYERS: readonly Layer[] = [
    { folder: "components/shared", mayImport: [] },
    { folder: "components/config", mayImport: ["components/shared"] },
    // The tools read the systems through their one public interface, the registry of definitions, never a system's
    // own files: what a tool needs of a system is a member of its SystemDefinition.
    {
        folder: "tools",
        mayImport: [
            "components/shared",
            "components/config",
            "components/systems.ts",
            "components/program.ts",
        ],
    },
];

/** Whether `file` is `place` (a file) or lies in it (a folder). */
const within = (file: string, place: string) => file === place || file.startsWith(`${place}/`);

/**
 * Every import of `graph` (file → files it imports, components/ relative to the checkout) that leaves its layer's
 * folder for one the layer may not import from, as `from -> to`, sorted.
 */
export function layerBreaches(
    graph: ReadonlyMap<string, readonly string[]>,
    layers: readonly Layer[] = LAYERS,
): string[] {
    const breaches: string[] = [];
    for (const [from, targets] of graph) {
        const layer = layers.find((l) => within(from, l.folder));
        if (layer === undefined) continue;
        for (const to of targets)
            if (!within(to, layer.folder) && !layer.mayImport.some((folder) => within(to, folder)))
                breaches.push(`${from} -> ${to}`);
    }
    return breaches.sort();
}
