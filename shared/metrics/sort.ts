/**
 * Row order by descending score, the order ROC AUC and average precision walk. A least
 * significant digit radix sort over the float64 bit patterns (four 16-bit passes): sorting a
 * million indices with a comparator takes about ten times longer, and it is done once per
 * class for every evaluation (see `npm run bench`).
 */
export interface ScoreOrder {
  /** Row indices, highest score first. */
  order: Uint32Array;
  /** Exclusive end (in `order`) of each run of equal scores: the distinct thresholds. */
  groupEnds: Uint32Array;
}

export function descendingOrder(scores: Float64Array, stride = 1, offset = 0): ScoreOrder {
  const n = stride === 1 && offset === 0 ? scores.length : Math.floor((scores.length - offset + stride - 1) / stride);
  // Keys as unsigned 64-bit halves that sort like the numbers: flip every bit of negatives, the
  // sign bit of the rest. Then complement, so ascending key order is descending score order.
  const high = new Uint32Array(n);
  const low = new Uint32Array(n);
  const bits = new Float64Array(1);
  const words = new Uint32Array(bits.buffer);
  const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  const [lo, hi] = littleEndian ? [0, 1] : [1, 0];
  for (let i = 0; i < n; i++) {
    const value = scores[offset + i * stride]!;
    bits[0] = value === 0 ? 0 : value; // -0 and 0 are the same threshold
    let h = words[hi]!;
    let l = words[lo]!;
    if (h & 0x80000000) {
      h = ~h >>> 0;
      l = ~l >>> 0;
    } else {
      h = (h | 0x80000000) >>> 0;
    }
    high[i] = ~h >>> 0;
    low[i] = ~l >>> 0;
  }
  let order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  let scratch = new Uint32Array(n);
  const counts = new Uint32Array(65536);
  for (const [words16, shift] of [[low, 0], [low, 16], [high, 0], [high, 16]] as const) {
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[(words16[i]! >>> shift) & 0xffff]!++;
    let sum = 0;
    for (let b = 0; b < 65536; b++) {
      const c = counts[b]!;
      counts[b] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const row = order[i]!;
      scratch[counts[(words16[row]! >>> shift) & 0xffff]!++] = row;
    }
    [order, scratch] = [scratch, order];
  }
  const ends: number[] = [];
  for (let i = 1; i < n; i++) {
    if (high[order[i]!] !== high[order[i - 1]!] || low[order[i]!] !== low[order[i - 1]!]) ends.push(i);
  }
  if (n > 0) ends.push(n);
  return { order, groupEnds: Uint32Array.from(ends) };
}
