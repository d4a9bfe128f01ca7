import { ConfigProblem, keysBelow } from "../../../config/problems";
import { judgePath, loadTreesRecord, pinProblems } from "../../../shared/trees/load";
import { PathEntry, Tree, TreesRecord } from "../../../shared/trees/schema";
import { CatalogConfig } from "../../config";

// The catalog's repository, ref and module directories, judged against the record of thoth-application's tree
// (facts/trees/): a directory the pinned commit lacks fails only inside the provider's render at preview and up,
// after the rest of the station was planned, so a path or a ref the record does not hold stops the run first.

/** The record of thoth-station/thoth-application: facts/trees/thoth-application.yaml. */
export const CATALOG_TREES_NAME = "thoth-application";
const TREES_FILE = `facts/trees/${CATALOG_TREES_NAME}.yaml`;
const KEY = "thoth.station.modules.catalog";
/** What a recorded directory must serve for the catalog to render it. */
const SERVES = "catalog";

export function catalogTrees(): TreesRecord {
    return loadTreesRecord(CATALOG_TREES_NAME);
}

const { problem } = keysBelow(KEY);

/**
 * The recorded directory a module most likely meant: the one under the module's own name, else under the first
 * segment of the path it names. Only a recorded path is ever offered, so the fix cannot point at another gap.
 */
function likelyPath(serving: PathEntry[], name: string, path: string): PathEntry | undefined {
    const head = (p: string) => p.split("/")[0];
    return serving.find((p) => head(p.path) === name) ?? serving.find((p) => head(p.path) === head(path));
}

function moduleProblem(
    record: TreesRecord,
    tree: Tree,
    module: CatalogConfig["modules"][number],
    i: number,
): ConfigProblem | undefined {
    const { entry, accepted, serving } = judgePath(tree, module.path, "kustomize", SERVES);
    if (accepted) return undefined;
    const where = `${record.repository} at ${tree.commit.slice(0, 7)} (${TREES_FILE})`;
    const why =
        entry === undefined
            ? `${module.path}, which the tree of ${where} does not have`
            : `${module.path}, which the tree of ${where} holds as a ${entry.kind}${entry.kind === "kustomize" ? " the catalog may not render" : ""}`;
    const recorded = serving.map((p) => p.path).join(", ") || "none";
    const offer = likelyPath(serving, module.name, module.path);
    return problem(
        `modules[${i}].path`,
        `names ${why}: the provider's kustomize render would fail at preview and up. Recorded module directories: ${recorded}${offer ? `; did you mean ${offer.path}?` : `; record ${module.path} at ${tree.commit} in ${TREES_FILE} (read from that commit) before naming it`}`,
    );
}

/**
 * The catalog's repository, ref and module paths against the record of thoth-application: the repository must be
 * the recorded one, the ref a recorded commit, every module path a recorded kustomize directory the catalog may
 * render. Each is judged as its fix would leave the others, so one run names every problem.
 */
export function catalogTreeProblems(
    catalog: CatalogConfig | undefined,
    record: TreesRecord = catalogTrees(),
): ConfigProblem[] {
    if (!catalog?.enabled) return [];
    const { tree, problems } = pinProblems(record, catalog.repository, catalog.ref, {
        unrecordedRepository: () =>
            problem(
                "repository",
                `is ${catalog.repository}, whose tree is not recorded: only ${record.repository}'s is (${TREES_FILE}), so what its directories render was never read. Record that repository's tree at the ref to render before pointing the catalog at it`,
            ),
        unrecordedPin: (commits) =>
            problem(
                "ref",
                `is ${catalog.ref}, which names no recorded tree of ${record.repository} (recorded: ${commits.join(", ")}): which module directories it has and what they render was never read: record the tree of ${record.repository} at ${catalog.ref} in ${TREES_FILE} first (every module path, read from that commit), then keep the ref`,
            ),
    });
    if (tree === undefined) return problems;
    catalog.modules.forEach((m, i) => {
        const found = moduleProblem(record, tree, m, i);
        if (found) problems.push(found);
    });
    return problems;
}
