// Name rules of rendered objects that no stack setting holds: only the offline validator reads them.
import { dnsLabelProblem } from "../../../components/shared/naming";

const DATA_KEY = /^[-._a-zA-Z0-9]+$/;

/** A key of a Secret's or ConfigMap's data (the API server's IsConfigMapKey): a file name where it is mounted. */
export function dataKeyProblem(value: string): string | undefined {
    if (value.length > 253) return `must be at most 253 characters, not ${value.length}`;
    if (!DATA_KEY.test(value)) return "must consist of letters, digits, '-', '_' or '.'";
    if (value.startsWith("..") || value === ".") return "must not be '.' or start with '..'";
    return undefined;
}

/** A container port name (IANA service name): a DNS label of at most 15 characters with at least one letter. */
export function portNameProblem(value: string): string | undefined {
    if (value.length > 15 || dnsLabelProblem(value) !== undefined || !/[a-z]/.test(value)) {
        return "must be at most 15 lower-case characters";
    }
    return undefined;
}
