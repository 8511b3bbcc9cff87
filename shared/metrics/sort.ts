/**
 * Row order by descending score, the order ROC AUC and average precision walk. Scores that take
 * at most 65,536 values (rounded probabilities, a forest's leaves) are counted into place;
 * others go through a least significant digit radix sort over the float64 bit patterns (six
 * 11-bit passes). On a million rows, about 30 ms counted and 250 ms by radix (random doubles;
 * the 16-bit passes before took 350); it runs once per scored class for every evaluation.
 */
export interface ScoreOrder {
  /** Row indices, highest score first. */
  order: Uint32Array;
  /** Exclusive end (in `order`) of each run of equal scores: the distinct thresholds. */
  groupEnds: Uint32Array;
  /**
   * Per row, the index of its run of equal scores (its threshold), when asked for and the
   * scores take at most 65,536 values: a walk can then tally rows into their thresholds in
   * any order instead of following `order`.
   */
  groups?: Uint16Array;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const [lo, hi] = LITTLE_ENDIAN ? [0, 1] : [1, 0];

/**
 * The radix sort's working keys, 4 words a row, kept by a caller that sorts several columns
 * (allocated once, not per column) and then reuses the memory (as the per-row losses), so that
 * it is not garbage awaiting collection while the next arrays are made.
 */
export interface SortScratch {
  words?: Uint32Array;
}

/**
 * Orders `values[offset + i·stride]` for i = 0, 1, ... from highest to lowest. No NaN.
 * `withGroups`: set `groups` where the scores allow it. `scratch`: where the radix sort keeps
 * its keys (else it allocates them for this sort).
 */
export function descendingOrder(
  values: Float64Array,
  stride = 1,
  offset = 0,
  withGroups = false,
  scratch: SortScratch = {},
): ScoreOrder {
  const n = Math.floor((values.length - offset + stride - 1) / stride);
  if (n < SMALL) return comparedOrder(values, stride, offset, n);
  const counted = countedOrder(values, stride, offset, n, withGroups);
  if (counted !== undefined) return counted;
  const words = new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
  // Keys as unsigned 64-bit halves that sort like the numbers (flip every bit of negatives, the
  // sign bit of the rest), then complemented, so ascending key order is descending value order.
  if (scratch.words === undefined || scratch.words.length < 4 * n)
    scratch.words = new Uint32Array(4 * n);
  const work = scratch.words;
  let high = work.subarray(0, n);
  let low = work.subarray(n, 2 * n);
  // Every digit's counts in one pass: six 11-bit digits, three of each half.
  const counts = new Uint32Array(6 * RADIX);
  for (let i = 0; i < n; i++) {
    const at = 2 * (offset + i * stride);
    let h = words[at + hi]!;
    let l = words[at + lo]!;
    if (h === 0x80000000 && l === 0) h = 0; // -0 is the same threshold as 0
    if (h & 0x80000000) {
      h = ~h;
      l = ~l;
    } else {
      h |= 0x80000000;
    }
    h = ~h >>> 0;
    l = ~l >>> 0;
    high[i] = h;
    low[i] = l;
    counts[l & DIGIT]!++;
    counts[RADIX + ((l >>> 11) & DIGIT)]!++;
    counts[2 * RADIX + (l >>> 22)]!++;
    counts[3 * RADIX + (h & DIGIT)]!++;
    counts[4 * RADIX + ((h >>> 11) & DIGIT)]!++;
    counts[5 * RADIX + (h >>> 22)]!++;
  }
  let order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  // The keys move with the rows, so that every pass reads them in sequence: with 2,048 buckets
  // a pass writes to few enough places at once to stay in cache (four passes of 16 bits, reading
  // the keys through the order, took three times as long).
  let nextOrder = new Uint32Array(n);
  let nextHigh = work.subarray(2 * n, 3 * n);
  let nextLow: Uint32Array | undefined = work.subarray(3 * n, 4 * n);
  for (let pass = 0; pass < 6; pass++) {
    const digits = counts.subarray(pass * RADIX, (pass + 1) * RADIX);
    if (digits.includes(n)) continue; // every key has this digit: the pass would change nothing
    let sum = 0;
    for (let b = 0; b < RADIX; b++) {
      const c = digits[b]!;
      digits[b] = sum;
      sum += c;
    }
    const keys = pass < 3 ? low : high;
    const shift = (pass % 3) * 11;
    // The low half is read up to the third pass, the high half up to the last.
    const moveLow = pass < 2 && nextLow !== undefined;
    const moveHigh = pass < 5;
    for (let i = 0; i < n; i++) {
      const to = digits[(keys[i]! >>> shift) & DIGIT]!++;
      nextOrder[to] = order[i]!;
      if (moveHigh) nextHigh[to] = high[i]!;
      if (moveLow) nextLow![to] = low[i]!;
    }
    [order, nextOrder] = [nextOrder, order];
    if (moveHigh) [high, nextHigh] = [nextHigh, high];
    if (moveLow) [low, nextLow] = [nextLow!, low];
  }
  // The spare order array holds the group ends: no further array of n words. Runs of equal
  // scores are runs of equal values (-0 === 0, no NaN), the same as of equal keys.
  const ends = nextOrder;
  let groups = 0;
  let previous = values[offset + order[0]! * stride]!;
  for (let i = 1; i < n; i++) {
    const value = values[offset + order[i]! * stride]!;
    if (value !== previous) ends[groups++] = i;
    previous = value;
  }
  if (n > 0) ends[groups++] = n;
  // Every score distinct (continuous scores): the array itself, not a copy of it beside it.
  return { order, groupEnds: groups === n ? ends : ends.slice(0, groups) };
}

/** Buckets of a radix sort pass: 11-bit digits. */
const RADIX = 2048;
const DIGIT = RADIX - 1;

/**
 * Below this many rows a comparison sort is cheaper than the radix sort's four passes over
 * 65,536 counters: a file of ten thousand classes sorts ten thousand short columns.
 */
const SMALL = 2048;

/** The same order by comparison: descending, ties in row order (as the stable radix sort leaves them). */
function comparedOrder(
  values: Float64Array,
  stride: number,
  offset: number,
  n: number,
): ScoreOrder {
  const value = (row: number) => values[offset + row * stride]!;
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => value(b) - value(a) || a - b);
  const ends = new Uint32Array(n);
  let groups = 0;
  // -0 === 0: one threshold, as in the radix sort.
  for (let i = 1; i < n; i++) if (value(order[i]!) !== value(order[i - 1]!)) ends[groups++] = i;
  if (n > 0) ends[groups++] = n;
  return { order, groupEnds: ends.slice(0, groups) };
}

