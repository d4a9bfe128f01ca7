import GithubSlugger from "github-slugger";
import MarkdownIt from "markdown-it";
import { renderedText } from "../../../tools/docs/markdown";

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
