import { strict as assert } from "assert";
import { readFileSync, readdirSync, writeFileSync } from "fs";
import * as path from "path";
import { parse, stringify } from "yaml";
import { EVIDENCE_ROOT, parseEvidence, readEvidence } from "../../components/shared/evidence/load";
import { repoRoot } from "../../components/shared/repoRoot";
import { SYSTEMS } from "../../components/systems";
import { scratchDir } from "../fixtures/scratch";

// The evidence is data (facts/evidence/<system>/<image>@<version>.yaml) with one schema: every file must pass it, be
// named after what it holds, and belong to a system's table; a file that does not pass is refused by name and key.

const ROOT = path.join(repoRoot(), EVIDENCE_ROOT);
const FOLDERS = readdirSync(ROOT).sort();
const files = (folder: string) => readdirSync(path.join(ROOT, folder)).map((f) => path.join(folder, f));

/** `file` of facts/evidence as it is, changed by `edit`, written to a scratch folder: the path it was written to. */
function edited(
    file: string,
    edit: (doc: Record<string, unknown>) => void,
    name = path.basename(file),
): string {
    const doc = parse(readFileSync(path.join(ROOT, file), "utf8")) as Record<string, unknown>;
    edit(doc);
    const target = path.join(scratchDir("evidence-"), name);
    writeFileSync(target, stringify(doc));
    return target;
}

/** The message `file` is refused with. */
function refusal(file: string): string {
    try {
        readEvidence(file);
    } catch (e) {
        return (e as Error).message;
    }
    return assert.fail(`${file} was accepted`);
}

const DECK = "prow/deck@v20201020-a5b49bc903.yaml";

describe("facts/evidence", () => {
    it("holds one folder per system with evidence and the shared images, only YAML files", () => {
        assert.deepEqual(FOLDERS, ["dials", "packit", "prow", "shared", "thoth"]);
        for (const folder of FOLDERS) for (const f of files(folder)) assert.match(f, /\.yaml$/);
    });

    it("every file passes the schema and is named after the image and version it holds", () => {
        for (const folder of FOLDERS)
            for (const f of files(folder)) assert.ok(readEvidence(path.join(ROOT, f)).length >= 1, f);
    });

    it("every entry of every file is in a system's table, and every table entry comes from a file", () => {
        const tables = new Set(
            SYSTEMS.flatMap((s) => s.evidence?.table.images ?? []).map((e) => `${e.image}@${e.version}`),
        );
        const data = new Set(
            FOLDERS.flatMap((folder) => readEvidence(path.join(ROOT, folder))).map(
                (e) => `${e.image}@${e.version}`,
            ),
        );
        assert.deepEqual(
            [...data].filter((e) => !tables.has(e)),
            [],
        );
        assert.deepEqual(
            [...tables].filter((e) => !data.has(e)),
            [],
        );
    });

    it("an image pushed under other names has one file, its aliases read as entries of their own", () => {
        const etl = readEvidence(path.join(ROOT, "dials/dials-etl@v1.12.0.yaml"));
        assert.deepEqual(
            etl.map((e) => `${e.image}:${e.version}`),
            [
                "registry.cern.ch/cms-dqmdc/dials-etl:v1.12.0",
                "image-registry.openshift-image-registry.svc:5000/cms-dials-local/etl:v1.12.0",
                "image-registry.openshift-image-registry.svc:5000/cms-dials-prod/etl:v1.12.0",
                "image-registry.openshift-image-registry.svc:5000/cms-dials-stage/etl:v1.12.0",
            ],
        );
        assert.ok(etl.every((e) => e.facts === etl[0].facts));
    });
});

describe("an evidence file the schema refuses", () => {
    it("names the file, the key and its line for a value of the wrong kind", () => {
        const file = edited(DECK, (doc) => {
            (doc.facts as { listens: { port: unknown }[] }).listens[1].port = "8081";
        });
        const message = refusal(file);
        assert.ok(message.includes(file), message);
        assert.match(
            message,
            /facts\.listens\[1\]\.port \(line \d+\): Invalid input: expected number, received string/,
        );
    });

    it("names a misspelt key, a missing citation and a requirement of no known form", () => {
        const file = edited(DECK, (doc) => {
            const facts = doc.facts as { env: unknown[]; flags: Record<string, unknown>[] };
            facts.env = [{ name: "X", requried: true, at: "o/r@c:p:1" }];
            delete facts.flags[0].at;
            facts.flags[1].requires = [{ flg: "deck-url" }];
        });
        const message = refusal(file);
        assert.match(message, /facts\.env\[0\]\.requried \(line \d+\): Unrecognized key/);
        assert.match(message, /facts\.flags\[0\]\.at \(line \d+\): Invalid input/);
        assert.match(message, /facts\.flags\[1\]\.requires\[0\] \(line \d+\): a requirement is one of/);
    });

    it("refuses a version YAML reads as a number, a file named after another image, and text that is not YAML", () => {
        const number = path.join(scratchDir("evidence-"), "deck@1.27.yaml");
        writeFileSync(
            number,
            readFileSync(path.join(ROOT, DECK), "utf8").replace(/^version: .*$/m, "version: 1.27"),
        );
        assert.match(
            refusal(number),
            /version \(line \d+\): Invalid input: expected string, received number/,
        );
        const misnamed = edited(DECK, () => {}, "hook@v20201020-a5b49bc903.yaml");
        assert.match(
            refusal(misnamed),
            /holds gcr\.io\/k8s-prow\/deck at v20201020-a5b49bc903: name it deck@/,
        );
        assert.throws(() => parseEvidence("bad.yaml", "image: [unclosed"), /bad\.yaml is not YAML/);
    });

    it("accepts what the replay reads: structured requirements, a default, refused values, files a value names", () => {
        const file = edited(DECK, (doc) => {
            const facts = doc.facts as { flags: Record<string, unknown>[]; arguments?: unknown[] };
            const dryRun = facts.flags.find((f) => f.name === "dry-run")!;
            dryRun.requires = [
                { flag: "deck-url", when: "true" },
                { config: "deck.spyglass", file: "config.yaml" },
                { file: "/etc/github/oauth", at: "o/r@c:p:1" },
                { file: "<cookie-secret>", when: "true", at: "o/r@c:p:5" },
                { config: "deck.spyglass", file: "config.yaml", when: "true" },
            ];
            dryRun.default = "false";
            dryRun.refuses = [{ value: "maybe", why: "not a boolean", at: "o/r@c:p:4" }];
            facts.flags.find((f) => f.name === "static-files-location")!.namesFile = true;
            facts.arguments = [{ position: 1, namesFile: true, at: "o/r@c:p:2" }];
        });
        const [deck] = readEvidence(file);
        const flags = deck.facts.state === "read" && deck.facts.flags !== "none" ? deck.facts.flags : [];
        assert.equal(flags.find((f) => f.name === "dry-run")?.refuses?.[0].value, "maybe");
        // What an upstream tree's path does to a host is another kind of fact (facts/trees), not an image's.
        const withPaths = edited(DECK, (doc) => (doc.paths = [{ path: "p", at: "o/r@c:p:3" }]));
        assert.throws(() => readEvidence(withPaths), /paths/);
    });
});
