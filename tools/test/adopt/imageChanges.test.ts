import * as assert from "node:assert/strict";
import fc from "fast-check";
import { loadProgramConfig } from "../../../components/config/load";
import {
    ConfigError,
    ConfigProblem,
    fullKey,
    segments,
    shellQuote,
} from "../../../components/config/problems";
import { releaseRecords } from "../../../components/config/releaseGate";
import { imageName, olderRelease, releaseOfImage, releaseOfTag } from "../../../components/shared/releases";
import { SYSTEMS } from "../../../components/systems";
import {
    LiveImage,
    READ_RELEASE,
    blocksUp,
    imageChangeLines,
    imageChanges,
    pinnedRelease,
    takeoverRecords,
} from "../../adopt/imageChanges";
import { Finding } from "../../adopt/model";
import { buildReport, exitCode, printedRecordCommands, renderReport } from "../../adopt/report";
import { shellWords } from "../../cli/shellText";
import { SECRET_MASK } from "../../mocks/recorder";
import { readStackFile, stackFileSource } from "../../plan/stackfile";
import { repoRoot } from "../../root";
import { liveReport } from "./fixtures";
import { PROW_TODAY } from "../../../test/fixtures/live/prowToday";
import { inNamespaces, systemObjects } from "../../../test/fixtures/live/program";

// A takeover that changes the software a live workload runs is named, and an older release said so: today's Prow
// (kubevirt/project-infra@2c863fd, v20260819) under the runbook's pinned release (v20201020).

const finding = (changes: Finding["changes"]): Finding => ({
    cluster: "c",
    system: "s",
    id: "apps/v1/Deployment/ns/web",
    verdict: "update",
    changes,
    reasons: [],
});
const day = fc
    .date({ min: new Date("2015-01-01"), max: new Date("2030-12-31"), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10).replace(/-/g, ""));