/**
 * Most distinct scores the counting sort takes (codes fit 16 bits); with more, the radix sort.
 * Scores often have few distinct values (rounded probabilities, a forest's leaf averages).
 */
const MAX_DISTINCT = 65536;
/** Slots of the counting sort's hash table: a power of two, at most half full. */
const TABLE_SIZE = MAX_DISTINCT * 4;

/**
 * The same order by counting, when the scores take at most MAX_DISTINCT values (undefined
 * otherwise, found out as soon as one more turns up): each row's value numbered through a hash
 * table of the bit patterns, the few values sorted, and the rows placed by their value's
 * start, in row order (stable, as the radix sort). Two passes over the rows where the radix
 * sort makes nine: about 15 ms for a million rows instead of 150.
 */
function countedOrder(
  values: Float64Array,
  stride: number,
  offset: number,
  n: number,
  withGroups: boolean,
): ScoreOrder | undefined {
  const words = new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
  const mask = TABLE_SIZE - 1;
  const slotHigh = new Uint32Array(TABLE_SIZE);
  const slotLow = new Uint32Array(TABLE_SIZE);
  // The value's number, plus one (0: an empty slot).
  const slotCode = new Uint32Array(TABLE_SIZE);
  const distinct = new Float64Array(MAX_DISTINCT);
  const counts = new Uint32Array(MAX_DISTINCT);
  const codes = new Uint16Array(n);
  let found = 0;
  for (let i = 0; i < n; i++) {
    const at = 2 * (offset + i * stride);
    let h = words[at + hi]!;
    const l = words[at + lo]!;
    if (h === 0x80000000 && l === 0) h = 0; // -0 is the same threshold as 0
    let slot = (Math.imul(h ^ Math.imul(l, 0x9e3779b1), 0x85ebca6b) >>> 14) & mask;
    let code = slotCode[slot]!;
    while (code !== 0 && (slotHigh[slot] !== h || slotLow[slot] !== l)) {
      slot = (slot + 1) & mask;
      code = slotCode[slot]!;
    }
    if (code === 0) {
      if (found === MAX_DISTINCT) return undefined;
      distinct[found] = h === 0 && l === 0 ? 0 : values[offset + i * stride]!;
      code = ++found;
      slotHigh[slot] = h;
      slotLow[slot] = l;
      slotCode[slot] = code;
    }
    codes[i] = code - 1;
    counts[code - 1]!++;
  }
  // The distinct values from highest to lowest, and where each one's rows start.
  const ranked = new Uint32Array(found);
  for (let c = 0; c < found; c++) ranked[c] = c;
  ranked.sort((a, b) => distinct[b]! - distinct[a]!);
  const start = new Uint32Array(found);
  const groupEnds = new Uint32Array(found);
  const rankOf = new Uint16Array(found);
  let sum = 0;
  for (let r = 0; r < found; r++) {
    const c = ranked[r]!;
    start[c] = sum;
    sum += counts[c]!;
    groupEnds[r] = sum;
    rankOf[c] = r;
  }
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[start[codes[i]!]!++] = i;
  if (!withGroups) return { order, groupEnds };
  for (let i = 0; i < n; i++) codes[i] = rankOf[codes[i]!]!;
  return { order, groupEnds, groups: codes };
}
