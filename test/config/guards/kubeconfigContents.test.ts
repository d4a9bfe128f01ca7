import { strict as assert } from "assert";
import fc from "fast-check";
import { stringify } from "yaml";
import { ClusterMarks, provenDistinct, provenSame } from "../../../components/config/clusterIdentity";
import { caFingerprints, kubeconfigReading } from "../../../components/config/kubeconfig";
import { caFingerprint } from "../../fixtures/kubeconfigProblem";
import { OtherStack, sameClusterElsewhere } from "../../../components/config/stacks";
import { TEST_CAS } from "../../fixtures/testCas";
import { PROD, STAGE } from "../battery";
import { PSI, assertBattery, refusalFaults, stackRun } from "./identityCases";
import { stackValues } from "../../harness";
import { unsignedJwt } from "../../fixtures/tokens";

// Issue 70, part 1: every credential a kubeconfig secret holds is checked, whichever context is current. The secret
// holds the stack's one context, its cluster and its user, nothing else; no credential or trust is read from the
// runner's files; proxy-url and tls-server-name run in production only as the stack file reviews them; and every
// certificate of a CA bundle says which cluster the credential reaches. Each class is generated (at least 20 cases),
// each case has its control (the same kubeconfig without what is refused plans), and a legitimate one keeps planning.

const N = 24;
const sample = <T>(arb: fc.Arbitrary<T>, seed = 70) => fc.sample(arb, { seed, numRuns: N });
const PSI_URL = `https://${PSI}`;
const b64 = (s: string) => Buffer.from(s).toString("base64");
/** A production deployer's token a stage secret must never carry: never echoed by a message or a fix. */
const PROD_TOKEN = "sha256~PRODUCTIONDEPLOYERTOKENxxxxxxxxxxxxxxxxxxxx";

type Stack = "stage" | "prod";
type Entry = Record<string, unknown>;

interface Doc {
    clusters: Entry[];
    users: Entry[];
    contexts: Entry[];
    current: string;
}

/** psi's own context: cluster `c`, user `u`, context `deployer@c`. */
function own(): Doc {
    return {
        clusters: [
            { name: "c", cluster: { server: PSI_URL, "certificate-authority-data": b64(TEST_CAS[0]) } },
        ],
        users: [{ name: "u", user: { token: "sha256~stage-deployer-token" } }],
        contexts: [{ name: "deployer@c", context: { cluster: "c", user: "u" } }],
        current: "deployer@c",
    };
}

const text = (d: Doc) =>
    stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: d.clusters,
        users: d.users,
        contexts: d.contexts,
        "current-context": d.current,
    });

const echoes = (p: { message: string; fix?: string }) =>
    `${p.message} ${p.fix}`.includes(PROD_TOKEN) ? "echoes the production token" : undefined;

/** What a case is refused with: at `key`, echoing nothing of `secrets`, the fix storing the secret again. */
function refusedAt(out: ReturnType<typeof stackRun>, stack: Stack, key: string, named: string[]): string[] {
    return refusalFaults(out, key, stack === "prod" ? PROD : STAGE, (p) => {
        const echo = echoes(p);
        if (echo) return echo;
        if (p.key !== key) return undefined;
        const missing = named.filter((n) => !p.message.includes(n));
        return missing.length > 0 ? `does not name ${missing.join(", ")}: ${p.message}` : undefined;
    });
}

/** The control of a case: the same stack with the clean kubeconfig of the case plans. */
function plans(stack: Stack, kubeconfig: string, edit?: (v: Record<string, unknown>) => void): string[] {
    const out = stackRun(stack, { psi: kubeconfig }, edit);
    return out.problems.length === 0 ? [] : [`control does not plan: ${out.message.slice(0, 400)}`];
}

const entryName = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}[a-z0-9]$/).filter((n) => !["c", "u"].includes(n));

