/**
 * A seeded pseudo-random generator for the bootstrap: xoshiro128** (Blackman and Vigna),
 * seeded through splitmix32. Written here rather than taken from a library because the
 * bootstrap draws a billion numbers per evaluation of a million rows and needs them inline,
 * without an object per draw; the period (2^128 − 1) is far beyond what one run consumes, and
 * the sequence is the same on every machine, so intervals reproduce exactly.
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

  /** A draw from the Poisson distribution with mean 1, by inversion of its cumulative distribution. */
  poisson1(): number {
    const u = this.nextUint32();
    let k = 0;
    while (u >= POISSON1_CDF[k]!) k++;
    return k;
  }
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

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
