import { strict as assert } from "assert";
import { engineUrn } from "../../tools/mocks/recorder";
import { RecordedPlanResource, recordedResources, stackPlan } from "../fixtures/plans";

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
function resolveAll(resources: readonly RecordedPlanResource[]): Map<string, string[]> {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const resolved = new Map<string, string[]>();
    const resolve = (r: RecordedPlanResource): string[] => {
        const known = resolved.get(r.urn);
        if (known) return known;
        const { stack, project } = urnScope(r.urn);
        const own = r.aliases.map((a) => {
            if (a.urn) return a.urn;
            let parent = a.noParent ? "" : (a.parentUrn ?? r.parent);
            const aliasedParent = byUrn.get(parent);
            if (a.parentUrn && aliasedParent) parent = resolve(aliasedParent)[0] ?? parent;
            return engineUrn(
                a.stack ?? stack,
                a.project ?? project,
                parent,
                a.type ?? r.type,
                a.name ?? r.name,
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
    const runs: { stack: "stage" | "prod"; resources: RecordedPlanResource[] }[] = [];

    before(async () => {
        // The run's plans record the aliases the SDK sent with each registration (test/fixtures/plans.ts).
        for (const stack of ["stage", "prod"] as const) {
            runs.push({ stack, resources: recordedResources(await stackPlan(stack)) });
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
            const resolved = resolveAll(run.resources);
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
                assert.deepEqual(
                    r.aliases,
                    [{ parentUrn: bots.urn }],
                    `${r.urn}: one alias, to the Bots component as parent, keeping its name and type`,
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
                    // The Kubernetes SDK's own type aliases (a NetworkPolicy's extensions/v1beta1) move nothing.
                    r.aliases.some((a) => !(a as { type?: string }).type),
            );
            assert.deepEqual(
                aliased.map((r) => r.urn),
                [],
                run.stack,
            );
        }
    });
});