interface StrayCase {
    stack: Stack;
    kind:
        | "second-context"
        | "lone-user"
        | "lone-cluster"
        | "repeated-cluster"
        | "repeated-user"
        | "current-elsewhere";
    name: string;
    before: boolean;
}

/** psi's kubeconfig with one stray of `c.kind` added, and the labels of the entries the refusal must name. */
function withStray(c: StrayCase): { doc: Doc; named: string[]; stackContext?: string } {
    const d = own();
    const at = (list: Entry[]) => (c.before ? 0 : list.length);
    const put = (list: Entry[], e: Entry) => (c.before ? list.unshift(e) : list.push(e));
    const prodCluster = {
        name: c.name,
        cluster: { server: PSI_URL, "certificate-authority-data": b64(TEST_CAS[1]) },
    };
    const prodUser = { name: c.name, user: { token: PROD_TOKEN } };
    switch (c.kind) {
        case "second-context":
        case "current-elsewhere": {
            const named = [
                `contexts[${at(d.contexts)}] ("${c.name}")`,
                `clusters[${at(d.clusters)}] ("${c.name}")`,
                `users[${at(d.users)}] ("${c.name}")`,
            ];
            put(d.clusters, prodCluster);
            put(d.users, prodUser);
            put(d.contexts, { name: c.name, context: { cluster: c.name, user: c.name } });
            // The stack names its own context while the file's current one is production's.
            if (c.kind === "current-elsewhere") {
                d.current = c.name;
                return { doc: d, named, stackContext: "deployer@c" };
            }
            return { doc: d, named };
        }
        case "lone-user": {
            const named = [`users[${at(d.users)}] ("${c.name}")`];
            put(d.users, prodUser);
            return { doc: d, named };
        }
        case "lone-cluster": {
            const named = [`clusters[${at(d.clusters)}] ("${c.name}")`];
            put(d.clusters, prodCluster);
            return { doc: d, named };
        }
        // A second entry of the stack's own name: client-go keeps the last one, this check and client-node the first.
        case "repeated-cluster":
            d.clusters.push({ name: "c", cluster: { server: "https://api.prod.example.org:6443" } });
            return { doc: d, named: [`clusters[1] ("c")`] };
        case "repeated-user":
            d.users.push({ name: "u", user: { token: PROD_TOKEN } });
            return { doc: d, named: [`users[1] ("u")`] };
    }
}

const strayCases = fc.record<StrayCase>({
    stack: fc.constantFrom("stage", "prod"),
    kind: fc.constantFrom(
        "second-context",
        "lone-user",
        "lone-cluster",
        "repeated-cluster",
        "repeated-user",
        "current-elsewhere",
    ),
    name: entryName,
    before: fc.boolean(),
});

const withContext = (context: string | undefined) => (v: Record<string, unknown>) => {
    if (context !== undefined) (v.clusters as Record<string, Entry>).psi.context = context;
};

describe("issue 70, part 1: a kubeconfig secret holds the stack's own credential only", function () {
    this.timeout(600000);

    it("another cluster, user or context, a second entry of one name, whichever context is current: refused, naming each", () => {
        assertBattery("stray entries", sample(strayCases), (c) => {
            const { doc, named, stackContext } = withStray(c);
            const out = stackRun(c.stack, { psi: text(doc) }, withContext(stackContext));
            const faults = refusedAt(out, c.stack, "runbooks:kubeconfig-psi", named);
            const p = out.problems.find((q) => q.key === "runbooks:kubeconfig-psi");
            if (
                p &&
                !p.fix?.includes(
                    `pulumi config set --secret kubeconfig-psi --stack ${c.stack} < kubeconfig.yaml`,
                )
            )
                faults.push(`the fix does not store the secret again: ${p.fix}`);
            // Control: the stack's own context alone plans.
            return [...faults, ...plans(c.stack, text(own()), withContext(stackContext))];
        });
    });

    it("legitimate: the stack's context alone, or beside a second name for it, plans", () => {
        assertBattery(
            "legitimate: own entries",
            sample(fc.tuple(entryName, fc.constantFrom("stage", "prod"))),
            ([n, stack]) => {
                const d = own();
                d.contexts.push({ name: n, context: { cluster: "c", user: "u", namespace: "default" } });
                return [...plans(stack as Stack, text(own())), ...plans(stack as Stack, text(d))];
            },
        );
    });
});

