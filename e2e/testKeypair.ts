import { generateKeyPairSync } from "crypto";

// The Callysto test keypair of the local-callysto stack, made fresh for each run (process) and set only on a temporary copy
// of the stack: no committed file holds either half, so no key that the committed test passphrase could decrypt
// (or a public key stage or prod could be given by mistake) opens anything anywhere.

export interface TestKeypair {
    /** OpenSSH `ssh-rsa AAAA... comment` line, what `callysto.keypair.publicKey` takes. */
    publicKey: string;
    /** PEM (PKCS#1) private key, which OpenSSH and Ansible read. */
    privateKey: string;
}

/** An SSH wire-format string: 4-byte big-endian length, then the bytes. */
function sshString(bytes: Buffer): Buffer {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(bytes.length);
    return Buffer.concat([len, bytes]);
}

/** An SSH mpint from an unsigned big-endian integer: a leading zero byte when the high bit is set. */
function sshMpint(unsigned: Buffer): Buffer {
    let b = unsigned;
    while (b.length > 1 && b[0] === 0) b = b.subarray(1);
    return sshString(b[0] & 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b);
}

/** The keypairs of this process by comment: a 3072-bit RSA key takes seconds to make, and one per run is enough. */
const made = new Map<string, TestKeypair>();

export function testKeypair(comment = "callysto-local-test-only"): TestKeypair {
    let keypair = made.get(comment);
    if (!keypair) {
        keypair = newKeypair(comment);
        made.set(comment, keypair);
    }
    return keypair;
}

function newKeypair(comment: string): TestKeypair {
    const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 3072 });
    const jwk = publicKey.export({ format: "jwk" }) as { n: string; e: string };
    const blob = Buffer.concat([
        sshString(Buffer.from("ssh-rsa")),
        sshMpint(Buffer.from(jwk.e, "base64url")),
        sshMpint(Buffer.from(jwk.n, "base64url")),
    ]);
    return {
        publicKey: `ssh-rsa ${blob.toString("base64")} ${comment}`,
        privateKey: privateKey.export({ type: "pkcs1", format: "pem" }).toString(),
    };
}
