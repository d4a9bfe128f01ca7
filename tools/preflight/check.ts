/** What a registry answered for one image reference. */
export type ImageState = "present" | "missing" | "denied" | "error";

/**
 * Reads skopeo's answer: exit 0 is present; the registry's MANIFEST_UNKNOWN / NAME_UNKNOWN (or a 404) is a missing
 * tag or digest; UNAUTHORIZED / DENIED means this identity cannot pull it (set credentials: docs/operate/first-deploy.md, step 1); any
 * other failure (network, TLS) means it could not be checked.
 */
export function readAnswer(exitCode: number | null, stderr: string): { state: ImageState; detail: string } {
    if (exitCode === 0) return { state: "present", detail: "" };
    const last = stderr.trim().split("\n").pop() ?? "";
    // skopeo logs `time=... level=fatal msg="<message>"`: keep the message.
    const detail = (/msg="(.*)"$/.exec(last)?.[1] ?? last).replace(/\\"/g, '"');
    if (/manifest unknown|name unknown|not found|\b404\b/i.test(stderr)) return { state: "missing", detail };
    if (/unauthorized|denied|authentication required|\b401\b|\b403\b/i.test(stderr))
        return { state: "denied", detail };
    return { state: "error", detail };
}

export interface ImageResult {
    image: string;
    /** The reference asked for (differs from `image` behind a mirror). */
    checked: string;
    state: ImageState;
    detail: string;
    users: string[];
}

const LABEL: Record<ImageState, string> = {
    present: "present",
    missing: "MISSING (tag or digest not in the registry)",
    denied: "NOT READABLE with these credentials",
    error: "could not be checked",
};

/** 0: every image is there; 2: an image is missing or not readable; 1: some could not be checked. */
export function preflightExit(results: readonly ImageResult[]): 0 | 1 | 2 {
    if (results.some((r) => r.state === "missing" || r.state === "denied")) return 2;
    return results.some((r) => r.state === "error") ? 1 : 0;
}

export function renderPreflight(stack: string, results: readonly ImageResult[]): string {
    const bad = results.filter((r) => r.state !== "present");
    const lines = [
        `Image preflight of stack ${stack}: ${results.length} images, ${results.length - bad.length} present, ${bad.length} with problems`,
    ];
    for (const r of bad) {
        lines.push(
            `  ${LABEL[r.state]}: ${r.image}${r.checked !== r.image ? ` (checked as ${r.checked})` : ""}`,
        );
        if (r.detail) lines.push(`      ${r.detail}`);
        for (const u of r.users) lines.push(`      used by ${u}`);
    }
    return lines.join("\n");
}
