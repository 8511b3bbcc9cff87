/**
 * countByte (shared/data/delimited.ts) counts a byte four at a time: against a plain count, at
 * every alignment and length, for bytes next to the one counted and for all-equal words.
 */
import { describe, expect, it } from 'vitest';
import { countByte } from '../../shared/data/delimited.js';

const plainCount = (bytes: Uint8Array, byte: number, end: number) => {
  let count = 0;
  for (let i = 0; i < end; i++) if (bytes[i] === byte) count++;
  return count;
};

describe('countByte', () => {
  it('counts as a plain loop does, at every offset and end', () => {
    const buffer = new Uint8Array(200);
    let state = 0x2545f491;
    for (let i = 0; i < buffer.length; i++) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      // Mostly the counted byte's neighbours (0x09, 0x0b, 0x8a), which a loose zero-byte test miscounts.
      buffer[i] = [0x0a, 0x09, 0x0b, 0x8a, 0x0a, 0x00, 0xff][(state >>> 0) % 7]!;
    }
    let checked = 0;
    for (let offset = 0; offset < 9; offset++)
      for (let end = 0; end <= buffer.length - offset - 2; end += 7) {
        const view = buffer.subarray(offset, buffer.length - 2);
        for (const byte of [0x0a, 0x00, 0xff, 0x8a]) {
          expect(countByte(view, byte, end), `offset ${offset}, end ${end}, byte ${byte}`).toBe(
            plainCount(view, byte, end),
          );
          checked++;
        }
      }
    expect(checked).toBeGreaterThan(500);
  });

  it('counts a run of the byte whole', () => {
    const bytes = new Uint8Array(1001).fill(0x0a);
    expect(countByte(bytes, 0x0a, 1001)).toBe(1001);
    expect(countByte(bytes.subarray(3), 0x0a, 998)).toBe(998);
    expect(countByte(bytes, 0x0d, 1001)).toBe(0);
  });
});
