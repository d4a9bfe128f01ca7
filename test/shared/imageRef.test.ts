import * as assert from "assert";
import { imageVersion, parseImageRef, streamTag } from "../../components/shared/imageRef";
import { thothApp } from "../../components/thoth/identity";
import { unpinnedReason } from "../../policy/rules/images";
import { parseImage } from "../../tools/preflight/images";

const HEX = "ab1a3421cc3c072a813d8543735f218ca6caa811011391a0e5b00104700e6e7b";

describe("image references (one parser for labels, stream tags, policy and preflight)", () => {
    it("splits a reference as written; a registry's port is not a tag", () => {
        assert.deepEqual(parseImageRef("localhost:5000/a/b"), {
            registry: "localhost:5000",
            repository: "a/b",
        });
        assert.deepEqual(parseImageRef(`quay.io/org/app:v1@sha256:${HEX}`), {
            registry: "quay.io",
            repository: "org/app",
            tag: "v1",
            digest: `sha256:${HEX}`,
        });
        assert.deepEqual(parseImageRef("kubevirtci/rehearse:v1"), {
            repository: "kubevirtci/rehearse",
            tag: "v1",
        });
    });

    it("gives one version label for a digest, whatever system runs the image", () => {
        const image = `gcr.io/k8s-testimages/greenhouse@sha256:${HEX}`;
        assert.equal(imageVersion(image), HEX);
        assert.equal(thothApp("x", "c", image).version, HEX);
        // The digest is what runs, even with a tag beside it.
        assert.equal(imageVersion(`quay.io/a/b:v1@sha256:${HEX}`), HEX);
        assert.equal(imageVersion("quay.io/thoth-station/kebechet:v1.2.3"), "v1.2.3");
        assert.equal(imageVersion("host:5000/app"), undefined);
    });

    it("names an ImageStream tag without ':'", () => {
        assert.equal(streamTag(`docker.io/nginxinc/nginx-unprivileged@sha256:${HEX}`), `sha256-${HEX}`);
        assert.equal(streamTag("docker.io/nginxinc/nginx-unprivileged:1.27.4-alpine"), "1.27.4-alpine");
    });

    it("policy and preflight read a reference the same way", () => {
        assert.equal(unpinnedReason(`quay.io/a/b@sha256:${HEX}`), undefined);
        assert.equal(unpinnedReason("quay.io/a/b@sha256:123"), "has a malformed digest");
        assert.equal(unpinnedReason("host:5000/app"), "has no tag (which means latest)");
        assert.equal(unpinnedReason("quay.io/a/b:latest"), 'uses the tag "latest"');
        assert.equal(unpinnedReason("quay.io/a/b:"), 'uses the tag ""');
        assert.equal(parseImage("host:5000/app").tag, "latest");
        assert.equal(parseImage(`quay.io/a/b@sha256:${HEX}`).tag, undefined);
    });
});