describe("issue 85: a second read-only context on the same cluster, declared", function () {
    this.timeout(600000);
    /** psi's kubeconfig with a second context `name` for user `viewer`, on cluster entry `cluster`. */
    const withViewer = (name: string, cluster = "c", user: Entry = { token: "sha256~viewer-token" }) => {
        const d = own();
        d.users.push({ name: "viewer", user });
        if (cluster !== "c") d.clusters.push({ name: cluster, cluster: { server: PSI_URL } });
        d.contexts.push({ name, context: { cluster, user: "viewer" } });
        return d;
    };
    const declare = (names: string[]) => (v: Record<string, unknown>) => {
        (v.clusters as Record<string, Entry>).psi.readOnlyContexts = names;
    };

    it("legitimate: declared at clusters.psi.readOnlyContexts, on the context in use's cluster entry, it plans", () => {
        assertBattery(
            "legitimate: declared viewer",
            sample(fc.tuple(entryName, fc.constantFrom("stage", "prod"))),
            ([n, stack]) => plans(stack as Stack, text(withViewer(n)), declare([n])),
        );
    });

    it("undeclared, or declared on another cluster entry or absent: refused at the secret, naming it", () => {
        assertBattery(
            "read-only context refused",
            sample(fc.tuple(entryName, fc.constantFrom("stage", "prod"))),
            ([n, stack]) => {
                const faults: string[] = [];
                const undeclared = stackRun(stack as Stack, { psi: text(withViewer(n)) });
                faults.push(
                    ...refusedAt(undeclared, stack as Stack, "runbooks:kubeconfig-psi", [
                        `("${n}")`,
                        `("viewer")`,
                    ]),
                );
                const declaredNot = (out: ReturnType<typeof stackRun>, what: string) =>
                    out.problems.some(
                        (q) =>
                            q.key === "runbooks:kubeconfig-psi" &&
                            q.message.includes(`has no context "${n}"`),
                    )
                        ? []
                        : [
                              `${what}: not refused at the secret as a declared context it lacks: ${out.message.slice(0, 300)}`,
                          ];
                faults.push(
                    ...declaredNot(
                        stackRun(stack as Stack, { psi: text(withViewer(n, "other")) }, declare([n])),
                        "on another cluster entry",
                    ),
                    ...declaredNot(stackRun(stack as Stack, { psi: text(own()) }, declare([n])), "absent"),
                );
                return faults;
            },
        );
    });

    it("a declared viewer acting as another stack's service account is refused by whom it acts as", () => {
        const prodNs = Object.keys(
            (stackValues("prod").clusters as Record<string, { namespaces: object }>).psi.namespaces,
        )[0];
        const out = stackRun(
            "stage",
            {
                psi: text(
                    withViewer("view", "c", {
                        token: unsignedJwt({ sub: `system:serviceaccount:${prodNs}:viewer` }),
                    }),
                ),
            },
            declare(["view"]),
        );
        const p = out.problems.filter((q) =>
            /service account of a namespace that stack "prod" grants/.test(q.message),
        );
        assert.deepEqual(
            p.map((q) => q.key),
            ["runbooks:kubeconfig-psi"],
            out.message,
        );
        assert.ok(!p[0].message.includes(prodNs));
    });
});

interface FileCase {
    stack: Stack;
    kind:
        | "tokenFile"
        | "client-certificate"
        | "client-key"
        | "certificate-authority"
        | "idp-certificate-authority"
        | "gcp";
    path: string;
}

