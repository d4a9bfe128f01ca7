import { strict as assert } from "assert";
import fc from "fast-check";
import { stringify } from "yaml";
import { SYSTEMS } from "../../components/systems";
import { flagName } from "../evidence/check";
import type { ImageEvidence, ReadFacts } from "../../components/shared/evidence/schema";
import { THOTH_EVIDENCE } from "../../components/thoth/evidence";
import { alphaScript, zeroHaScript, zeroSingleScript } from "../../components/thoth/station/dgraphCommands";
import { parseEvidence } from "../../components/shared/evidence/load";
import type { PlanResource } from "../../tools/plan/render";
import { COMMITTED_STACKS, stackPlan } from "../fixtures/plans";
import { replay } from "../../tools/evidence/replay";

// The Thoth part of issue 51: what the upstream sources say of the station's images, replayed over both plans with
// controls that change one fact or one object at a time, and the provenance of every fact.

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Every system's evidence, as the plans are replayed against it. */
const TABLE: readonly ImageEvidence[] = SYSTEMS.flatMap((s) => s.evidence?.table.images ?? []);
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** The table with the read facts of `image` at `version` changed by `edit`. */
function withFacts(image: string, version: string, edit: (f: ReadFacts) => ReadFacts): ImageEvidence[] {
    const out = TABLE.map(clone);
    const entry = out.find((e) => e.image === image && e.version === version);
    assert.ok(entry && entry.facts.state === "read", `no read entry for ${image}:${version}`);
    entry.facts = edit(entry.facts);
    return out;
}

/** The plan's resources with the `kind` object named `name` changed in place. */
function withObject(resources: readonly PlanResource[], kind: string, name: string, edit: (o: Json) => void) {
    const out = clone(resources) as PlanResource[];
    const r = out.find(
        (x) =>
            x.system === "thoth" && x.type.endsWith(`:${kind}`) && (x.inputs.metadata as Json)?.name === name,
    );
    assert.ok(r, `no thoth ${kind} ${name} in the plan`);
    edit(r.inputs as Json);
    return out;
}

const podOf = (o: Json): Json => o.spec.template.spec;
const thothMismatches = (resources: readonly PlanResource[], table = TABLE) =>
    replay(resources, table).mismatches.filter((m) => m.startsWith("thoth ") || m.includes("thoth."));

for (const stack of COMMITTED_STACKS) {
    describe(`the Thoth evidence replayed over the ${stack} plan (issue 51)`, () => {
        let resources: PlanResource[];
        const investigator = stack === "prod" ? "investigator-consumer" : "investigator-consumer-backend";
        before(async () => {
            resources = (await stackPlan(stack)).resources;
        });

        it("checks the station's services, jobs and bots against their source, with nothing left over", () => {
            assert.deepEqual(thothMismatches(resources), []);
            const { checked, unread } = replay(resources, TABLE);
            assert.ok(checked > 0);
            // What stays unread is exactly the images whose source could not be tied to the version pinned.
            const unreadImages = new Set(
                unread
                    .filter((u) => u.startsWith("thoth ") && !u.includes(" Service "))
                    .map((u) => u.split(": ")[1]),
            );
            for (const image of unreadImages) {
                const entry = THOTH_EVIDENCE.images.find((e) => image.startsWith(`${e.image}:`));
                assert.equal(entry?.facts.state, "unread", image);
            }
        });

        it("control: a variable under a name the image does not read fails (the reference's investigator switch)", () => {
            const renamed = withObject(resources, "Deployment", investigator, (o) => {
                const env = podOf(o).containers[0].env as Json[];
                const admin = env.find((e) => e.name === "THOTH_INVESTIGATOR_KEBECHET_ADMINISTRATOR");
                assert.ok(admin, "the consumer sets the name v0.17.0 reads");
                admin.name = "THOTH_INVESTIGATOR_SCHEDULE_KEBECHET_ADMIN";
            });
            assert.ok(
                thothMismatches(renamed).some((m) =>
                    m.includes(
                        "sets THOTH_INVESTIGATOR_SCHEDULE_KEBECHET_ADMIN, a variable quay.io/thoth-station/investigator:v0.17.0 never reads",
                    ),
                ),
            );
        });

        it("control: a topic a job publishes and no workload consumes fails", () => {
            const table = withFacts("quay.io/thoth-station/investigator", "v0.17.0", (f) => ({
                ...f,
                consumes: (f.consumes ?? []).filter(
                    (q) => q.name !== "thoth.package-release.package-released",
                ),
            }));
            assert.ok(
                thothMismatches(resources, table).some((m) =>
                    /package-release.*: publishes to thoth\.package-release\.package-released, which no worker of the plan serves/.test(
                        m,
                    ),
                ),
            );
        });

        it("control: a probe on a path the API does not serve, or a Service to a port nobody serves, fails", () => {
            const probed = withObject(resources, "Deployment", "user-api", (o) => {
                podOf(o).containers[0].readinessProbe.httpGet.path = "/healthz";
            });
            assert.ok(
                thothMismatches(probed).some((m) => m.includes("readiness probe asks /healthz on 8080")),
            );
            const missed = withObject(resources, "Service", "investigator-faust-web", (o) => {
                o.spec.ports[0].targetPort = 6067;
            });
            assert.ok(
                thothMismatches(missed).some((m) =>
                    m.includes("investigator-faust-web port 80 targets 6067"),
                ),
            );
        });

        it("control: an image version the evidence was not read at has no entry, naming the versions it has", () => {
            const bumped = withObject(resources, "Deployment", "user-api", (o) => {
                podOf(o).containers[0].image = "quay.io/thoth-station/user-api:v0.35.13";
            });
            assert.ok(
                thothMismatches(bumped).some((m) =>
                    m.includes(
                        "runs quay.io/thoth-station/user-api:v0.35.13, which the evidence has no entry for (it has v0.35.10, v0.35.12)",
                    ),
                ),
            );
        });
    });
}

