import { memoryConfigSource } from "../../components/config/source";
import { SYSTEMS } from "../../components/systems";
import { recordProgram } from "../plan/run";
import { systemOf } from "../plan/render";
import { readStackFile } from "../plan/stackfile";
import { generatedStandIns } from "../mocks/fakes";
import { withQuietStacks } from "../plan/stacks";
import { Targets } from "./model";
import { prowJobTargets } from "./prowJobs";
import { verifiedSystems } from "./systems";
import {
    Recorded,
    SecretReader,
    callystoTargets,
    clusterChecks,
    hookTargets,
    hostTargets,
    metricsTargets,
    generatedMarker,
    secretMarker,
    stateRecords,
} from "./targets";

// The targets of a stack: the program recorded offline (as the plan does) with each secret replaced by a marker of
// its key, and each password the stack generates by a marker of its resource, so the certificate and HMAC values
// verify compares with are read from the stack config by key or from the state by resource (a throw-away
// environment's generated stand-ins), and nothing else is decrypted.

/** The program of `stack` recorded with secret markers, each resource with its system. */
export async function recordWithMarkers(stack: string, root: string): Promise<Recorded[]> {
    const file = readStackFile(stack, root);
    const source = memoryConfigSource(
        file.values,
        Object.fromEntries(file.secureKeys.map((k) => [k, secretMarker(k)])),
        { stack: file.stack, foreignKeys: file.foreignKeys, duplicates: file.duplicates },
    );
    const recorded = await withQuietStacks(() =>
        recordProgram(stack, source, { placeholderSecret: (spec) => secretMarker(spec.key), root }),
    );
    const byUrn = new Map(recorded.map((r) => [r.urn, r]));
    const sections = SYSTEMS.map((s) => s.section);
    // The recording mocks' result of each generated password: the value a Secret holds when it holds that password.
    const generated = new Map(
        [...generatedStandIns(recorded)].map(([name, value]) => [value, generatedMarker(name)]),
    );
    const marked = (v: unknown): unknown =>
        typeof v === "string"
            ? (generated.get(v) ?? v)
            : Array.isArray(v)
              ? v.map(marked)
              : typeof v === "object" && v !== null
                ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, marked(x)]))
                : v;
    return recorded.map((r) => ({
        type: r.type,
        name: r.name,
        system: systemOf(r, byUrn, sections),
        inputs: marked(r.inputs) as Record<string, unknown>,
    }));
}

export interface StackInputs {
    stack: string;
    /** The stack file's values (without the `runbooks:` prefix). */
    values: Record<string, unknown>;
    recorded: readonly Recorded[];
    reader: SecretReader;
    /** The state's resources, when it could be read (Designate records with the addresses the cloud gave). */
    state?: readonly { type: string; urn: string; outputs?: Record<string, unknown> }[];
    /** Only these systems (`--system`), and not these (`--exclude-system`). */
    only?: readonly string[];
    except?: readonly string[];
}

export async function targetsOf(s: StackInputs): Promise<Targets> {
    const systems = verifiedSystems(
        s.values,
        SYSTEMS.map((d) => d.section),
    ).filter((x) => (!s.only?.length || s.only.includes(x)) && !s.except?.includes(x));
    const hosts = await hostTargets(s.recorded, systems, s.reader);
    const callysto = systems.includes("callysto")
        ? callystoTargets(s.values.callysto as Parameters<typeof callystoTargets>[0])
        : { hosts: [], hubs: [], records: [] };
    return {
        stack: s.stack,
        hosts: [...hosts, ...callysto.hosts],
        records: [...callysto.records, ...stateRecords(s.state ?? [])],
        hooks: await hookTargets(s.recorded, hosts, s.reader),
        metrics: metricsTargets(hosts),
        hubs: callysto.hubs,
        prowJobs: prowJobTargets(s.recorded, systems, (system) => {
            const cluster = (s.values[system] as { cluster?: unknown } | undefined)?.cluster;
            return typeof cluster === "string" ? cluster : undefined;
        }),
        cluster: clusterChecks(systems),
    };
}
