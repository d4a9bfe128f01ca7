/**
 * The anchors GitHub gives a Markdown page's headings, so a runbook step's `{doc: "<page>#<anchor>"}` is proved to
 * land on a heading. GitHub slugs a heading's rendered text: lower case, punctuation other than `-` and `_` removed,
 * each space a `-`; a repeated slug gets `-1`, `-2`, ….
 */

/** The rendered text of a heading's Markdown: code spans, links, images, emphasis and HTML tags reduced to text. */
function headingText(markdown: string): string {
    return markdown
        .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
        .replace(/<[^>]+>/g, "")
        .replace(/`+/g, "")
        .replace(/(\*+|\b_+|_+\b)/g, "")
        .trim();
}

/** GitHub's slug of a heading's text. */
export function githubSlug(heading: string): string {
    return headingText(heading)
        .toLowerCase()
        .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
        .replace(/ /g, "-");
}

/** The headings of a Markdown page (ATX and setext), outside fenced code. */
export function headings(markdown: string): string[] {
    const found: string[] = [];
    let fence: string | undefined;
    const lines = markdown.split("\n");
    lines.forEach((line, i) => {
        const open = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
        if (fence !== undefined) {
            if (open && open[1][0] === fence[0] && open[1].length >= fence.length) fence = undefined;
            return;
        }
        if (open) {
            fence = open[1];
            return;
        }
        const atx = /^\s{0,3}#{1,6}\s+(.*?)(\s+#+)?\s*$/.exec(line);
        if (atx) found.push(atx[1]);
        else if (
            /^\s{0,3}(=+|-+)\s*$/.test(lines[i + 1] ?? "") &&
            line.trim() !== "" &&
            !/^\s*[-*+>]/.test(line)
        )
            found.push(line.trim());
    });
    return found;
}

/** Every anchor of a page's headings, repeated slugs numbered as GitHub numbers them. */
export function anchors(markdown: string): Set<string> {
    const seen = new Map<string, number>();
    const result = new Set<string>();
    for (const heading of headings(markdown)) {
        const slug = githubSlug(heading);
        const count = seen.get(slug) ?? 0;
        result.add(count === 0 ? slug : `${slug}-${count}`);
        seen.set(slug, count + 1);
    }
    return result;
}