describe("adopt: the first up's image changes (tools/adopt/imageChanges.ts)", () => {
    it("generated: an older release exactly when both tags name a release of one kind (a date or a semantic version) and the program's is earlier; unknown exactly when today's tag names none", () => {
        const version = fc.tuple(fc.nat(20), fc.nat(20), fc.nat(20));
        type Tag =
            | { kind: "date"; d: string }
            | { kind: "semver"; v: [number, number, number] }
            | { kind: "none"; t: string };
        const tag: fc.Arbitrary<Tag> = fc.oneof(
            day.map((d) => ({ kind: "date" as const, d })),
            version.map((v) => ({ kind: "semver" as const, v })),
            fc
                .constantFrom("latest", "prod", "stg", "sha-20240101")
                .map((t) => ({ kind: "none" as const, t })),
        );
        const spell = (t: Tag, suffix: string, digest: boolean) =>
            (t.kind === "date"
                ? `:v${t.d}-abc1234`
                : t.kind === "semver"
                  ? `:v${t.v.join(".")}${suffix}`
                  : `:${t.t}`) + (digest ? "@sha256:" + "0".repeat(64) : "");
        const order = (a: Tag, b: Tag): number | undefined =>
            a.kind === "date" && b.kind === "date"
                ? a.d.localeCompare(b.d)
                : a.kind === "semver" && b.kind === "semver"
                  ? a.v[0] - b.v[0] || a.v[1] - b.v[1] || a.v[2] - b.v[2]
                  : undefined;
        const cases = fc.record({
            live: tag,
            program: tag,
            digest: fc.boolean(),
            registryPort: fc.boolean(),
            list: fc.constantFrom("containers", "initContainers"),
        });
        fc.assert(
            fc.property(cases, ({ live, program, digest, registryPort, list }) => {
                const repo = registryPort ? "registry.svc:5000/ns/web" : "r.io/web";
                const [change] = imageChanges([
                    finding([
                        {
                            path: `spec.template.spec.${list}[web].image`,
                            old: `${repo}${spell(live, "", digest)}`,
                            new: `${repo}${spell(program, "", false)}`,
                        },
                        { path: "spec.template.spec.containers[web].args", old: "a", new: "b" },
                    ]),
                ]);
                assert.equal(change.container, "web");
                assert.equal(change.older, (order(program, live) ?? 0) < 0);
                assert.equal(change.liveUnknown, live.kind === "none");
            }),
            { seed: 6802, numRuns: 300 },
        );
        // A digest alone names no release; neither does a registry's port.
        const [bare] = imageChanges([
            finding([
                {
                    path: "spec.template.spec.containers[web].image",
                    old: "registry.svc:5000/ns/web@sha256:" + "1".repeat(64),
                    new: "registry.svc:5000/ns/web:v1.8.0",
                },
            ]),
        ]);
        assert.deepEqual([bare.older, bare.liveUnknown], [false, true]);
        assert.deepEqual(imageChangeLines([finding([])]), []);
    });

    it("never rolls back: an older pin or an unknown, unrecorded live release blocks the report (exit 2); a record tells the release of a floating tag", () => {
        const change = (old: string, now: string) =>
            finding([{ path: "spec.template.spec.containers[web].image", old, new: now }]);
        const report = (f: Finding, running = {}) => buildReport("prod", [f], [], [], { running });
        // A live release newer than the pin: blocked, named OLDER.
        const newer = report(change("r.io/web:v1.12.0", "r.io/web:v1.8.0"));
        assert.equal(exitCode(newer), 2);
        assert.match(
            renderReport(newer),
            /BLOCKING: the first up may roll production back.*1 of an older release/,
        );
        // The same or a newer pin: nothing blocks.
        assert.equal(exitCode(report(change("r.io/web:v1.12.0", "r.io/web:v1.12.1"))), 0);
        // A floating tag blocks until the release it runs is recorded, under the program image's name.
        const floating = change("r.io/web:latest", "r.io/web:v1.12.0");
        assert.equal(exitCode(report(floating)), 2);
        assert.match(
            renderReport(report(floating)),
            /--path clusters\.c\.running\.s\.web <the release it runs>/,
        );
        assert.equal(exitCode(report(floating, { c: { s: { web: "v1.12.0" } } })), 0);
        // A record newer than the pin: blocked as older.
        const rolledBack = report(floating, { c: { s: { web: "v1.13.0" } } });
        assert.equal(exitCode(rolledBack), 2);
        assert.ok(imageChanges(rolledBack.findings, rolledBack.running).every((c) => c.older && blocksUp(c)));
        // A digest alone names no release either; a build variant is no pre-release (1.27.4-alpine is 1.27.4).
        assert.equal(exitCode(report(change("r.io/web@sha256:" + "1".repeat(64), "r.io/web:v1"))), 2);
        assert.equal(exitCode(report(change("r.io/nginx:1.27.4", "r.io/nginx:1.27.4-alpine"))), 0);
        assert.equal(exitCode(report(change("r.io/web:v1.12.0", "r.io/web:v1.12.0-rc1"))), 2);
        // Prow's dated builds by date.
        assert.equal(
            exitCode(report(change("r.io/hook:v20260819-7593870dc", "r.io/hook:v20201020-a5b49bc903"))),
            2,
        );
    });

    it("today's Prow under the committed prod stack: no container runs an older release than today's", async function () {
        this.timeout(120_000);
        const committed = inNamespaces(await systemObjects("prod", "prow"), [PROW_TODAY.namespace]);
        const r = await liveReport("ibmcloud-prow", PROW_TODAY, committed, {});
        const changes = imageChanges(r.findings);
        assert.deepEqual(
            changes.filter((c) => c.older).map((c) => `${c.id} ${c.container}: ${c.live} → ${c.program}`),
            [],
        );
        // The scan sees Prow's containers: each keeps today's release.
        assert.ok(
            changes.length === 0 ||
                changes.every((c) => !c.program.includes("k8s-infra-prow/images/") || c.live === c.program),
            changes.map((c) => `${c.live} → ${c.program}`).join("\n"),
        );
    });

    it("control: the runbook's release pinned over today's Prow names every Prow binary as an older release, in the report", async function () {
        this.timeout(120_000);
        const runbookRelease = (values: Record<string, unknown>) => {
            (values.prow as Record<string, unknown>).release = "v20201020-a5b49bc903";
        };
        const committed = inNamespaces(await systemObjects("prod", "prow", runbookRelease), [
            PROW_TODAY.namespace,
        ]);
        const r = await liveReport("ibmcloud-prow", PROW_TODAY, committed, {});
        const older = imageChanges(r.findings).filter((c) => c.older);
        assert.ok(
            older.some(
                (c) =>
                    c.id === "apps/v1/Deployment/kubevirt-prow/horologium" &&
                    c.live.endsWith(":v20260819-7593870dc") &&
                    c.program.endsWith(":v20201020-a5b49bc903"),
            ),
            older.map((c) => c.id).join("\n"),
        );
        assert.match(
            renderReport(r),
            new RegExp(
                `the first up runs other software than today in \\d+ container\\(s\\), ${older.length} of an older release`,
            ),
        );
    });
});

