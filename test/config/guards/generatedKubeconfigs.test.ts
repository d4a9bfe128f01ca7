import { strict as assert } from "assert";
import fc from "fast-check";
import { stringify } from "yaml";
import { caData } from "../../fixtures/testCas";
import { PROD, STAGE } from "../battery";
import { PSI, assertBattery, refusalFaults, stackRun } from "./identityCases";

// Issue 52, item 3, generated: a kubeconfig is read as client-go reads it. A merge key (`<<: *x`) cannot hide an exec
// plugin, an auth-provider or a switched-off TLS check; every user and context is checked, and the one the stack uses
// (its `context`, else the current one) decides which cluster the credential reaches; a reviewed credential command's
// environment is part of its review. Each case is refused at its key, never echoing a command's argument or an
// environment value; legitimate kubeconfigs (a second context with a plain token, a reviewed environment) plan.

const N = 24;
const sample = <T>(arb: fc.Arbitrary<T>, seed = 52) => fc.sample(arb, { seed, numRuns: N });
const SECRET_ARG = "curl-https-evil.example-sh";
const PSI_URL = `https://${PSI}`;

/** The YAML lines of a refused setting, indented by `pad`. */
function settingLines(kind: "exec" | "auth-provider" | "insecure", pad: string): string {
    switch (kind) {
        case "exec":
            return `${pad}exec:\n${pad}  apiVersion: client.authentication.k8s.io/v1\n${pad}  command: sh\n${pad}  args: ["-c", "${SECRET_ARG}"]\n`;
        case "auth-provider":
            return `${pad}auth-provider:\n${pad}  name: gcp\n${pad}  config:\n${pad}    cmd-path: /bin/sh\n${pad}    cmd-args: ${SECRET_ARG}\n`;
        case "insecure":
            return `${pad}insecure-skip-tls-verify: ${"true"}\n`;
    }
}

const holderName = fc.constantFrom("x-defaults", "preferences", "x-templates", "extensions");
const anchorName = fc.stringMatching(/^[a-z][a-z0-9]{1,7}$/);

interface MergeCase {
    kind: "exec" | "auth-provider" | "insecure";
    place: "field" | "entry";
    holder: string;
    anchor: string;
}

/** A kubeconfig of psi whose one user or cluster gets a refused setting only through a merge key. */
function mergeHidden(c: MergeCase): string {
    const ca = caData(0);
    const onCluster = c.kind === "insecure";
    const hidden =
        c.place === "field"
            ? `  ${c.anchor}: &${c.anchor}\n${settingLines(c.kind, "    ")}`
            : onCluster
              ? `  ${c.anchor}: &${c.anchor}\n    name: c\n    cluster:\n      server: ${PSI_URL}\n      certificate-authority-data: ${ca}\n${settingLines(c.kind, "      ")}`
              : `  ${c.anchor}: &${c.anchor}\n    name: deployer\n    user:\n${settingLines(c.kind, "      ")}`;
    const cluster =
        onCluster && c.place === "entry"
            ? `- <<: *${c.anchor}\n`
            : `- name: c\n  cluster:\n    server: ${PSI_URL}\n    certificate-authority-data: ${ca}\n${onCluster ? `    <<: *${c.anchor}\n` : ""}`;
    const user =
        !onCluster && c.place === "entry"
            ? `- <<: *${c.anchor}\n`
            : `- name: deployer\n  user:\n${onCluster ? "    token: sha256~t\n" : `    <<: *${c.anchor}\n`}`;
    return (
        `apiVersion: v1\nkind: Config\n${c.holder}:\n${hidden}clusters:\n${cluster}users:\n${user}` +
        `contexts:\n- name: deployer@c\n  context:\n    cluster: c\n    user: deployer\ncurrent-context: deployer@c\n`
    );
}

const mergeCases = fc.record<MergeCase>({
    kind: fc.constantFrom("exec", "auth-provider", "insecure"),
    place: fc.constantFrom("field", "entry"),
    holder: holderName,
    anchor: anchorName,
});

const echoes = (p: { message: string; fix?: string }) =>
    p.message.includes(SECRET_ARG) || p.fix?.includes(SECRET_ARG)
        ? "echoes the command's argument"
        : undefined;

describe("generated battery: a merge key hides nothing from the kubeconfig policy (issue 52 item 3)", function () {
    this.timeout(600000);

    it("an exec plugin, an auth-provider or insecure-skip-tls-verify merged in from an anchor is refused", () => {
        assertBattery("merge keys", sample(mergeCases), (c) => {
            const stack = c.kind === "insecure" ? "prod" : "stage";
            const out = stackRun(stack, { psi: mergeHidden(c) });
            return refusalFaults(out, "runbooks:kubeconfig-psi", stack === "prod" ? PROD : STAGE, echoes);
        });
    });
});

/** Names for kubeconfig entries. */
const entryName = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}[a-z0-9]$/);

interface NonCurrent {
    mode: "hidden-user" | "stack-context-elsewhere" | "current-elsewhere";
    names: [string, string];
    other: string;
    first: boolean;
    kind: "exec" | "auth-provider";
}

