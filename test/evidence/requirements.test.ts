import { strict as assert } from "assert";
import fc from "fast-check";
import { ContainerView, containerVerdict } from "./check";
import { PlannedContainer, plannedContainers, replay } from "../../tools/evidence/replay";
import type { ImageEvidence, Requirement } from "../../components/shared/evidence/schema";
import { SYSTEMS } from "../../components/systems";
import { containersOf, kindOf, podSpecOf } from "../../policy/rules/k8s";
import { Obj, isObj, objectsOf } from "../../policy/rules/types";
import type { PlanResource } from "../../tools/plan/render";
import { COMMITTED_STACKS, localStackPlan, recordedResources, stackPlan } from "../fixtures/plans";
import { exampleImage } from "./example";

// What each container is given (flags and variables, set or left at their defaults) against what its software
// requires with them, on every stack a system runs in: the committed ones and the local one the e2e deploys
// (issue 67). The controls take one thing away from a planned container and expect the replay to name it.

const TABLE: readonly ImageEvidence[] = SYSTEMS.flatMap((s) => s.evidence?.table.images ?? []);

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** `<system> <Kind> <namespace>/<name> <container>` of each container of a resource, with the container itself. */
function containersAt(r: PlanResource): { where: string; container: Obj }[] {
    const props = r.inputs as Obj;
    const meta = isObj(props.metadata) ? props.metadata : {};
    const pod = podSpecOf(r.type, props);
    if (!pod) return [];
    const name = `${r.system} ${kindOf(r.type)} ${String(meta.namespace ?? "")}/${String(meta.name ?? "")}`;
    return containersOf(pod).map((c) => ({ where: `${name} ${c.name}`, container: c.container }));
}

/** The plan with the container at `where` changed in place (a copy: the shared plan stays as it is). */
function editContainer(
    resources: readonly PlanResource[],
    where: string,
    edit: (c: Obj, pod: Obj) => void,
): PlanResource[] {
    const out = clone(resources) as PlanResource[];
    for (const r of out)
        for (const c of containersAt(r))
            if (c.where === where) {
                edit(c.container, podSpecOf(r.type, r.inputs as Obj)?.spec ?? {});
                return out;
            }
    assert.fail(`no container ${where} in the plan`);
}

const objectsOfArgs = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

const withoutEnv = (name: string) => (c: Obj) => {
    c.env = objectsOf(c.env).filter((e) => e.name !== name);
};

const withoutMount = (path: string) => (c: Obj) => {
    c.volumeMounts = objectsOf(c.volumeMounts).filter(
        (m) => String(m.mountPath).replace(/\/+$/, "") !== path,
    );
};

/** The planned containers of images whose repository ends with `/<name>`, that set `variable` in their own env. */
function settingIn(
    containers: readonly PlannedContainer[],
    name: string,
    variable: string,
): PlannedContainer[] {
    return containers.filter(
        (c) =>
            c.view.image.replace(/[:@].*$/, "").endsWith(`/${name}`) &&
            (c.view.env ?? []).some((e) => e.name === variable && e.from === undefined),
    );
}

const STACKS = [
    ...COMMITTED_STACKS.map((stack) => ({ stack, plan: () => stackPlan(stack) })),
    { stack: "local", plan: localStackPlan },
];