// `pulumi up`'s release gate (components/config/releaseGate.ts) cannot see the cluster: while adoptExisting is on it
// asks for the running release of every image of each system it takes over. The report prints each record it asks for
// that the stack lacks, filled from what runs today; run as printed, the gate asks for nothing more. Read here on the
// committed prod stack (Thoth, Packit, Stream, Prow and DIALS) against generated live clusters.

type Values = Record<string, unknown>;
type Clusters = Record<string, { adoptExisting?: boolean; running?: Record<string, Record<string, string>> }>;

const PROD = readStackFile("prod", repoRoot());
const load = (values: Values) =>
    loadProgramConfig(stackFileSource({ ...PROD, values }, SECRET_MASK), SYSTEMS, {
        placeholderSecret: () => SECRET_MASK,
        root: repoRoot(),
    });

/** What `pulumi up` refuses of `values` once step 4 turns adoptExisting on (DIALS' workers drained, as it asks). */
function upProblems(values: Values): readonly ConfigProblem[] {
    const up = structuredClone(values);
    for (const c of Object.values(up.clusters as Clusters)) c.adoptExisting = true;
    (up.dials as { workersDrained?: boolean }).workersDrained = true;
    try {
        load(up);
        return [];
    } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        return err.problems;
    }
}
const missing = (problems: readonly ConfigProblem[]) =>
    problems.filter((p) => p.key.includes(".running.")).map((p) => p.key);
const refusedPins = (problems: readonly ConfigProblem[]) =>
    problems.filter((p) => /, a release older than the /.test(p.message)).map((p) => p.key);

/** `pulumi config set --stack <s> --path <path> <value>` applied to `values`. */
function configSet(values: Values, command: string): { path: string; value: string } {
    const words = shellWords(command);
    assert.deepEqual(words.slice(0, 4), ["pulumi", "config", "set", "--stack"], command);
    assert.equal(words[4], "prod", command);
    assert.equal(words[5], "--path", command);
    assert.equal(words.length, 8, command);
    const [path, value] = words.slice(6);
    const keys = segments(path).map(String);
    let at = values as Record<string, unknown>;
    for (const k of keys.slice(0, -1)) at = (at[k] ??= {}) as Record<string, unknown>;
    at[keys.at(-1)!] = value;
    return { path, value };
}

/** How one record's image runs today. */
type Today =
    | { kind: "recorded" }
    | { kind: "release"; tags: string[] }
    | { kind: "floating" | "digest" | "mixed"; read: string }
    | { kind: "absent" };

const semver = fc.tuple(fc.nat(3), fc.nat(40), fc.nat(20)).map(([a, b, c]) => `v${a}.${b}.${c}`);
const dated = fc
    .date({ min: new Date("2019-01-01"), max: new Date("2027-12-31"), noInvalidDate: true })
    .map((d) => `v${d.toISOString().slice(0, 10).replace(/-/g, "")}-abc1234`);

