import {
    CONSUMER_ATTEMPTS,
    CONSUMER_DELAY_SECONDS,
    CONSUMER_REPLY_SECONDS,
} from "../../components/shared/consumers";

// What the consumers Job's tests (test/shared/consumers.test.ts, e2e/consumers.e2e.ts) read of its rendered script.

/** The queues the script waits for (its `for queue in ...` line). */
export const queuesIn = (script: string): string[] =>
    [...(/for queue in (.*); do/.exec(script)?.[1] ?? "").matchAll(/'([^']+)'/g)].map((m) => m[1]);

/** The script with a test's waits: `attempts` short tries instead of ten minutes; nothing else changes. */
export function shortened(script: string, attempts: number): string {
    return script
        .replace(`-ge ${CONSUMER_ATTEMPTS}`, `-ge ${attempts}`)
        .replace(`sleep ${CONSUMER_DELAY_SECONDS}`, "sleep 1")
        .replace(`--timeout=${CONSUMER_REPLY_SECONDS}`, "--timeout=2");
}