/** A kubeconfig with two contexts: `a` reaching `serverA`, `b` reaching `serverB`; `current` is the current one. */
function twoContexts(o: {
    names: [string, string];
    serverA: string;
    serverB: string;
    current: "a" | "b";
    userB?: string;
    first: boolean;
}): string {
    const [a, b] = o.names[0] === o.names[1] ? [o.names[0], `${o.names[1]}-2`] : o.names;
    const entries = (kind: "cluster" | "user" | "context") => {
        const one = (n: string, which: "a" | "b") =>
            kind === "cluster"
                ? `- name: ${n}\n  cluster:\n    server: ${which === "a" ? o.serverA : o.serverB}\n    certificate-authority-data: ${caData(which === "a" ? 0 : 2)}\n`
                : kind === "user"
                  ? `- name: ${n}\n  user:\n${which === "b" && o.userB ? o.userB : `    token: sha256~${which}\n`}`
                  : `- name: ${n}\n  context:\n    cluster: ${n}\n    user: ${n}\n`;
        const list = [one(a, "a"), one(b, "b")];
        return (o.first ? list : list.reverse()).join("");
    };
    const holder = o.userB?.includes("*h") ? `x-defaults:\n  h: &h\n${settingLines("exec", "    ")}` : "";
    return (
        `apiVersion: v1\nkind: Config\n${holder}clusters:\n${entries("cluster")}users:\n${entries("user")}` +
        `contexts:\n${entries("context")}current-context: ${o.current === "a" ? a : b}\n`
    );
}

const nonCurrentCases = fc.record<NonCurrent>({
    mode: fc.constantFrom("hidden-user", "stack-context-elsewhere", "current-elsewhere"),
    names: fc.tuple(entryName, entryName),
    other: fc.stringMatching(/^[a-z][a-z0-9]{2,8}$/),
    first: fc.boolean(),
    kind: fc.constantFrom("exec", "auth-provider"),
});

describe("generated battery: every user and context is read, and the one in use decides (issue 52 item 3)", function () {
    this.timeout(600000);

    it("a refused setting in a user of another context, or a context in use that reaches another server, is refused", () => {
        assertBattery("non-current users and contexts", sample(nonCurrentCases), (c) => {
            const otherServer = `https://api.${c.other}.example.org:6443`;
            const names =
                c.names[0] === c.names[1] ? ([c.names[0], `${c.names[1]}-2`] as [string, string]) : c.names;
            if (c.mode === "hidden-user") {
                const text = twoContexts({
                    names,
                    serverA: PSI_URL,
                    serverB: otherServer,
                    current: "a",
                    first: c.first,
                    userB:
                        c.kind === "exec"
                            ? "    token: sha256~b\n    <<: *h\n"
                            : settingLines("auth-provider", "    "),
                });
                return refusalFaults(
                    stackRun("stage", { psi: text }),
                    "runbooks:kubeconfig-psi",
                    STAGE,
                    echoes,
                );
            }
            // The context in use (the stack's, or the current one) reaches another server than psi's apiServer.
            const stackContext = c.mode === "stack-context-elsewhere";
            const text = twoContexts({
                names,
                serverA: PSI_URL,
                serverB: otherServer,
                current: stackContext ? "a" : "b",
                first: c.first,
            });
            const out = stackRun("stage", { psi: text }, (v) => {
                if (stackContext)
                    (v.clusters as Record<string, Record<string, unknown>>).psi.context = names[1];
            });
            return refusalFaults(out, "runbooks:clusters.psi.apiServer", STAGE);
        });
    });

    // Issue 70 overturns this class's former legitimate case: a second context with its own cluster and token is
    // another cluster's credential at hand to every run of the stack, so it is refused now, naming each entry to
    // remove. What stays legitimate is a second name for the context in use (below).
    it("a second context with a plain token, before or after the one in use, is refused, naming what to remove (issue 70)", () => {
        const cases = sample(
            fc.tuple(fc.tuple(entryName, entryName), fc.boolean(), fc.constantFrom("stage", "prod")),
            531,
        );
        assertBattery("second context", cases, ([names, first, stack]) => {
            const n = names[0] === names[1] ? ([names[0], `${names[1]}-2`] as [string, string]) : names;
            const text = twoContexts({
                names: n,
                serverA: PSI_URL,
                serverB: "https://api.elsewhere.example.org:6443",
                current: "a",
                first,
            });
            const out = stackRun(stack as "stage" | "prod", { psi: text });
            const at = first ? 1 : 0;
            return refusalFaults(out, "runbooks:kubeconfig-psi", stack === "prod" ? PROD : STAGE, (p) => {
                if (p.key !== "runbooks:kubeconfig-psi") return `another key: ${p.message.slice(0, 200)}`;
                const named = ["contexts", "clusters", "users"].map((l) => `${l}[${at}] ("${n[1]}")`);
                const missing = named.filter((e) => !p.message.includes(e));
                if (missing.length > 0) return `does not name ${missing.join(", ")} to remove`;
                return p.fix?.includes("pulumi config set --secret kubeconfig-psi --stack")
                    ? undefined
                    : `the fix does not store the secret again: ${p.fix}`;
            });
        });
    });

    it("legitimate: a second context naming the same cluster and user as the one in use plans", () => {
        const cases = sample(
            fc.tuple(fc.tuple(entryName, entryName), fc.boolean(), fc.constantFrom("stage", "prod")),
            532,
        );
        assertBattery("legitimate: second name of the context", cases, ([names, first, stack]) => {
            const [a, b] = names[0] === names[1] ? [names[0], `${names[1]}-2`] : names;
            const contexts = [
                `- name: ${a}\n  context:\n    cluster: c\n    user: u\n`,
                `- name: ${b}\n  context:\n    cluster: c\n    user: u\n    namespace: default\n`,
            ];
            const text =
                `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: ${PSI_URL}\n` +
                `    certificate-authority-data: ${caData(0)}\nusers:\n- name: u\n  user:\n    token: sha256~t\n` +
                `contexts:\n${(first ? contexts : [...contexts].reverse()).join("")}current-context: ${a}\n`;
            const out = stackRun(stack as "stage" | "prod", { psi: text });
            return out.problems.length === 0 ? [] : [out.message.slice(0, 500)];
        });
    });
});