describe("the Thoth evidence's provenance", () => {
    const PROVENANCE = /^[\w.-]+\/[\w.-]+@[0-9a-f]{10}:[^:]+:[0-9][0-9,-]*$/;
    const read = THOTH_EVIDENCE.images.flatMap((e) => (e.facts.state === "read" ? [{ e, f: e.facts }] : []));

    it("names a commit, path and line for every fact of every read image", () => {
        assert.ok(read.length >= 20, `only ${read.length} images read`);
        for (const { e, f } of read) {
            assert.match(e.source.commit, /^[0-9a-f]{40}$/, `${e.image}:${e.version}`);
            const facts = [
                ...f.listens,
                ...(f.flags === "none" ? [] : f.flags),
                ...f.env,
                ...f.files,
                ...(f.consumes ?? []),
                ...(f.publishes ?? []),
            ];
            for (const fact of facts) assert.match(fact.at, PROVENANCE, `${e.image}:${e.version}`);
        }
    });

    it("reads back any source and line written as owner/repo@commit:path:line, and refuses a fact without one", () => {
        const word = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,15}$/);
        const name = fc.stringMatching(/^[A-Z][A-Z0-9_]{0,20}$/);
        fc.assert(
            fc.property(
                word,
                word,
                fc.stringMatching(/^[0-9a-f]{40}$/),
                fc.array(word, { minLength: 1, maxLength: 3 }),
                fc.integer({ min: 1, max: 5000 }),
                fc.uniqueArray(name, { minLength: 1, maxLength: 5 }),
                fc.nat(),
                (owner, repo, commit, dirs, line, names, pick) => {
                    const at = `${owner}/${repo}@${commit.slice(0, 10)}:${dirs.join("/")}:${line}`;
                    const env = names.map((n) => ({ name: n, at }));
                    const file = (facts: object) =>
                        stringify({
                            image: `quay.io/${owner}/${repo}`,
                            version: "v1",
                            source: { repo: `${owner}/${repo}`, commit },
                            facts: { state: "read", listens: [], flags: "none", files: [], ...facts },
                        });
                    const [entry] = parseEvidence(`${repo}@v1.yaml`, file({ env }));
                    assert.ok(entry.facts.state === "read");
                    assert.deepEqual(
                        entry.facts.env.map((f) => f.name),
                        names,
                    );
                    for (const f of entry.facts.env) assert.match(f.at, PROVENANCE);
                    const i = pick % names.length;
                    const uncited = env.map((f, j) => (j === i ? { name: f.name } : f));
                    assert.throws(
                        () => parseEvidence(`${repo}@v1.yaml`, file({ env: uncited })),
                        (e: Error) =>
                            e.message.includes(`${repo}@v1.yaml`) && e.message.includes(`facts.env[${i}].at`),
                    );
                },
            ),
        );
    });
});

describe("Dgraph's commands against v1.0.15 (the replay skips a container with a command)", () => {
    const dgraph = THOTH_EVIDENCE.images.find((e) => e.image === "docker.io/dgraph/dgraph");
    const defined = new Set(
        dgraph?.facts.state === "read" && dgraph.facts.flags !== "none"
            ? dgraph.facts.flags.map((f) => f.name)
            : [],
    );
    /** The flags of every `dgraph zero|alpha ...` the script runs (the shell's own `-ex`, `-eq` are not dgraph's). */
    const flagsOf = (script: string) =>
        [...script.matchAll(/dgraph (?:zero|alpha)(.*)$/gm)]
            .flatMap((m) => m[1].split(/\s+/))
            .map((t) => flagName(t))
            .filter((f): f is string => f !== undefined);

    it("passes only flags dgraph zero and alpha define, whatever the sizes and whitelist", () => {
        assert.ok(defined.size > 0);
        fc.assert(
            fc.property(
                fc.integer({ min: 1, max: 9 }),
                fc.integer({ min: 256, max: 65536 }),
                fc.option(fc.constant("172.54.0.0:172.54.255.255"), { nil: undefined }),
                (replicas, lruMb, whitelist) => {
                    const scripts = [
                        zeroHaScript(replicas),
                        zeroSingleScript(),
                        alphaScript({ zero: "zero-0:5080", lruMb, whitelist }),
                    ];
                    for (const flag of scripts.flatMap(flagsOf)) assert.ok(defined.has(flag), flag);
                },
            ),
        );
    });

    it("control: a flag v1.0.15 does not define is caught", () => {
        assert.ok(!defined.has("tls_cacert"));
        const flags = flagsOf(`${alphaScript({ zero: "z:5080", lruMb: 1024 })} --tls_cacert x`);
        assert.ok(flags.some((f) => !defined.has(f)));
    });
});
