import { strict as assert } from "assert";
import fc from "fast-check";
import {
    canonicalImage,
    confirmation as confirmationAgainst,
    isConfirmedImage as isConfirmedAgainst,
    sourcedImages,
} from "../../components/shared/confirmedImages";
import { ImageUse, imageVerdicts, sectionImages } from "../../components/config/unconfirmedImage";

import { SOURCED_IMAGES } from "../fixtures/sourcedImages";

// The rule against every system's sources: what each system's own table confirms of the images it names.
const confirmation = (image: string) => confirmationAgainst(image, SOURCED_IMAGES);
const isConfirmedImage = (image: string) => isConfirmedAgainst(image, SOURCED_IMAGES);

const hex = fc.stringMatching(/^[a-f0-9]{64}$/);
const segment = fc.stringMatching(/^[a-z0-9]{1,8}([._-][a-z0-9]{1,6})?$/);
const host = fc.constantFrom(
    "quay.io",
    "docker.io",
    "index.docker.io",
    "registry.example.org:5000",
    "gcr.io",
);
const repository = fc
    .tuple(host, fc.array(segment, { minLength: 1, maxLength: 3 }))
    .map(([h, p]) => `${h}/${p.join("/")}`);
const tag = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}$/);

describe("the image confirmation rule (components/shared/confirmedImages.ts)", () => {
    it("confirms no tag a source does not name exactly (no name patterns, no version ranges)", () => {
        for (const image of [
            "docker.io/dgraph/dgraph:v1.0.14", // dgraph-thoth-config's ImageStream lists it, but no template runs it
            "quay.io/openshift/origin-cli:4.15", // chosen for kubectl, named nowhere
            "quay.io/thoth-station/kebechet-job:v1.2.4", // the bot's tag; v1.11.2 is the catalog's
            "quay.io/thoth-station/nepthys:v0.2.6", // thoth-application deploys v0.4.4
            "quay.io/packit/hardly:prod", // Stream's worker repository: no source names it
            "registry.cern.ch/cms-dqmdc/dials-etl:v1.8.0", // runbook 003 imports untagged
            "quay.io/openshiftio/bayesian-coreapi-pgbouncer:to-be-pinned",
        ])
            assert.equal(confirmation(image), undefined, image);
        assert.match(
            confirmation("quay.io/thoth-station/kebechet-job:v1.11.2") ?? "",
            /^thoth-station\.md:1251$/,
        );
        assert.match(confirmation("quay.io/packit/packit-worker:prod") ?? "", /runbook 001/);
        // A deployment repository runbook 000 names, at its newest commit, naming the release exactly.
        assert.equal(
            confirmation("docker.io/dgraph/dgraph:v1.0.15"),
            "thoth-station/dgraph-thoth-config@1979d32:openshift/dgraph-imagestream.yaml:24",
        );
    });

    it("reads Docker Hub's spellings of one image as one", () => {
        for (const image of [
            "registry:2.7.1",
            "docker.io/registry:2.7.1",
            "docker.io/library/registry:2.7.1",
            "index.docker.io/library/registry:2.7.1",
        ])
            assert.equal(confirmation(image), "systems.md §3 table, row docker-mirror", image);
        assert.equal(confirmation("quay.io/library/registry:2.7.1"), undefined);
    });

    it("every reference pinned by a well-formed digest is confirmed, whatever its name or tag", () => {
        fc.assert(
            fc.property(repository, fc.option(tag, { nil: undefined }), hex, (repo, t, h) => {
                const image = `${repo}${t !== undefined ? `:${t}` : ""}@sha256:${h}`;
                assert.equal(confirmation(image), "pinned by digest");
            }),
        );
        assert.equal(confirmation(`quay.io/a/b@sha256:${"A".repeat(64)}`), undefined, "a malformed digest");
    });

    it("a tagged reference is confirmed exactly when its canonical form is a sourced one", () => {
        const sourced = new Set(SOURCED_IMAGES.map((s) => canonicalImage(s.image)));
        fc.assert(
            fc.property(
                fc.oneof(
                    fc.tuple(repository, tag).map(([r, t]) => `${r}:${t}`),
                    fc.constantFrom(...SOURCED_IMAGES.map((s) => s.image)),
                ),
                (image) => {
                    assert.equal(isConfirmedImage(image), sourced.has(canonicalImage(image)), image);
                    assert.equal(canonicalImage(canonicalImage(image)), canonicalImage(image));
                },
            ),
        );
    });

    it("every catalogue entry is a tagged reference and cites a runbook, systems.md, thoth-station.md or a deployment repository at a commit", () => {
        for (const s of SOURCED_IMAGES) {
            assert.match(s.image, /:[^/@]+$/, s.image);
            assert.match(
                s.source,
                // A deployment repository a runbook names, at the commit read (which release runs: the newest commit).
                /^(runbook 00[0-4]|systems\.md|thoth-station\.md:\d+$|[\w.-]+\/[\w.-]+@[0-9a-f]{7,40}[ :]\S)/,
                `${s.image}: ${s.source}`,
            );
        }
    });

    it("a source confirms an image for the system whose table names it, not for another", () => {
        const catalog = "quay.io/thoth-station/kebechet-job:v1.11.2";
        assert.match(confirmationAgainst(catalog, sourcedImages("thoth")) ?? "", /^thoth-station\.md:1251$/);
        assert.equal(confirmationAgainst(catalog, sourcedImages("prow")), undefined);
        assert.equal(confirmationAgainst(catalog, []), undefined);
        // A digest needs no table.
        assert.equal(confirmationAgainst(`quay.io/x/y@sha256:${"0".repeat(64)}`, []), "pinned by digest");
    });
});

