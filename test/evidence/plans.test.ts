import { strict as assert } from "assert";
import fc from "fast-check";
import { parse, stringify } from "yaml";
import { cpSync, readdirSync, rmSync } from "fs";
import * as path from "path";
import { QueueView, containerVerdict, flagName, unservedQueues } from "./check";
import { EVIDENCE_ROOT, readEvidence } from "../../components/shared/evidence/load";
import { evidenceFor } from "../../components/shared/evidence/lookup";
import { repoRoot } from "../../components/shared/repoRoot";
import type { ImageEvidence, ReadFacts } from "../../components/shared/evidence/schema";
import { SYSTEMS } from "../../components/systems";
import type { PlanResource } from "../../tools/plan/render";
import { COMMITTED_STACKS, recordedResources, stackPlan } from "../fixtures/plans";
import { scratchDir } from "../fixtures/scratch";
import { runSystem } from "../fixtures/system";
import { PROW, TESTING_SECRETS, k8sResources, toTesting } from "../prow/helpers";
import { plannedContainers, replay } from "../../tools/evidence/replay";
import { exampleImage } from "./example";

/** Every system's evidence: the one table the plans are replayed against. */
const TABLE: readonly ImageEvidence[] = SYSTEMS.flatMap((s) => s.evidence?.table.images ?? []);

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** The table with the entry of `image` (repository) changed by `edit`, or removed when it returns undefined. */
function editEntry(image: string, edit: (e: ImageEvidence) => ImageEvidence | undefined): ImageEvidence[] {
    const i = TABLE.findIndex((e) => e.image === image);
    assert.ok(i >= 0, `no entry for ${image}`);
    const out = TABLE.map(clone);
    const changed = edit(out[i]);
    if (changed) out[i] = changed;
    else out.splice(i, 1);
    return out;
}