for (const { stack, plan } of STACKS) {
    describe(`what each container of the ${stack} plan is given against what its software requires (issue 67)`, function () {
        this.timeout(120000);
        let resources: PlanResource[];
        let containers: PlannedContainer[];
        before(async () => {
            resources = recordedResources(await plan());
            containers = plannedContainers(resources);
        });

        /** The mismatches of the plan changed at `where`, that name that container and contain `text`. */
        const found = (changed: PlanResource[], where: string, text: string) =>
            replay(changed, TABLE).mismatches.filter((m) => m.startsWith(`${where}: `) && m.includes(text));

        it("every flag and variable of every container, given or left at its default, has what it requires", () => {
            const { mismatches, checked } = replay(resources, TABLE);
            assert.deepEqual(mismatches, []);
            assert.ok(checked >= 60, `only ${checked} containers were checked`);
        });

        it("control: a PostgreSQL without its password fails, naming the container and the variable", () => {
            const targets = settingIn(containers, "postgresql-15-c9s", "POSTGRESQL_PASSWORD");
            assert.ok(targets.length >= 1, "no PostgreSQL of the plan sets its password");
            for (const t of targets) {
                const changed = editContainer(resources, t.where, withoutEnv("POSTGRESQL_PASSWORD"));
                assert.equal(
                    found(changed, t.where, "sets POSTGRESQL_USER without POSTGRESQL_PASSWORD").length,
                    1,
                );
                assert.equal(found(changed, t.where, "sets no POSTGRESQL_PASSWORD").length, 1);
            }
        });

        it("control: a Packit worker with one AWS key and not the other fails naming the missing one", () => {
            const targets = settingIn(containers, "packit-worker", "AWS_SECRET_ACCESS_KEY");
            assert.ok(targets.length >= 1, "no Packit worker of the plan sets the S3 credentials");
            for (const t of targets) {
                const changed = editContainer(resources, t.where, withoutEnv("AWS_SECRET_ACCESS_KEY"));
                assert.equal(
                    found(changed, t.where, "sets AWS_ACCESS_KEY_ID without AWS_SECRET_ACCESS_KEY").length,
                    1,
                );
            }
        });

        it("control: a Thoth job without its Ceph secret key fails naming it, where the image stores on Ceph", () => {
            const targets = settingIn(containers, "graph-backup-job", "THOTH_CEPH_SECRET_KEY");
            assert.equal(targets.length, 1, "the graph backup job sets the Ceph secret key");
            const [t] = targets;
            const changed = editContainer(resources, t.where, withoutEnv("THOTH_CEPH_SECRET_KEY"));
            for (const peer of ["THOTH_S3_ENDPOINT_URL", "THOTH_CEPH_KEY_ID", "THOTH_CEPH_BUCKET"])
                assert.equal(
                    found(changed, t.where, "without THOTH_CEPH_SECRET_KEY").filter((m) =>
                        new RegExp(`: sets ${peer}[= ]`).test(m),
                    ).length,
                    1,
                    peer,
                );
        });

        it("control: a Kafka CA file the container does not hold fails naming the variable", () => {
            const targets = settingIn(containers, "investigator", "KAFKA_SSL_CA_LOCATION");
            assert.ok(targets.length >= 1, "no investigator consumer sets the Kafka CA");
            for (const t of targets) {
                const value = (t.view.env ?? []).find((e) => e.name === "KAFKA_SSL_CA_LOCATION")?.value;
                const dir = String(value).slice(0, String(value).lastIndexOf("/"));
                const changed = editContainer(resources, t.where, withoutMount(dir));
                assert.equal(
                    found(changed, t.where, `sets KAFKA_SSL_CA_LOCATION=${String(value)}: `).filter((m) =>
                        m.includes("which no volume of the container holds"),
                    ).length,
                    1,
                );
            }
        });

        it("control: kebechet's run subcommand without its configuration path fails naming both", () => {
            const targets = settingIn(containers, "kebechet-job", "KEBECHET_CONFIGURATION_PATH");
            assert.equal(targets.length, 1, "one kebechet job sets its configuration path");
            const [t] = targets;
            const changed = editContainer(resources, t.where, withoutEnv("KEBECHET_CONFIGURATION_PATH"));
            assert.equal(
                found(changed, t.where, "sets KEBECHET_SUBCOMMAND=run without KEBECHET_CONFIGURATION_PATH")
                    .length,
                1,
            );
        });

        it("control: a Thoth API without a variable its configuration class reads at import fails; its verify Job's curl does not need it", () => {
            const apis = settingIn(containers, "user-api", "THOTH_DEPLOYMENT_NAME");
            assert.ok(apis.length >= 1, "no user-api sets its deployment name");
            for (const t of apis) {
                const changed = editContainer(resources, t.where, withoutEnv("THOTH_DEPLOYMENT_NAME"));
                assert.equal(found(changed, t.where, "sets no THOTH_DEPLOYMENT_NAME").length, 1);
            }
            // A container of the same image running only its own shell script never imports the API.
            for (const v of containers.filter(
                (c) => c.where.includes(" Job ") && /\/user-api:/.test(c.view.image),
            ))
                assert.deepEqual(
                    replay(resources, TABLE).mismatches.filter((m) => m.startsWith(`${v.where}: `)),
                    [],
                );
        });

        it("control: a flag the image's program does not define fails after a command naming it, or behind exec in a script", () => {
            const [controller] = containers.filter((c) => /\/workflow-controller:/.test(c.view.image));
            assert.ok(controller, "no Argo workflow-controller in the plan");
            const bogus = editContainer(resources, controller.where, (c) => {
                c.args = [...objectsOfArgs(c.args), "--workflow-worker=4"];
            });
            assert.equal(found(bogus, controller.where, "passes --workflow-worker, a flag").length, 1);
            const [alpha] = containers.filter(
                (c) => /\/dgraph:/.test(c.view.image) && String(c.view.command?.[2]).includes("dgraph alpha"),
            );
            assert.ok(alpha, "no dgraph alpha in the plan");
            const misspelt = editContainer(resources, alpha.where, (c) => {
                c.command = objectsOfArgs(c.command).map((w) => w.replace("--lru_mb", "--lru-mb"));
            });
            assert.equal(found(misspelt, alpha.where, "its script passes --lru-mb to dgraph").length, 1);
        });

        it("control: DIALS's backend in its production mode needs /var/www/api/; in dev mode it does not", () => {
            const [backend] = containers.filter((c) => /\/(dials-)?backend:/.test(c.view.image));
            assert.ok(backend, "no DIALS backend in the plan");
            assert.equal(
                backend.view.env?.find((e) => e.name === "DJANGO_ENV")?.value,
                "prod",
                "the backend's ConfigMap sets DJANGO_ENV=prod",
            );
            const unmounted = editContainer(resources, backend.where, withoutMount("/var/www/api"));
            assert.equal(
                found(unmounted, backend.where, "sets DJANGO_ENV=prod (through envFrom ConfigMap ").filter(
                    (m) => m.includes("opens /var/www/api/ at start"),
                ).length,
                1,
            );
            // The same container in dev mode: the start script copies nothing, so the path is not needed.
            const dev = unmounted.map((r) => {
                const meta = (r.inputs as Obj).metadata as Obj | undefined;
                if (kindOf(r.type) !== "ConfigMap" || meta?.name !== "dials-backend-configmap") return r;
                const inputs = clone(r.inputs) as Obj & { data: Obj };
                inputs.data.DJANGO_ENV = "dev";
                return { ...r, inputs };
            });
            assert.deepEqual(found(dev, backend.where, "DJANGO_ENV"), []);
        });
    });
}