const secretPath = fc.stringMatching(/^[a-z]{3,8}$/).map((w) => `/home/deploy/.kube/${w}-secret-path.pem`);

/** psi's kubeconfig whose user or cluster reads one thing from the runner's files; the stack reviews the gcp provider. */
function withFile(c: FileCase): { doc: Doc; setting: string; review?: string } {
    const d = own();
    const user = d.users[0].user as Entry;
    const cluster = d.clusters[0].cluster as Entry;
    switch (c.kind) {
        case "tokenFile":
            delete user.token;
            user.tokenFile = c.path;
            return { doc: d, setting: "tokenFile" };
        case "client-certificate":
        case "client-key":
            delete user.token;
            user["client-certificate-data"] = b64(TEST_CAS[2]);
            user["client-key-data"] = b64("not a key, a test stand-in");
            delete user[`${c.kind}-data`];
            user[c.kind] = c.path;
            return { doc: d, setting: c.kind };
        case "certificate-authority":
            delete cluster["certificate-authority-data"];
            cluster["certificate-authority"] = c.path;
            return { doc: d, setting: "certificate-authority" };
        case "idp-certificate-authority":
            delete user.token;
            user["auth-provider"] = {
                name: "oidc",
                config: {
                    "client-id": "k8s",
                    "idp-issuer-url": "https://sso.example.org",
                    "idp-certificate-authority": c.path,
                },
            };
            return { doc: d, setting: "idp-certificate-authority", review: "auth-provider:oidc" };
        case "gcp":
            delete user.token;
            user["auth-provider"] = {
                name: "gcp",
                config: { scopes: "https://www.googleapis.com/auth/cloud-platform" },
            };
            return { doc: d, setting: "gcp auth-provider", review: "auth-provider:gcp" };
    }
}

const reviewed = (command: string | undefined) => (v: Record<string, unknown>) => {
    if (command !== undefined) (v.clusters as Record<string, Entry>).psi.credentialCommand = command;
};

describe("issue 70, part 1: no credential or trust is read from the runner's files", function () {
    this.timeout(600000);

    it("tokenFile, certificate and key paths, a CA path, an OIDC CA path, gcp's default credentials: refused by name", () => {
        const cases = sample(
            fc.record<FileCase>({
                stack: fc.constantFrom("stage", "prod"),
                kind: fc.constantFrom(
                    "tokenFile",
                    "client-certificate",
                    "client-key",
                    "certificate-authority",
                    "idp-certificate-authority",
                    "gcp",
                ),
                path: secretPath,
            }),
        );
        assertBattery("runner files", cases, (c) => {
            const { doc, setting, review } = withFile(c);
            const out = stackRun(c.stack, { psi: text(doc) }, reviewed(review));
            const faults = refusalFaults(
                out,
                "runbooks:kubeconfig-psi",
                c.stack === "prod" ? PROD : STAGE,
                (p) =>
                    `${p.message} ${p.fix}`.includes(c.path)
                        ? "echoes the path"
                        : p.key === "runbooks:kubeconfig-psi" && !p.message.includes(setting)
                          ? `does not name ${setting}`
                          : undefined,
            );
            // Control: the same kubeconfig with the credential written into it plans.
            return [...faults, ...plans(c.stack, text(own()))];
        });
    });

    it("legitimate: a client certificate and key written into the file (-data) plan", () => {
        assertBattery(
            "legitimate: inline certificate",
            sample(fc.constantFrom<Stack>("stage", "prod")),
            (stack) => {
                const d = own();
                d.users[0].user = {
                    "client-certificate-data": b64(TEST_CAS[2]),
                    "client-key-data": b64("stand-in"),
                };
                return plans(stack, text(d));
            },
        );
    });
});

interface ReviewCase {
    setting: "proxy-url" | "tls-server-name";
    value: string;
    review: "none" | "same" | "other";
}

