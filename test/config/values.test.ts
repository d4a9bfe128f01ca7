import { strict as assert } from "assert";
import { z } from "zod";
import fc from "fast-check";
import {
    INT32_MAX,
    cidrProblem,
    hostPortListProblem,
    ipProblem,
    isWholeInternet,
    quantityProblem,
} from "../../components/config/checks";
import {
    gigabytes,
    hostName,
    k8sName,
    positiveInt,
    quantity,
    replicas,
} from "../../components/config/fields";
import { credentialProblem, problemsFromIssues, textProblems } from "../../components/config/issues";
import { memoryConfigSource, recordStackFileSources, resolveMergeKeys } from "../../components/config/source";
import { quantityValue } from "../../components/shared/resources";

// Ranges and formats as the APIs define them (int32 replicas, positive quantities, real ports, IPs as Neutron reads
// them), and fixes that print what the operator wrote rather than what YAML made of it. Tokens are assembled from
// parts so no scanner mistakes this file for a leak.

const GHP = `ghp_${"A1b2C3d4E5".repeat(3)}F6g7H8`;

function problems(schema: z.ZodType, value: unknown) {
    const r = schema.safeParse(value);
    return r.success ? [] : problemsFromIssues("s", schema, value, r.error.issues);
}

describe("values the API server or OpenStack would refuse", () => {
    it("replicas and sizes are int32, as the API's fields", () => {
        for (const schema of [replicas(1), positiveInt(1), gigabytes(1)]) {
            assert.ok(schema.safeParse(INT32_MAX).success);
            assert.ok(!schema.safeParse(INT32_MAX + 1).success);
            assert.ok(!schema.safeParse(1.5).success);
        }
        assert.ok(replicas(1).safeParse(0).success);
        assert.ok(!gigabytes(1).safeParse(0).success);
    });

    it("quantities follow the Kubernetes grammar and are more than zero", () => {
        for (const ok of ["1Gi", "500m", "1e9", "1.5Gi", "0.5", ".5Gi", "2"])
            assert.equal(quantityProblem(ok), undefined, ok);
        for (const zero of ["0", "0Gi", "0.0Mi", "0e3"])
            assert.match(quantityProblem(zero) ?? "", /greater than zero/, zero);
        for (const bad of [
            "1 Gi",
            "-1Gi",
            "1GB",
            "Gi",
            "",
            "1.2.3",
            "1e400",
            ".1e310",
            `${"9".repeat(300)}Ei`,
        ])
            assert.match(quantityProblem(bad) ?? "", /quantity/, bad);
        assert.match(quantityProblem("1e-400") ?? "", /greater than zero/);
    });

    it("every quantity the config accepts is one the program can size with (a request in u stopped it unkeyed)", () => {
        // The config's check and the program's reader are two grammars; every suffix and number form of the first.
        const suffixes = "|n|u|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei".split("|");
        fc.assert(
            fc.property(
                fc.oneof(
                    fc.stringMatching(/^[0-9]{1,4}(\.[0-9]{0,3})?$/),
                    fc.stringMatching(/^\.[0-9]{1,3}$/),
                ),
                fc.oneof(fc.constantFrom(...suffixes), fc.stringMatching(/^[eE][+-]?[0-9]{1,3}$/)),
                (number, suffix) => {
                    const written = `${number}${suffix}`;
                    fc.pre(quantityProblem(written) === undefined);
                    const value = quantityValue(written);
                    assert.ok(value !== undefined && value > 0, `${written} read as ${value}`);
                },
            ),
            { numRuns: 500 },
        );
    });

    it("IP addresses in four decimal parts only, CIDR prefixes within the family", () => {
        assert.equal(ipProblem("162.246.156.219"), undefined);
        for (const bad of ["999.54.0.0", "10.0.1", "0x7f.0.0.1", "2001:db8::1", "1.2.3.4.5"])
            assert.ok(ipProblem(bad), bad);
        assert.equal(ipProblem("2001:db8::1", 6), undefined);
        assert.ok(ipProblem("fe80::1%eth0", 6));
        assert.equal(cidrProblem("203.0.113.0/24"), undefined);
        assert.equal(cidrProblem("2001:db8::/32"), undefined);
        for (const bad of ["203.0.113.10/33", "2001:db8::/129", "10.1/8", "203.0.113.10"])
            assert.ok(cidrProblem(bad), bad);
        assert.ok(isWholeInternet("0.0.0.0/0") && isWholeInternet("::/0"));
        assert.ok(!isWholeInternet("203.0.113.10/32") && !isWholeInternet("not-a-cidr"));
    });

    it("host:port lists have real ports and DNS hosts", () => {
        assert.equal(hostPortListProblem("a.example.org:443,b.example.org:9093"), undefined);
        assert.match(hostPortListProblem("kafka.example.org:99999") ?? "", /1 to 65535/);
        assert.match(hostPortListProblem("kafka.example.org:0") ?? "", /1 to 65535/);
        assert.match(hostPortListProblem("kafka_1:443") ?? "", /host:port/);
    });
});