describe("flags and variables held to one requirement rule, on generated containers", () => {
    const value = fc.constantFrom("a", "b");
    const kind = fc.constantFrom("flag" as const, "env" as const);
    const option = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

    const entry = (fact: { kind: "flag" | "env" }, mode: object, peer: "flag" | "env"): ImageEvidence =>
        exampleImage({
            flags: [
                ...(fact.kind === "flag" ? [{ name: "mode", at: "o/r@c:p:1", ...mode }] : []),
                ...(peer === "flag" ? [{ name: "peer", at: "o/r@c:p:3" }] : []),
            ],
            env: [
                ...(fact.kind === "env" ? [{ name: "MODE", at: "o/r@c:p:1", ...mode }] : []),
                ...(peer === "env" ? [{ name: "PEER", at: "o/r@c:p:3" }] : []),
            ],
        });

    it("a requirement holds exactly when the value (given, or the default) asks for it and the peer is there", () => {
        fc.assert(
            fc.property(
                kind,
                kind,
                option(value),
                option(value),
                option(value),
                fc.boolean(),
                option(value),
                (factKind, peerKind, given, dflt, when, withPeer, refused) => {
                    const peer: Requirement = peerKind === "flag" ? { flag: "peer" } : { env: "PEER" };
                    const mode = {
                        ...(dflt !== undefined ? { default: dflt } : {}),
                        requires: [{ ...peer, ...(when !== undefined ? { when } : {}) }],
                        ...(refused !== undefined
                            ? { refuses: [{ value: refused, why: "no", at: "o/r@c:p:2" }] }
                            : {}),
                    };
                    const args = [
                        ...(factKind === "flag" && given !== undefined ? [`--mode=${given}`] : []),
                        ...(peerKind === "flag" && withPeer ? ["--peer=x"] : []),
                    ];
                    const env = [
                        ...(factKind === "env" && given !== undefined
                            ? [{ name: "MODE", value: given }]
                            : []),
                        ...(peerKind === "env" && withPeer ? [{ name: "PEER", value: "x" }] : []),
                    ];
                    const view: ContainerView = { image: "example.org/x:v1", args, env, probes: [] };
                    const v = containerVerdict([entry({ kind: factKind }, mode, peerKind)], view);
                    const mismatches = v.state === "checked" ? v.mismatches : ["?"];
                    const effective = given ?? dflt;
                    const asks = effective !== undefined && (when === undefined || when === effective);
                    const shown =
                        factKind === "flag" ? "--mode=" : given !== undefined ? "sets MODE=" : "leaves MODE";
                    const missing = peerKind === "flag" ? "without --peer" : "without PEER";
                    const label = JSON.stringify({ args, env, mode });
                    assert.equal(
                        mismatches.some((m) => m.includes(shown) && m.includes(missing)),
                        asks && !withPeer,
                        `${label}\n${mismatches.join("\n")}`,
                    );
                    assert.equal(
                        mismatches.some((m) => m.includes("refuses")),
                        effective !== undefined && refused === effective,
                        `${label}\n${mismatches.join("\n")}`,
                    );
                    assert.equal(
                        mismatches.length,
                        Number(asks && !withPeer) + Number(effective !== undefined && refused === effective),
                        label,
                    );
                },
            ),
        );
    });

    it("a container's own shell script is held to the image's variables only when it calls one of the image's programs (with the flag that loads its code, where one must)", () => {
        fc.assert(
            fc.property(
                fc.constantFrom("app", "curl", "/usr/bin/app"),
                fc.boolean(),
                fc.boolean(),
                fc.constantFrom(undefined, "--code=x", "-C", "--other=x"),
                fc.boolean(),
                (program, inArgs, required, codeArg, codeEnv) => {
                    const table: ImageEvidence[] = [
                        {
                            ...entry(
                                { kind: "env" },
                                required ? { required: true } : { default: "a", requires: [{ env: "PEER" }] },
                                "env",
                            ),
                        },
                    ];
                    (table[0].facts as { binaries?: string[] }).binaries = ["app"];
                    // Half the draws: `app` loads the image's code only with --code (or -C), like celery's --app.
                    const gated = codeArg !== undefined;
                    if (gated)
                        (table[0].facts as { codeFlags?: object[] }).codeFlags = [
                            { binary: "app", flag: "code", short: "C", env: "CODE", at: "o/r@c:p:3" },
                        ];
                    const script = `set -e; ${program} --x${gated ? ` ${codeArg}` : ""}`;
                    const view: ContainerView = {
                        image: "example.org/x:v1",
                        ...(inArgs
                            ? { command: ["/bin/sh", "-c"], args: [script] }
                            : { command: ["/bin/sh", "-c", script] }),
                        // The code named by its variable instead of the flag starts it all the same.
                        env: codeEnv ? [{ name: "CODE", value: "x" }] : [],
                        probes: [],
                    };
                    const v = containerVerdict(table, view);
                    const mismatches = v.state === "checked" ? v.mismatches : ["?"];
                    const starts = program !== "curl" && (!gated || codeArg !== "--other=x" || codeEnv);
                    const expected = required
                        ? "sets no MODE"
                        : 'leaves MODE at its default "a" without PEER';
                    assert.equal(
                        mismatches.some((m) => m.includes(expected)),
                        starts,
                        mismatches.join("\n"),
                    );
                },
            ),
        );
    });

    it("a variable whose value the plan does not show (a Secret's) meets its unconditional requirements only", () => {
        fc.assert(
            fc.property(option(value), fc.boolean(), fc.boolean(), (when, withPeer, complete) => {
                const mode = {
                    requires: [{ env: "PEER", ...(when !== undefined ? { when } : {}) }],
                    refuses: [{ value: "a", why: "no", at: "o/r@c:p:2" }],
                };
                const view: ContainerView = {
                    image: "example.org/x:v1",
                    env: [
                        { name: "MODE", from: "Secret s" },
                        ...(withPeer ? [{ name: "PEER", value: "x" }] : []),
                    ],
                    ...(complete ? {} : { envComplete: false }),
                    probes: [],
                };
                const v = containerVerdict([entry({ kind: "env" }, mode, "env")], view);
                const mismatches = v.state === "checked" ? v.mismatches : ["?"];
                // A `when` cannot be decided on a hidden value, nor a refusal; a source whose keys are unknown may hold the peer.
                const unmet = when === undefined && !withPeer && complete;
                assert.deepEqual(
                    mismatches,
                    unmet
                        ? [
                              "sets MODE (through envFrom Secret s) without PEER, which example.org/x:v1 requires with it (o/r@c:p:1)",
                          ]
                        : [],
                );
            }),
        );
    });
});
