// Issue 39, finding 2: the verify Jobs ran `curl --retry-all-errors` (curl 7.71.0) inside the APIs' images, whose UBI 8
// base carries curl 7.61.1, so every check failed on its own. The rule, over every command the program writes: a curl
// option must exist in the oldest curl the program's images carry.
import { strict as assert } from "assert";
import fc from "fast-check";
import { CURL_OPTIONS } from "../fixtures/curlOptions";
import { curlCommands, curlOptions, curlOptionsMissingIn, releaseAtMost } from "../fixtures/curlCommands";
import { stackPlan } from "../fixtures/plans";

/** UBI 8's curl (RHEL 8), the base of the Thoth API images the verify Jobs run in. */
const OLDEST_CURL = "7.61.1";

/** Every string below a value, with its path. */
function strings(value: unknown, path: string, out: { path: string; text: string }[]): void {
    if (typeof value === "string") out.push({ path, text: value });
    else if (Array.isArray(value)) value.forEach((v, i) => strings(v, `${path}[${i}]`, out));
    else if (value && typeof value === "object")
        for (const [k, v] of Object.entries(value)) strings(v, path ? `${path}.${k}` : k, out);
}

describe("curl in the program's commands runs on curl 7.61.1 (UBI 8)", function () {
    this.timeout(180_000);

    it("the option table knows the release of the options it is about", () => {
        const added = (long: string) => CURL_OPTIONS.find((o) => o.long === long)?.added;
        assert.equal(added("--retry-all-errors"), "7.71.0");
        assert.equal(added("--retry-connrefused"), "7.52.0");
        assert.equal(added("--fail-with-body"), "7.76.0");
        assert.equal(added("--max-time"), undefined, "older than 7.31");
        assert.deepEqual(curlOptionsMissingIn(OLDEST_CURL, "curl --retry 3 --retry-all-errors http://x"), [
            "--retry-all-errors (added in curl 7.71.0)",
        ]);
        assert.deepEqual(
            curlOptionsMissingIn(OLDEST_CURL, "curl -fsSL -o /dev/null --max-time 20 'http://x'"),
            [],
        );
        assert.deepEqual(curlOptionsMissingIn(OLDEST_CURL, "echo curl --bogus; x && curl --bogus"), [
            "--bogus (not a curl option)",
        ]);
    });

    it("every option is found in any spelling: long, --long=value, short clusters, after any separator", () => {
        const later = CURL_OPTIONS.filter((o) => o.added && !releaseAtMost(o.added, OLDEST_CURL));
        const older = CURL_OPTIONS.filter((o) => !o.added || releaseAtMost(o.added, OLDEST_CURL));
        assert.ok(later.length > 20 && older.length > 150);
        const spelled = (o: (typeof CURL_OPTIONS)[number], short: boolean) =>
            short && o.short ? `${o.short}${o.argument ? " v" : ""}` : `${o.long}${o.argument ? "=v" : ""}`;
        fc.assert(
            fc.property(
                fc.array(fc.constantFrom(...older), { maxLength: 5 }),
                fc.constantFrom(...later),
                fc.boolean(),
                fc.constantFrom("", "set -e; ", "x || ", "until ", "a | "),
                (before, bad, short, prefix) => {
                    const text = `${prefix}curl ${[...before, bad].map((o) => spelled(o, short)).join(" ")} 'http://h'`;
                    const missing = curlOptionsMissingIn(OLDEST_CURL, text);
                    assert.deepEqual(missing, [
                        `${short && bad.short ? bad.short : bad.long} (added in curl ${bad.added})`,
                    ]);
                    assert.equal(curlOptions(curlCommands(text)[0]).length, before.length + 1);
                },
            ),
        );
    });

    for (const stack of ["stage", "prod"] as const) {
        it(`${stack}: no command of the plan uses a curl option that curl ${OLDEST_CURL} lacks`, async () => {
            const found: { path: string; text: string }[] = [];
            for (const r of (await stackPlan(stack)).resources)
                strings(r.inputs, `${r.type} ${r.name}`, found);
            const withCurl = found.filter((s) => curlCommands(s.text).length > 0);
            // The verify Jobs call curl: the check is not vacuous.
            assert.ok(
                stack === "prod" || withCurl.some((s) => s.path.includes("verify")),
                withCurl.map((s) => s.path).join("\n"),
            );
            assert.deepEqual(
                withCurl.flatMap((s) =>
                    curlOptionsMissingIn(OLDEST_CURL, s.text).map((m) => `${s.path}: ${m}`),
                ),
                [],
            );
        });
    }
});