describe("problems say what is allowed; no command sets a value", () => {
    it("a YAML number where text is meant: the message quotes the source text, no command", () => {
        const schema = z.object({ tag: z.string() }).strict();
        const value = { tag: 1.1 };
        recordStackFileSources({ s: value }, "config:\n  runbooks:s:\n    tag: 1.10\n");
        const [p] = problems(schema, value);
        assert.equal(p.fix, undefined);
        assert.match(p.message, /unquoted 1\.10 as the number 1\.1; quote it \('1\.10'\)/);
    });

    it("a number text for a number field: the type expected and received, no command", () => {
        const [p] = problems(z.object({ n: replicas(1) }).strict(), { n: "3" });
        assert.equal(p.key, "runbooks:s.n");
        assert.match(p.message, /expected number, received string/);
        assert.equal(p.fix, undefined);
    });

    it("names are not repaired by a guess: each problem says the rule, no command", () => {
        const schema = z
            .object({ ns: k8sName("someone-elses"), host: hostName("x.example.org"), size: quantity("9Gi") })
            .strict();
        const found = problems(schema, { ns: "My_Namespace", host: "API.Example.org", size: "1 Gi" });
        assert.deepEqual(
            found.map((p) => [p.key, p.fix]),
            [
                ["runbooks:s.ns", undefined],
                ["runbooks:s.host", undefined],
                ["runbooks:s.size", undefined],
            ],
        );
        for (const p of found) assert.ok(p.message.length > 10, p.message);
        // No guess of the value is printed: neither the example nor a repaired spelling.
        assert.ok(found.every((p) => !/someone-elses|my-namespace|api\.example\.org/.test(p.message)));
    });

    it("a value only the operator knows is asked for in the message, not invented", () => {
        const schema = z
            .object({ egroup: z.string().min(1).meta({ example: "theirs", ask: "your e-group" }) })
            .strict();
        const [p] = problems(schema, { egroup: "" });
        assert.match(p.message, /; set it to your e-group$/);
        assert.equal(p.fix, undefined);
    });

    it("merge keys are resolved as the Pulumi CLI resolves them: own keys first", () => {
        const source = memoryConfigSource({
            s: {
                "<<": [
                    { a: 1, b: 1 },
                    { b: 2, c: 3 },
                ],
                a: 0,
            },
        });
        assert.deepEqual(source.getValue("s"), { a: 0, b: 1, c: 3 });
        assert.deepEqual(resolveMergeKeys({ x: [{ "<<": { y: 1 } }] }), { x: [{ y: 1 }] });
    });
});

describe("credentials in plain settings", () => {
    it("are named by kind, called leaked, and said where a secret belongs", () => {
        const schema = z
            .object({
                user: z.string().meta({ example: "sesheta" }),
                extra: z.record(z.string(), z.unknown()),
            })
            .strict();
        const found = textProblems("thoth", schema, {
            user: GHP,
            extra: { deep: ["https://deploy:hunter2@git.example.org/repo.git"] },
        });
        assert.deepEqual(
            found.map((p) => [p.key, p.fix]),
            [
                ["runbooks:thoth.user", undefined],
                ["runbooks:thoth.extra.deep[0]", undefined],
            ],
        );
        assert.match(
            found[0].message,
            /credential \(GitHub token\).*leaked.*rotate.*pulumi config set --secret thoth-<name>/,
        );
        assert.match(found[1].message, /URL with a password/);
    });

    it("are reported once: not also as a wrong format or a control character", () => {
        const pem = `-----BEGIN RSA ${"PRIVATE"} KEY-----\n${"MIIEpAIBAAKCAQEA".repeat(8)}\n-----END RSA ${"PRIVATE"} KEY-----`;
        const schema = z.object({ publicKey: z.string().regex(/^ssh-/) }).strict();
        assert.equal(textProblems("c", schema, { publicKey: pem }).length, 1);
        assert.deepEqual(problems(schema, { publicKey: pem }), []);
        assert.match(credentialProblem("c", schema, ["publicKey"], pem)!.message, /private key/);
    });

    it("leave ordinary values alone", () => {
        const schema = z.record(z.string(), z.unknown());
        const values = {
            image: "quay.io/thoth-station/kebechet-job:v1.2.4",
            url: "https://user:${PASSWORD}@example.org",
            s: "sesheta",
        };
        assert.deepEqual(textProblems("x", schema, values), []);
    });
});

describe("a YAML number whose source text is unknown", () => {
    it("is not fixed to the number: the message asks to quote what was meant", () => {
        const schema = z.object({ tag: z.string() }).strict();
        const [p] = problems(schema, { tag: 1.1 });
        assert.equal(p.fix, undefined);
        assert.match(p.message, /quote it exactly as intended$/);
        assert.match(p.message, /the number 1\.1 \(an unquoted 1\.10 reads as 1\.1\)/);
    });
});

describe("a __proto__ key in a section", () => {
    const schema = z.object({ a: z.record(z.string(), z.unknown()).optional() }).strict();
    const segment = fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/);

    it("is refused at any depth with its full key and the rm that removes it, where the schema would drop it silently", () => {
        fc.assert(
            fc.property(fc.array(segment, { maxLength: 4 }), (path) => {
                // JSON.parse keeps __proto__ as an own key, as the stack file's value reaches the program.
                const nested = path.reduceRight<unknown>((inner, k) => ({ [k]: inner }), { keep: "1" });
                const value = JSON.parse(`{"a": {"__proto__": ${JSON.stringify(nested)}}}`) as unknown;
                assert.deepEqual(schema.parse(value), { a: {} }, "zod drops it: the reason for the rule");
                const found = textProblems("x", schema, value);
                assert.equal(found.length, 1, JSON.stringify(found));
                assert.equal(found[0].key, "runbooks:x.a.__proto__");
                assert.match(found[0].message, /^the key "__proto__" is no setting/);
                assert.match(found[0].message, /: remove it$/);
            }),
            { numRuns: 20 },
        );
    });

    it("control: the same value under an ordinary key is no problem", () => {
        const value = JSON.parse('{"a": {"proto": {"keep": "1"}}}') as unknown;
        assert.deepEqual(textProblems("x", schema, value), []);
    });
});
