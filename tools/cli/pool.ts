/**
 * Runs `work` over `items`, at most `limit` at a time, keeping the order of the results: how the tools that ask a
 * cluster or a registry about many things spread the waiting without opening a connection per item.
 */
export async function pool<T, R>(
    items: readonly T[],
    limit: number,
    work: (item: T) => Promise<R>,
): Promise<R[]> {
    const out: R[] = new Array(items.length);
    let next = 0;
    const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
        while (next < items.length) {
            const i = next++;
            out[i] = await work(items[i]);
        }
    });
    await Promise.all(runners);
    return out;
}
