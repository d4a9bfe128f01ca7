import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { RecordedResource, engineUrn } from "../../tools/mocks/recorder";
import { runThoth, withoutStation } from "./fixtures";

// Issue 28: the bot families became components of their own (KebechetFamily, SeshetaFamily, ReviewManager,
// Regidores) between the Bots component and the bot objects. That puts one more type into the URN of every bot
// object; without an alias the engine would delete each live bot object and create it again. These tests prove, from
// what the SDK sends the engine, that every moved object's registration resolves to exactly its URN from before.

/** The components that did not exist before: every object under one of them was a direct child of Bots. */
const FAMILIES = ["KebechetFamily", "SeshetaFamily", "ReviewManager", "Regidores"];
const FAMILY_SEGMENT = new RegExp(`\\$runbooks:thoth:(?:${FAMILIES.join("|")})(?=\\$)`);

/** A resource's URN before the families: its type chain without the family's type. */
function formerUrn(urn: string): string {
    return urn.replace(FAMILY_SEGMENT, "");
}

/** One alias of a registration as the SDK sent it (`Alias` of the resource monitor protocol). */
interface SentAlias {
    urn: string;
    spec?: {
        name: string;
        type: string;
        stack: string;
        project: string;
        parentUrn: string;
        noParent: boolean;
    };
}

interface AliasProto {
    getUrn(): string;
    hasSpec(): boolean;
    getSpec():
        | {
              getName(): string;
              getType(): string;
              getStack(): string;
              getProject(): string;
              getParenturn(): string;
              getNoparent(): boolean;
          }
        | undefined;
}

interface RegisterRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getAliasesList(): AliasProto[];
    getAliasurnsList(): string[];
}

type Register = (req: RegisterRequest, callback: (...args: unknown[]) => void) => void;

/**
 * Runs `body` with the aliases of every registration recorded by URN. The test recorder (tools/mocks/recorder.ts)
 * keeps no aliases, so this wraps the monitor it installed once more, for this run only.
 */
async function withAliases<T>(
    stack: string,
    body: () => Promise<T>,
): Promise<{ result: T; aliases: Map<string, SentAlias[]> }> {
    const aliases = new Map<string, SentAlias[]>();
    const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource: Register };
    const original = monitor.registerResource;
    monitor.registerResource = (req, callback) => {
        const urn = engineUrn(stack, "runbooks", req.getParent(), req.getType(), req.getName());
        const sent: SentAlias[] = req.getAliasurnsList().map((u) => ({ urn: u }));
        for (const a of req.getAliasesList()) {
            const spec = a.hasSpec() ? a.getSpec() : undefined;
            sent.push({
                urn: a.getUrn(),
                spec: spec && {
                    name: spec.getName(),
                    type: spec.getType(),
                    stack: spec.getStack(),
                    project: spec.getProject(),
                    parentUrn: spec.getParenturn(),
                    noParent: spec.getNoparent(),
                },
            });
        }
        aliases.set(urn, sent);
        original.call(monitor, req, callback);
    };
    try {
        return { result: await body(), aliases };
    } finally {
        monitor.registerResource = original;
    }
}

/** Stack and project of a URN. */
function urnScope(urn: string): { stack: string; project: string } {
    const m = /^urn:pulumi:([^:]+)::([^:]+)::/.exec(urn);
    assert.ok(m, `not a URN: ${urn}`);
    return { stack: m[1], project: m[2] };
}

/**
 * Every resource's old URNs as the engine resolves them (step_generator.go, generateAliases and
 * collapseAliasToUrn), parents before children: each alias it was sent (a spec's empty name, type, stack and project
 * mean the resource's own; its parent URN, or that parent's own first old URN, gives the type chain), and for each
 * old URN of its parent, the resource with its own type and name under that old parent (inheritedChildAlias; the
 * name stays, as no parent here is renamed).
 */
