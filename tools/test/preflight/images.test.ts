import * as assert from "assert";
import { KubeObject } from "../../adopt/model";
import { ImageResult, preflightExit, readAnswer, renderPreflight } from "../../preflight/check";
import { formatImage, groupByImage, imageUses, mirrored, parseImage } from "../../preflight/images";
import { credentialVariable, writeAuthFile } from "../../preflight/skopeo";
import { readFileSync, statSync } from "fs";

const pod = (containers: string[], init: string[] = []) => ({
    containers: containers.map((image, i) => ({ name: `c${i}`, image })),
    initContainers: init.map((image, i) => ({ name: `i${i}`, image })),
});

const objects: KubeObject[] = [
    {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "web", namespace: "shop" },
        spec: { template: { spec: pod(["quay.io/shop/web:v1"], ["busybox:1.36"]) } },
    },
    {
        apiVersion: "batch/v1",
        kind: "CronJob",
        metadata: { name: "nightly", namespace: "shop" },
        spec: { jobTemplate: { spec: { template: { spec: pod(["quay.io/shop/web:v1"]) } } } },
    },
    {
        apiVersion: "batch/v1",
        kind: "Job",
        metadata: { name: "migrate", namespace: "shop" },
        spec: { template: { spec: pod(["quay.io/shop/migrate@sha256:" + "a".repeat(64)]) } },
    },
    {
        apiVersion: "image.openshift.io/v1",
        kind: "ImageStream",
        metadata: { name: "api", namespace: "shop" },
        spec: {
            tags: [{ name: "v2", from: { kind: "DockerImage", name: "registry.example.org/shop/api:v2" } }],
        },
    },
    {
        apiVersion: "apps/v1",
        kind: "StatefulSet",
        metadata: { name: "api", namespace: "shop" },
        spec: {
            template: {
                spec: pod([
                    "image-registry.openshift-image-registry.svc:5000/shop/api:v2",
                    "image-registry.openshift-image-registry.svc:5000/shop/unknown:v1",
                ]),
            },
        },
    },
    {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: { name: "x", namespace: "shop" },
        data: { image: "not:checked" },
    },
];

describe("preflight: the images a stack uses", function () {
    it("collects containers, init containers, CronJob and Job images and ImageStream sources, with their users", function () {
        const groups = groupByImage(imageUses(objects));
        assert.deepEqual(Object.fromEntries(groups), {
            "busybox:1.36": ["apps/v1/Deployment/shop/web init container i0"],
            "image-registry.openshift-image-registry.svc:5000/shop/unknown:v1": [
                "apps/v1/StatefulSet/shop/api container c1",
            ],
            ["quay.io/shop/migrate@sha256:" + "a".repeat(64)]: ["batch/v1/Job/shop/migrate container c0"],
            "quay.io/shop/web:v1": [
                "apps/v1/Deployment/shop/web container c0",
                "batch/v1/CronJob/shop/nightly container c0",
            ],
            "registry.example.org/shop/api:v2": ["image.openshift.io/v1/ImageStream/shop/api tag v2"],
        });
    });

    it("parses references with Docker's defaults", function () {
        assert.deepEqual(parseImage("busybox"), {
            registry: "docker.io",
            repository: "library/busybox",
            tag: "latest",
        });
        assert.deepEqual(parseImage("index.docker.io/kubevirtci/rehearse:v1"), {
            registry: "docker.io",
            repository: "kubevirtci/rehearse",
            tag: "v1",
        });
        assert.deepEqual(parseImage("localhost:5000/a/b@sha256:00"), {
            registry: "localhost:5000",
            repository: "a/b",
            digest: "sha256:00",
        });
        assert.equal(formatImage(parseImage("quay.io/a/b:c")), "quay.io/a/b:c");
    });

    it("a mirror keeps the path; the * mirror keeps the original registry as the first component", function () {
        const ref = parseImage("quay.io/shop/web:v1");
        assert.equal(
            formatImage(mirrored(ref, new Map([["quay.io", "mirror.local/quay"]]))),
            "mirror.local/quay/shop/web:v1",
        );
        assert.equal(
            formatImage(mirrored(ref, new Map([["*", "127.0.0.1:5000"]]))),
            "127.0.0.1:5000/quay.io/shop/web:v1",
        );
        assert.equal(formatImage(mirrored(ref, new Map([["gcr.io", "x"]]))), "quay.io/shop/web:v1");
    });
});

describe("preflight: answers, report and exit code", function () {
    it("reads skopeo's answers: present, missing tag, denied, unreachable", function () {
        assert.equal(readAnswer(0, "").state, "present");
        const missing = readAnswer(
            1,
            'time="x" level=fatal msg="Error reading manifest v9: manifest unknown: manifest unknown"',
        );
        assert.deepEqual(missing, {
            state: "missing",
            detail: "Error reading manifest v9: manifest unknown: manifest unknown",
        });
        assert.equal(readAnswer(1, "requested access to the resource is denied").state, "denied");
        assert.equal(readAnswer(1, "unauthorized: authentication required").state, "denied");
        assert.equal(readAnswer(1, "dial tcp 127.0.0.1:1: connect: connection refused").state, "error");
    });

    it("exits 2 on a missing or unreadable image, 1 when one could not be checked, 0 when all are present", function () {
        const r = (state: ImageResult["state"]): ImageResult => ({
            image: "a:1",
            checked: "a:1",
            state,
            detail: "",
            users: ["x"],
        });
        assert.equal(preflightExit([r("present")]), 0);
        assert.equal(preflightExit([r("present"), r("error")]), 1);
        assert.equal(preflightExit([r("error"), r("missing")]), 2);
        assert.equal(preflightExit([r("denied")]), 2);
        const text = renderPreflight("prod", [
            r("present"),
            {
                image: "quay.io/shop/web:v9",
                checked: "quay.io/shop/web:v9",
                state: "missing",
                detail: "manifest unknown",
                users: ["apps/v1/Deployment/shop/web container web"],
            },
        ]);
        assert.match(text, /2 images, 1 present, 1 with problems/);
        assert.match(
            text,
            /MISSING .*: quay\.io\/shop\/web:v9\n.*manifest unknown\n.*used by apps\/v1\/Deployment\/shop\/web container web/,
        );
    });

    it("credentials come from PREFLIGHT_AUTH_<HOST> into a private auth file, never the command line", function () {
        assert.equal(credentialVariable("quay.io"), "PREFLIGHT_AUTH_QUAY_IO");
        assert.equal(credentialVariable("127.0.0.1:5000"), "PREFLIGHT_AUTH_127_0_0_1_5000");
        assert.equal(writeAuthFile(["quay.io"], {}), undefined);
        const auth = writeAuthFile(["quay.io", "gcr.io"], { PREFLIGHT_AUTH_QUAY_IO: "robot:tok" })!;
        try {
            assert.deepEqual(JSON.parse(readFileSync(auth.file, "utf8")), {
                auths: { "quay.io": { auth: Buffer.from("robot:tok").toString("base64") } },
            });
            assert.equal(statSync(auth.file).mode & 0o777, 0o600);
        } finally {
            auth.dispose();
        }
    });
});
