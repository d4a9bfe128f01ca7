// Opens one issue per drifting stack, or comments on the open one (actions/github-script in drift.yml).
"use strict";

// eslint-disable-next-line @typescript-eslint/no-require-imports -- actions/github-script runs CommonJS
const fs = require("fs");

/** The longest report an issue body or comment carries (GitHub refuses bodies over 65536 characters). */
const MAX_REPORT = 60000;

/**
 * The `npm run drift` report as a Markdown section, or "" when there is none (the drift step did not run).
 * @param {string | undefined} file its --markdown file
 */
function reportSection(file) {
    if (!file || !fs.existsSync(file)) return "";
    let text = fs.readFileSync(file, "utf8").trim();
    if (text.length > MAX_REPORT)
        text = `${text.slice(0, MAX_REPORT)}\n...\n\`\`\`\n(cut: the whole report is in the run)`;
    return `\n\n### npm run drift\n\n${text}\n`;
}

/**
 * @param {{ github: any, context: any, core?: any }} api what actions/github-script passes to its script
 * @param {{ stack: string, runUrl: string, reportFile?: string }} drift the stack whose checks found drift, the run,
 *   and the `npm run drift --markdown` file (who changed which object and field)
 * @returns {Promise<"opened" | "commented">}
 */
async function reportDrift({ github, context, core }, { stack, runUrl, reportFile }) {
    const report = reportSection(reportFile);
    const { owner, repo } = context.repo;
    const title = `Drift in stack ${stack}`;
    const open = await github.paginate(github.rest.issues.listForRepo, {
        owner,
        repo,
        state: "open",
        labels: "drift",
        per_page: 100,
    });
    const existing = open.find((issue) => issue.title === title && !issue.pull_request);
    if (existing) {
        await github.rest.issues.createComment({
            owner,
            repo,
            issue_number: existing.number,
            body: `Still drifting (or the preview still fails): ${runUrl}${report}`,
        });
        core?.info(`commented on #${existing.number}`);
        return "commented";
    }
    const body =
        [
            `The nightly \`pulumi preview --refresh --expect-no-changes --stack ${stack}\` or \`npm run drift -- --stack ${stack}\``,
            "found changes, or failed: the live resources no longer match the program (someone changed them by hand, or a",
            "controller did). The preview sees fields the program sets; `npm run drift` also sees fields and objects others",
            "added, which `pulumi up` does not remove (docs/operate/deploy.md#drift).",
            "",
            `Run: ${runUrl}`,
            "",
            "To resolve: read the preview in the run, then either put the change into the program and stack config",
            `(a pull request), or undo it by deploying the program again (\`pulumi up --stack ${stack}\`, or re-run the`,
            "Deploy workflow); what others added stays until removed by hand (docs/operate/deploy.md#drift). Close this",
            "issue when the nightly check passes again.",
        ].join("\n") + report;
    const created = await github.rest.issues.create({ owner, repo, title, body, labels: ["drift"] });
    core?.info(`opened #${created.data.number}`);
    return "opened";
}

module.exports = { reportDrift };
