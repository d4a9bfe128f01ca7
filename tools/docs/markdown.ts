import GithubSlugger from "github-slugger";
import MarkdownIt from "markdown-it";

// A heading is read as GitHub renders it: CommonMark with GFM's tables (markdown-it's default preset) and HTML
// allowed. Anchors are GitHub's slugs of the headings' rendered text (github-slugger).

type Token = MarkdownIt.Token;

const parser = new MarkdownIt("default", { html: true });

/** The text an inline run renders to, as a browser's textContent reads it: an image adds nothing, a tag nothing. */
export function renderedText(tokens: readonly Token[]): string {
    return tokens
        .map((t) =>
            t.type === "text" || t.type === "code_inline"
                ? t.content
                : t.type === "softbreak" || t.type === "hardbreak"
                  ? "\n"
                  : "",
        )
        .join("");
}

/** GitHub's anchor of one heading, given as the Markdown after its `#`s, on a page where its slug is not repeated. */
export function githubSlug(heading: string): string {
    return GithubSlugger.slug(renderedText(parser.parseInline(heading, {})[0]?.children ?? []).trim());
}

/** Inline code that survives backticks inside the text, on one line. */
export function code(text: string): string {
    const runs = text.match(/`+/g) ?? [];
    const fence = "`".repeat(Math.max(0, ...runs.map((r) => r.length)) + 1);
    const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
    return `${fence}${pad}${text.replace(/\n/g, " ")}${pad}${fence}`;
}

/** Text as one cell of a Markdown table: on one line, its pipes escaped. */
export function cell(text: string): string {
    return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}
