import * as assert from "assert";
import { generatedKeys, programObjects } from "../../adopt/program";
import { fakeOutputs } from "../../mocks/fakes";
import { buildReport, exitCode, renderReport } from "../../adopt/report";
import { Finding } from "../../adopt/model";
import { RecordedResource } from "../../mocks/recorder";

const finding = (id: string, verdict: Finding["verdict"], extra: Partial<Finding> = {}): Finding => ({
    cluster: "main",
    system: "shop",
    id,
    verdict,
    changes: [],
    reasons: [],
    ...extra,
});

/** A recorded resource with only the fields a test sets; the rest as the recorder leaves them empty. */
function rec(r: Partial<RecordedResource>): RecordedResource {
    return {
        urn: "",
        type: "",
        name: "",
        parent: "",
        custom: true,
        provider: "",
        inputs: {},
        masked: {},
        secretPaths: [],
        propertyDependencies: {},
        protect: false,
        retainOnDelete: false,
        deleteBeforeReplace: false,
        ignoreChanges: [],
        dependencies: [],
        aliases: [],
        importId: "",
        ...r,
    };
}

describe("adopt: the report", function () {
    it("counts each class, exits 2 when anything blocks and 0 otherwise", function () {
        const ok = buildReport(
            "prod",
            [finding("v1/Service/shop/a", "create"), finding("v1/Service/shop/b", "unchanged")],
            [],
            [],
        );
        assert.deepEqual(ok.counts, {
            create: 1,
            unchanged: 1,
            update: 0,
            blocking: 0,
            "managed-elsewhere": 0,
            "data-at-risk": 0,
            leftBehind: 0,
            managedAlsoElsewhere: 0,
            prerequisitesMissing: 0,
            leftRunning: 0,
            strandedServices: 0,
            recordsToSet: 0,
        });
        assert.equal(exitCode(ok), 0);
        const bad = buildReport(
            "prod",
            [finding("v1/PersistentVolumeClaim/shop/data", "data-at-risk", { reasons: ["empty"] })],
            [],
            [],
        );
        assert.equal(bad.blocking, 1);
        assert.equal(exitCode(bad), 2);
    });

    it("prints per system the changed fields old → new, the reasons, leftovers and the OpenStack side", function () {
        const report = buildReport(
            "prod",
            [
                finding("apps/v1/Deployment/shop/web", "update", {
                    changes: [{ path: "spec.replicas", old: 1, new: 2 }],
                }),
                finding("v1/Service/shop/db", "blocking", { reasons: ["spec.clusterIP is immutable"] }),
                finding("v1/ConfigMap/shop/same", "unchanged"),
            ],
            [{ cluster: "main", system: "shop", id: "v1/ConfigMap/shop/legacy" }],
            [
                {
                    system: "callysto",
                    type: "openstack:blockstorage/volume:Volume",
                    name: "hub-data",
                    importId: "4f1c",
                },
                { system: "callysto", type: "openstack:compute/keypair:Keypair", name: "deploy" },
            ],
        );
        const text = renderReport(report);
        assert.match(
            text,
            /== shop: 1 adopted, no change, 1 adopted with changes, 1 BLOCKING: not adoptable in place, 1 left behind/,
        );
        assert.match(text, /~ spec\.replicas: 1 → 2/);
        assert.match(text, /! spec\.clusterIP is immutable/);
        assert.match(
            text,
            /\[left behind: not managed by the program, may be used outside it: never delete it as part of the migration\] v1\/ConfigMap\/shop\/legacy/,
        );
        assert.match(text, /OpenStack: 1 adopted by id, 1 will be created/);
        assert.match(text, /\[adopted by id 4f1c\] openstack:blockstorage\/volume:Volume hub-data/);
        assert.doesNotMatch(text, /same/, "objects adopted unchanged are counted, not listed");
        assert.match(text, /1 blocking item\(s\)/);
    });

    it("takes objects per cluster and system, and OpenStack resources with their import ids, from a recording", function () {
        const stack = "urn:pulumi:prod::runbooks::";
        const recorded = [
            rec({
                urn: `${stack}runbooks:dials:Dials::dials`,
                type: "runbooks:dials:Dials",
                name: "dials",
                custom: false,
            }),
            rec({
                urn: `${stack}pulumi:providers:kubernetes::cluster-cern`,
                type: "pulumi:providers:kubernetes",
                name: "cluster-cern",
            }),
            rec({
                urn: `${stack}runbooks:dials:Dials$kubernetes:core/v1:ConfigMap::dials-settings`,
                type: "kubernetes:core/v1:ConfigMap",
                name: "dials-settings",
                parent: `${stack}runbooks:dials:Dials::dials`,
                provider: `${stack}pulumi:providers:kubernetes::cluster-cern::id`,
                masked: {
                    apiVersion: "v1",
                    kind: "ConfigMap",
                    metadata: { name: "settings", namespace: "dials" },
                },
            }),
            rec({
                urn: `${stack}runbooks:callysto:Callysto::callysto`,
                type: "runbooks:callysto:Callysto",
                name: "callysto",
                custom: false,
            }),
            rec({
                urn: `${stack}runbooks:callysto:Callysto$openstack:blockstorage/volume:Volume::hub-data`,
                type: "openstack:blockstorage/volume:Volume",
                name: "hub-data",
                parent: `${stack}runbooks:callysto:Callysto::callysto`,
                importId: "4f1c",
            }),
        ];
        const objects = programObjects(recorded);
        assert.deepEqual(objects.kubernetes, [
            {
                cluster: "cern",
                system: "dials",
                object: {
                    apiVersion: "v1",
                    kind: "ConfigMap",
                    metadata: { name: "settings", namespace: "dials" },
                },
            },
        ]);
        assert.deepEqual(objects.openstack, [
            {
                system: "callysto",
                type: "openstack:blockstorage/volume:Volume",
                name: "hub-data",
                importId: "4f1c",
            },
        ]);
    });
});

describe("adopt: generated Secret keys are found in the recording", function () {
    it("finds the keys that carry a @pulumi/random value, as text or base64, and no other", function () {
        const password = rec({
            type: "random:index/randomPassword:RandomPassword",
            name: "packit-postgres-password",
            inputs: { length: 32 },
        });
        const value = String(fakeOutputs(password.type, password.name, password.inputs).result);
        const secretRecord = rec({
            type: "kubernetes:core/v1:Secret",
            inputs: {
                stringData: {
                    "database-password": value,
                    "database-url": `postgres://packit:${value}@postgres/packit`,
                    "database-user": "packit",
                },
                data: {
                    token: Buffer.from(value).toString("base64"),
                    other: Buffer.from("x").toString("base64"),
                },
            },
        });
        assert.deepEqual(generatedKeys(secretRecord, [password, secretRecord]), [
            "database-password",
            "database-url",
            "token",
        ]);
    });
});
