import { strict as assert } from "assert";
import { createHash } from "crypto";
import { BACKEND_SECRETS, EOS_SECRETS, ETL_SECRETS, REDIS_PASSWORDS } from "../../components/dials/secrets";
import { Checksums, checksumsOf, rolled } from "../fixtures/checksums";
import { RecordedResource } from "../../tools/mocks/recorder";
import { field, k8sObjects } from "../harness";
import { DIALS_SECRETS, DialsSection, fewerWorkspaces, runDials } from "./fixtures";
import { DEPLOYMENT } from "../fixtures/resourceTypes";

const STAGE = "cms-dials-stage";
/** The two Redis servers: each reads its password Secret at start (REDIS_PASSWORD). */
const REDIS = ["redis-etl-broker", "redis-web-cache"];
const NOT_ETL = ["backend", "frontend", ...REDIS];

/** Deployment name → its pod-template checksum (undefined when it reads nothing), and where secrets were marked. */
async function checksums(
    secrets: Record<string, string> = DIALS_SECRETS,
    change?: (dials: DialsSection) => void,
): Promise<Checksums> {
    // Every evaluation alike, the baseline too: see fewerWorkspaces.
    await runDials(
        "stage",
        (d) => {
            fewerWorkspaces(d);
            change?.(d);
        },
        secrets,
    );
    return checksumsOf(k8sObjects(DEPLOYMENT, STAGE));
}

// Runbook 003 restarts readers by hand after a change ("oc rollout restart"); envFrom is read at start only, so
// without a template change a rotated value is never seen.
describe("dials: a changed Secret or ConfigMap restarts exactly its readers", function () {
    this.timeout(120_000);
    let base: Checksums;
    /** The Deployments of that first evaluation, as registered. */
    let baseDeployments: RecordedResource[];
    let etlReaders: string[];
    before(async () => {
        base = await checksums();
        baseDeployments = k8sObjects(DEPLOYMENT, STAGE);
        etlReaders = [...base.keys()].filter((n) => !NOT_ETL.includes(n)).sort();
        assert.ok(etlReaders.length > 5, `ETL deployments: ${etlReaders.join(", ")}`);
    });

    it("every DIALS Deployment that reads a Secret or ConfigMap at start carries a checksum; the frontend reads none", () => {
        for (const [name, sum] of base) {
            if (name === "frontend") assert.equal(sum, undefined);
            else assert.match(sum ?? "", /^[0-9a-f]{32}$/, name);
        }
    });

    it("a new value in dials-etl-secrets rolls every ETL Deployment and not the web", async () => {
        const key = ETL_SECRETS[0].key;
        const after = await checksums({ ...DIALS_SECRETS, [key]: "rotated" });
        assert.deepEqual(rolled(base, after), etlReaders);
    });

    it("a new value in eos-credentials rolls every ETL Deployment and not the web", async () => {
        const key = EOS_SECRETS[0].key;
        const after = await checksums({ ...DIALS_SECRETS, [key]: "rotated" });
        assert.deepEqual(rolled(base, after), etlReaders);
    });

    it("a new value in dials-backend-secrets rolls only the backend", async () => {
        const key = BACKEND_SECRETS[0].key;
        const after = await checksums({ ...DIALS_SECRETS, [key]: "rotated" });
        assert.deepEqual(rolled(base, after), ["backend"]);
    });

    it("a new broker password rolls redis-etl-broker with every ETL Deployment (their Celery URLs carry it)", async () => {
        const after = await checksums({ ...DIALS_SECRETS, [REDIS_PASSWORDS.broker.key]: "rotated" });
        assert.deepEqual(rolled(base, after), [...etlReaders, "redis-etl-broker"].sort());
    });

    it("a new cache password rolls redis-web-cache with the backend (DJANGO_REDIS_URL carries it)", async () => {
        const after = await checksums({ ...DIALS_SECRETS, [REDIS_PASSWORDS.cache.key]: "rotated" });
        assert.deepEqual(rolled(base, after), ["backend", "redis-web-cache"]);
    });

    it("a change of dials-backend-configmap rolls only the backend", async () => {
        const after = await checksums(DIALS_SECRETS, (d) => {
            d.web = { ...d.web, gunicornWorkers: 7 } as typeof d.web;
        });
        assert.deepEqual(rolled(base, after), ["backend"]);
    });

    it("the same values give the same checksums: an unchanged up restarts nothing", async () => {
        assert.deepEqual(rolled(base, await checksums()), []);
    });

    it("reveals nothing derivable about the values: a keyed HMAC, not a hash of the content", () => {
        const secretValues = Object.values(DIALS_SECRETS);
        assert.ok(baseDeployments.length > 5);
        for (const d of baseDeployments) {
            const sum = base.get(field(d.inputs, "metadata.name") as string);
            if (sum === undefined) continue;
            for (const v of secretValues) {
                assert.notEqual(sum, createHash("sha256").update(v).digest("hex").slice(0, 32));
            }
            assert.ok(!JSON.stringify(d.masked).includes("SECRET-VALUE-"), "no secret value in the plan");
        }
    });
});