describe("adopt: the records pulumi up's release gate asks for (tools/adopt/imageChanges.ts recordSteps)", () => {
    it("generated: the report prints exactly the records the gate asks for, and run as printed they leave it none (a live release tag as read, a floating tag or a digest as the operator reads it, nothing running at the pin); only a pin really older is refused", function () {
        this.timeout(120_000);
        const records = takeoverRecords(load(PROD.values));
        const paths = [...new Set(records.map((r) => r.path))];
        // Several systems on several clusters, each image asked for once.
        assert.ok(new Set(records.map((r) => r.section)).size >= 4, "several systems taken over");
        assert.ok(paths.length > 40, `${paths.length} records`);
        const pinOf = (path: string) => records.find((r) => r.path === path)!.use.image;
        const release = (path: string) =>
            fc.oneof(
                ...(releaseOfImage(pinOf(path)) ? [fc.constant(pinnedRelease(pinOf(path)))] : []),
                semver,
                dated,
            );
        const today = (path: string): fc.Arbitrary<Today> =>
            fc.oneof(
                fc.constant({ kind: "recorded" as const }),
                fc.array(release(path), { minLength: 1, maxLength: 2 }).map((tags) => ({
                    kind: "release" as const,
                    tags,
                })),
                fc
                    .tuple(
                        fc.constantFrom("floating" as const, "digest" as const, "mixed" as const),
                        release(path),
                    )
                    .map(([kind, read]) => ({ kind, read })),
                fc.constant({ kind: "absent" as const }),
            );
        const cases = fc.record({
            todays: fc.tuple(...paths.map(today)),
            name: fc.nat(),
            namespace: fc.nat(),
            registry: fc.constantFrom("quay.io/x", "image-registry.openshift-image-registry.svc:5000/ns"),
        });
        fc.assert(
            fc.property(cases, ({ todays, name, namespace, registry }) => {
                const values = structuredClone(PROD.values) as Values;
                const clusters = values.clusters as Clusters;
                const live: LiveImage[] = [];
                paths.forEach((path, i) => {
                    const t = todays[i];
                    const r = records.find((x) => x.path === path)!;
                    const ns = r.namespaces[(namespace + i) % r.namespaces.length];
                    // Pulled by the name the gate asks for (an ImageStream's) or by the repository's.
                    const pulled = [...new Set([r.name, imageName(r.use.image)])];
                    const image = pulled[(name + i) % pulled.length];
                    const run = (suffix: string, n = 0) =>
                        live.push({
                            cluster: r.cluster,
                            id: `apps/v1/Deployment/${ns}/w${i}-${n}`,
                            container: image,
                            image: `${registry}/${image}${suffix}`,
                        });
                    // Never read: the image of another cluster, and of a namespace that is not the system's.
                    live.push({
                        cluster: `${r.cluster}-other`,
                        id: `apps/v1/Deployment/${ns}/decoy${i}`,
                        container: image,
                        image: `${registry}/${image}:v99.0.0`,
                    });
                    live.push({
                        cluster: r.cluster,
                        id: `apps/v1/Deployment/not-${ns}/decoy${i}`,
                        container: image,
                        image: `${registry}/${image}:v99.0.0`,
                    });
                    if (t.kind === "recorded")
                        ((clusters[r.cluster].running ??= {})[r.section] ??= {})[r.name] = pinnedRelease(
                            r.use.image,
                        );
                    if (t.kind === "release") t.tags.forEach((tag, n) => run(`:${tag}`, n));
                    if (t.kind === "floating" || t.kind === "mixed") run(":latest");
                    if (t.kind === "digest") run(`@sha256:${"a".repeat(64)}`);
                    if (t.kind === "mixed") run(`:${t.read}`, 1);
                });
                // What the report reads: the gate's list from the stack (adoption still off), the live containers.
                const config = load(values);
                const report = buildReport("prod", [], [], [], {
                    records: takeoverRecords(config),
                    liveImages: live,
                    running: Object.fromEntries(Object.entries(clusters).map(([c, v]) => [c, v.running])),
                });
                const text = renderReport(report);
                const printed = [...text.matchAll(/ record it: (pulumi config set .*)$/gm)].map((m) => m[1]);
                // The commands printed are the ones the e2e runs (printedRecordCommands), each once.
                assert.deepEqual(
                    [...printed].sort(),
                    printedRecordCommands(report)
                        .map((c) => c.command)
                        .sort(),
                );
                // Exactly what the gate asks for, nothing else.
                const before = upProblems(values);
                const asked = missing(before);
                const printedPaths = printed.map((c) => shellWords(c)[6]);
                assert.deepEqual(
                    [...printedPaths].sort(),
                    asked.map((k) => k.replace(/^runbooks:/, "")).sort(),
                );
                assert.deepEqual(
                    asked.length,
                    todays.filter((t) => t.kind !== "recorded").length,
                    "one record per image not recorded",
                );
                // Records are a step before the up, not a blocking finding; the summary counts them.
                assert.equal(exitCode(report), 0);
                if (asked.length > 0)
                    assert.match(text, new RegExp(`\\n${asked.length} records? to set before pulumi up`));
                else assert.doesNotMatch(text, /to set before pulumi up/);
                // Run as printed, the operator's reads where the live tag names none.
                const applied = new Map<string, string>();
                const fromLiveTag = new Set<string>();
                for (const command of printed) {
                    const path = shellWords(command)[6];
                    const i = paths.indexOf(path);
                    const t = todays[i];
                    // Releases of two kinds (a version and a date) cannot be ordered: the operator reads which runs.
                    const ordered =
                        t.kind === "release" &&
                        t.tags.every((x) => releaseOfTag(x)?.kind === releaseOfTag(t.tags[0])?.kind);
                    const read = t.kind === "floating" || t.kind === "digest" || t.kind === "mixed";
                    assert.equal(
                        command.endsWith(` ${READ_RELEASE}`),
                        read || (t.kind === "release" && !ordered),
                        command,
                    );
                    if (read)
                        assert.ok(
                            text.includes(`! read it: kubectl -n `) &&
                                text.includes(`grep -F -e ${shellQuote(`w${i}-0`)}`),
                            command,
                        );
                    const filled = command.replace(
                        READ_RELEASE,
                        t.kind === "release" ? t.tags[0] : read ? t.read : "",
                    );
                    applied.set(path, configSet(values, filled).value);
                    if (ordered) {
                        fromLiveTag.add(path);
                        // The newest release today's tags name.
                        const newest = t.tags.reduce((a, b) =>
                            olderRelease(releaseOfTag(a), releaseOfTag(b)) ? b : a,
                        );
                        assert.equal(applied.get(path), newest, command);
                    }
                    if (t.kind === "absent")
                        assert.equal(applied.get(path), pinnedRelease(pinOf(path)), command);
                }
                const after = upProblems(values);
                assert.deepEqual(missing(after), [], "the gate asks for nothing more");
                // Only a pin older than what the record now says runs is refused, by its own key.
                const uses = records.filter((r) => applied.has(r.path));
                const older = uses.filter((r) =>
                    olderRelease(releaseOfImage(r.use.image), releaseOfTag(applied.get(r.path))),
                );
                assert.deepEqual(
                    [...new Set(refusedPins(after))].sort(),
                    [...new Set(older.map((r) => fullKey(r.use.key)))].sort(),
                );
                // The report names each such pin beside a release it read from a live tag.
                for (const r of older.filter((x) => fromLiveTag.has(x.path)))
                    assert.ok(
                        text.includes(`! ${r.use.key} pins a release OLDER than the ${applied.get(r.path)} `),
                        r.path,
                    );
                // One note per record and key (Prow's binaries share one key, prow.release, each its own record).
                assert.equal(
                    text.match(/ pins a release OLDER than the /g)?.length ?? 0,
                    new Set(older.filter((x) => fromLiveTag.has(x.path)).map((x) => `${x.path} ${x.use.key}`))
                        .size,
                );
                // Nothing running at the pin refuses nothing, unless its key is another record's older pin.
                const olderKeys = new Set(older.map((x) => fullKey(x.use.key)));
                for (const r of uses.filter((x) => todays[paths.indexOf(x.path)].kind === "absent"))
                    if (!olderKeys.has(fullKey(r.use.key)))
                        assert.ok(!refusedPins(after).includes(fullKey(r.use.key)), r.path);
            }),
            { seed: 8221, numRuns: 25 },
        );
    });

    it("a floating tag the gate asks for is read and recorded once, under the gate's name, which the report then reads; the change keeps blocking until then", () => {
        const image = (tag: string) => `quay.io/openshift/origin-cli${tag}`;
        const gate = (running = {}) =>
            releaseRecords({
                section: "s",
                cluster: "c",
                namespaces: ["ns"],
                uses: [{ key: "s.images.cli", image: image(":v4.15.0") }],
                running,
            });
        const findings: Finding[] = [
            {
                ...finding([
                    {
                        path: "spec.template.spec.containers[cli].image",
                        old: image(":latest"),
                        new: image(":v4.15.0"),
                    },
                ]),
                id: "apps/v1/Deployment/ns/cli",
            },
        ];
        const liveImages = [
            { cluster: "c", id: "apps/v1/Deployment/ns/cli", container: "cli", image: image(":latest") },
        ];
        const report = (running?: Record<string, string>) =>
            buildReport("prod", findings, [], [], {
                records: gate(running && { s: running }),
                liveImages,
                running: running ? { c: { s: running } } : {},
            });
        const first = report();
        assert.equal(exitCode(first), 2);
        const text = renderReport(first);
        // The gate asks for `cli` (the key's last component, which the repository's name ends with).
        assert.deepEqual(printedRecordCommands(first), [
            {
                command:
                    "pulumi config set --stack prod --path clusters.c.running.s.cli <the release it runs>",
                pin: image(":v4.15.0"),
            },
        ]);
        assert.equal(text.match(/! record it:/g)?.length, 1, text);
        assert.equal(text.match(/! read it:/g)?.length, 1, text);
        assert.match(text, /\n1 record to set before pulumi up/);
        assert.match(text, /BLOCKING: the first up may roll production back/);
        // Recorded as printed: nothing blocks, nothing is left to record.
        const recorded = report({ cli: "v4.15.0" });
        assert.equal(exitCode(recorded), 0, renderReport(recorded));
        assert.deepEqual(printedRecordCommands(recorded), []);
        assert.doesNotMatch(renderReport(recorded), /to set before pulumi up/);
        // A newer release recorded: the pin is refused as older, by the report as by the gate.
        const newer = report({ cli: "v4.16.0" });
        assert.equal(exitCode(newer), 2);
        assert.ok(imageChanges(newer.findings, newer.running, newer.records).every((c) => c.older));
        assert.equal(imageName(image(":v4.15.0")), "origin-cli");
    });
});
