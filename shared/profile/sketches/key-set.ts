/** The keys of uniqueness checks, in bounded memory. */
import { fingerprint, fingerprintNumber } from './hash.js';

/** Keys a FingerprintSet holds at most: its table is then 2^21 slots, 16 MB. */
export const FINGERPRINT_LIMIT = 0.75 * 2 ** 21;

/**
 * A set of 53-bit fingerprints in one open-addressed Float64Array (8 bytes a slot, at most
 * three quarters full), for uniqueness checks. Two different values share a fingerprint with
 * probability about n² / 2^54 (1.4·10^-4 at the limit), which would report one false
 * duplicate. Memory is bounded: past `limit` keys (1,572,864 by default, 16 MB), no more are
 * added (`saturated`), and later values are still checked against the ones kept. The
 * validator reports that limit when hit.
 */
export class FingerprintSet {
  private table: Float64Array;
  size = 0;
  saturated = false;

  constructor(readonly limit = FINGERPRINT_LIMIT) {
    this.table = new Float64Array(1024);
  }

  /** Adds the fingerprint; false when it was already there. */
  has(key: number): boolean {
    const table = this.table;
    const mask = table.length - 1;
    for (let slot = key & mask; table[slot] !== 0; slot = (slot + 1) & mask)
      if (table[slot] === key) return true;
    return false;
  }

  add(key: number): boolean {
    const table = this.table;
    const mask = table.length - 1;
    // The low 32 bits of a 53-bit fingerprint, by ToInt32: a float `%` would call fmod for every key.
    let slot = key & mask;
    for (;;) {
      const current = table[slot]!;
      if (current === 0) break;
      if (current === key) return false;
      slot = (slot + 1) & mask;
    }
    if (this.size >= this.limit) {
      this.saturated = true;
      return true;
    }
    table[slot] = key;
    this.size++;
    if (this.size * 4 > table.length * 3 && table.length < this.maxSlots) this.grow();
    return true;
  }

  /** The table never needs more slots than this: `limit` keys fill three quarters of it. */
  private get maxSlots(): number {
    return Math.max(1024, 2 ** Math.ceil(Math.log2(this.limit / 0.75)));
  }

  /**
   * Makes room for `keys` keys in all (at most `limit`) at once, when the caller can tell how many
   * are coming: growing step by step re-inserts every key each time, a cache miss each.
   */
  reserve(keys: number): void {
    const slots = Math.min(
      this.maxSlots,
      2 ** Math.ceil(Math.log2((Math.min(keys, this.limit) * 4) / 3 + 1)),
    );
    if (slots > this.table.length) this.grow(slots);
  }

  /** Four times larger each time, unless told how large. */
  private grow(slots = Math.min(this.table.length * 4, this.maxSlots)): void {
    const old = this.table;
    this.table = new Float64Array(slots);
    const mask = this.table.length - 1;
    for (const key of old) {
      if (key === 0) continue;
      let slot = key & mask;
      while (this.table[slot] !== 0) slot = (slot + 1) & mask;
      this.table[slot] = key;
    }
  }
}

/** Integers a KeySet keeps as bits: 2^26 of them around the first, in 8 KB pages allocated as keys reach them (8 MB at most). */
const BITMAP_RANGE = 2 ** 26;
const PAGE_SHIFT = 16;
const PAGE_WORDS = 2 ** PAGE_SHIFT / 32;

/**
 * The keys of one uniqueness check, up to `limit` of them. Safe integers within 2^25 of the
 * first integer key are bits of a paged bitmap; every other key is a fingerprint in a
 * FingerprintSet. A key always lands in the same one of the two, so a repeat is found either
 * way, and integers are found exactly. Why the bitmap: sequential ids, the usual key, then
 * touch neighbouring bits, where fingerprints land on a random slot of a 16 MB table each, a
 * cache miss per row that made the primary key the largest cost of merging shards.
 */
export class KeySet {
  size = 0;
  saturated = false;
  private readonly prints: FingerprintSet;
  /** Keys to make room for in `prints`, once the first fingerprint comes (integer keys may never need it). */
  private reserved = 0;
  private base: number | undefined;
  private readonly pages = new Array<Uint32Array | undefined>(BITMAP_RANGE >>> PAGE_SHIFT).fill(
    undefined,
  );

  constructor(readonly limit = FINGERPRINT_LIMIT) {
    this.prints = new FingerprintSet(limit);
  }

  /** Makes room for `keys` keys in all (see FingerprintSet.reserve). */
  reserve(keys: number): void {
    this.reserved = keys;
  }

  /** Adds a number; false when it was there already. -0 and 0 are one key. */
  addNumber(key: number): boolean {
    if (Number.isSafeInteger(key)) {
      this.base ??= key - BITMAP_RANGE / 2;
      const offset = key - this.base;
      if (offset >= 0 && offset < BITMAP_RANGE) return this.addBit(offset);
    }
    return this.addFingerprint(fingerprintNumber(key));
  }

  addText(key: string): boolean {
    return this.addFingerprint(fingerprint(key));
  }

  /** Adds a key given as its fingerprint already (a row's). */
  addFingerprint(print: number): boolean {
    if (this.size >= this.limit) return this.full(this.prints.has(print));
    if (this.reserved > 0) {
      this.prints.reserve(this.reserved);
      this.reserved = 0;
    }
    const fresh = this.prints.add(print);
    if (fresh) this.size++;
    return fresh;
  }

  private addBit(offset: number): boolean {
    const page = offset >>> PAGE_SHIFT;
    const word = (offset >>> 5) & (PAGE_WORDS - 1);
    const bit = 1 << (offset & 31);
    let bits = this.pages[page];
    if (bits !== undefined && (bits[word]! & bit) !== 0) return false;
    if (this.size >= this.limit) return this.full(false);
    bits ??= this.pages[page] = new Uint32Array(PAGE_WORDS);
    bits[word]! |= bit;
    this.size++;
    return true;
  }

  /** At the limit: a key already kept is a repeat; any other is taken as new and not kept. */
  private full(kept: boolean): boolean {
    if (kept) return false;
    this.saturated = true;
    return true;
  }
}
