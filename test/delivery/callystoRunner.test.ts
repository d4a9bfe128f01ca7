// Callysto deploys from clavius (runbook 004: the certificate directory is there, and sshSources admits Ansible only
// from there). Every workflow job that acts on a live stack (an `up`, or a refreshing preview) either runs on the
// self-hosted clavius runner and covers exactly Callysto, or runs on a hosted runner, leaves exactly Callysto out and
// says so in one line.
import { strict as assert } from "assert";
import fc from "fast-check";
import { readFileSync } from "fs";
import * as path from "path";
import { parse } from "yaml";
import { repoRoot } from "../../tools/root";
import { recordedResources, stackPlan } from "../fixtures/plans";
import { Job, Step, loadWorkflow } from "./workflowFiles";

/**
 * Whether `glob` (a --target/--exclude value) names `urn`, as the engine decides (pulumi/pulumi
 * pkg/resource/deploy/deployment.go, UrnTargets.getMatcher): `**` is any text, `*` any text without `:`, the rest
 * literal, the whole URN matched; a value without `*` is a literal URN.
 */
export function urnGlobMatches(glob: string, urn: string): boolean {
    if (!glob.includes("*")) return glob === urn;
    const quote = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const pattern = glob
        .split("**")
        .map((part) => part.split("*").map(quote).join("[^:]*"))
        .join(".*");
    return new RegExp(`^${pattern}$`).test(urn);
}

const CLAVIUS = ["self-hosted", "clavius"];

function lines(value: unknown): string[] {
    return String(value ?? "")
        .split(/[\n;]/)
        .map((l) => l.trim())
        .filter(Boolean);
}

/** The Pulumi step of a job that acts on the live stack: `up`, or a preview that refreshes. */
function liveStep(job: Job): Step | undefined {
    return job.steps.find(
        (s) =>
            s.uses?.startsWith("pulumi/actions@") &&
            (s.with?.command === "up" || (s.with?.command === "preview" && s.with?.refresh === true)),
    );
}

function stacksOf(job: Job, step: Step): string[] {
    const name = String(step.with?.["stack-name"]);
    return name === "${{ matrix.stack }}" ? (job.strategy?.matrix?.stack as string[]) : [name];
}

describe("Callysto runs only from clavius", function () {
    this.timeout(120_000);

    let urns: { callysto: string[]; provider: string[]; other: string[] };
    before(async () => {
        const all = (await Promise.all((["stage", "prod"] as const).map(stackPlan))).flatMap(
            recordedResources,
        );
        urns = { callysto: [], provider: [], other: [] };
        for (const r of all) {
            if (r.system === "callysto") urns.callysto.push(r.urn);
            else if (r.type === "pulumi:providers:openstack") urns.provider.push(r.urn);
            else urns.other.push(r.urn);
        }
        assert.ok(urns.callysto.length > 15 && urns.provider.length === 2 && urns.other.length > 100);
    });

    it("matches URNs the way the engine does", () => {
        const urn =
            "urn:pulumi:prod::runbooks::runbooks:callysto:Environment$openstack:compute/keypair:Keypair::k";
        assert.ok(urnGlobMatches("urn:pulumi:*::*::runbooks:callysto:Environment**", urn));
        assert.ok(!urnGlobMatches("urn:pulumi:*::runbooks:callysto:Environment**", urn), "* never spans ::");
        assert.ok(urnGlobMatches(urn, urn) && !urnGlobMatches(`${urn}x`, urn));
        fc.assert(
            fc.property(fc.string({ unit: fc.constantFrom("a", ":", "$", ".", "/") }), (s) => {
                assert.ok(urnGlobMatches("**", s));
                assert.equal(urnGlobMatches("*", s), !s.includes(":"));
            }),
        );
    });

    for (const file of ["deploy.yml", "drift.yml"]) {
        it(`${file}: hosted jobs leave out exactly Callysto, saying so; clavius jobs cover exactly Callysto, each stack`, () => {
            const wf = loadWorkflow(file);
            const fromClavius = new Set<string>();
            let hosted = 0;
            for (const [id, job] of Object.entries(wf.jobs)) {
                const step = liveStep(job);
                if (!step) continue;
                const runsOn = ([] as string[]).concat(job["runs-on"]);
                const covered = (key: "exclude" | "target", urn: string) =>
                    lines(step.with?.[key]).some((g) => urnGlobMatches(g, urn));
                if (CLAVIUS.every((l) => runsOn.includes(l))) {
                    assert.deepEqual(lines(step.with?.exclude), [], `${file} ${id}`);
                    for (const urn of [...urns.callysto, ...urns.provider]) {
                        assert.ok(covered("target", urn), `${file} ${id} leaves out ${urn}`);
                    }
                    for (const urn of urns.other)
                        assert.ok(!covered("target", urn), `${file} ${id} runs ${urn}`);
                    for (const stack of stacksOf(job, step)) fromClavius.add(stack);
                } else {
                    hosted++;
                    assert.deepEqual(lines(step.with?.target), [], `${file} ${id}`);
                    for (const urn of urns.callysto) {
                        assert.ok(
                            covered("exclude", urn),
                            `${file} ${id} would run ${urn} on a hosted runner`,
                        );
                    }
                    // The provider stays: the hosted jobs' lookups never need it, and leaving it is harmless.
                    for (const urn of [...urns.other, ...urns.provider]) {
                        assert.ok(!covered("exclude", urn), `${file} ${id} leaves out ${urn}`);
                    }
                    const notice = job.steps.findIndex((s) => /::notice::Callysto skipped/.test(s.run ?? ""));
                    assert.ok(notice >= 0 && notice < job.steps.indexOf(step), `${file} ${id}: no skip line`);
                    assert.equal(lines(job.steps[notice].run).length, 1, "one line");
                    assert.match(job.steps[notice].run!, /clavius/);
                }
            }
            assert.ok(hosted > 0);
            assert.deepEqual(
                [...fromClavius].sort(),
                ["prod", "stage"],
                "each stack's Callysto has its clavius job",
            );
        });
    }

    it("declares the clavius label for actionlint", () => {
        const config = parse(readFileSync(path.join(repoRoot(), ".github", "actionlint.yaml"), "utf8")) as {
            "self-hosted-runner": { labels: string[] };
        };
        assert.deepEqual(config["self-hosted-runner"].labels, ["clavius"]);
    });
});
