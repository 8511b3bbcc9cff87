/** Hashes and fingerprints the sketches and uniqueness checks share. */
/** FNV-1a over UTF-16 code units, finished with murmur3's fmix32 for avalanche. */
export function hash32(text: string, seed = 0): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const float = new Float64Array(1);
const words = new Uint32Array(float.buffer);

/** A 32-bit hash of a number's IEEE 754 bits (murmur3 fmix over both halves): no string is built. */
export function hashNumber(value: number, seed = 0): number {
  float[0] = value === 0 ? 0 : value; // -0 and 0 are one value
  let h = Math.imul(words[0]! ^ seed, 0xcc9e2d51) ^ words[1]!;
  h = Math.imul(h ^ (h >>> 15), 0x1b873593);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A 53-bit fingerprint of a number, as `fingerprint` is of text. */
export function fingerprintNumber(value: number): number {
  const result =
    hashNumber(value, 0x9e3779b9) * 0x200000 + (hashNumber(value, 0x7f4a7c15) & 0x1fffff);
  return result === 0 ? 1 : result;
}

/** A 53-bit fingerprint (two independent 32-bit hashes), exact as a JavaScript number. */
export function fingerprint(text: string): number {
  const value = hash32(text, 0x9e3779b9) * 0x200000 + (hash32(text, 0x7f4a7c15) & 0x1fffff);
  return value === 0 ? 1 : value;
}
