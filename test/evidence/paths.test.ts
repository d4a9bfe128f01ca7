import { strict as assert } from "assert";
import fc from "fast-check";
import { ContainerView, RUNTIME_PATHS, commandLinePaths, containerVerdict } from "./check";
import { evidenceFor } from "../../components/shared/evidence/lookup";
import type { ImageEvidence, ReadFacts } from "../../components/shared/evidence/schema";
import { SYSTEMS } from "../../components/systems";
import type { PlanResource } from "../../tools/plan/render";
import { COMMITTED_STACKS, recordedResources, stackPlan } from "../fixtures/plans";
import { plannedContainers, replay } from "../../tools/evidence/replay";
import { exampleImage } from "./example";

// Issue 67, "paths as evidence": a path a container names (its command's program, an absolute word of its command line
// or script, a relative script under a known working directory, a namesFile value) must be on one of its volumes, in
// its image's recorded `paths`, or supplied by the runtime; else the replay fails naming the container, path and image.

type Mount = NonNullable<ContainerView["mounts"]>[number];

const TABLE: readonly ImageEvidence[] = SYSTEMS.flatMap((s) => s.evidence?.table.images ?? []);
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
/** What the path rule says: a path a command line names, or one a namesFile flag or variable opens at start. */
const pathFindings = (mismatches: readonly string[]) =>
    mismatches.filter((m) => /: names \S+ |: \S+ opens \S+ at start \(/.test(m));

/** The table with the entry of `image` at `version` changed by `edit`. */
function withEntry(image: string, version: string, edit: (facts: ReadFacts) => ReadFacts): ImageEvidence[] {
    return TABLE.map((e) => {
        if (e.image !== image || e.version !== version) return e;
        assert.equal(e.facts.state, "read", `${image}:${version} is not read`);
        return { ...e, facts: edit(clone(e.facts as ReadFacts)) };
    });
}

/** The plan with the first container of the Deployment `namespace/name` changed in place. */
function editContainer(
    resources: readonly PlanResource[],
    namespace: string,
    name: string,
    // A plan's inputs are untyped JSON; each control edits the one field it names.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    edit: (c: Record<string, any>) => void,
): PlanResource[] {
    const out = clone(resources) as PlanResource[];
    const r = out.find((x) => {
        const meta = x.inputs.metadata as { name?: string; namespace?: string } | undefined;
        return x.type.endsWith(":Deployment") && meta?.name === name && meta.namespace === namespace;
    });
    assert.ok(r, `no Deployment ${namespace}/${name} in the plan`);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    edit((r.inputs as any).spec.template.spec.containers[0]);
    return out;
}

for (const stack of COMMITTED_STACKS) {
    describe(`paths the containers of the ${stack} plan name (issue 67)`, () => {
        let resources: PlanResource[];
        before(async () => {
            resources = recordedResources(await stackPlan(stack));
        });
        const tag = stack === "prod" ? "prod" : "stg";
        const ns = `packit-${tag}`;
        const where = `packit Deployment ${ns}/packit-service packit-service`;
        const service = `quay.io/packit/packit-service:${tag}`;

        it("every one is on a volume of its container, in its image's recorded paths or the runtime's", () => {
            assert.deepEqual(pathFindings(replay(resources, TABLE).mismatches), []);
            // The rule looked: the packit start scripts, the shells of the scripts and a mounted config are among them.
            const named = new Set(
                plannedContainers(resources).flatMap((c) => commandLinePaths(c.view).map((p) => p.path)),
            );
            for (const p of [
                "/usr/bin/run_httpd.sh",
                "/usr/bin/run_worker.sh",
                "/bin/bash",
                "/etc/nginx/custom/nginx.conf",
            ])
                assert.ok(named.has(p), `${p} is not among ${[...named].join(" ")}`);
        });

        it("control: a container pointed at a script its image lacks fails, naming the container, the path and the image", () => {
            const plan = editContainer(resources, ns, "packit-service", (c) => {
                c.command = ["/usr/bin/run_httpd2.sh"];
            });
            const found = pathFindings(replay(plan, TABLE).mismatches);
            assert.equal(found.length, 1, found.join("\n"));
            assert.ok(found[0].startsWith(`${where}: names /usr/bin/run_httpd2.sh in its command`), found[0]);
            assert.ok(found[0].includes(service), found[0]);
            // Recorded in the image's paths, the same script passes.
            const recorded = withEntry("quay.io/packit/packit-service", tag, (f) => ({
                ...f,
                paths: [...(f.paths ?? []), { path: "/usr/bin/run_httpd2.sh", at: "o/r@c:p:1" }],
            }));
            assert.deepEqual(pathFindings(replay(plan, recorded).mismatches), []);
        });

        it("control: without the worker image's paths, every container running its start script fails", () => {
            const table = withEntry("quay.io/packit/packit-worker", tag, (f) => ({ ...f, paths: [] }));
            const all = pathFindings(replay(resources, table).mismatches);
            const found = all.filter((m) => m.includes("names /usr/bin/run_worker.sh"));
            const workers = plannedContainers(resources).filter(
                (c) =>
                    c.view.image === `quay.io/packit/packit-worker:${tag}` &&
                    (c.view.command ?? []).includes("/usr/bin/run_worker.sh"),
            );
            assert.ok(workers.length >= 2);
            assert.deepEqual(
                found.map((m) => m.slice(0, m.indexOf(": names "))).sort(),
                workers.map((c) => c.where).sort(),
            );
            for (const m of found) assert.match(m, /in its command, .*quay\.io\/packit\/packit-worker/);
            // The consumers check runs its own script in the same image: it loses its shell, and nothing else fails.
            assert.deepEqual(
                all
                    .filter((m) => !found.includes(m))
                    .map((m) => m.replace(/-[0-9a-f]{10} /, " ").split(", which")[0]),
                [`packit Job ${ns}/packit-worker-consumers consumers: names /bin/sh in its command`],
            );
        });

        it("control: a script's absolute path fails, a URL path in a flag and an HTTP probe's path do not", () => {
            const plan = editContainer(resources, ns, "packit-service", (c) => {
                c.command = [
                    "/bin/sh",
                    "-c",
                    "exec /usr/bin/run_httpd.sh --path=/metrics /opt/missing/conf.yaml",
                ];
                c.readinessProbe = { httpGet: { path: "/not/a/file", port: 8443 } };
            });
            const table = withEntry("quay.io/packit/packit-service", tag, (f) => ({
                ...f,
                paths: [...(f.paths ?? []), { path: "/bin/sh", at: "o/r@c:p:1" }],
            }));
            const found = pathFindings(replay(plan, table).mismatches);
            assert.deepEqual(
                found.map((m) => /names (\S+) in its (\w+)/.exec(m)?.slice(1).join(" ")),
                ["/opt/missing/conf.yaml script"],
            );
        });

        it("control: a relative script counts under a known working directory, and only there", () => {
            const relative = (workingDir?: string) =>
                editContainer(resources, ns, "packit-service", (c) => {
                    c.command = ["./run.sh"];
                    if (workingDir) c.workingDir = workingDir;
                    else delete c.workingDir;
                });
            const found = pathFindings(replay(relative("/src"), TABLE).mismatches);
            assert.equal(found.length, 1, found.join("\n"));
            assert.ok(found[0].startsWith(`${where}: names /src/run.sh in its command`), found[0]);
            const srcTree = withEntry("quay.io/packit/packit-service", tag, (f) => ({
                ...f,
                paths: [...(f.paths ?? []), { path: "/src", at: "o/r@c:p:1" }],
            }));
            assert.deepEqual(pathFindings(replay(relative("/src"), srcTree).mismatches), []);
            assert.deepEqual(pathFindings(replay(relative(), TABLE).mismatches), []);
        });

        it("graph-backup's dump path is on its scratch volume: marked namesFile, the variable passes, and fails without it", () => {
            // The mark is in facts/evidence/thoth/graph-backup-job@v0.10.1.yaml; set here too, so that the control
            // holds the component to it whatever the data says (pg_dump writes the dump before the upload).
            const marked = TABLE.map((e) =>
                e.image === "quay.io/thoth-station/graph-backup-job" && e.facts.state === "read"
                    ? {
                          ...e,
                          facts: {
                              ...e.facts,
                              env: e.facts.env.map((v) =>
                                  v.name === "THOTH_DATA_DUMP_PATH" ? { ...v, namesFile: true } : v,
                              ),
                          },
                      }
                    : e,
            );
            assert.deepEqual(pathFindings(replay(resources, marked).mismatches), []);
            const unmounted = clone(resources) as PlanResource[];
            const backup = unmounted.find(
                (r) =>
                    r.type.endsWith(":CronJob") &&
                    (r.inputs.metadata as { name?: string } | undefined)?.name === "graph-backup",
            );
            assert.ok(backup, "no graph-backup CronJob in the plan");
            // eslint-disable-next-line @typescript-eslint/no-explicit-any
            const pod = (backup.inputs as any).spec.jobTemplate.spec.template.spec;
            delete pod.containers[0].volumeMounts;
            delete pod.volumes;
            const found = pathFindings(replay(unmounted, marked).mismatches);
            assert.equal(found.length, 1, found.join("\n"));
            assert.match(
                found[0],
                /graph-backup: sets THOTH_DATA_DUMP_PATH=\/var\/lib\/pgsql\/pg_dump\.sql: .* opens \/var\/lib\/pgsql\/pg_dump\.sql at start/,
            );
        });

        it("control: an unread image's containers are not checked (the plan notices the image instead)", () => {
            const plan = editContainer(resources, ns, "packit-service", (c) => {
                c.command = ["/usr/bin/run_httpd2.sh"];
            });
            const unread = TABLE.map((e) =>
                e === evidenceFor(TABLE, service).entry
                    ? { ...e, facts: { state: "unread" as const, why: "control" } }
                    : e,
            );
            const r = replay(plan, unread);
            assert.deepEqual(pathFindings(r.mismatches), []);
            assert.ok(
                r.unread.some((u) => u.startsWith(`${where}: `)),
                r.unread.join("\n"),
            );
        });
    });
}

describe("the path rule, on generated containers (issue 67)", () => {
    const seg = fc.stringMatching(/^[a-z][a-z0-9_.-]{0,7}$/).filter((s) => s !== "." && s !== "..");
    const rel = fc.array(seg, { minLength: 1, maxLength: 3 }).map((s) => s.join("/"));
    const image = (paths: string[], extra: Partial<ReadFacts> = {}): ImageEvidence =>
        exampleImage({
            listens: [{ port: 8080, serves: "x", health: ["/h"], at: "o/r@c:p:1" }],
            flags: [
                { name: "config", at: "o/r@c:p:2", namesFile: true },
                { name: "path", at: "o/r@c:p:3" },
            ],
            env: [
                { name: "CONF", at: "o/r@c:p:4", namesFile: true },
                { name: "PLAIN", at: "o/r@c:p:5" },
            ],
            files: [],
            paths: paths.map((path) => ({ path, at: "o/r@c:p:6" })),
            ...extra,
        });

    /**
     * A path of each kind the rule tells apart, with the mounts and recorded paths that make it so, built from
     * generated names: the rule's answer is known by construction. Mounts live under /m, recorded paths under /i,
     * everything else under /g, so no kind reaches into another.
     */
    const cases = fc
        .tuple(
            fc.constantFrom(
                "recorded",
                "under-recorded-dir",
                "above-recorded",
                "under-scratch-mount",
                "keyed-mount-file",
                "shadowed-by-keyed-mount",
                "above-mount",
                "runtime",
                "nowhere",
            ),
            rel,
            rel,
        )
        .map(([kind, a, b]) => {
            const mounts: Mount[] = [];
            const recorded: string[] = [];
            let path = `/g/${a}`;
            let held = false;
            switch (kind) {
                case "recorded":
                    recorded.push(`/i/${a}`);
                    [path, held] = [`/i/${a}`, true];
                    break;
                case "under-recorded-dir":
                    recorded.push(`/i/${a}`);
                    [path, held] = [`/i/${a}/${b}`, true];
                    break;
                case "above-recorded":
                    recorded.push(`/i/${a}/${b}`);
                    [path, held] = [`/i/${a}`, true];
                    break;
                case "under-scratch-mount":
                    mounts.push({ path: `/m/${a}` });
                    [path, held] = [`/m/${a}/${b}`, true];
                    break;
                case "keyed-mount-file":
                    mounts.push({ path: `/m/${a}`, files: [`/m/${a}/${b}`] });
                    [path, held] = [`/m/${a}/${b}`, true];
                    break;
                case "shadowed-by-keyed-mount":
                    // The image has it, but the volume mounted over its directory hides it.
                    mounts.push({ path: `/m/${a}`, files: [`/m/${a}/key`] });
                    recorded.push(`/m/${a}/${b}x`);
                    [path, held] = [`/m/${a}/${b}x`, false];
                    break;
                case "above-mount":
                    mounts.push({ path: `/m/${a}/${b}` });
                    [path, held] = [`/m/${a}`, true];
                    break;
                case "runtime":
                    [path, held] = [RUNTIME_PATHS[a.length % RUNTIME_PATHS.length], true];
                    break;
                default:
                    recorded.push(`/i/${a}`);
            }
            return { kind, path, held, mounts, recorded };
        });

    /** Every way a container names a path the rule checks, as a container naming `path` that way. */
    const namings: Record<string, (path: string) => Partial<ContainerView>> = {
        "the command's program": (path) => ({ command: [path] }),
        "an argument of its command": (path) => ({ command: ["run"], args: ["-c", path] }),
        "an argument to its entrypoint": (path) => ({ args: [path] }),
        "a word of its script": (path) => ({ command: ["sh", "-c", `set -e\ncat ${path} | wc -l`] }),
        "a script given in args": (path) => ({ command: ["/bin/sh", "-c"], args: [`exec tool "${path}"`] }),
        "a file its script reads by redirection": (path) => ({ command: ["sh", "-c", `wc -l <${path}`] }),
        "the directory its script writes a file in": (path) => ({
            command: ["sh", "-c", `run > ${path}/out.log 2>&1`],
        }),
        "a namesFile flag": (path) => ({ args: [`--config=${path}`] }),
        "a namesFile variable": (path) => ({ env: [{ name: "CONF", value: path }] }),
    };
    /** Ways of passing a path that are not a file the container needs: values the image does not open as files. */
    const decoys: Record<string, (path: string) => Partial<ContainerView>> = {
        "a flag not marked namesFile": (path) => ({ args: [`--path=${path}`] }),
        "a variable not marked namesFile": (path) => ({ env: [{ name: "PLAIN", value: path }] }),
        "a comment of its script": (path) => ({ command: ["sh", "-c", `true # see ${path}`] }),
        "what its script prints": (path) => ({ command: ["sh", "-c", `echo ${path}; printf '%s' ${path}`] }),
        "an HTTP probe's path": (path) => ({
            ports: [{ containerPort: 8080 }],
            probes: [{ kind: "readiness", port: 8080, path }],
        }),
    };

    /** The verdict on a container of `entry` naming paths as `naming` says; the shells of its scripts are recorded. */
    const verdictOf = (entry: ImageEvidence, naming: Partial<ContainerView>, mounts: readonly Mount[]) => {
        const facts = entry.facts as ReadFacts;
        const shell = { path: "/bin/sh", at: "o/r@c:p:7" };
        const withShell: ImageEvidence = {
            ...entry,
            facts: { ...facts, paths: [...(facts.paths ?? []), shell] },
        };
        return containerVerdict([withShell], { image: "example.org/x:v1", probes: [], mounts, ...naming });
    };

    it("a named path passes exactly when a volume holds it, the image records it (or a directory of it) or the runtime supplies it", () => {
        fc.assert(
            fc.property(cases, fc.constantFrom(...Object.keys(namings)), (c, how) => {
                const v = verdictOf(image(c.recorded), namings[how](c.path), c.mounts);
                assert.equal(v.state, "checked");
                const found = v.state === "checked" ? v.mismatches : [];
                const failures = found.filter((m) => m.includes(c.path));
                assert.equal(failures.length, c.held ? 0 : 1, `${c.kind} via ${how}: ${found.join("\n")}`);
                for (const m of failures) assert.ok(m.includes("example.org/x:v1"), m);
                assert.deepEqual(
                    found.filter((m) => !m.includes(c.path)),
                    [],
                    `${c.kind} via ${how}`,
                );
            }),
        );
    });

    it("a value the image does not open as a file is never a missing path, wherever it points", () => {
        fc.assert(
            fc.property(cases, fc.constantFrom(...Object.keys(decoys)), (c, how) => {
                const v = verdictOf(image(c.recorded), decoys[how](c.path), c.mounts);
                assert.equal(v.state, "checked");
                // A probe on a path that is no health endpoint is another rule's mismatch; no path is missing.
                const found = v.state === "checked" ? v.mismatches : [];
                assert.deepEqual(
                    found.filter((m) => m.startsWith("names ")),
                    [],
                    `${c.kind} via ${how}`,
                );
            }),
        );
    });

    it("a relative script counts, resolved against the working directory (or a literal cd), only when that is known", () => {
        fc.assert(
            fc.property(
                rel,
                rel,
                fc.boolean(),
                fc.constantFrom("program", "interpreter", "cd"),
                (dir, script, recorded, form) => {
                    const workingDir = `/w/${dir}`;
                    const naming: Partial<ContainerView> =
                        form === "program"
                            ? { command: [`./${script}`], workingDir }
                            : form === "interpreter"
                              ? { command: ["python3", script], workingDir }
                              : { command: ["sh", "-c", `cd ${workingDir} && ./${script}`] };
                    const full = `${workingDir}/${script}`;
                    const v = verdictOf(image(recorded ? [full] : []), naming, []);
                    const found = v.state === "checked" ? v.mismatches : ["?"];
                    assert.equal(
                        found.filter((m) => m.includes(full)).length,
                        recorded ? 0 : 1,
                        found.join("\n"),
                    );
                    const unknown = verdictOf(image([]), { ...naming, workingDir: undefined }, []);
                    if (form !== "cd")
                        assert.deepEqual(unknown.state === "checked" ? unknown.mismatches : ["?"], []);
                },
            ),
        );
    });

    it("an unread image's containers are not checked, whatever they name", () => {
        fc.assert(
            fc.property(cases, fc.constantFrom(...Object.keys(namings)), (c, how) => {
                const unread: ImageEvidence = { ...image([]), facts: { state: "unread", why: "not read" } };
                const v = containerVerdict([unread], {
                    image: "example.org/x:v1",
                    probes: [],
                    mounts: c.mounts,
                    ...namings[how](c.path),
                });
                assert.equal(v.state, "unread");
            }),
        );
    });
});