const reviewCases = fc.record<ReviewCase>({
    setting: fc.constantFrom("proxy-url", "tls-server-name"),
    value: fc
        .tuple(fc.stringMatching(/^[a-z]{3,10}$/), fc.integer({ min: 1025, max: 65535 }))
        .map(([h, port]) => `${h}-reviewed.example.org:${port}`),
    review: fc.constantFrom("none", "same", "other"),
});

const KEYS = { "proxy-url": "proxyUrl", "tls-server-name": "tlsServerName" } as const;

function withSetting(c: ReviewCase): string {
    const d = own();
    const value = c.setting === "proxy-url" ? `http://${c.value}` : c.value.replace(/:\d+$/, "");
    (d.clusters[0].cluster as Entry)[c.setting] = value;
    return text(d);
}

const reviewing = (c: ReviewCase) => (v: Record<string, unknown>) => {
    if (c.review === "none") return;
    const value = c.setting === "proxy-url" ? `http://${c.value}` : c.value.replace(/:\d+$/, "");
    (v.clusters as Record<string, Entry>).psi[KEYS[c.setting]] = c.review === "same" ? value : `${value}x`;
};

describe("issue 70, part 1: proxy-url and tls-server-name run in production only as reviewed", function () {
    this.timeout(600000);

    it("production: unreviewed or reviewed with another value, refused at the reviewing key, asking for the value", () => {
        assertBattery("production review", sample(reviewCases.filter((c) => c.review !== "same")), (c) => {
            const key = `runbooks:clusters.psi.${KEYS[c.setting]}`;
            const out = stackRun("prod", { psi: withSetting(c) }, reviewing(c));
            const faults = refusalFaults(out, key, PROD, (p) => {
                if (`${p.message} ${p.fix}`.includes(c.value.replace(/:\d+$/, ""))) return "echoes the value";
                if (p.key !== key) return undefined;
                if (!p.message.includes(c.setting)) return `does not name ${c.setting}`;
                return /set it to the .* after review of it/.test(p.message) && p.fix === undefined
                    ? undefined
                    : `the message does not ask for the reviewed value: ${p.message}`;
            });
            // Control: the kubeconfig without the setting plans.
            return [...faults, ...plans("prod", text(own()), reviewing({ ...c, review: "none" }))];
        });
    });

    it("stage: a review naming another value is refused; unreviewed it is a notice before the run", () => {
        assertBattery(
            "stage review",
            sample(
                reviewCases.filter((c) => c.review !== "same"),
                71,
            ),
            (c) => {
                const out = stackRun("stage", { psi: withSetting(c) }, reviewing(c));
                if (c.review === "other") {
                    return refusalFaults(out, `runbooks:clusters.psi.${KEYS[c.setting]}`, STAGE);
                }
                if (out.problems.length > 0) return [out.message.slice(0, 400)];
                const shown = out.config!.notices.some((n) => n.text.includes(c.setting));
                return shown ? [] : ["no notice names it"];
            },
        );
    });

    it("legitimate: the value the stack file reviews plans, on stage and on production", () => {
        assertBattery(
            "legitimate: reviewed",
            sample(
                reviewCases.map((c) => ({ ...c, review: "same" as const })),
                72,
            ),
            (c) =>
                (["stage", "prod"] as const).flatMap((stack) => {
                    const out = stackRun(stack, { psi: withSetting(c) }, reviewing(c));
                    return out.problems.length === 0 ? [] : [`${stack}: ${out.message.slice(0, 400)}`];
                }),
        );
    });
});

