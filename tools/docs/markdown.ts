import GithubSlugger from "github-slugger";
import MarkdownIt from "markdown-it";

// A page is read as GitHub renders it: CommonMark with GFM's tables (markdown-it's default preset) and HTML allowed,
// so a link or heading inside code is code, reference-style links resolve, and `<https://…>` is a link. Anchors are
// GitHub's slugs of the headings' rendered text (github-slugger), repeated ones numbered -1, -2, ….

type Token = MarkdownIt.Token;

/** A link an operator can follow. */
export interface PageLink {
    /** The target as written, percent-encoded the way markdown-it normalizes it. */
    target: string;
    /** 1-based line of the page the link starts on. */
    line: number;
}

/** Text an operator copies: a code span, or one line of a code block. */
export interface PageCode {
    text: string;
    line: number;
    /** The code block's language ("" when it names none); undefined for a code span. */
    block?: string;
}

/** A heading: its rendered text and the anchor GitHub gives it on this page. */
export interface PageHeading {
    text: string;
    anchor: string;
    line: number;
}

export interface PageParts {
    links: PageLink[];
    code: PageCode[];
    headings: PageHeading[];
}

const parser = new MarkdownIt("default", { html: true });

// markdown-it places only blocks on lines. An inline token learns its line here, from how far into its block's text
// the parser stood when it made the token (a link or code span's opening character).
class PlacedInline extends parser.inline.State {
    override push(type: string, tag: string, nesting: Token["nesting"]): Token {
        const token = super.push(type, tag, nesting);
        token.meta = { lineInBlock: this.src.slice(0, this.pos).split("\n").length - 1 };
        return token;
    }
}
parser.inline.State = PlacedInline;

/** The text an inline run renders to, as a browser's textContent reads it: an image adds nothing, a tag nothing. */
function renderedText(tokens: readonly Token[]): string {
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

/** The links, code and headings of a Markdown page, each with its line. */
export function pageParts(markdown: string): PageParts {
    const parts: PageParts = { links: [], code: [], headings: [] };
    const slugger = new GithubSlugger();
    const tokens = parser.parse(markdown, {});
    // Table cells carry no line of their own: they are on their row's.
    let blockLine = 0;
    tokens.forEach((token, i) => {
        if (token.map) blockLine = token.map[0];
        if (token.type === "fence" || token.type === "code_block") {
            const first = blockLine + (token.type === "fence" ? 2 : 1);
            const block = token.type === "fence" ? token.info.trim().split(/\s+/)[0] : "";
            token.content
                .replace(/\n$/, "")
                .split("\n")
                .forEach((text, n) => parts.code.push({ text, line: first + n, block }));
        }
        if (token.type !== "inline") return;
        const children = token.children ?? [];
        const lineOf = (t: Token) =>
            blockLine + 1 + ((t.meta as { lineInBlock?: number } | null)?.lineInBlock ?? 0);
        for (const child of children) {
            if (child.type === "link_open")
                parts.links.push({ target: String(child.attrGet("href") ?? ""), line: lineOf(child) });
            if (child.type === "code_inline")
                parts.code.push({ text: child.content.replace(/\s+/g, " ").trim(), line: lineOf(child) });
        }
        if (tokens[i - 1]?.type === "heading_open") {
            const text = renderedText(children).trim();
            parts.headings.push({ text, anchor: slugger.slug(text), line: blockLine + 1 });
        }
    });
    return parts;
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