function resolveAll(
    resources: readonly RecordedResource[],
    sent: Map<string, SentAlias[]>,
): Map<string, string[]> {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const resolved = new Map<string, string[]>();
    const resolve = (r: RecordedResource): string[] => {
        const known = resolved.get(r.urn);
        if (known) return known;
        const { stack, project } = urnScope(r.urn);
        const own = (sent.get(r.urn) ?? []).map((a) => {
            if (!a.spec) return a.urn;
            let parent = a.spec.noParent ? "" : a.spec.parentUrn || r.parent;
            const aliasedParent = byUrn.get(parent);
            if (a.spec.parentUrn && aliasedParent) parent = resolve(aliasedParent)[0] ?? parent;
            return engineUrn(
                a.spec.stack || stack,
                a.spec.project || project,
                parent,
                a.spec.type || r.type,
                a.spec.name || r.name,
            );
        });
        const parent = byUrn.get(r.parent);
        const inherited = (parent ? resolve(parent) : []).map((old) => {
            const scope = urnScope(old);
            return engineUrn(scope.stack, scope.project, old, r.type, r.name);
        });
        const all = [...new Set([...own, ...inherited])];
        resolved.set(r.urn, all);
        return all;
    };
    resources.forEach(resolve);
    return resolved;
}

describe("bot families keep every bot object's state (aliases to the Bots component)", function () {
    this.timeout(120_000);
    const runs: { stack: "stage" | "prod"; resources: RecordedResource[]; sent: Map<string, SentAlias[]> }[] =
        [];

    before(async () => {
        // The bots do not depend on the station: without it each evaluation is a tenth of the time.
        for (const stack of ["stage", "prod"] as const) {
            const { result, aliases } = await withAliases("test", () => runThoth(stack, withoutStation));
            runs.push({ stack, resources: [...result], sent: aliases });
        }
    });

    it("moves the bot objects under the four family components (stage without cyborg-regidores, prod with)", () => {
        for (const run of runs) {
            const families = run.resources.filter((r) =>
                FAMILIES.some((f) => r.type === `runbooks:thoth:${f}`),
            );
            const expected = run.stack === "prod" ? FAMILIES : FAMILIES.filter((f) => f !== "Regidores");
            assert.deepEqual(
                families.map((r) => r.type.split(":")[2]).sort(),
                [...expected].sort(),
                run.stack,
            );
            const moved = run.resources.filter((r) => formerUrn(r.urn) !== r.urn);
            // Stage: 8 bots' Secrets, ConfigMaps, CronJobs, Deployments, Services and Routes; prod adds regidores'.
            assert.ok(moved.length >= 20, `${run.stack}: only ${moved.length} moved`);
        }
    });

    it("every object whose URN changed resolves, through its aliases, to exactly its URN from before", () => {
        for (const run of runs) {
            const resolved = resolveAll(run.resources, run.sent);
            const current = new Set(run.resources.map((r) => r.urn));
            const missing: string[] = [];
            for (const r of run.resources) {
                const former = formerUrn(r.urn);
                if (former === r.urn) continue;
                const old = resolved.get(r.urn) ?? [];
                if (!old.includes(former)) missing.push(`${r.urn}\n  resolves to ${JSON.stringify(old)}`);
                // An old URN that is also a current one would hand one object's state to another.
                for (const o of old)
                    assert.ok(!current.has(o), `${r.urn}: alias ${o} is a resource of this run`);
            }
            assert.deepEqual(missing, [], `${run.stack}: moved objects without an alias to their old URN`);
        }
    });

    it("the direct children of a family carry the alias themselves; deeper objects inherit it from their parent", () => {
        for (const run of runs) {
            const familyUrns = new Set(
                run.resources
                    .filter((r) => FAMILIES.some((f) => r.type === `runbooks:thoth:${f}`))
                    .map((r) => r.urn),
            );
            const bots = run.resources.find((r) => r.type === "runbooks:thoth:Bots");
            assert.ok(bots, run.stack);
            for (const r of run.resources.filter((x) => familyUrns.has(x.parent))) {
                const sent = run.sent.get(r.urn) ?? [];
                assert.deepEqual(
                    sent.map((a) => a.spec?.parentUrn),
                    [bots.urn],
                    `${r.urn}: one alias, to the Bots component as parent`,
                );
                assert.deepEqual(
                    sent.map((a) => [a.spec?.name, a.spec?.type]),
                    [["", ""]],
                    `${r.urn}: the alias keeps its name and type`,
                );
            }
        }
    });

    it("nothing else of the bots carries an alias", () => {
        for (const run of runs) {
            const aliased = run.resources.filter(
                (r) =>
                    r.urn.includes("$runbooks:thoth:Bots") &&
                    formerUrn(r.urn) === r.urn &&
                    (run.sent.get(r.urn) ?? []).length > 0,
            );
            assert.deepEqual(
                aliased.map((r) => r.urn),
                [],
                run.stack,
            );
        }
    });
});
