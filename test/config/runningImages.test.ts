import assert from "assert";
import { execFileSync } from "child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import fc from "fast-check";
import { releaseImages } from "../../components/dials/migration";
import { runningImagesCommand } from "../../components/config/unconfirmedImage";

// The printed digest lookup is pasted into a shell on production: run it as printed, with an `oc` that prints a
// namespace's pods, and check it selects exactly the pods whose name holds the text (issue 68: `grep -bulk` was read
// as grep's options and refused, so the DIALS ETL check printed nothing).
describe("the printed running-images lookup, run as printed", () => {
    let dir: string;
    const pods = [
        "tracker-bulk-5d8f\tquay.io/x/dials-etl@sha256:aa",
        "tracker-priority-77c1\tquay.io/x/dials-etl@sha256:aa",
        "backend-1\tquay.io/x/dials-backend@sha256:bb",
    ];
    before(() => {
        dir = mkdtempSync(path.join(tmpdir(), "running-images-"));
        const oc = path.join(dir, "oc");
        writeFileSync(oc, `#!/bin/bash\nprintf '%s\\n' "$PODS"\n`);
        chmodSync(oc, 0o755);
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    const run = (command: string, lines: string[]): string[] => {
        const out = execFileSync("bash", ["-c", `${command} || true`], {
            env: { PATH: `${dir}:/usr/bin:/bin`, PODS: lines.join("\n") },
            encoding: "utf8",
            stdio: ["ignore", "pipe", "pipe"],
        });
        return out.split("\n").filter((l) => l !== "");
    };

    it("the DIALS release check prints the ETL workers' digests (its pod text starts with a dash)", () => {
        const etl = releaseImages({
            images: { registry: "registry.cern.ch/cms-dqmdc", tag: "v1", nginx: "nginx:1" } as never,
            namespace: "cms-dials-prod",
        }).find((i) => i.key.endsWith(".etl"));
        const lookup = /that (oc get pods -n cms-dials-prod .*?) shows \(/.exec(etl?.running ?? "")?.[1];
        assert.ok(lookup, etl?.running);
        assert.deepEqual(run(lookup, pods), pods.slice(0, 1));
    });

    it("selects exactly the lines holding the text, whatever the text (generated)", () => {
        const text = fc.stringMatching(/^[-a-z0-9 .'"*$;|&()\\[\]]{1,12}$/);
        fc.assert(
            fc.property(
                text,
                fc.array(fc.stringMatching(/^[-a-z0-9 .'"*$;[\]]{0,16}$/), { maxLength: 5 }),
                (t, names) => {
                    const lines = names.map((n, i) => `${i % 2 ? n + t : n}\tdigest${i}`);
                    const expected = lines.filter((l) => l.includes(t));
                    assert.deepEqual(run(runningImagesCommand("ns", t), lines), expected);
                },
            ),
            { numRuns: 40 },
        );
    });
});
