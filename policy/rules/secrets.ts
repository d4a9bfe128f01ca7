import { containersOf, describe, kindOf, podSpecOf } from "./k8s";
import {
    isSecretName,
    kindOf as credentialKind,
    listOf,
    secretlintFindings,
} from "../../components/config/secretValues";
import { Rule, isObj, objectsOf } from "./types";

export { isSecretName, nameWords, secretlintFindings } from "../../components/config/secretValues";

const REASONS: Record<string, string> = {
    privatekey: "a PEM private key",
    basicauth: "a URL with a password",
    "database-connection-string": "a URL with a password",
    putty: "a PuTTY private key",
    "ssh2-privatekey": "an SSH2 private key",
    kubeconfig: "a kubeconfig",
    "registry-auth": "a container registry login",
    // A JSON or YAML document's keys are read by the configuration's rule (a `db_password` in Ansible's variables).
    named: "a value under a secret-named key",
};

/**
 * Why a value looks like a secret itself, whatever its key is called, naming every kind found; else undefined. The
 * configuration's rule (components/config/secretValues.ts), worded for a resource's input.
 */
export function secretValueReason(value: unknown): string | undefined {
    if (typeof value !== "string") return undefined;
    const findings = secretlintFindings(value);
    if (findings.length === 0) return undefined;
    const encoded = findings.filter((f) => f.startsWith("base64:")).map(credentialKind);
    if (encoded.length > 0) return `contains a ${listOf(encoded)}`;
    const tokens = findings.filter((f) => !(f in REASONS));
    const parts = [...new Set(findings.filter((f) => f in REASONS).map((f) => REASONS[f]))];
    if (tokens.length > 0) parts.push(`an access token (${tokens.join(", ")})`);
    return `contains ${listOf(parts)}`;
}

/** Kinds whose content is a secret by design: their inputs are encrypted in the state. */
const SECRET_KINDS = new Set(["Secret"]);

/**
 * Every plain string input of a resource that holds a credential by its shape (a Command's script or environment,
 * an annotation, a label, an OpenStack resource's description...), as `path reason`. ConfigMap data and container
 * env, which have messages of their own, and values under secret-named keys (a preview unwraps secret-marked inputs,
 * so they cannot be told from plain ones there) are left to the checks below.
 */
function plainInputSecrets(type: string, props: Record<string, unknown>): string[] {
    const kind = kindOf(type);
    // Providers take the credentials they deploy with (a kubeconfig, a password) as inputs marked secret by the
    // program; a preview shows them unwrapped, so they cannot be told from plain ones here.
    if ((kind !== undefined && SECRET_KINDS.has(kind)) || type.startsWith("pulumi:providers:")) return [];
    const found: string[] = [];
    const walk = (v: unknown, path: string, depth: number): void => {
        if (depth > 32) return;
        if (typeof v === "string") {
            const reason = secretValueReason(v);
            if (reason) found.push(`${path} ${reason}`);
        } else if (Array.isArray(v)) {
            v.forEach((x, i) => walk(x, `${path}[${i}]`, depth + 1));
        } else if (isObj(v)) {
            for (const [k, x] of Object.entries(v)) {
                if (isSecretName(k) || (k === "env" && Array.isArray(x))) continue;
                if (depth === 0 && kind === "ConfigMap" && (k === "data" || k === "binaryData")) continue;
                walk(x, path === "" ? k : `${path}.${k}`, depth + 1);
            }
        }
    };
    walk(props, "", 0);
    return found;
}

/**
 * No secret in a plain input of any resource: keys named like secrets (PASSWORD, TOKEN, SECRET, API KEY, ...) with
 * a value in a ConfigMap or a plain env value, and values that are secrets by their shape (PEM private keys, tokens,
 * URLs with passwords) anywhere. Secrets belong in Secrets, referenced with `secretKeyRef`/`envFrom.secretRef`, or
 * in inputs marked secret (requireSecret, pulumi.secret), which the state encrypts.
 */
export const noPlainSecrets: Rule = {
    name: "no-plain-secrets",
    description:
        "No secret in a plain input of any resource (ConfigMaps, env values, commands, annotations): use a Secret and secretKeyRef, or a secret-marked input.",
    check({ type, props }) {
        const where = describe(type, props);
        const violations: string[] = plainInputSecrets(type, props).map(
            (found) =>
                `${where}: input ${found}: it is stored in plain text in the state; treat it as leaked, rotate it, and pass it as a secret (requireSecret / pulumi.secret, or a Secret)`,
        );
        if (kindOf(type) === "ConfigMap") {
            for (const field of ["data", "binaryData"]) {
                const data = props[field];
                if (!isObj(data)) continue;
                for (const [key, value] of Object.entries(data)) {
                    if (isSecretName(key) && typeof value === "string" && value !== "") {
                        violations.push(
                            `${where}: ${field}["${key}"] is named like a secret; put it in a Secret`,
                        );
                    } else {
                        const reason = secretValueReason(value);
                        if (reason)
                            violations.push(`${where}: ${field}["${key}"] ${reason}; put it in a Secret`);
                    }
                }
            }
        }
        const pod = podSpecOf(type, props);
        for (const c of pod ? containersOf(pod) : []) {
            for (const env of objectsOf(c.container.env)) {
                const name = typeof env.name === "string" ? env.name : "";
                if (typeof env.value !== "string" || env.value === "") continue;
                const reason = isSecretName(name) ? "is named like a secret" : secretValueReason(env.value);
                if (reason) {
                    violations.push(
                        `${where}: container "${c.name}" env ${name} ${reason} but has a plain value; use valueFrom.secretKeyRef`,
                    );
                }
            }
        }
        return violations;
    },
};
