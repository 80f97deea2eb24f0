/**
 * The last `limit` values read, by key, most recent kept: a warm function reads a file beside its code once, and a
 * function that sees many (buckets, packs) holds no more than `limit` of them.
 */
export function recentlyRead<K, V>(limit: number): (key: K, read: () => V) => V {
  const kept = new Map<K, V>();
  return (key, read) => {
    const value = kept.has(key) ? kept.get(key)! : read();
    kept.delete(key);
    kept.set(key, value);
    if (kept.size > limit) kept.delete(kept.keys().next().value!);
    return value;
  };
}
