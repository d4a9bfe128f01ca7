// Opens one issue per drifting stack, or comments on the open one (actions/github-script in drift.yml).
"use strict";

/**
 * @param {{ github: any, context: any, core?: any }} api what actions/github-script passes to its script
 * @param {{ stack: string, runUrl: string }} drift the stack whose refresh preview found changes, and the run
 * @returns {Promise<"opened" | "commented">}
 */
async function reportDrift({ github, context, core }, { stack, runUrl }) {
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
            body: `Still drifting (or the preview still fails): ${runUrl}`,
        });
        core?.info(`commented on #${existing.number}`);
        return "commented";
    }
    const body = [
        `The nightly \`pulumi preview --refresh --expect-no-changes --stack ${stack}\` found changes, or failed: the`,
        "live resources no longer match the program (someone changed them by hand, or a controller did).",
        "",
        `Run: ${runUrl}`,
        "",
        "To resolve: read the preview in the run, then either put the change into the program and stack config",
        `(a pull request), or undo it by deploying the program again (\`pulumi up --stack ${stack}\`, or re-run the`,
        "Deploy workflow). Close this issue when the nightly check passes again.",
    ].join("\n");
    const created = await github.rest.issues.create({ owner, repo, title, body, labels: ["drift"] });
    core?.info(`opened #${created.data.number}`);
    return "opened";
}

module.exports = { reportDrift };
