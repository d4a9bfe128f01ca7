import type { PlanResource } from "../../tools/plan/render";
import { ConformanceInputs } from "./check";
import { RunbookTable, Stack } from "../../tools/conformance/schema";

/** A small runbook with each form the checker reads: prose, a fenced command, a prompt line, an inline command. */
export const FIXTURE_RUNBOOK = [
    "# Deploying the demo", //  1
    "", //                       2
    "Create the namespace and the app:", // 3
    "```", //                    4
    "oc new-project demo-prod", // 5
    "oc apply -f app.yaml", //   6
    "```", //                    7
    "$ gopass show demo/token", // 8
    "Restore the backup by hand.", // 9
    "Run `make clean` when you are done.", // 10
].join("\n");

function kubernetes(kind: string, namespace: string | undefined, name: string, stack: Stack): PlanResource {
    const group = kind === "Deployment" ? "apps/v1" : "core/v1";
    return {
        urn: `urn:pulumi:${stack}::runbooks::kubernetes:${group}:${kind}::${name}`,
        type: `kubernetes:${group}:${kind}`,
        name,
        parent: "",
        provider: "",
        system: "demo",
        protect: false,
        retainOnDelete: false,
        ignoreChanges: [],
        inputs: { metadata: { name, ...(namespace ? { namespace } : {}) } },
    };
}

/** The stack's plan of the fixture: the namespace and the Deployment, namespaced per stack. */
export function fixturePlan(stack: Stack): PlanResource[] {
    const ns = stack === "prod" ? "demo-prod" : "demo-stg";
    return [kubernetes("Namespace", undefined, ns, stack), kubernetes("Deployment", ns, "app", stack)];
}

export const FIXTURE_FILES: Record<string, string> = {
    "test/demo.test.ts": 'it("deploys the demo app", () => {});\n',
    "docs/operate/recovery.md": "# Recovery\n\n## Restore a `pg_dump` backup\n\ntext\n",
};

/** A table of the fixture runbook that the checker passes. */
export function fixtureTable(): RunbookTable {
    return {
        system: "demo",
        runbook: "999-demo.txt",
        steps: [
            {
                lines: "5",
                says: "oc new-project",
                step: "create the namespace",
                replaced: {
                    by: "objects",
                    objects: [{ kind: "Namespace", name: { stage: "demo-stg", prod: "demo-prod" } }],
                    config: ["demo.namespace"],
                    tests: [{ file: "test/demo.test.ts", title: "deploys the demo" }],
                },
            },
            {
                lines: "6",
                says: "oc apply",
                step: "apply the app",
                replaced: {
                    by: "objects",
                    objects: [
                        {
                            kind: "Deployment",
                            namespace: { stage: "demo-stg", prod: "demo-prod" },
                            name: "app",
                        },
                    ],
                    tests: [{ file: "test/demo.test.ts", title: "deploys the demo" }],
                },
            },
            {
                lines: "8",
                says: "gopass show",
                step: "read the token",
                replaced: { by: "dropped", reason: "the token is a stack secret" },
            },
            {
                lines: "9",
                says: "Restore the backup",
                step: "restore the backup",
                replaced: {
                    by: "manual",
                    reason: "a restore needs the operator's backup",
                    procedure: { doc: "docs/operate/recovery.md#restore-a-pg_dump-backup" },
                },
            },
            {
                lines: "10",
                says: "make clean",
                step: "clean up",
                replaced: {
                    by: "manual",
                    reason: "only the operator knows when",
                    procedure: { notice: "CLEAN UP demo" },
                },
            },
        ],
        context: [
            { lines: "1", why: "heading" },
            { lines: "3-4", why: "prose and fence" },
            { lines: "7", why: "fence" },
        ],
    };
}

/** The checker's inputs for the fixture: both plans, the files above, and `demo.namespace` as the one key read. */
export function fixtureInputs(overrides: Partial<ConformanceInputs> = {}): ConformanceInputs {
    return {
        runbookText: FIXTURE_RUNBOOK,
        plans: {
            stage: { resources: fixturePlan("stage"), notices: ["demo: CLEAN UP demo-stg when done"] },
            prod: { resources: fixturePlan("prod"), notices: ["demo: CLEAN UP demo-prod when done"] },
        },
        readFile: (file) => FIXTURE_FILES[file],
        unreadKeyReason: (key) => (key === "demo.namespace" ? undefined : "not a key of the demo"),
        ...overrides,
    };
}
