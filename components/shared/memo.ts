/**
 * `compute` remembered by its string argument, for pure functions called again and again with the same few strings:
 * the evidence lookup splits and canonicalises every entry of a system's table for each image the system runs (about
 * 10,000 calls per configuration check). The results are frozen, as every caller shares them; at `limit` entries the
 * memory starts over, so a process that reads many distinct strings keeps little.
 */
export function memoByString<T>(compute: (key: string) => T, limit = 4096): (key: string) => Readonly<T> {
    const known = new Map<string, Readonly<T>>();
    return (key) => {
        let value = known.get(key);
        if (value === undefined && !known.has(key)) {
            if (known.size >= limit) known.clear();
            value = Object.freeze(compute(key));
            known.set(key, value);
        }
        return value as Readonly<T>;
    };
}