/** Environment variables a credential plugin's entry may set. */
const envName = fc.oneof(
    fc.constantFrom(
        "PATH",
        "LD_PRELOAD",
        "LD_LIBRARY_PATH",
        "LD_AUDIT",
        "DYLD_INSERT_LIBRARIES",
        "NODE_OPTIONS",
        "PYTHONPATH",
        "BASH_ENV",
        "HOME",
        "KUBECONFIG",
    ),
    fc.stringMatching(/^[A-Z][A-Z0-9_]{2,12}$/),
);
const envValue = fc.stringMatching(/^[A-Za-z0-9/._:-]{8,24}$/).map((v) => `/tmp/${v}`);
const envList = fc.uniqueArray(fc.tuple(envName, envValue), {
    minLength: 1,
    maxLength: 4,
    selector: ([n]) => n,
});

/** A psi kubeconfig whose user runs the reviewed `kubelogin` with `env`. */
function execWithEnv(env: [string, string][]): string {
    return stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: "c", cluster: { server: PSI_URL, "certificate-authority-data": caData(0) } }],
        users: [
            {
                name: "deployer",
                user: {
                    exec: {
                        apiVersion: "client.authentication.k8s.io/v1",
                        command: "kubelogin",
                        args: ["get-token"],
                        env: env.map(([name, value]) => ({ name, value })),
                    },
                },
            },
        ],
        contexts: [{ name: "d", context: { cluster: "c", user: "deployer" } }],
        "current-context": "d",
    });
}

const reviewed = (env: Record<string, string> | undefined) => (v: Record<string, unknown>) => {
    const psi = (v.clusters as Record<string, Record<string, unknown>>).psi;
    psi.credentialCommand = "kubelogin";
    if (env) psi.credentialEnv = env;
};

describe("generated battery: a reviewed credential command's environment is part of its review (issue 52 item 3)", function () {
    this.timeout(600000);

    it("a variable the review did not name, or names with another value, is refused by name, its value never shown", () => {
        const cases = sample(fc.tuple(envList, fc.constantFrom("none", "other-value", "some")));
        assertBattery("exec env", cases, ([env, review]) => {
            const credentialEnv =
                review === "none"
                    ? undefined
                    : Object.fromEntries(
                          env.map(([n, v], i) => [n, review === "some" && i === 0 ? v : `${v}-changed`]),
                      );
            const unreviewed = env.filter(([n, v]) => credentialEnv?.[n] !== v);
            const out = stackRun("stage", { psi: execWithEnv(env) }, reviewed(credentialEnv));
            return refusalFaults(out, "runbooks:kubeconfig-psi", STAGE, (p) => {
                if (p.key !== "runbooks:kubeconfig-psi") return undefined;
                const unnamed = unreviewed.filter(([n]) => !p.message.includes(n));
                if (unnamed.length > 0) return `does not name ${unnamed.map(([n]) => n).join(", ")}`;
                return env.some(([, v]) => p.message.includes(v) || p.fix?.includes(v))
                    ? "echoes a value"
                    : undefined;
            });
        });
    });

    it("legitimate: the environment reviewed with exactly its values plans", () => {
        assertBattery("legitimate: reviewed env", sample(envList, 541), (env) => {
            const out = stackRun("stage", { psi: execWithEnv(env) }, reviewed(Object.fromEntries(env)));
            return out.problems.length === 0 ? [] : [out.message.slice(0, 500)];
        });
    });

    it("control: the same environment with no credential plugin at all is not what is refused", () => {
        const plain = stackRun("stage", {});
        assert.deepEqual(plain.problems, [], plain.message);
    });
});
