import { strict as assert } from "assert";
import { Checksums, baselineBefore, byPlace, checksumOf, checksumsOf, rolled } from "../fixtures/checksums";
import { field, k8sObjects } from "../harness";
import { Json, runThoth, secretsFor, stationModules, thothOf, thothStack } from "./fixtures";
import { evaluateThoth, plannedThoth } from "./parts";
import { DEPLOYMENT, STATEFULSET as STATEFUL_SET } from "../fixtures/resourceTypes";

/**
 * `namespace/name` → pod-template checksum of every station service Deployment, after a run with `changed` secrets.
 * The station's namespaces, the modules' shared ConfigMaps and Secrets and the services only: the stage keys rotated
 * below are the modules' own (thoth-stage-station-...), which no bot, tunnel or Dgraph is given, and inside the
 * modules only the services' pods carry a checksum of the shared Secrets (argo-server's is of its own ConfigMap, the
 * knowledge graph's pods carry none), so the services hold every reader.
 */
async function checksums(changed: Record<string, string> = {}): Promise<Checksums> {
    const values = thothStack("stage");
    stationModules(thothOf(values));
    await evaluateThoth("stage", {
        change: stationModules,
        secrets: { ...secretsFor(values.thoth), ...changed },
    });
    return checksumsOf(k8sObjects(DEPLOYMENT), byPlace);
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
    const base = baselineBefore(() => checksums());

    it("every station service (APIs, consumers, exporters) carries the checksum of what it reads", () => {
        const services = [...base().keys()].filter((k) => /^thoth-(frontend|infra|amun-api)-stage\//.test(k));
        assert.ok(services.length >= 5, services.join(", "));
        for (const k of services) assert.match(base().get(k) ?? "", /^[0-9a-f]{32}$/, k);
    });

    // Secret `thoth` (user-api-token, app-secret-key, sentry-dsn) is read whole by these readers' env.
    it("a new user-api token rolls the readers of Secret thoth, and nothing else", async () => {
        const after = await checksums({ [stageKey("station-thoth-user-api-token")]: "rotated" });
        assert.deepEqual(rolled(base(), after), [
            "thoth-frontend-stage/management-api",
            "thoth-frontend-stage/user-api",
            "thoth-infra-stage/investigator-consumer-backend",
            "thoth-infra-stage/investigator-consumer-middletier",
            "thoth-infra-stage/metrics-exporter",
        ]);
    });

    it("a new amun secret key rolls amun-api only", async () => {
        const after = await checksums({ [stageKey("amun-app-secret-key")]: "rotated" });
        assert.deepEqual(rolled(base(), after), ["thoth-amun-api-stage/amun-api"]);
    });
});

/** `namespace/name` → checksum of every Deployment and StatefulSet among `resources`. */
function workloadChecksums(resources: readonly { type: string; inputs: Json }[]): Checksums {
    return checksumsOf(
        resources.filter((d) => d.type === DEPLOYMENT || d.type === STATEFUL_SET),
        byPlace,
    );
}

/**
 * Prod without the station's modules and the nodepool: the bots, tunnels, the station's namespaces and Dgraph, every
 * reader of the keys rotated below (the modules read the station's own thoth-station-... keys; argo-server's checksum
 * is read from the committed plan; the nodepool runs no pod).
 */
function withoutModules(thoth: Record<string, Json>): void {
    thoth.station.modules.enabled = false;
    thoth.station.watcherRestart.enabled = false;
    thoth.nodepool.enabled = false;
}

/** `namespace/name` → checksum of every Deployment and StatefulSet of a prod run with `changed` secrets. */
async function prodChecksums(changed: Record<string, string> = {}): Promise<Checksums> {
    const values = thothStack("prod");
    withoutModules(thothOf(values));
    return workloadChecksums(
        await runThoth("prod", withoutModules, { ...secretsFor(values.thoth), ...changed }),
    );
}

describe("thoth bots, ultrahooks, Dgraph and argo-server: a rotated secret restarts exactly its readers", function () {
    this.timeout(120_000);
    const base = baselineBefore(() => prodChecksums());

    it("every long-running bot, tunnel, Dgraph and argo-server carries the checksum of what it reads", async () => {
        const planned = workloadChecksums(await plannedThoth("prod"));
        const readers = [
            "aicoe-prod-bots/sesheta-webhooks",
            "aicoe-prod-bots/review-manager",
            "aicoe-prod-bots/webhook2kafka",
            "aicoe-prod-bots/normalizers",
            "aicoe/ultrahook-cyborg-regidores",
            "aicoe/ultrahook-webhooks",
            "aicoe/ultrahook-review-manager",
            "aicoe/ultrahook-zuul-thoth-test-core",
            "thoth-test-core/dgraph",
            "thoth-test-core/argo-server",
        ];
        for (const k of readers) assert.match(planned.get(k) ?? "", /^[0-9a-f]{32}$/, k);
    });

    it("a new Sesheta webhook secret rolls every bot that checks GitHub signatures, and nothing else", async () => {
        const after = await prodChecksums({ "thoth-sesheta-github-webhook-secret": "rotated" });
        assert.deepEqual(rolled(base(), after), [
            "aicoe-prod-bots/normalizers",
            "aicoe-prod-bots/review-manager",
            "aicoe-prod-bots/sesheta-webhooks",
            "aicoe-prod-bots/webhook2kafka",
        ]);
    });

    it("a new DataHub CA rolls the cyborg-regidores bots only", async () => {
        const after = await prodChecksums({ "thoth-cyborg-regidores-datahub-ca-cert": "rotated" });
        assert.deepEqual(rolled(base(), after), [
            "aicoe-prod-bots/normalizers",
            "aicoe-prod-bots/webhook2kafka",
        ]);
    });

    it("a new ultrahook API key rolls the tunnels of that account only", async () => {
        const after = await prodChecksums({ "thoth-ultrahook-thoth-api-key": "rotated" });
        assert.deepEqual(rolled(base(), after), ["aicoe/ultrahook-webhooks"]);
    });

    it("a new Dgraph certificate rolls Dgraph only", async () => {
        const after = await prodChecksums({ "thoth-dgraph-tls-node-crt": "rotated" });
        assert.deepEqual(rolled(base(), after), ["thoth-test-core/dgraph"]);
    });
});

describe("thoth argo-server: rolls when the controller ConfigMap it reads at start changes", function () {
    this.timeout(120_000);

    async function argoServer(bucket?: string): Promise<string | undefined> {
        // The Argo installs alone (with the station's namespaces and shared configuration they wait for): argo-server
        // reads its own ConfigMap only.
        await evaluateThoth("prod", {
            change: (t) => {
                stationModules(t);
                if (bucket) t.station.modules.shared.ceph.bucket = bucket;
            },
        });
        const [server] = k8sObjects(DEPLOYMENT).filter(
            (d) => field(d.inputs, "metadata.name") === "argo-server",
        );
        return checksumOf(server.inputs);
    }

    it("a new artifact bucket in workflow-controller-configmap restarts argo-server", async () => {
        const before = await argoServer();
        assert.match(before ?? "", /^[0-9a-f]{32}$/);
        assert.equal(await argoServer(), before, "the same ConfigMap keeps the pods");
        assert.notEqual(await argoServer("thoth-rotated"), before);
    });
});
