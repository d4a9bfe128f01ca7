import { strict as assert } from "assert";
import { READS_CHECKSUM_ANNOTATION } from "../../components/shared/startupReads";
import { field, k8sObjects } from "../harness";
import { runThoth, secretsFor, thothStack } from "./fixtures";

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";

/** `namespace/name` → pod-template checksum of every station Deployment, after a run with `changed` secrets. */
async function checksums(changed: Record<string, string> = {}): Promise<Map<string, string | undefined>> {
    const values = thothStack("stage");
    await runThoth("stage", undefined, { ...secretsFor(values.thoth, values.thoth), ...changed });
    return new Map(
        k8sObjects(DEPLOYMENT).map((d) => [
            `${field(d.inputs, "metadata.namespace")}/${field(d.inputs, "metadata.name")}`,
            (field(d.inputs, "spec.template.metadata.annotations") as Record<string, string> | undefined)?.[
                READS_CHECKSUM_ANNOTATION
            ],
        ]),
    );
}

function rolled(before: Map<string, string | undefined>, after: Map<string, string | undefined>): string[] {
    return [...before.keys()].filter((n) => before.get(n) !== after.get(n)).sort();
}

/** The one stage config key whose name ends with `suffix`. */
function stageKey(suffix: string): string {
    const values = thothStack("stage");
    const keys = Object.keys(secretsFor(values.thoth, values.thoth)).filter((k) => k.endsWith(suffix));
    assert.equal(keys.length, 1, `${suffix}: ${keys.join(", ")}`);
    return keys[0];
}

describe("thoth station: a rotated secret restarts exactly its readers", function () {
    this.timeout(120_000);
    let base: Map<string, string | undefined>;
    before(async () => {
        base = await checksums();
    });

    it("every station service (APIs, consumers, exporters) carries the checksum of what it reads", () => {
        const services = [...base.keys()].filter((k) => /^thoth-(frontend|infra|amun-api)-stage\//.test(k));
        assert.ok(services.length >= 5, services.join(", "));
        for (const k of services) assert.match(base.get(k) ?? "", /^[0-9a-f]{32}$/, k);
    });

    // Secret `thoth` (user-api-token, app-secret-key, sentry-dsn) is read whole by these readers' env.
    it("a new user-api token rolls the readers of Secret thoth, and nothing else", async () => {
        const after = await checksums({ [stageKey("station-thoth-user-api-token")]: "rotated" });
        assert.deepEqual(rolled(base, after), [
            "thoth-frontend-stage/management-api",
            "thoth-frontend-stage/user-api",
            "thoth-infra-stage/investigator-consumer-backend",
            "thoth-infra-stage/investigator-consumer-middletier",
            "thoth-infra-stage/metrics-exporter",
        ]);
    });

    it("a new amun secret key rolls amun-api only", async () => {
        const after = await checksums({ [stageKey("amun-app-secret-key")]: "rotated" });
        assert.deepEqual(rolled(base, after), ["thoth-amun-api-stage/amun-api"]);
    });
});