/** The plan's resources with the Kubernetes object named `name` of `kind` changed in place. */
function editObject(
    resources: readonly PlanResource[],
    kind: string,
    name: string,
    // A plan's inputs are untyped JSON; each control edits the one field it names.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    edit: (inputs: Record<string, any>) => void,
): PlanResource[] {
    const out = clone(resources) as PlanResource[];
    const r = out.find(
        (x) => x.type.endsWith(`:${kind}`) && (x.inputs.metadata as { name?: string })?.name === name,
    );
    assert.ok(r, `no ${kind} ${name} in the plan`);
    edit(r.inputs);
    return out;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const podOf = (inputs: Record<string, any>) => inputs.spec.template.spec;

for (const stack of COMMITTED_STACKS) {
    describe(`the evidence replayed over the ${stack} plan (issue 51)`, () => {
        let resources: PlanResource[];
        let notices: string[];
        before(async () => {
            const plan = await stackPlan(stack);
            resources = recordedResources(plan);
            notices = (plan.files["notices.txt"] ?? "").split("\n");
        });
        // Prow's parts carry the staging- prefix outside prod.
        const named = (part: string) => (stack === "prod" ? part : `staging-${part}`);
        /** The plan with the first container of `part`'s Deployment changed in place. */
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        const editContainer = (part: string, edit: (c: Record<string, any>) => void) =>
            editObject(resources, "Deployment", named(part), (o) => edit(podOf(o).containers[0]));

        it("every probe, port, flag and variable of every read image agrees with its source; every Service port is served", () => {
            const { mismatches, checked } = replay(resources, TABLE);
            assert.deepEqual(mismatches, []);
            assert.ok(checked >= 14, `only ${checked} containers were checked`);
        });

        it("every image whose source was not read is listed as such and noticed by the plan, never passed as checked", () => {
            const { unread } = replay(resources, TABLE);
            const images = new Set(
                plannedContainers(resources)
                    .filter((c) => containerVerdict(TABLE, c.view).state === "unread")
                    .map((c) => c.view.image),
            );
            for (const line of unread.filter((u) => !u.includes(" Service "))) {
                const image = line.slice(line.lastIndexOf(": ") + 2);
                assert.ok(images.has(image), line);
            }
            // The plan's UNREAD IMAGE notices name the reference a stack file sets; a pod may run the same build under
            // another name (an ImageStream's internal registry path): both have entries of one source and commit.
            const sourceOf = (image: string) => {
                const { entry } = evidenceFor(TABLE, image);
                return entry ? `${entry.source.repo}@${entry.source.commit}` : image;
            };
            const noticed = new Set(
                notices.flatMap((n) => {
                    const m = /UNREAD IMAGE \S+ = (\S+): /.exec(n);
                    return m ? [sourceOf(m[1])] : [];
                }),
            );
            for (const image of images)
                assert.ok(noticed.has(sourceOf(image)), `the plan does not notice the unread image ${image}`);
        });

        it("control: without crier's entry its containers have no evidence", () => {
            const table = editEntry("us-docker.pkg.dev/k8s-infra-prow/images/crier", () => undefined);
            const { mismatches } = replay(resources, table);
            assert.ok(
                mismatches.some((m) =>
                    /crier: runs us-docker\.pkg\.dev\/k8s-infra-prow\/images\/crier:\S+, which the evidence has no entry for/.test(
                        m,
                    ),
                ),
                mismatches.join("\n"),
            );
        });

        it("control: a copy of facts/evidence replays as the data does, and without crier's file fails", () => {
            const copy = scratchDir("evidence-copy-");
            cpSync(path.join(repoRoot(), EVIDENCE_ROOT), copy, { recursive: true });
            const copied = () => readdirSync(copy).flatMap((folder) => readEvidence(path.join(copy, folder)));
            assert.deepEqual(replay(resources, copied()).mismatches, []);
            rmSync(path.join(copy, "prow", "crier@v20260819-7593870dc.yaml"));
            const { mismatches } = replay(resources, copied());
            assert.ok(
                mismatches.some((m) =>
                    /crier: runs us-docker\.pkg\.dev\/k8s-infra-prow\/images\/crier:\S+, which the evidence has no entry for/.test(
                        m,
                    ),
                ),
                mismatches.join("\n"),
            );
        });

        it("control: a flag the binary does not define, or one the entry drops, fails", () => {
            const renamed = editContainer("horologium", (c) => {
                c.args = [...c.args, "--dryrun=false"];
            });
            assert.ok(replay(renamed, TABLE).mismatches.some((m) => m.includes("passes --dryrun")));
            // A flag today's release removed (the runbook's release read ProwJobs through deck with it).
            const stale = editContainer("tide", (c) => {
                c.args = [...c.args, "--deck-url=http://deck"];
            });
            const removed = replay(stale, TABLE).mismatches.filter((m) => m.includes("passes --deck-url"));
            assert.equal(removed.length, 1, removed.join("\n"));
            assert.ok(
                removed[0].includes(named("tide")) &&
                    removed[0].includes(":v20260819-7593870dc does not define"),
                removed[0],
            );
            const dropped = editEntry("us-docker.pkg.dev/k8s-infra-prow/images/horologium", (e) => {
                const read = e.facts as ReadFacts;
                const flags = read.flags === "none" ? [] : read.flags.filter((f) => f.name !== "dry-run");
                return { ...e, facts: { ...read, flags } };
            });
            assert.ok(
                replay(resources, dropped).mismatches.some((m) => m.includes("passes --dry-run, a flag")),
            );
        });

        it("control: a flag value the software refuses, or one whose requirement is unmet, fails naming the container (issue 67)", () => {
            // A GitHub App id without its private key: prow/flagutil's GitHub options stop every binary that adds them
            // (kubernetes-sigs/prow@7593870dc:pkg/flagutil/github.go:219-221).
            for (const part of ["tide", "crier", "deck", "prow-controller-manager"]) {
                const app = editContainer(part, (c) => {
                    c.args = [...c.args, "--github-app-id=12345"];
                });
                const found = replay(app, TABLE).mismatches.filter((m) =>
                    m.includes("runs --github-app-id=12345 without --github-app-private-key-path"),
                );
                assert.equal(found.length, 1, `${part}: ${found.join("\n")}`);
                assert.ok(found[0].includes(named(part)), found[0]);
            }
            // Run dry, each refused at the release: status-reconciler (production runs it, a dry staging none) and hook.
            const dryRefused = (part: string, image: string) => {
                const dry = editContainer(part, (c) => {
                    c.args = c.args.map((a: string) => (a === "--dry-run=false" ? "--dry-run=true" : a));
                });
                assert.ok(
                    replay(dry, TABLE).mismatches.some((m) =>
                        m.includes(`runs --dry-run=true, which ${image}`),
                    ),
                    part,
                );
            };
            if (stack === "prod")
                dryRefused("statusreconciler", "us-docker.pkg.dev/k8s-infra-prow/images/status-reconciler");
            dryRefused("hook", "us-docker.pkg.dev/k8s-infra-prow/images/hook:v20260819-7593870dc refuses");
        });

        it("control: a file a flag names (given, or its default) that no volume of the container holds fails, naming the flag", () => {
            const found = (plan: PlanResource[], text: string) =>
                replay(plan, TABLE).mismatches.filter((m) => m.includes(text));
            // A {file} requirement on the flag's own value: deck's kubeconfig without its volume.
            const noKubeconfig = editContainer("deck", (c) => {
                c.volumeMounts = c.volumeMounts.filter(
                    (m: { mountPath: string }) => m.mountPath !== "/etc/kubeconfig",
                );
            });
            const unmounted = found(noKubeconfig, "runs --kubeconfig=/etc/kubeconfig/config: ");
            assert.equal(unmounted.length, 1, unmounted.join("\n"));
            assert.ok(
                unmounted[0].includes(named("deck")) && unmounted[0].includes("which no volume"),
                unmounted[0],
            );
            // The volume is there but does not hold the file: hook's HMAC secret at another name.
            const renamed = editContainer("hook", (c) => {
                c.args = c.args.map((a: string) => a.replace("/etc/webhook/hmac", "/etc/webhook/token"));
            });
            assert.ok(
                found(renamed, "runs --hmac-secret-file=/etc/webhook/token: ").some((m) =>
                    m.includes("which its volume at /etc/webhook does not hold"),
                ),
            );
            // Left at its default, hook still opens /etc/plugins/plugins.yaml.
            const noPlugins = editContainer("hook", (c) => {
                c.args = c.args.filter((a: string) => !a.startsWith("--plugin-config="));
                c.volumeMounts = c.volumeMounts.filter(
                    (m: { mountPath: string }) => m.mountPath !== "/etc/plugins",
                );
            });
            assert.equal(
                found(noPlugins, "runs --plugin-config=/etc/plugins/plugins.yaml (its default): ").length,
                1,
            );
            // A {file} requirement on another flag's value: crier's Slack workers open the token --slack-token-file
            // names (kubernetes-sigs/prow@7593870dc:cmd/crier/main.go:207,215-219).
            const noSlackToken = editContainer("crier", (c) => {
                if (!c.args.includes("--slack-workers=1")) c.args = [...c.args, "--slack-workers=1"];
                c.volumeMounts = c.volumeMounts.filter(
                    (m: { mountPath: string }) => m.mountPath !== "/etc/slack",
                );
            });
            assert.ok(
                found(noSlackToken, "runs --slack-workers=1: ").some((m) =>
                    m.includes("opens /etc/slack/token"),
                ),
                found(noSlackToken, "--slack").join("\n"),
            );
        });

        it("control: a default the binary refuses, a mode without its peer flag, or a config section a mode needs, fails naming the flag", () => {
            const exporter = editContainer("prow-exporter", (c) => {
                c.args = c.args.filter((a: string) => !a.startsWith("--config-path="));
            });
            assert.ok(
                replay(exporter, TABLE).mismatches.some(
                    (m) =>
                        m.includes(named("prow-exporter")) &&
                        m.includes(
                            "runs --config-path= (its default), which us-docker.pkg.dev/k8s-infra-prow/images/exporter",
                        ),
                ),
            );
            // A GitHub App key without its id (kubernetes-sigs/prow@7593870dc:pkg/flagutil/github.go:219-221).
            const key = editContainer("tide", (c) => {
                c.args = [...c.args, "--github-app-private-key-path=/etc/github/oauth"];
            });
            assert.ok(
                replay(key, TABLE).mismatches.some((m) =>
                    m.includes(
                        "runs --github-app-private-key-path=/etc/github/oauth without --github-app-id",
                    ),
                ),
            );
            // crier's Slack workers, against a config.yaml without Slack reporting: read in the planned ConfigMap.
            const slack = editContainer("crier", (c) => {
                if (!c.args.includes("--slack-workers=1")) c.args = [...c.args, "--slack-workers=1"];
            });
            const withoutSlack = editObject(slack, "ConfigMap", named("config"), (o) => {
                const doc = parse(o.data["config.yaml"]) as Record<string, unknown>;
                delete doc.slack_reporter_configs;
                o.data["config.yaml"] = stringify(doc);
            });
            const found = replay(withoutSlack, TABLE).mismatches.filter((m) =>
                m.includes("runs --slack-workers=1: "),
            );
            assert.equal(found.length, 1, found.join("\n"));
            assert.match(
                found[0],
                /needs slack_reporter_configs in config\.yaml .*, which \/etc\/config\/config\.yaml lacks/,
            );
            // With the section, the same workers pass.
            const withSlack = editObject(slack, "ConfigMap", named("config"), (o) => {
                const doc = parse(o.data["config.yaml"]) as Record<string, unknown>;
                doc.slack_reporter_configs = { "*": { channel: "x", job_states_to_report: ["failure"] } };
                o.data["config.yaml"] = stringify(doc);
            });
            assert.deepEqual(
                replay(withSlack, TABLE).mismatches.filter((m) => m.includes("--slack-workers")),
                [],
            );
        });

        it("control: a probe on a port or path the binary does not serve fails (the crier probe of issue 51)", () => {
            const probed = editContainer("crier", (c) => {
                c.livenessProbe = { httpGet: { path: "/healthz", port: 8081 } };
            });
            assert.ok(
                replay(probed, TABLE).mismatches.some((m) => m.includes("liveness probe on port 8081")),
            );
            const path = editContainer("deck", (c) => {
                c.readinessProbe.httpGet.path = "/ready";
            });
            assert.ok(replay(path, TABLE).mismatches.some((m) => m.includes("asks /ready on 8081")));
        });

        it("control: a Service targeting a port no container of its pods serves fails, by number and by name", () => {
            const svc = named("tide");
            const byNumber = editObject(resources, "Service", svc, (o) => {
                o.spec.ports[0].targetPort = 9999;
            });
            assert.ok(
                replay(byNumber, TABLE).mismatches.some((m) => m.includes(`${svc} port 80 targets 9999`)),
            );
            const byName = editObject(resources, "Service", svc, (o) => {
                o.spec.ports[0].targetPort = "metrics";
            });
            assert.ok(
                replay(byName, TABLE).mismatches.some((m) => m.includes(`${svc} port 80 targets metrics`)),
            );
        });

        it("control: an unread entry moves its containers out of the checked ones, into the unread list", () => {
            const table = editEntry("us-docker.pkg.dev/k8s-infra-prow/images/deck", (e) => ({
                ...e,
                facts: { state: "unread", why: "control" },
            }));
            const r = replay(resources, table);
            assert.ok(
                r.unread.some(
                    (u) => u.includes("deck") && u.includes("us-docker.pkg.dev/k8s-infra-prow/images/deck"),
                ),
            );
            assert.ok(r.checked < replay(resources, TABLE).checked);
        });
    });
}

describe("the evidence replayed over the local stack's Prow (kubevirtci-testing, as the e2e deploys it)", function () {
    this.timeout(120000);

    it("every container meets what its image requires at start: flags, files its volumes hold, config sections", async () => {
        const recorded = await runSystem(PROW, "stage", toTesting(), TESTING_SECRETS);
        const resources: PlanResource[] = k8sResources(recorded).map((r) => ({ ...r, system: "prow" }));
        const { mismatches, checked } = replay(resources, TABLE);
        assert.deepEqual(mismatches, []);
        assert.ok(checked >= 14, `only ${checked} containers were checked`);
    });
});

describe("the evidence's container rule, on generated containers", () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/);
    const facts = (flags: string[], ports: number[]): ImageEvidence =>
        exampleImage({
            listens: ports.map((port) => ({ port, serves: "x", health: ["/h"], at: "o/r@c:p:1" })),
            flags: flags.map((f) => ({ name: f, at: "o/r@c:p:1" })),
        });

    it("a flag passes exactly when the image defines it, whatever its spelling (-x, --x, --x=v)", () => {
        fc.assert(
            fc.property(
                fc.uniqueArray(name, { maxLength: 6 }),
                name,
                fc.constantFrom("-", "--"),
                fc.boolean(),
                (defined, flag, dashes, value) => {
                    const arg = `${dashes}${flag}${value ? "=1" : ""}`;
                    assert.equal(flagName(arg), flag);
                    const v = containerVerdict([facts(defined, [])], {
                        image: "example.org/x:v1",
                        args: [arg],
                        probes: [],
                    });
                    assert.equal(v.state, "checked");
                    assert.equal(v.state === "checked" && v.mismatches.length === 0, defined.includes(flag));
                },
            ),
        );
    });

    it("a flag's requirement holds exactly when its value (given, or its default) asks for it and the other flag is given", () => {
        const value = fc.constantFrom("true", "false");
        fc.assert(
            fc.property(
                fc.option(value, { nil: undefined }),
                fc.option(value, { nil: undefined }),
                fc.option(value, { nil: undefined }),
                fc.boolean(),
                fc.option(value, { nil: undefined }),
                (given, dflt, when, other, refused) => {
                    const table: ImageEvidence[] = [
                        {
                            ...facts([], []),
                            facts: {
                                state: "read",
                                listens: [],
                                flags: [
                                    {
                                        name: "mode",
                                        at: "o/r@c:p:1",
                                        ...(dflt !== undefined ? { default: dflt } : {}),
                                        requires: [{ flag: "peer", ...(when !== undefined ? { when } : {}) }],
                                        ...(refused !== undefined
                                            ? { refuses: [{ value: refused, why: "no", at: "o/r@c:p:2" }] }
                                            : {}),
                                    },
                                    { name: "peer", at: "o/r@c:p:3" },
                                ],
                                env: [],
                                files: [],
                            },
                        },
                    ];
                    const args = [
                        ...(given !== undefined ? [`--mode=${given}`] : []),
                        ...(other ? ["--peer=x"] : []),
                    ];
                    const v = containerVerdict(table, { image: "example.org/x:v1", args, probes: [] });
                    const effective = given ?? dflt;
                    const unmet =
                        effective !== undefined && (when === undefined || when === effective) && !other;
                    const refusedNow = effective !== undefined && refused === effective;
                    const mismatches = v.state === "checked" ? v.mismatches : ["?"];
                    assert.equal(
                        mismatches.some((m) => m.includes("without --peer")),
                        unmet,
                        args.join(" "),
                    );
                    assert.equal(
                        mismatches.some((m) => m.includes("refuses")),
                        refusedNow,
                        args.join(" "),
                    );
                },
            ),
        );
    });

    it("a file a flag names passes exactly when it lies under a mount whose known files (if any) hold it; a `when` limits it to that value", () => {
        const dir = fc.constantFrom("/etc/a", "/etc/a/b", "/etc/c");
        fc.assert(
            fc.property(
                fc.uniqueArray(dir, { maxLength: 3 }),
                fc.boolean(),
                fc.constantFrom("/etc/a/b/key", "/etc/a/key", "/etc/c", "/other/key"),
                fc.constantFrom("true", "false"),
                (mounted, keyed, path, mode) => {
                    const table: ImageEvidence[] = [
                        {
                            ...facts([], []),
                            facts: {
                                state: "read",
                                listens: [],
                                flags: [
                                    { name: "key-file", at: "o/r@c:p:1", namesFile: true },
                                    {
                                        name: "mode",
                                        at: "o/r@c:p:2",
                                        requires: [{ file: "<key-file>", when: "true", at: "o/r@c:p:3" }],
                                    },
                                ],
                                env: [],
                                files: [],
                            },
                        },
                    ];
                    // A keyed mount (a Secret's, a ConfigMap's) holds only `key`; another holds anything.
                    const mounts = mounted.map((m) => ({
                        path: m,
                        ...(keyed ? { files: [`${m}/key`] } : {}),
                    }));
                    const v = containerVerdict(table, {
                        image: "example.org/x:v1",
                        args: [`--key-file=${path}`, `--mode=${mode}`],
                        probes: [],
                        mounts,
                    });
                    const deepest = mounted
                        .filter((m) => path === m || path.startsWith(`${m}/`))
                        .sort((a, b) => b.length - a.length)[0];
                    const held =
                        deepest !== undefined && (!keyed || path === deepest || path === `${deepest}/key`);
                    const found = v.state === "checked" ? v.mismatches : ["?"];
                    assert.equal(
                        found.filter((m) => m.startsWith("runs --key-file=")).length,
                        held ? 0 : 1,
                        found.join("\n"),
                    );
                    assert.equal(
                        found.filter((m) => m.startsWith("runs --mode=")).length,
                        held || mode === "false" ? 0 : 1,
                        found.join("\n"),
                    );
                },
            ),
        );
    });

    it("a port or probe passes exactly when the image listens there, and an HTTP probe only on a health path", () => {
        const port = fc.integer({ min: 1, max: 65535 });
        fc.assert(
            fc.property(
                fc.uniqueArray(port, { maxLength: 4 }),
                port,
                fc.constantFrom("/h", "/other", undefined),
                (ports, p, path) => {
                    const v = containerVerdict([facts([], ports)], {
                        image: "example.org/x:v1",
                        ports: [{ name: "p", containerPort: p }],
                        probes: [{ kind: "readiness", port: "p", ...(path ? { path } : {}) }],
                    });
                    const ok = ports.includes(p) && path !== "/other";
                    assert.equal(v.state === "checked" && v.mismatches.length === 0, ok);
                },
            ),
        );
    });

    it("a variable passes exactly when the image reads it; a required one must be set, unless an envFrom source's keys are unknown", () => {
        const withEnv = (read: string[], required: string[]): ImageEvidence => {
            const base = facts([], []);
            const env = [
                ...read.map((n) => ({ name: n, at: "o/r@c:p:1" })),
                ...required.map((n) => ({ name: n, required: true, at: "o/r@c:p:2" })),
            ];
            return { ...base, facts: { ...(base.facts as ReadFacts), env } };
        };
        fc.assert(
            fc.property(
                fc
                    .uniqueArray(name, { maxLength: 8 })
                    .chain((names) =>
                        fc.tuple(
                            fc.constant(names),
                            fc.subarray(names),
                            fc.subarray(names),
                            fc.boolean(),
                            fc.constantFrom(undefined, "ConfigMap c"),
                        ),
                    ),
                ([names, requiredPick, setPick, complete, from]) => {
                    const required = requiredPick;
                    const read = names.filter((n) => !required.includes(n)).slice(1);
                    const set = setPick;
                    const v = containerVerdict([withEnv(read, required)], {
                        image: "example.org/x:v1",
                        env: set.map((n) => ({ name: n, ...(from ? { from } : {}) })),
                        ...(complete ? {} : { envComplete: false }),
                        probes: [],
                    });
                    assert.equal(v.state, "checked");
                    const found = v.state === "checked" ? v.mismatches : [];
                    const unread = set.filter((n) => !read.includes(n) && !required.includes(n));
                    const missing = complete ? required.filter((n) => !set.includes(n)) : [];
                    assert.deepEqual(
                        found.map((m) => /^sets (no )?[^ ,]+/.exec(m)?.[0]).sort(),
                        [...unread.map((n) => `sets ${n}`), ...missing.map((n) => `sets no ${n}`)].sort(),
                    );
                    if (from)
                        for (const m of found.filter((x) => !x.startsWith("sets no ")))
                            assert.match(m, /through envFrom ConfigMap c/);
                },
            ),
        );
    });

    it("another version of an image has no entry: the evidence names the version it was read at", () => {
        const v = containerVerdict([facts([], [])], { image: "example.org/x:v2", probes: [] });
        assert.equal(v.state, "missing");
        assert.match(v.state === "missing" ? v.mismatches[0] : "", /no entry for \(it has v1\)|it has v1/);
    });
});

