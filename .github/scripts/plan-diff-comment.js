// Creates or updates the one pull-request comment of a stack's plan diff (actions/github-script).
// The comment is found by the hidden marker on the first line of the markdown `npm run plan:diff` writes.
"use strict";

const MARKER = /^<!-- runbooks-plan-diff:[A-Za-z0-9_.-]+ -->/;

/**
 * @param {{ github: any, context: any, core?: any }} api what actions/github-script passes to its script
 * @param {string} body markdown written by `npm run plan:diff -- --format markdown --output <file>`
 * @returns {Promise<"created" | "updated" | "unchanged">}
 */
async function upsertPlanDiffComment({ github, context, core }, body) {
    const marker = MARKER.exec(body);
    if (!marker) throw new Error("the plan diff does not start with its marker line");
    const { owner, repo } = context.repo;
    const issue_number = context.issue.number;
    const comments = await github.paginate(github.rest.issues.listComments, {
        owner,
        repo,
        issue_number,
        per_page: 100,
    });
    const existing = comments.find((c) => typeof c.body === "string" && c.body.startsWith(marker[0]));
    if (!existing) {
        await github.rest.issues.createComment({ owner, repo, issue_number, body });
        core?.info(`created the ${marker[0]} comment`);
        return "created";
    }
    if (existing.body === body) return "unchanged";
    await github.rest.issues.updateComment({ owner, repo, comment_id: existing.id, body });
    core?.info(`updated comment ${existing.id}`);
    return "updated";
}

module.exports = { upsertPlanDiffComment };
