/**
 * What a secret's reader accepts of its value, declared once beside the reader (a building block such as
 * ./redis.ts) and referenced by each secret it reads. The check is a predicate, so no message can quote the
 * value: the refusal says only what is accepted and why.
 */
export interface SecretValueRule {
    /** The values accepted, in words an operator can pick a new one by: `printable ASCII (0x21-0x7E) except ...`. */
    accepted: string;
    /** Who refuses other values and what happens then, with the source that says so. */
    why: string;
    /** Whether the reader accepts `value`. */
    admits(value: string): boolean;
}
