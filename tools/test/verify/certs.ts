import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

// Certificates for the tests' HTTPS server, made by openssl in a temporary directory and thrown away: node can read
// X.509 but not sign it, and keys committed to the repository would be keys anyone holds. One CA; two certificates
// for the names (*.verify.test unless given) with different keys (the deployed one, and one that differs); one that
// expires tomorrow.

export interface TestCertificates {
    ca: string;
    deployed: { cert: string; key: string };
    other: { cert: string; key: string };
    expiring: { cert: string; key: string };
}

export function makeCertificates(names: readonly string[] = ["*.verify.test"]): TestCertificates {
    const dir = mkdtempSync(path.join(tmpdir(), "verify-certs-"));
    const at = (f: string) => path.join(dir, f);
    const ssl = (...args: string[]) => execFileSync("openssl", args, { stdio: "pipe" });
    const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
    try {
        ssl(
            "req",
            "-x509",
            ...ec,
            "-keyout",
            at("ca.key"),
            "-out",
            at("ca.crt"),
            "-days",
            "30",
            "-subj",
            "/CN=verify-test-ca",
        );
        writeFileSync(at("ext"), `subjectAltName=${names.map((n) => `DNS:${n}`).join(",")}\n`);
        const leaf = (name: string, days: string) => {
            ssl(
                "req",
                ...ec,
                "-keyout",
                at(`${name}.key`),
                "-out",
                at(`${name}.csr`),
                "-subj",
                `/CN=${names[0].replace(/^\*\./, "")}`,
            );
            ssl(
                "x509",
                "-req",
                "-in",
                at(`${name}.csr`),
                "-CA",
                at("ca.crt"),
                "-CAkey",
                at("ca.key"),
                "-set_serial",
                String(Math.floor(Math.random() * 1e9)),
                "-days",
                days,
                "-extfile",
                at("ext"),
                "-out",
                at(`${name}.crt`),
            );
            return {
                cert: readFileSync(at(`${name}.crt`), "utf8"),
                key: readFileSync(at(`${name}.key`), "utf8"),
            };
        };
        return {
            deployed: leaf("deployed", "30"),
            other: leaf("other", "30"),
            expiring: leaf("expiring", "1"),
            ca: readFileSync(at("ca.crt"), "utf8"),
        };
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}
