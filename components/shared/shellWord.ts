/** A shell word in single quotes, whatever it holds (`'a'"'"'b'` for a'b): sh reads it back as the text itself. */
export function singleQuoted(word: string): string {
    return `'${word.replace(/'/g, `'"'"'`)}'`;
}