describe("what the rule does on each tier", () => {
    const use = (image: string, more: Partial<ImageUse> = {}): ImageUse => ({
        key: "sys.image",
        image,
        ...more,
    });

    it("production: exactly one placeholder problem per unconfirmed image, none for a confirmed one", () => {
        fc.assert(
            fc.property(
                fc.array(fc.tuple(repository, tag, fc.boolean(), hex), { minLength: 1, maxLength: 6 }),
                (specs) => {
                    const uses = specs.map(([r, t, pinned, h], i) =>
                        use(pinned ? `${r}@sha256:${h}` : `${r}:${t}`, { key: `sys.images.i${i}` }),
                    );
                    const { problems, notices } = imageVerdicts(uses, "production", SOURCED_IMAGES);
                    assert.deepEqual(notices, []);
                    const unconfirmed = uses.filter((u) => !isConfirmedImage(u.image));
                    assert.deepEqual(
                        problems.map((p) => p.key),
                        unconfirmed.map((u) => `runbooks:${u.key}`),
                    );
                    for (const p of problems) {
                        assert.ok(p.placeholder, "the offline plan lists it, a real run stops");
                        // Never a digest the program made up: the operator reads it.
                        assert.doesNotMatch(p.fix!, /sha256:[a-f0-9]{64}/);
                        assert.match(
                            p.fix!,
                            /; then pin exactly the digest it prints: pulumi config set --path /,
                        );
                    }
                },
            ),
        );
    });

    it("stage: a notice per unconfirmed image and no problem; a local cluster: nothing", () => {
        const uses = [use("quay.io/x/y:v1"), use(`quay.io/x/z@sha256:${"0".repeat(64)}`)];
        const stage = imageVerdicts(uses, "staging", SOURCED_IMAGES);
        assert.deepEqual(stage.problems, []);
        assert.equal(stage.notices.length, 1);
        assert.equal(stage.notices[0].kind, "UNCONFIRMED IMAGE");
        assert.match(stage.notices[0].text, /^UNCONFIRMED IMAGE runbooks:sys\.image = quay\.io\/x\/y:v1: /);
        assert.deepEqual(imageVerdicts(uses, "local", SOURCED_IMAGES), { problems: [], notices: [] });
    });

    it("the fix pins the key's own reference, or writes the digest to the key a shared tag needs", () => {
        const [own] = imageVerdicts(
            [use("quay.io/x/y:v1", { running: "read-it" })],
            "production",
            SOURCED_IMAGES,
        ).problems;
        assert.equal(
            own.fix,
            "read-it ; then pin exactly the digest it prints: pulumi config set --path sys.image quay.io/x/y@sha256:<the digest printed>",
        );
        const [shared] = imageVerdicts(
            [use("quay.io/x/y:v1", { key: "sys.images.pins.y", digestKey: "sys.images.pins.y" })],
            "production",
            SOURCED_IMAGES,
        ).problems;
        assert.match(
            shared.fix!,
            /pulumi config set --path sys\.images\.pins\.y sha256:<the digest printed>$/,
        );
        assert.match(
            shared.fix!,
            /^oc get pods -A /,
            "where it runs is unknown: every namespace is searched",
        );
    });

    it("finds the images a section runs: fields named image and the entries of an images map, not data", () => {
        const found = sectionImages("s", {
            image: "quay.io/a/b:v1",
            images: { x: "quay.io/a/x:v2", registry: "quay.io/a", tag: "v3" },
            bots: [{ image: "quay.io/a/c:v4" }],
            analyse: { configuredImages: ["quay.io/a/d:v5"] },
            hostImage: "Alma Linux 9",
        });
        assert.deepEqual(
            found.map((u) => [u.key, u.image]),
            [
                ["s.image", "quay.io/a/b:v1"],
                ["s.images.x", "quay.io/a/x:v2"],
                ["s.bots[0].image", "quay.io/a/c:v4"],
            ],
        );
    });
});
