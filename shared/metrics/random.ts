/**
 * Seeded randomness for the bootstrap, the same on every machine so that intervals reproduce
 * exactly: xoshiro128** (Blackman and Vigna, seeded through splitmix32) draws one key per
 * resample, and `poissonAt` turns a key and a row index into that row's Poisson(1) weight.
 * Written here rather than taken from a library because the weights are drawn inline, a
 * million per resample and several times over, where a library call per draw would dominate.
 */
export class Xoshiro128 {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let state = seed >>> 0;
    const splitmix32 = () => {
      state = (state + 0x9e3779b9) | 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = splitmix32();
    this.b = splitmix32();
    this.c = splitmix32();
    this.d = splitmix32();
  }

  /** The next 32 random bits, as an unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }
}

/**
 * The Poisson(1) weight of `row` in the resample keyed `key`: a counter-based draw (the row
 * index mixed with the key by murmur3's 32-bit finaliser), so that every pass over the rows,
 * in whatever order it walks them, finds the same weight for the same row without looking it
 * up in memory. The per-resample keys come from the seeded generator.
 */
export function poissonAt(key: number, row: number): number {
  let z = (Math.imul(row, 0x9e3779b1) ^ key) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  const u = (z ^ (z >>> 16)) >>> 0;
  const quick = POISSON1_BY_TOP_BYTE[u >>> 24]!;
  if (quick !== 255) return quick;
  let k = 0;
  while (u >= POISSON1_CDF[k]!) k++;
  return k;
}

/**
 * P(X ≤ k) for X ~ Poisson(1), scaled to 2^32, for k = 0, 1, ...; the last entry is 2^32 so
 * the search always ends (the mass it lumps into its k, P(X > 12) ≈ 2e-11, is below what 32
 * random bits resolve).
 */
const POISSON1_CDF: Float64Array = (() => {
  const cdf: number[] = [];
  let term = Math.exp(-1);
  let sum = 0;
  for (let k = 0; k < 12; k++) {
    sum += term;
    cdf.push(Math.floor(sum * 4294967296));
    term /= k + 1;
  }
  cdf.push(4294967296);
  return Float64Array.from(cdf);
})();

/** For each top byte of a 32-bit draw, the Poisson value when the whole bucket maps to one; else 255. */
const POISSON1_BY_TOP_BYTE: Uint8Array = (() => {
  const table = new Uint8Array(256);
  const valueAt = (u: number) => {
    let k = 0;
    while (u >= POISSON1_CDF[k]!) k++;
    return k;
  };
  for (let b = 0; b < 256; b++) {
    const first = valueAt(b * 16777216);
    table[b] = first === valueAt(b * 16777216 + 16777215) ? first : 255;
  }
  return table;
})();

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
