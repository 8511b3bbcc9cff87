/**
 * Decimals as the decimals they are. A Parquet DECIMAL is an unscaled integer and a scale;
 * scaling it through a float (as hyparquet does: 9999 × 0.01) gives 99.99000000000001, which
 * then breaks `maximum: 99.99`. Here the unscaled integer becomes its exact decimal text, read
 * as the nearest double only when that double keeps every digit; and two decimal texts whose
 * doubles tie are compared digit by digit, so a bound is exact however many digits the data has.
 */
import type { RawValue } from './raw-value.js';

/** The exact decimal text of unscaled × 10^-scale, without trailing fraction zeros: (9999n, 2) → "99.99". */
function decimalText(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  let digits = (negative ? -unscaled : unscaled).toString();
  if (scale <= 0) return `${negative ? '-' : ''}${digits}${'0'.repeat(-scale)}`;
  digits = digits.padStart(scale + 1, '0');
  const whole = digits.slice(0, -scale);
  const fraction = digits.slice(-scale).replace(/0+$/, '');
  const sign = negative && (whole !== '0' || fraction !== '') ? '-' : '';
  return `${sign}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** Significant digits a double holds for every decimal: 15. */
const EXACT_DIGITS = 15;

/**
 * A DECIMAL as a cell: the number when the nearest double keeps every digit (up to 15
 * significant digits: distinct decimals stay distinct and in order), else its exact text, which
 * a number field casts and whose bounds are then compared digit by digit (compareDecimalText).
 */
export function decimalCell(unscaled: bigint, scale: number): RawValue {
  const text = decimalText(unscaled, scale);
  const significant = text.replace(/^-/, '').replace('.', '').replace(/^0+/, '');
  return significant.length <= EXACT_DIGITS ? Number(text) : text;
}

/** The unscaled integer of a DECIMAL as hyparquet hands it over: INT32 number, INT64 bigint, or big-endian two's-complement bytes. */
export function unscaledOf(value: unknown): bigint | undefined {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  if (value instanceof Uint8Array) {
    if (value.length === 0) return 0n;
    let result = 0n;
    for (const byte of value) result = (result << 8n) | BigInt(byte);
    return value[0]! & 0x80 ? result - (1n << BigInt(value.length * 8)) : result;
  }
  return undefined;
}

const PLAIN_DECIMAL = /^\s*([+-]?)(\d*)(?:\.(\d*))?\s*$/;

/**
 * Compares two plain decimal texts (digits, an optional point and sign; no exponent) exactly:
 * -1, 0 or 1; undefined when either is not plain, for the caller to keep its float verdict.
 */
export function compareDecimalText(a: string, b: string): -1 | 0 | 1 | undefined {
  const x = parts(a);
  const y = parts(b);
  if (!x || !y) return undefined;
  if (x.negative !== y.negative) return x.negative ? -1 : 1;
  const magnitude = compareMagnitude(x, y);
  return (x.negative ? -magnitude : magnitude) as -1 | 0 | 1;
}

interface DecimalParts {
  negative: boolean;
  whole: string;
  fraction: string;
}

function parts(text: string): DecimalParts | undefined {
  const match = PLAIN_DECIMAL.exec(text);
  if (!match || (match[2] === '' && !match[3])) return undefined;
  const whole = match[2]!.replace(/^0+/, '');
  const fraction = (match[3] ?? '').replace(/0+$/, '');
  // -0 and 0 are the same decimal.
  return { negative: match[1] === '-' && (whole !== '' || fraction !== ''), whole, fraction };
}

function compareMagnitude(x: DecimalParts, y: DecimalParts): -1 | 0 | 1 {
  if (x.whole.length !== y.whole.length) return x.whole.length < y.whole.length ? -1 : 1;
  if (x.whole !== y.whole) return x.whole < y.whole ? -1 : 1;
  const width = Math.max(x.fraction.length, y.fraction.length);
  const fx = x.fraction.padEnd(width, '0');
  const fy = y.fraction.padEnd(width, '0');
  return fx === fy ? 0 : fx < fy ? -1 : 1;
}
