import { strict as assert } from "assert";
import fc from "fast-check";
import { canonicalDatabaseServer, uriDatabaseServer } from "../../components/config/databaseServer";

// A database server is what a client connects to: every spelling of one host and port is one server, and different
// hosts or ports are different servers, whether written as a stack's key or inside a URI secret.

const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}[a-z0-9]$/);
const host = fc.array(label, { minLength: 2, maxLength: 4 }).map((l) => l.join("."));
const port = fc.integer({ min: 1, max: 65535 });

/** One spelling of `h` a client reads as `h`: any case, an optional root dot. */
const spelling = (h: string) =>
    fc
        .tuple(
            fc.array(fc.boolean(), { minLength: h.length, maxLength: h.length }),
            fc.boolean(),
            fc.boolean(),
        )
        .map(([upper, dot, escape]) => {
            let text = [...h].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join("");
            // libpq and the URL parser both decode a percent-escaped host.
            if (escape) text = `%${text.charCodeAt(0).toString(16)}${text.slice(1)}`;
            return dot ? `${text}.` : text;
        });

/** A URI on `authority` as a stack's secret might hold it: scheme, credentials, database, options vary. */
const uriOn = (authority: string) =>
    fc
        .tuple(
            fc.constantFrom("postgresql", "postgres", "PostgreSQL", "postgresql+psycopg2"),
            fc.option(
                fc.tuple(fc.stringMatching(/^[a-z]{1,8}$/), fc.stringMatching(/^[A-Za-z0-9%:]{0,12}$/)),
            ),
            fc.constantFrom("", "/", "/dials", "/dials?sslmode=require", "?connect_timeout=10"),
        )
        .map(
            ([scheme, user, tail]) =>
                `${scheme}://${user ? `${user[0]}:${user[1]}@` : ""}${authority}${tail}`,
        );

describe("database server identity", () => {
    it("listed spellings of one server are one server; others are not", () => {
        const same: [string, string][] = [
            ["dbod-dials.cern.ch:6600", "DBOD-Dials.CERN.ch:6600"],
            ["dbod-dials.cern.ch:6600", "dbod-dials.cern.ch.:6600"],
            ["dbod-dials.cern.ch:6600", "dbod-dials.cern.ch:06600"],
            ["db.example.org", "db.example.org:5432"],
            ["[2001:db8::1]:6600", "[2001:0db8:0:0:0:0:0:1]:6600"],
        ];
        for (const [a, b] of same)
            assert.equal(canonicalDatabaseServer(a), canonicalDatabaseServer(b), `${a} ${b}`);
        const different: [string, string][] = [
            ["dbod-dials.cern.ch:6600", "dbod-dials.cern.ch:6601"],
            ["dbod-dials.cern.ch:6600", "dbod-dials-stage.cern.ch:6600"],
            ["db.example.org", "db.example.org:6600"],
        ];
        for (const [a, b] of different)
            assert.notEqual(canonicalDatabaseServer(a), canonicalDatabaseServer(b));
        for (const bad of [
            "",
            "host:0",
            "host:65536",
            "a b:1",
            "user@host:1",
            "h1,h2:5432",
            "host/db",
            ":5432",
            5432,
        ])
            assert.equal(canonicalDatabaseServer(bad), undefined, String(bad));
    });

    it("reads the server of listed URIs, and none where readers could disagree", () => {
        assert.equal(
            uriDatabaseServer("postgresql://dials:s3cret@DBOD-Dials.cern.ch:6600"),
            "dbod-dials.cern.ch:6600",
        );
        assert.equal(uriDatabaseServer("postgres://db.example.org/dials"), "db.example.org:5432");
        assert.equal(uriDatabaseServer("postgresql+psycopg2://u:p@[::1]:6600/x"), "[::1]:6600");
        for (const bad of [
            "postgresql:///dials?host=/var/run/postgresql",
            "postgresql://u:p@db.example.org:6600/dials?host=other.example.org",
            "postgresql://u:p@db.example.org/dials?port=6601",
            "postgresql://h1.example.org:6600,h2.example.org:6600/dials",
            "postgresql://u:p@ss@db.example.org:6600",
            "mysql://u:p@db.example.org:3306",
            "db.example.org:6600",
            "test-only-dials-django-database-uri-0123",
        ])
            assert.equal(uriDatabaseServer(bad), undefined, bad);
    });

    it("every spelling of a generated host and port is that server, key and URI alike", () => {
        fc.assert(
            fc.property(host, port, fc.boolean(), (h, p, explicit) => {
                const expected = `${h}:${p}`;
                return fc.assert(
                    fc.property(
                        spelling(h).chain((s) => {
                            const authority = explicit || p !== 5432 ? `${s}:${p}` : s;
                            return fc.tuple(fc.constant(authority), uriOn(authority));
                        }),
                        ([authority, uri]) => {
                            if (p === 5432 || explicit)
                                assert.equal(canonicalDatabaseServer(authority), expected);
                            assert.equal(uriDatabaseServer(uri), expected, uri);
                        },
                    ),
                    { numRuns: 3 },
                );
            }),
            { numRuns: 40 },
        );
    });

    it("generated different hosts or ports are different servers", () => {
        fc.assert(
            fc.property(host, port, host, port, (h1, p1, h2, p2) => {
                fc.pre(h1 !== h2 || p1 !== p2);
                assert.notEqual(
                    canonicalDatabaseServer(`${h1}:${p1}`),
                    canonicalDatabaseServer(`${h2}:${p2}`),
                );
                assert.notEqual(
                    uriDatabaseServer(`postgresql://u:p@${h1}:${p1}/d`),
                    canonicalDatabaseServer(`${h2.toUpperCase()}:${p2}`),
                );
            }),
        );
    });
});
