import { execFileSync } from "child_process";
import { strict as assert } from "assert";
import { z } from "zod";
import { formatPath, problemsFromIssues, schemaAt, stackFileErrors } from "../../components/config/issues";
import { cronSchedule, imageRef, imageTag, k8sName, quantity } from "../../components/config/fields";
import { shellQuote } from "../../components/config/problems";

describe("config error messages", () => {
    it("formats paths the way `pulumi config set --path` reads them", () => {
        assert.equal(formatPath("callysto", ["hosts", 0, "name"]), "callysto.hosts[0].name");
        assert.equal(formatPath("prow", ["overrides", "deck.replicas"]), 'prow.overrides["deck.replicas"]');
    });

    it("quotes shell words only when needed", () => {
        assert.equal(shellQuote("thoth.bots"), "thoth.bots");
        assert.equal(shellQuote("*/20 * * * *"), "'*/20 * * * *'");
        assert.equal(shellQuote("it's"), `'it'"'"'s'`);
        // What the shell reads back is the word itself, whatever it holds.
        for (const word of ["it's a $HOME", "$(id) `id`", 'a"b\\c', "[1,2]", "x;y&z", "", "two\nlines", "*"])
            assert.equal(
                execFileSync("sh", ["-c", `printf %s ${shellQuote(word)}`], { encoding: "utf8" }),
                word,
            );
    });

    it("names every failing field by its full key through records, arrays, optionals and defaults, with what it allows", () => {
        const schema = z.object({
            hosts: z.array(z.object({ flavor: z.string().meta({ example: "m1.small" }) })),
            by: z
                .record(z.string(), z.object({ n: z.number().default(1).meta({ example: "3" }) }))
                .optional(),
        });
        const value = { hosts: [{}], by: { a: { n: "x" } } };
        const result = schema.safeParse(value, { error: stackFileErrors });
        assert.ok(!result.success);
        const problems = problemsFromIssues("sys", schema, value, result.error.issues);
        assert.deepEqual(problems.map((p) => [p.key, p.message, p.fix]).sort(), [
            ["runbooks:sys.by.a.n", "expected number, received string", undefined],
            ["runbooks:sys.hosts[0].flavor", "is required (expected string)", undefined],
        ]);
        assert.ok(schemaAt(schema, ["by", "zzz", "n"]));
        assert.equal(schemaAt(schema, ["nope"]), undefined);
    });

    it("field schemas reject what Kubernetes or the registry would reject", () => {
        assert.ok(k8sName("a").safeParse("aicoe-prod-bots").success);
        assert.ok(!k8sName("a").safeParse("Aicoe").success);
        assert.ok(!k8sName("a").safeParse("a".repeat(64)).success);
        assert.ok(imageRef("x").safeParse("quay.io/packit/packit-service:stg").success);
        assert.ok(imageRef("x").safeParse(`quay.io/packit/worker@sha256:${"a".repeat(64)}`).success);
        assert.ok(!imageRef("x").safeParse("quay.io/packit/packit-service").success, "untagged");
        assert.ok(!imageRef("x").safeParse("quay.io/packit/packit-service:latest").success, "latest");
        assert.ok(!imageTag("x").safeParse("latest").success);
        assert.ok(quantity("1Gi").safeParse("500m").success);
        assert.ok(!quantity("1Gi").safeParse("1 GB").success);
        assert.ok(cronSchedule("@daily").safeParse("29 12 * * 1,3,5").success);
        assert.ok(cronSchedule("@daily").safeParse("*/20 * * * *").success);
        assert.ok(!cronSchedule("@daily").safeParse("every day").success);
        assert.ok(!cronSchedule("@daily").safeParse("* * * *").success);
    });
});
