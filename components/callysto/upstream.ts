import { ConfigProblem, keysBelow } from "../config/problems";
import {
    judgePath,
    namesRepository,
    loadTreesRecord,
    pathIn,
    pinProblems,
    treeAt,
} from "../shared/trees/load";
import { Tree, TreesRecord } from "../shared/trees/schema";
import { HostRole, ProvisioningConfig } from "./config";
import { MachineRole } from "./hosts";

// What Callysto runs of callysto/infrastructure, judged against the record of its tree (facts/trees/): a playbook
// the pinned commit does not have fails only after init.yml has updated (and maybe rebooted) the host, so a path the
// record does not hold stops the run before anything is made.

/** The record of callysto/infrastructure: facts/trees/callysto-infrastructure.yaml. */
export const TREES_NAME = "callysto-infrastructure";
const TREES_FILE = `facts/trees/${TREES_NAME}.yaml`;

export function callystoTrees(): TreesRecord {
    return loadTreesRecord(TREES_NAME);
}

/**
 * Roles whose hosts the stats server's Prometheus scrapes through a caddy that only stats_client sets up: the
 * `hosts:` of plays/imports/stats_client.yml (callysto/infrastructure@904146a3d8bc1fd4e7cc168343d20a757cb439be:
 * ansible/plays/imports/stats_client.yml:5), which hub-cluster.yml runs after every role (same commit,
 * ansible/plays/hub-cluster.yml:16-17).
 */
export const STATS_CLIENT_ROLES: readonly MachineRole[] = ["hub", "ssp", "sharder"];

/**
 * The playbooks one host's run goes through, in order: init, its role's, and stats_client where the stack has a
 * stats server to be scraped. The environment playbook hub-cluster.yml runs the same parts for every host at once;
 * run one host at a time, each host's run re-runs alone. (Its last play, a second forced SSP refresh, is left to the
 * SSP's hourly cron: callysto/infrastructure@904146a3d8bc1fd4e7cc168343d20a757cb439be:
 * ansible/roles/internal/ssp-idp-multi/tasks/simplesamlphp_cron.yml:10-16.)
 */
export function hostPlaybooks(
    settings: Pick<ProvisioningConfig, "initPlaybook" | "playbooks" | "statsClientPlaybook">,
    role: MachineRole,
    withStats: boolean,
): string[] {
    const own = role === "workstation" ? settings.playbooks.workstation : settings.playbooks[role];
    const stats = withStats && STATS_CLIENT_ROLES.includes(role) ? [settings.statsClientPlaybook] : [];
    return [settings.initPlaybook, own, ...stats];
}

/** A key of `provisioning` naming a playbook, and what the record must say the path serves. */
interface PlaybookKey {
    key: string;
    value: string;
    serves: string;
}

function playbookKeys(prov: ProvisioningConfig): PlaybookKey[] {
    const roles: (HostRole | "workstation")[] = ["hub", "sharder", "ssp", "stats", "workstation"];
    return [
        { key: "initPlaybook", value: prov.initPlaybook, serves: "init" },
        ...roles.map((role) => ({ key: `playbooks.${role}`, value: prov.playbooks[role], serves: role })),
        { key: "statsClientPlaybook", value: prov.statsClientPlaybook, serves: "statsClient" },
        ...(prov.certificatesPlaybook === undefined
            ? []
            : [{ key: "certificatesPlaybook", value: prov.certificatesPlaybook, serves: "certificates" }]),
    ];
}

const { problem } = keysBelow("callysto.provisioning");

function playbookProblem(record: TreesRecord, tree: Tree, k: PlaybookKey): ConfigProblem | undefined {
    const { entry, accepted, serving } = judgePath(tree, k.value, "playbook", k.serves);
    if (accepted) return undefined;
    const where = `${record.repository} at ${tree.commit.slice(0, 7)} (${TREES_FILE})`;
    const why =
        entry === undefined
            ? `${k.value}, which the tree of ${where} does not have`
            : `${k.value}, which the tree of ${where} holds as ${entry.kind === "playbook" ? `a playbook for ${entry.serves.join(", ") || "no key"}` : `a ${entry.kind}`}, not for ${k.serves}`;
    const recorded = tree.paths.filter((p) => p.kind === "playbook").map((p) => p.path);
    return problem(
        k.key,
        serving.length > 0
            ? `names ${why}: ansible-playbook would stop at it, after whatever ran before it on the host. Recorded for ${k.serves}: ${serving.map((p) => p.path).join(", ")}; set it to one of them`
            : `names ${why}, and no recorded path serves ${k.serves}. Recorded playbooks: ${recorded.join(", ")}; record the playbook of ${k.serves} at ${tree.commit} in ${TREES_FILE} first`,
    );
}

/**
 * Provisioning's repository, pin and playbook paths against the record of callysto/infrastructure: the repository
 * must be the recorded one, the pin a recorded commit, and every playbook key a recorded playbook serving that key.
 * Each is judged against the record as its fix would leave the others, so one run names every problem.
 */
export function playbookProblems(
    config: { provisioning?: ProvisioningConfig },
    record: TreesRecord = callystoTrees(),
): ConfigProblem[] {
    const prov = config.provisioning;
    if (!prov?.enabled) return [];
    const { tree, problems } = pinProblems(record, prov.repo, prov.version, {
        unrecordedRepository: () =>
            problem(
                "repo",
                `is ${prov.repo}, whose tree is not recorded: only ${record.repository}'s is (${TREES_FILE}), so what a run of it does to the hosts was never read. Record that repository's tree at the commit to run before pointing provisioning at it`,
            ),
        unrecordedPin: (commits) =>
            problem(
                "version",
                `is ${prov.version}, which names no recorded tree of ${record.repository} (recorded: ${commits.join(", ")}): what its playbooks do to the hosts was never read${/^[0-9a-f]{7,40}$/.test(prov.version) ? "" : ", and a branch or a tag moves"}. Record the tree at that commit in ${TREES_FILE} (its paths and what each does to a host), then pin the commit`,
            ),
    });
    if (tree === undefined) return problems;
    for (const k of playbookKeys(prov)) {
        const found = playbookProblem(record, tree, k);
        if (found) problems.push(found);
    }
    return problems;
}

/** What the record says running `file` at the pin does to a host (none where the pin or path is not recorded). */
export function recordedEffects(prov: ProvisioningConfig, file: string): string[] {
    const record = callystoTrees();
    const tree = namesRepository(record, prov.repo) ? treeAt(record, prov.version) : undefined;
    const entry = tree && pathIn(tree, file);
    return entry ? entry.effects.map((e) => e.does) : [];
}