describe("the evidence's Secret-file and queue rules, on generated containers", () => {
    const word = fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/);
    const image = (files: string[], extra: Partial<ReadFacts> = {}): ImageEvidence =>
        exampleImage({ files: files.map((name) => ({ name, at: "o/r@c:p:1" })), ...extra });

    it("a Secret key passes exactly when the process opens its file (by name, or told by an argument); an opened file its mount lacks fails", () => {
        fc.assert(
            fc.property(
                fc.uniqueArray(word, { minLength: 1, maxLength: 5 }),
                fc.uniqueArray(word, { maxLength: 5 }),
                fc.boolean(),
                (keys, openedNames, toldByArg) => {
                    const dir = "/etc/s";
                    const opened = openedNames.map((n) => `${dir}/${n}`);
                    const told = toldByArg ? `${dir}/${keys[0]}` : undefined;
                    const v = containerVerdict([image(opened)], {
                        image: "example.org/x:v1",
                        probes: [],
                        ...(told ? { args: [`--key-file=${told}`] } : {}),
                        secretFiles: {
                            files: keys.map((key) => ({ path: `${dir}/${key}`, secret: "s", key })),
                            dirs: [dir],
                            undecided: [],
                        },
                    });
                    const found = v.state === "checked" ? v.mismatches : [];
                    const unopened = keys.filter((k) => !openedNames.includes(k) && `${dir}/${k}` !== told);
                    const lacking = openedNames.filter((n) => !keys.includes(n));
                    assert.deepEqual(
                        found.filter((m) => m.includes("never opens")).length,
                        unopened.length,
                        found.join("\n"),
                    );
                    assert.deepEqual(found.filter((m) => m.includes("does not hold")).length, lacking.length);
                },
            ),
        );
    });

    it("a published queue passes exactly when a worker within its broker's reach serves it", () => {
        const queue = fc.constantFrom("a", "b", "c");
        fc.assert(
            fc.property(
                fc.array(
                    fc.record({
                        ns: fc.constantFrom("n1", "n2"),
                        serves: fc.option(fc.uniqueArray(queue, { maxLength: 3 }), { nil: undefined }),
                        publishes: fc.uniqueArray(queue, { maxLength: 2 }),
                    }),
                    { maxLength: 5 },
                ),
                fc.boolean(),
                (pods, perNamespace) => {
                    const facts = (publishes: string[]): ReadFacts => ({
                        state: "read",
                        listens: [],
                        flags: "none",
                        env: [],
                        files: [],
                        consumes: ["a", "b", "c"].map((name) => ({ name, at: "o/r@c:p:1" })),
                        publishes: publishes.map((name) => ({ name, at: "o/r@c:p:2" })),
                        queues: {
                            servedFrom: { env: "QUEUES", unset: [], at: "o/r@c:p:3" },
                            ...(perNamespace ? { broker: "namespace" as const } : {}),
                        },
                    });
                    const views: QueueView[] = pods.map((p, i) => ({
                        where: `pod${i}`,
                        namespace: p.ns,
                        scope: p.ns,
                        facts: facts(p.publishes),
                        values: new Map(p.serves ? [["QUEUES", p.serves.join(",")]] : []),
                    }));
                    const reach = (ns: string) => (perNamespace ? ns : "");
                    const served = new Set(
                        pods.flatMap((p) => (p.serves ?? []).map((q) => `${reach(p.ns)}/${q}`)),
                    );
                    const expected = pods.flatMap((p, i) =>
                        p.publishes
                            .filter((q) => !served.has(`${reach(p.ns)}/${q}`))
                            .map((q) => `pod${i} ${q}`),
                    );
                    const found = unservedQueues(views).map((m) => {
                        const [, where, q] = /^(\S+): publishes to (\S+),/.exec(m) ?? [];
                        return `${where} ${q}`;
                    });
                    assert.deepEqual(found, expected);
                },
            ),
        );
    });
});
