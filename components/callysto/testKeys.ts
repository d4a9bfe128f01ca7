/**
 * Public keys whose private halves are committed to this repository (the local test stack's, encrypted with the
 * test passphrase in e2e/local.env, so anyone can decrypt them). Outside `tier: local` they would let anyone log in.
 */
const KNOWN_TEST_KEYS = ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEc8SSCqoMcfNcscZ/78ETT6vbV3+lYdlwFiBtipPSlX"];

/** The key type and material, without the comment: the comment does not change which private key opens it. */
function keyBody(publicKey: string): string {
    return publicKey.trim().split(/\s+/).slice(0, 2).join(" ");
}

export function isKnownTestKey(publicKey: string): boolean {
    return KNOWN_TEST_KEYS.includes(keyBody(publicKey));
}
