/** The most frequent values of a column, mergeable. */
export interface TopValuesState {
  capacity: number;
  /** Counts are lower bounds once `error` > 0: each may be short by at most `error`. */
  error: number;
  counts: [string, number][];
}

/**
 * Misra–Gries frequent items (mergeable, Agarwal et al. 2012): at most 2 × capacity counters.
 * When full, the counters are cut by the (capacity + 1)-th largest count, so any value more
 * frequent than n / capacity survives. Counts are exact while `error` is 0, which is the case
 * for every column with at most 2 × capacity distinct values.
 */
export class TopValues {
  /** Each value's counter: one Map lookup per add, where get-then-set took two. */
  counts = new Map<string, { count: number }>();
  error = 0;

  constructor(readonly capacity = 64) {}

  add(value: string, count = 1): void {
    const counter = this.counts.get(value);
    if (counter) {
      counter.count += count;
      return;
    }
    this.counts.set(value, { count });
    if (this.counts.size > 2 * this.capacity) this.prune();
  }

  private prune(): void {
    const sorted = [...this.counts.values()].map((counter) => counter.count).sort((a, b) => b - a);
    const cut = sorted[this.capacity] ?? 0;
    this.error += cut;
    for (const [value, counter] of this.counts) {
      if (counter.count <= cut) this.counts.delete(value);
      else counter.count -= cut;
    }
  }

  top(limit: number): { value: string; count: number }[] {
    return this.entries()
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, limit)
      .map(([value, count]) => ({ value, count }));
  }

  private entries(): [string, number][] {
    return [...this.counts].map(([value, counter]) => [value, counter.count]);
  }

  merge(state: TopValuesState): void {
    this.error += state.error;
    for (const [value, count] of state.counts) this.add(value, count);
  }

  toJSON(): TopValuesState {
    return { capacity: this.capacity, error: this.error, counts: this.entries() };
  }

  static from(state: TopValuesState): TopValues {
    const top = new TopValues(state.capacity);
    top.merge(state);
    return top;
  }
}
