import * as assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import fc from "fast-check";
import { DUMP_MAX_AGE_HOURS, takeoverProblems } from "../../../components/shared/databaseTakeover";
import { databaseTakeovers } from "../../adopt/databases";
import { DumpHeader, parseDumpHeader } from "../../../components/shared/dumpHeader";
import { DesiredObject, KubeObject } from "../../adopt/model";
import { encodeHeader } from "../../../test/fixtures/dumps";
import { COMMITTED_STACKS, manifestObjects, stackPlan } from "../../../test/fixtures/plans";
import { POSTGRES_MAJOR_ANNOTATION } from "../../../components/shared/postgresServer";

/** The first 160 bytes of `pg_dump -Fc packit` written by pg_dump 15.18 (Debian) against a 15.18 server. */
const REAL_DUMP =
    "UEdETVABDgAECAEBAQAAAAALAAAAABwAAAAAFQAAAAAYAAAAAAoAAAAAfgAAAAAAAAAAAAYAAABwYWNraXQAHgAAADE1LjE4IChEZWJpYW4gMTUuMTgtMCtkZWIxMnUxKQAeAAAAMTUuMTggKERlYmlhbiAxNS4xOC0wK2RlYjEydTEpAAYAAAAADQ0AAAAAAAAAAAEAAAAwAAEAAAAwAA==";

const dates = fc.date({
    min: new Date("2015-01-01T00:00:00Z"),
    max: new Date("2040-01-01T00:00:00Z"),
    noInvalidDate: true,
});
const headers = fc.record({
    archive: fc.constantFrom<[number, number]>([1, 12], [1, 13], [1, 14], [1, 15], [1, 16]),
    made: dates.map((d) => new Date(Math.floor(d.getTime() / 1000) * 1000)),
    database: fc.stringMatching(/^[a-z][a-z0-9_]{0,20}$/),
    server: fc.tuple(fc.integer({ min: 10, max: 30 }), fc.nat(30)).map(([a, b]) => `${a}.${b}`),
});

