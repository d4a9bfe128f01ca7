// The project's own stacks pass the policy pack: every rule over the offline plans of stage and prod.
import { strict as assert } from "assert";
import { spawn } from "child_process";
import { mkdtempSync, readFileSync, rmSync } from "fs";
import * as os from "os";
import * as path from "path";
import { checkPlan } from "../../policy/offline";
import { containersOf, podSpecOf } from "../../policy/rules/k8s";
import { isObj, objectsOf } from "../../policy/rules/types";
import type { PlanResource } from "../../tools/plan/render";

const ROOT = path.resolve(__dirname, "..", "..");

/** Plans a stack in its own process (the recording mocks are global to a process) and reads resources.json. */
function plan(stack: string, out: string): Promise<PlanResource[]> {
    return new Promise((resolve, reject) => {
        const args = [
            require.resolve("ts-node/dist/bin.js"),
            "--transpile-only",
            "tools/plan/cli.ts",
            "--stack",
            stack,
            "--out",
            out,
        ];
        const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
        let stderr = "";
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("error", reject);
        child.on("close", (code) =>
            code === 0
                ? resolve(
                      JSON.parse(readFileSync(path.join(out, "resources.json"), "utf8")) as PlanResource[],
                  )
                : reject(new Error(`plan of ${stack} failed:\n${stderr}`)),
        );
    });
}

/** Where the offline plan shows a masked secret outside a Secret: a secret Output that went into plain config. */
function maskedOutsideSecrets(resources: readonly PlanResource[]): string[] {
    const found: string[] = [];
    for (const r of resources) {
        if (r.type === "kubernetes:core/v1:ConfigMap" && isObj(r.inputs.data)) {
            for (const [k, v] of Object.entries(r.inputs.data))
                if (v === "[secret]") found.push(`${r.name} data.${k}`);
        }
        const pod = podSpecOf(r.type, r.inputs);
        for (const c of pod ? containersOf(pod) : []) {
            for (const env of objectsOf(c.container.env))
                if (env.value === "[secret]") found.push(`${r.name} ${c.name} env ${String(env.name)}`);
        }
    }
    return found;
}

describe("policy pack on the project's stacks (offline plans)", function () {
    this.timeout(180_000);
    const plans: Record<string, PlanResource[]> = {};
    let tmp = "";

    before(async () => {
        tmp = mkdtempSync(path.join(os.tmpdir(), "policy-stacks-"));
        for (const stack of ["stage", "prod"]) plans[stack] = await plan(stack, path.join(tmp, stack));
    });

    after(() => rmSync(tmp, { recursive: true, force: true }));

    for (const stack of ["stage", "prod"]) {
        it(`${stack} has no policy violation`, () => {
            const violations = checkPlan(stack, plans[stack]).map((v) => `[${v.rule}] ${v.message}`);
            assert.deepEqual(violations, []);
        });

        it(`${stack} puts no secret into a ConfigMap or a plain env value`, () => {
            assert.deepEqual(maskedOutsideSecrets(plans[stack]), []);
        });
    }

    it("decides production by stack: prod entries carry protect, and stage's unprotected state would fail in prod", () => {
        const prodProtected = plans.prod.filter((r) => r.protect);
        assert.ok(prodProtected.length > 0, "prod protects its stateful resources");
        // The same plan checked as if it were production would flag whatever stage leaves unprotected.
        assert.ok(checkPlan("prod", plans.stage).some((v) => v.rule === "stateful-protected-in-prod"));
    });
});
