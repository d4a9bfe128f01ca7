import { KindedNotice, notice } from "../config/notices";
import { StackTier } from "../config/system";
import { egressLockText } from "../shared/egress";
import { ProwSection } from "./section";

/**
 * What an operator reads before `pulumi up` of a Prow stack: which Secrets of an environment that generates them
 * (kubevirtci-testing) hold random stand-ins, and, on every stack, what a rotated Secret needs beyond the restart
 * of its readers (a value GitHub holds too; the job pods plank starts, which no `up` rolls).
 */
export function prowNotices(section: ProwSection, _program: { tier: StackTier }): KindedNotice[] {
    return [
        ...generatedNotices(section),
        ...rotationNotices(section),
        ...jobPodNotices(section),
        // Presubmits run any pull request's code there (./prow.ts).
        notice(
            "EGRESS LOCK",
            `${egressLockText(section.resolved.namespaces.jobs)}; live Services jobs call: prow.jobsReach` +
                (section.jobsReach ? ` (admitted: ${Object.keys(section.jobsReach).join(", ")})` : ""),
        ),
    ];
}

/** The Secrets of a throw-away cluster that hold random stand-ins: which paths cannot work there. */
function generatedNotices(section: ProwSection): KindedNotice[] {
    const generated = section.secretSources.flatMap(({ entries, source }) =>
        source.from === "configOrGenerated" ? entries.map((e) => e.configKey) : [],
    );
    if (generated.length === 0) return [];
    return [
        notice(
            "GENERATED SECRETS",
            `${section.resolved.name} generates each of ${generated.join(", ")} that the stack leaves unset (@pulumi/random stand-ins, no real account): ` +
                "GitHub's webhooks, deck's GitHub login, Slack reports and the jobs' pushes and uploads fail where one of them is used. " +
                "Set a real value of a test account where the test needs that path: pulumi config set --secret <key>",
        ),
    ];
}

/** A rotated value GitHub holds too: `up` rolls its readers, the operator tells GitHub. */
function rotationNotices(section: ProwSection): KindedNotice[] {
    return section.secretSources.flatMap(({ def, entries }) =>
        def.rotation
            ? [
                  notice(
                      "SECRET ROTATION",
                      `rotating ${entries.map((e) => e.configKey).join(", ")} (Secret ${section.resolved.names.name(def.name)}): ${def.rotation(section.resolved.refs)}`,
                  ),
              ]
            : [],
    );
}

/** Secrets of the jobs namespace: read by each ProwJob pod as plank starts it, never rolled by `up`. */
function jobPodNotices(section: ProwSection): KindedNotice[] {
    const keys = section.secretSources.flatMap(({ def, entries }) =>
        def.namespaces.includes("jobs") ? entries.map((e) => e.configKey) : [],
    );
    if (keys.length === 0) return [];
    return [
        notice(
            "SECRET ROTATION",
            `rotating ${keys.join(", ")}: the ProwJob pods in ${section.resolved.namespaces.jobs} read them as plank starts each job, and up restarts no job pod: jobs started after up use the new value, jobs already running keep the old one, so revoke a replaced credential only once those jobs finished`,
        ),
    ];
}