describe("adopt: the database takeover (PostgreSQL on a claim that holds data today)", () => {
    let dir: string;
    before(() => (dir = mkdtempSync(path.join(tmpdir(), "dumps-"))));
    after(() => rmSync(dir, { recursive: true, force: true }));

    it("reads the header pg_dump 15 really wrote: database, server version, when", () => {
        const h = parseDumpHeader(Buffer.from(REAL_DUMP, "base64")) as DumpHeader;
        assert.deepEqual(
            { ...h, made: h.made.toISOString() },
            {
                archiveVersion: "1.14.0",
                made: "2026-11-24T21:28:11.000Z",
                database: "packit",
                serverVersion: "15.18 (Debian 15.18-0+deb12u1)",
                dumpVersion: "15.18 (Debian 15.18-0+deb12u1)",
            },
        );
    });

    it("reads every generated header back; any shorter prefix or other first bytes is a problem, never a throw", () => {
        fc.assert(
            fc.property(headers, fc.nat(), (h, cut) => {
                const bytes = encodeHeader(h);
                const read = parseDumpHeader(bytes) as DumpHeader;
                assert.equal(read.database, h.database);
                assert.equal(read.serverVersion, h.server);
                assert.equal(read.made.getTime(), h.made.getTime());
                assert.ok("problem" in parseDumpHeader(bytes.subarray(0, cut % bytes.length)));
                const other = Buffer.from(bytes);
                other[cut % 5] ^= 0x20;
                assert.match(
                    (parseDumpHeader(other) as { problem: string }).problem,
                    /not a pg_dump custom-format/,
                );
            }),
        );
    });

    it("is ready exactly when the data directory and the dump are of the configured major and the dump is fresh", () => {
        const now = new Date("2030-06-01T12:00:00Z");
        fc.assert(
            fc.property(
                fc.integer({ min: 10, max: 20 }),
                fc.oneof(fc.integer({ min: 10, max: 20 }), fc.constant(undefined)),
                fc.option(
                    fc.record({
                        major: fc.integer({ min: 10, max: 20 }),
                        ageHours: fc.integer({ min: -48, max: 72 }),
                    }),
                ),
                (version, data, dump) => {
                    const problems = takeoverProblems({
                        namespace: "packit-prod",
                        server: `postgres-${version}`,
                        claim: "postgres-data",
                        version,
                        versionKey: "packit.postgres.version",
                        dataVersion: data ?? { unknown: "no running pod mounts it" },
                        dump: dump
                            ? {
                                  path: "d.dump",
                                  archiveVersion: "1.14.0",
                                  made: new Date(now.getTime() - dump.ageHours * 3_600_000),
                                  database: "packit",
                                  serverVersion: `${dump.major}.3`,
                                  dumpVersion: `${dump.major}.3`,
                              }
                            : undefined,
                        makeDump: "oc exec ...",
                        now,
                    });
                    const ready =
                        data === version &&
                        dump !== null &&
                        dump.major === version &&
                        dump.ageHours >= -1 &&
                        dump.ageHours <= DUMP_MAX_AGE_HOURS;
                    assert.equal(problems.length === 0, ready, problems.join("\n"));
                    if (!dump)
                        assert.ok(
                            problems.some((p) => p.includes("oc exec ...")),
                            "says how to make the dump",
                        );
                },
            ),
        );
    });

    for (const stack of COMMITTED_STACKS) {
        it(`${stack}: every PostgreSQL server of the plan on an existing claim is checked, by reading PG_VERSION only`, async function () {
            this.timeout(120_000);
            const plan = await stackPlan(stack);
            const desired: DesiredObject[] = Object.entries(plan.files)
                .filter(([f]) => f.startsWith("kubernetes/") && f.endsWith(".yaml"))
                .flatMap(([f, text]) =>
                    manifestObjects<KubeObject>(text)
                        .filter(Boolean)
                        .map((object) => ({
                            cluster: path.basename(f, ".yaml"),
                            system: String(
                                (object.metadata.labels as Record<string, string> | undefined)?.[
                                    "app.kubernetes.io/part-of"
                                ],
                            ),
                            object,
                        })),
                );
            // Every system's PostgreSQL on a claim: Packit's and Stream's postgres-<v>, Thoth's knowledge graph.
            const servers = desired.filter(
                (d) =>
                    d.object.kind === "Deployment" &&
                    (d.object.metadata.annotations as Record<string, string> | undefined)?.[
                        POSTGRES_MAJOR_ANNOTATION
                    ] !== undefined,
            );
            assert.deepEqual([...new Set(servers.map((s) => s.system))].sort(), [
                "packit",
                "stream",
                "thoth-station",
            ]);
            const now = new Date("2030-06-01T12:00:00Z");
            await fc.assert(
                fc.asyncProperty(
                    fc.integer({ min: 10, max: 20 }),
                    fc.boolean(),
                    fc.integer({ min: 0, max: 48 }),
                    async (dataVersion, withDump, ageHours) => {
                        const live: KubeObject[] = [];
                        const dumps = new Map<string, string>();
                        for (const s of servers) {
                            const ns = s.object.metadata.namespace!;
                            const spec = (
                                s.object.spec as {
                                    template: {
                                        spec: { volumes: { persistentVolumeClaim: { claimName: string } }[] };
                                    };
                                }
                            ).template.spec;
                            const claim = spec.volumes[0].persistentVolumeClaim.claimName;
                            live.push({
                                apiVersion: "v1",
                                kind: "PersistentVolumeClaim",
                                metadata: { name: claim, namespace: ns },
                                status: { phase: "Bound" },
                            });
                            // Today's server: another Deployment's pod, mounting the claim elsewhere.
                            live.push({
                                apiVersion: "v1",
                                kind: "Pod",
                                metadata: { name: "postgres-1-abcde", namespace: ns },
                                spec: {
                                    volumes: [{ name: "data", persistentVolumeClaim: { claimName: claim } }],
                                    containers: [
                                        {
                                            name: "postgresql",
                                            volumeMounts: [
                                                { name: "data", mountPath: "/var/lib/pgsql/data/" },
                                            ],
                                        },
                                    ],
                                },
                                status: { phase: "Running" },
                            });
                            if (withDump) {
                                const file = path.join(dir, `${ns}.dump`);
                                const made = new Date(now.getTime() - ageHours * 3_600_000);
                                writeFileSync(
                                    file,
                                    encodeHeader({
                                        archive: [1, 14],
                                        made,
                                        database: "packit",
                                        server: `${dataVersion}.4`,
                                    }),
                                );
                                dumps.set(ns, file);
                            }
                        }
                        const calls: string[] = [];
                        const api = {
                            list: async (_v: string, k: string, ns: string) => {
                                calls.push(`list ${k}`);
                                return live.filter((o) => o.kind === k && o.metadata.namespace === ns);
                            },
                            exec: async (_ns: string, pod: string, container: string, command: string[]) => {
                                calls.push(`exec ${pod} ${container} ${command.join(" ")}`);
                                return `${dataVersion}\n`;
                            },
                        };
                        const byCluster = new Map<string, DesiredObject[]>();
                        for (const d of desired)
                            byCluster.set(d.cluster, [...(byCluster.get(d.cluster) ?? []), d]);
                        const takeovers = (
                            await Promise.all(
                                [...byCluster].map(([c, ds]) =>
                                    databaseTakeovers(
                                        c,
                                        ds,
                                        live.filter((o) => o.kind === "PersistentVolumeClaim"),
                                        api,
                                        dumps,
                                        now,
                                    ),
                                ),
                            )
                        ).flat();
                        assert.equal(
                            takeovers.length,
                            servers.length,
                            "one takeover per server on a live claim",
                        );
                        for (const t of takeovers) {
                            const ready =
                                t.version === dataVersion && withDump && ageHours <= DUMP_MAX_AGE_HOURS;
                            assert.equal(t.problems.length === 0, ready, t.problems.join("\n"));
                        }
                        assert.ok(
                            calls.every(
                                (c) =>
                                    c === "list Pod" ||
                                    c ===
                                        "exec postgres-1-abcde postgresql cat /var/lib/pgsql/data/userdata/PG_VERSION",
                            ),
                            calls.join("\n"),
                        );
                    },
                ),
                { numRuns: 20 },
            );
        });
    }
});
