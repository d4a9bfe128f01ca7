import * as assert from "assert";
import { spawn } from "child_process";
import { stackObjects } from "../tools/adopt/program";
import { repoRoot } from "../tools/root";
import { groupByImage, imageUses, mirrored, parseImage, formatImage } from "../tools/preflight/images";
import { inspect } from "../tools/preflight/skopeo";
import { LoopbackRegistry, missingRegistryTools } from "./registry";

// `npm run preflight` against a real registry on 127.0.0.1 (Debian's docker-registry), preloaded with the stack's
// image names (one tiny image made offline with umoci): a missing tag is found with the objects that use it, present
// ones pass. Needs no kube control plane.

const ROOT = repoRoot();

/** The stack's image references as the preflight checks them, and the ones a registry can be preloaded with. */
async function stackImages(stack: string): Promise<{ all: string[]; byTag: string[]; byDigest: string[] }> {
    const program = await stackObjects(stack, ROOT);
    const all = [...groupByImage(imageUses(program.kubernetes.map((d) => d.object))).keys()];
    // A digest names content: a loopback registry cannot hold another registry's digest.
    const byDigest = all.filter((i) => parseImage(i).digest);
    return { all, byTag: all.filter((i) => !byDigest.includes(i)), byDigest };
}

/** The loopback name of an image under the `*` mirror. */
function mirrorName(image: string): string {
    const ref = mirrored(parseImage(image), new Map([["*", "x"]]));
    return formatImage(ref).slice("x/".length);
}

/** Runs the real CLI; returns its exit code, output, the images it reports, and its wall time. */
function preflight(
    stack: string,
    registry: string,
): Promise<{ code: number; out: string; problems: string[]; seconds: number }> {
    const started = Date.now();
    const tsNode = require.resolve("ts-node/dist/bin.js");
    const child = spawn(
        process.execPath,
        [tsNode, "--transpile-only", "tools/preflight/cli.ts", "--stack", stack, "--mirror", `*=${registry}`],
        { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
    );
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    return new Promise((resolve) =>
        child.on("close", (code) =>
            resolve({
                code: code ?? -1,
                out,
                problems: [...out.matchAll(/^ {2}[^:\n]+: (\S+)/gm)].map((m) => m[1]).sort(),
                seconds: (Date.now() - started) / 1000,
            }),
        ),
    );
}

describe("image preflight against a registry on 127.0.0.1", function () {
    const missing = missingRegistryTools();
    let registry: LoopbackRegistry;

    before(async function () {
        if (missing.length > 0) {
            process.stdout.write(
                `      [registry] SKIPPED: not installed: ${missing.join(", ")} (apt-get install -y skopeo docker-registry umoci)\n`,
            );
            this.skip();
        }
        registry = await LoopbackRegistry.start();
    });

    after(function () {
        registry?.stop();
    });

    it("finds a missing tag (with the objects that use it) and passes once it is there", async function () {
        const images = await stackImages("local");
        const withheld = "quay.io/aicoe/review-manager:v0.1.0";
        assert.ok(images.byTag.includes(withheld), `the local stack uses ${withheld}`);
        await registry.pushAll(images.byTag.filter((i) => i !== withheld).map(mirrorName));

        const first = await preflight("local", registry.host);
        assert.equal(first.code, 2, first.out);
        assert.deepEqual(first.problems, [...images.byDigest, withheld].sort());
        assert.match(
            first.out,
            /MISSING \(tag or digest not in the registry\): quay\.io\/aicoe\/review-manager:v0\.1\.0 .*\n.*manifest unknown\n +used by apps\/v1\/Deployment\/thoth-local-bots\/review-manager container review-manager/,
        );

        registry.push(mirrorName(withheld));
        const second = await preflight("local", registry.host);
        assert.deepEqual(second.problems, [...images.byDigest].sort(), second.out);
        process.stdout.write(
            `      [registry] local stack: ${images.all.length} images (${images.byDigest.length} by digest); ` +
                `preflight ${first.seconds.toFixed(1)} s, ${second.seconds.toFixed(1)} s\n`,
        );
    });

    it("checks a digest reference: the pushed digest is present, another digest is missing", async function () {
        const digest = registry.push("digest/check:v1");
        assert.match(digest, /^sha256:[0-9a-f]{64}$/);
        const present = await inspect(`${registry.host}/digest/check@${digest}`, registry.host);
        assert.equal(present.state, "present", present.detail);
        const other = await inspect(`${registry.host}/digest/check@sha256:${"0".repeat(64)}`, registry.host);
        assert.equal(other.state, "missing", other.detail);
    });

    it("prod stack: every tagged image preloaded, only the digest-pinned ones are reported (timed)", async function () {
        const images = await stackImages("prod");
        await registry.pushAll(images.byTag.map(mirrorName));
        const res = await preflight("prod", registry.host);
        assert.deepEqual(res.problems, [...images.byDigest].sort(), res.out);
        assert.equal(res.code, images.byDigest.length > 0 ? 2 : 0);
        process.stdout.write(
            `      [registry] prod stack: ${images.all.length} images (${images.byDigest.length} by digest, not preloadable); ` +
                `preflight wall time ${res.seconds.toFixed(1)} s\n`,
        );
    });
});
