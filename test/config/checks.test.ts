import { strict as assert } from "assert";
import * as checks from "../../components/config/checks";
import { portNameProblem } from "../oracles/validate/names";
import { dnsLabelProblem } from "../../components/shared/naming";
import { loadProgramConfig } from "../../components/config/load";
import { SYSTEMS } from "../../components/systems";
import { readStackFile, stackFileSource } from "../../tools/plan/stackfile";
import { repoRoot } from "../../tools/root";

describe("shared value checks", () => {
    it("reads certificate names, port names and name prefixes with the DNS-label rule", () => {
        for (const ok of ["*.packit.dev", "prod.packit.dev"])
            assert.equal(checks.certificateNameProblem(ok), undefined, ok);
        for (const bad of [
            "packit",
            "*.*.packit.dev",
            "Prod.packit.dev",
            "*packit.dev",
            `${"a".repeat(64)}.dev`,
        ])
            assert.equal(
                checks.certificateNameProblem(bad),
                "must be a DNS name or a wildcard such as *.packit.dev",
                bad,
            );
        for (const ok of ["http", "metrics-9090"]) assert.equal(portNameProblem(ok), undefined, ok);
        for (const bad of ["8080", "-http", "a-very-long-port-name", "HTTP"])
            assert.ok(portNameProblem(bad), bad);
        for (const ok of ["", "staging-", "s1"]) assert.equal(checks.namePrefixProblem(ok), undefined, ok);
        for (const bad of ["-staging", "Staging-", "st_"]) assert.ok(checks.namePrefixProblem(bad), bad);
    });

    it("reads CronJob schedules as Kubernetes does", () => {
        for (const ok of [
            "0 2 * * TUE",
            "*/20 * * * *",
            "29 12 * * 1,3,5",
            "0 0 1 JAN *",
            "* * * * MON-FRI",
            "1-5/2 * * * *",
            "0 0 ? * *",
            // The macros.
            "@daily",
            "@hourly",
            "@weekly",
            "@monthly",
            "@yearly",
            "@annually",
            "@midnight",
            "@every 1h30m",
        ])
            assert.equal(checks.cronProblem(ok), undefined, ok);
        assert.match(checks.cronProblem("61 25 32 13 8")!, /not a valid cron schedule/);
        assert.match(checks.cronProblem("0 0 2 * * *")!, /five fields/);
        assert.match(checks.cronProblem("@fortnightly")!, /unknown macro/);
        assert.match(checks.cronProblem("0 0 L * *")!, /L, W or #/);
        assert.match(checks.cronProblem("0 0 * * 1#2")!, /L, W or #/);
        assert.match(checks.cronProblem("TZ=UTC 0 0 * * *")!, /time zone/);
    });

    it("limits DNS labels to 63 and names to 253 characters", () => {
        assert.equal(dnsLabelProblem("a".repeat(63)), undefined);
        assert.match(dnsLabelProblem("a".repeat(64))!, /at most 63/);
        assert.match(dnsLabelProblem("Upper")!, /DNS label/);
        assert.equal(checks.dnsSubdomainProblem("dials.example.org"), undefined);
        assert.match(checks.dnsSubdomainProblem(`${"a".repeat(63)}.`.repeat(4) + "org")!, /at most 253/);
        assert.match(checks.dnsSubdomainProblem(`${"a".repeat(64)}.org`)!, /labels of at most 63/);
    });

    it("checks IP addresses, CIDR blocks and ports", () => {
        assert.equal(checks.ipProblem("192.0.2.10"), undefined);
        assert.match(checks.ipProblem("999.54.0.0")!, /IPv4/);
        assert.match(checks.ipProblem("2001:db8::1")!, /IPv4/);
        assert.equal(checks.ipProblem("2001:db8::1", 6), undefined);
        assert.equal(checks.cidrProblem("10.0.0.0/8"), undefined);
        assert.match(checks.cidrProblem("10.0.0.0/33")!, /CIDR/);
        assert.equal(checks.portProblem(443), undefined);
        for (const bad of [0, 65536, 99999, 1.5]) assert.match(checks.portProblem(bad)!, /1 to 65535/);
    });

    it("refuses control and bidirectional characters and oversized values", () => {
        assert.equal(checks.textProblem("sesheta@redhat.com"), undefined);
        for (const c of ["\n", "\u0007", "\u202e", "\u2066", "\u0085"])
            assert.match(checks.textProblem(`a${c}b`)!, /U\+/);
        assert.match(checks.textProblem("x".repeat(100000))!, /at most 1024/);
    });

    it("suggests a close name only when it is close and unambiguous", () => {
        assert.equal(checks.closest("dails", ["dials", "thoth", "prow"]), "dials");
        assert.equal(checks.closest("cern-pass", ["cern-paas", "psi"]), "cern-paas");
        assert.equal(checks.closest("staging", ["stage", "prod"]), "stage");
        assert.equal(checks.closest("mars", ["psi", "cern-paas"]), undefined);
    });
});

describe("committed stack files", () => {
    for (const stack of ["stage", "prod", "local"]) {
        it(`${stack} has every section and passes the guard (secrets aside)`, () => {
            const file = readStackFile(stack, repoRoot());
            for (const s of SYSTEMS)
                assert.ok(s.section in file.values, `${stack} lacks runbooks:${s.section}`);
            loadProgramConfig(stackFileSource(file, "[secret]"), SYSTEMS, { placeholderSecret: () => "x" });
        });
    }
});