/** A bundle of test CAs, in this order, with the comments a ca-bundle.crt carries between blocks. */
const bundle = (order: number[], comments: boolean) =>
    b64(order.map((i) => `${comments ? `# test CA ${i}\n` : ""}${TEST_CAS[i]}`).join(""));
const fingerprint = (i: number) => caFingerprint(b64(TEST_CAS[i]))!;

const bundleCases = fc.record({
    order: fc.uniqueArray(fc.nat({ max: 2 }), { minLength: 1, maxLength: 3 }),
    pin: fc.nat({ max: 2 }),
    comments: fc.boolean(),
});

describe("issue 70, part 1: every certificate of a CA bundle is read", function () {
    this.timeout(600000);

    it("each certificate is fingerprinted, in order, whatever lies between the blocks", () => {
        fc.assert(
            fc.property(bundleCases, ({ order, comments }) => {
                assert.deepEqual(caFingerprints(bundle(order, comments)), order.map(fingerprint));
            }),
            { seed: 70, numRuns: N },
        );
        // A block that is not a certificate makes no bundle a client could use as written.
        assert.equal(
            caFingerprints(
                b64(`${TEST_CAS[0]}-----BEGIN PRIVATE KEY-----\nAA==\n-----END PRIVATE KEY-----\n`),
            ),
            undefined,
        );
    });

    it("a pinned CA anywhere in the bundle is the pin's cluster; a bundle without it is refused at identity.ca", () => {
        assertBattery("bundle pin", sample(bundleCases), (c) => {
            const d = own();
            (d.clusters[0].cluster as Entry)["certificate-authority-data"] = bundle(c.order, c.comments);
            const pin = (v: Record<string, unknown>) => {
                const psi = (v.clusters as Record<string, Entry>).psi;
                psi.identity = { uid: "3f6c2a7e-1d2b-4c5e-9f80-7a1b2c3d4e5f", ca: fingerprint(c.pin) };
            };
            const out = stackRun("stage", { psi: text(d) }, pin);
            if (c.order.includes(c.pin)) {
                return out.problems.length === 0
                    ? []
                    : [`a pin in the bundle is refused: ${out.message.slice(0, 400)}`];
            }
            return refusalFaults(out, "runbooks:clusters.psi.identity.ca", STAGE);
        });
    });

    it("a bundle that trusts another stack's pinned CA at any position is that stack's cluster (control: without it, distinct)", () => {
        assertBattery("bundle across stacks", sample(bundleCases.filter((c) => c.order.length > 1)), (c) => {
            const elsewhere = c.order[c.order.length - 1 - (c.pin % c.order.length)];
            const other: OtherStack = {
                stack: "prod",
                production: true,
                values: {},
                clusters: [
                    {
                        name: "prod-cluster",
                        marks: { server: "api.prod.example.org:6443", ca: fingerprint(elsewhere) },
                        grants: { namespaces: { "prod-ns": "thoth" }, hosts: {}, clusterScoped: {} },
                    },
                ],
            };
            const reading = kubeconfigReading(
                text({
                    ...own(),
                    clusters: [
                        {
                            name: "c",
                            cluster: {
                                server: "https://api.stage.example.org:6443",
                                "certificate-authority-data": bundle(c.order, c.comments),
                            },
                        },
                    ],
                }),
                undefined,
                { production: false },
            );
            const marks: ClusterMarks = {
                server: reading.identity?.server,
                ca: reading.identity?.cas?.[0],
                cas: reading.identity?.cas,
            };
            const faults: string[] = [];
            if (sameClusterElsewhere([other], marks).length !== 1)
                faults.push("not taken for the other stack's cluster");
            // Control: the same bundle without that CA is proven another cluster.
            const without = c.order.filter((i) => i !== elsewhere);
            const rest: ClusterMarks = {
                server: marks.server,
                ca: fingerprint(without[0]),
                cas: without.map(fingerprint),
            };
            if (sameClusterElsewhere([other], rest).length !== 0)
                faults.push("control: a bundle without it is taken too");
            return faults;
        });
        // The comparison itself: sets, both ways.
        const a: ClusterMarks = { ca: fingerprint(0), cas: [fingerprint(0), fingerprint(1)] };
        assert.ok(provenSame(a, { ca: fingerprint(1) }) && provenSame({ ca: fingerprint(1) }, a));
        assert.ok(provenDistinct(a, { ca: fingerprint(2) }));
    });
});
