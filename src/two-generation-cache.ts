/**
 * A bounded memory of values computed per token (`wordForm`, the classifier's resolved word
 * features, the language detector's per-token facts). Words recur in what people write, so most tokens of
 * a message are known; the set of words is open, so the memory must forget. Two generations:
 * when the young one is full it becomes the old one and the oldest is dropped; a key found in
 * the old one moves to the young one, so the words used often stay. No per-entry bookkeeping
 * (an LRU's list), at most twice `generation` entries. Keys are tokens, never messages.
 */
export class TwoGenerationCache<V> {
  private young = new Map<string, V>();
  private old = new Map<string, V>();

  /** @param compute makes a value for a key met in neither generation (never undefined). */
  constructor(
    private readonly generation: number,
    private readonly compute: (key: string) => V,
  ) {}

  get(key: string): V {
    const known = this.young.get(key);
    if (known !== undefined) return known;
    const value = this.old.get(key) ?? this.compute(key);
    if (this.young.size >= this.generation) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, value);
    return value;
  }

  /** Entries held now (at most twice the generation). */
  get size(): number {
    return this.young.size + this.old.size;
  }
}
