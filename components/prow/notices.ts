import { StackTier } from "../config/system";
import { ProwSection } from "./config";

/**
 * What an operator reads before `pulumi up` of a Prow stack. Only an environment that generates secrets
 * (kubevirtci-testing) has something a plan cannot show: which of its Secrets hold random stand-ins, so which of
 * Prow's paths to GitHub, Slack and the job registries cannot work there until a real value is set.
 */
export function prowNotices(section: ProwSection, _program: { tier: StackTier }): string[] {
    const generated = section.secretSources.flatMap(({ entries, source }) =>
        source.from === "configOrGenerated" ? entries.map((e) => e.configKey) : [],
    );
    if (generated.length === 0) return [];
    return [
        `${section.resolved.name} generates each of ${generated.join(", ")} that the stack leaves unset (@pulumi/random stand-ins, no real account): ` +
            "GitHub's webhooks, deck's GitHub login, Slack reports and the jobs' pushes and uploads fail where one of them is used. " +
            "Set a real value of a test account where the test needs that path: pulumi config set --secret <key>",
    ];
}
