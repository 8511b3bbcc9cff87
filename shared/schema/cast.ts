/**
 * Reading a cell's text as its Table Schema type (frictionless calls this casting). Each type
 * follows the lexical forms of the v2 spec; a value that does not fit gives the reason.
 */
import { jsonDepthExceeded, MAX_NESTING_DEPTH } from '../files/nesting.js';
import { compileStrptime, isStrptimeFormat, type StrptimePattern } from './strptime.js';

export const FIELD_TYPES = [
  'string',
  'number',
  'integer',
  'boolean',
  'object',
  'array',
  'list',
  'datetime',
  'date',
  'time',
  'year',
  'yearmonth',
  'duration',
  'geopoint',
  'geojson',
  'any',
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

/** Types whose values have an order, so that minimum and maximum mean something. */
export const ORDERED_TYPES: ReadonlySet<FieldType> = new Set([
  'number',
  'integer',
  'datetime',
  'date',
  'time',
  'year',
  'yearmonth',
  'duration',
]);

export type Cast = { ok: true; value: unknown } | { ok: false; expected: string };

/** The subset of a field descriptor that casting reads. */
export interface CastOptions {
  type: FieldType;
  format?: string;
  trueValues?: string[];
  falseValues?: string[];
  decimalChar?: string;
  groupChar?: string;
  bareNumber?: boolean;
  delimiter?: string;
  itemType?: string;
  /** v2 `arrayItem`: how each item of an array field casts. */
  arrayItem?: CastOptions;
  /** Missing values of the enclosing field, which array items share. */
  missing?: ReadonlySet<string>;
}

const ok = (value: unknown): Cast => ({ ok: true, value });
const no = (expected: string): Cast => ({ ok: false, expected });

const INTEGER = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
/** What Python's Decimal reads besides digits (case-insensitive, optionally signed), as frictionless does. */
const SPECIAL_NUMBERS: Record<string, number> = {
  nan: Number.NaN,
  '+nan': Number.NaN,
  '-nan': Number.NaN,
  inf: Infinity,
  '+inf': Infinity,
  '-inf': -Infinity,
  infinity: Infinity,
  '+infinity': Infinity,
  '-infinity': -Infinity,
};
const TIME = /^(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/;
const DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/;
const YEARMONTH = /^(\d{4})-(\d{2})$/;
const DURATION =
  /^P(?!$)(\d+(\.\d+)?Y)?(\d+(\.\d+)?M)?(\d+(\.\d+)?W)?(\d+(\.\d+)?D)?(T(?=\d)(\d+(\.\d+)?H)?(\d+(\.\d+)?M)?(\d+(\.\d+)?S)?)?$/;
/** One `@`, no spaces; the domain check is `isEmail`'s, since `[^\s@]+\.[^\s@]+` backtracks quadratically on a long cell. */
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+$/;
const URI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export function castValue(field: CastOptions, text: string): Cast {
  switch (field.type) {
    case 'string':
      return castString(field.format, text);
    case 'integer':
      return castInteger(field, text);
    case 'number':
      return castNumber(field, text);
    case 'boolean': {
      if ((field.trueValues ?? ['true', 'True', 'TRUE', '1']).includes(text)) return ok(true);
      if ((field.falseValues ?? ['false', 'False', 'FALSE', '0']).includes(text)) return ok(false);
      return no('a boolean');
    }
    case 'date':
      if (isStrptimeFormat(field.format)) return castPattern(field.format, 'date', text);
      return field.format === 'any' ? anyDate(text, 'a date') : castDate(text);
    case 'datetime':
      if (isStrptimeFormat(field.format)) return castPattern(field.format, 'datetime', text);
      return field.format === 'any' ? anyDate(text, 'a datetime') : castDatetime(text);
    case 'time':
      if (isStrptimeFormat(field.format)) return castPattern(field.format, 'time', text);
      return TIME.test(text) && validClock(text.slice(0, 8))
        ? ok(timeSeconds(text))
        : no('a time (hh:mm:ss)');
    case 'year':
      // Four digits, 0000 to 9999, as frictionless reads a year (gYear's negative years are not taken).
      return /^\d{4}$/.test(text) ? ok(Number(text)) : no('a year (YYYY)');
    case 'yearmonth': {
      const m = YEARMONTH.exec(text);
      return m && Number(m[2]) >= 1 && Number(m[2]) <= 12
        ? ok(Number(m[1]) * 12 + Number(m[2]) - 1)
        : no('a year and month (YYYY-MM)');
    }
    case 'duration': {
      const m = DURATION.exec(text);
      return m ? ok(durationSeconds(m)) : no('an ISO 8601 duration (e.g. P1DT2H)');
    }
    case 'object':
      return castJson(
        text,
        (v) => v !== null && typeof v === 'object' && !Array.isArray(v),
        'a JSON object',
      );
    case 'array': {
      const parsed = castJson(text, Array.isArray, 'a JSON array');
      return parsed.ok && field.arrayItem ? castItems(field, parsed.value as unknown[]) : parsed;
    }
    case 'geojson':
      return castJson(
        text,
        (v) =>
          v !== null && typeof v === 'object' && typeof (v as { type?: unknown }).type === 'string',
        'a GeoJSON object',
      );
    case 'geopoint':
      return castGeopoint(field.format, text);
    case 'list':
      return castList(field, text);
    case 'any':
      return ok(text);
  }
}

/** `local@domain` where the domain has a dot that is neither its first nor its last character. */
function isEmail(text: string): boolean {
  return EMAIL_SHAPE.test(text) && text.slice(text.indexOf('@') + 2, -1).includes('.');
}

function castString(format: string | undefined, text: string): Cast {
  switch (format) {
    case 'email':
      return isEmail(text) ? ok(text) : no('an email address');
    case 'uri':
      return URI.test(text) ? ok(text) : no('a URI');
    case 'uuid':
      return UUID.test(text) ? ok(text) : no('a UUID');
    case 'binary':
      return BASE64.test(text) ? ok(text) : no('base64 data');
    default:
      return ok(text);
  }
}

/**
 * The number text as frictionless reads it (fields/number.py), in its order: surrounding
 * whitespace stripped; with bareNumber false, everything before the first digit or "-" and
 * after the last digit dropped; group characters removed; then, when decimalChar is not ".",
 * a "." left over makes the cell invalid (with decimalChar "," the text "1.234" is not 1.234:
 * in such files it usually means 1234), and decimalChar becomes ".". Undefined: not a number.
 */
function numericText(field: CastOptions, text: string): string | undefined {
  let value = text.trim();
  if (field.bareNumber === false) value = trimNonNumeric(value);
  if (field.groupChar) value = value.split(field.groupChar).join('');
  const decimal = field.decimalChar;
  if (decimal !== undefined && decimal !== '.') {
    if (value.includes('.')) return undefined;
    value = value.split(decimal).join('.');
  }
  return value;
}

const isDigit = (code: number) => code >= 48 && code <= 57;

/**
 * Python's `re.sub(r"((^[^-\d]*)|(\D*$))", "", cell)`, by index: leading characters other than
 * digits and "-" (so a "+" or "." too) and trailing non-digits go. By index because the
 * expression `\D*$` backtracks quadratically on a long run of letters followed by a digit.
 */
function trimNonNumeric(value: string): string {
  let start = 0;
  while (start < value.length && !isDigit(value.charCodeAt(start)) && value[start] !== '-') start++;
  let end = value.length;
  while (end > start && !isDigit(value.charCodeAt(end - 1))) end--;
  return value.slice(start, end);
}

function castInteger(field: CastOptions, text: string): Cast {
  // v2 gives integers groupChar and bareNumber; decimalChar is a number's only.
  const value = numericText(
    { groupChar: field.groupChar, bareNumber: field.bareNumber } as CastOptions,
    text,
  );
  if (value === undefined || !INTEGER.test(value)) return no('an integer');
  const number = Number(value);
  return Number.isSafeInteger(number) ? ok(number) : no('an integer within ±2^53');
}

function castNumber(field: CastOptions, text: string): Cast {
  // The common case first: plain decimal text, no group or decimal characters to strip.
  const plain =
    field.groupChar === undefined && field.decimalChar === undefined && field.bareNumber !== false;
  if (plain && NUMBER.test(text)) return ok(Number(text));
  const value = numericText(field, text);
  if (value === undefined) return no(`a number with decimal character "${field.decimalChar}"`);
  if (NUMBER.test(value)) return ok(Number(value));
  const special = value.length <= 9 ? SPECIAL_NUMBERS[value.toLowerCase()] : undefined;
  return special !== undefined ? ok(special) : no('a number');
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Arithmetic rather than a Date object: this runs for every date cell. */
function validDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const leap = m === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  return d <= DAYS_IN_MONTH[m - 1]! + (leap ? 1 : 0);
}

function validClock(hms: string): boolean {
  const [h, m, s] = hms.split(':').map(Number) as [number, number, number];
  return h < 24 && m < 60 && s < 60;
}

/** Digits at text[from, from + count) as a number, or -1: a regex and Number() cost more per cell. */
function digits(text: string, from: number, count: number): number {
  let value = 0;
  for (let i = from; i < from + count; i++) {
    const code = text.charCodeAt(i) - 48;
    if (code < 0 || code > 9) return -1;
    value = value * 10 + code;
  }
  return value;
}

function castDate(text: string): Cast {
  const time = dateTime(text);
  return time === undefined ? no('a date (YYYY-MM-DD)') : ok(time);
}

/** A YYYY-MM-DD date as milliseconds since the epoch (UTC), or undefined. */
function dateTime(text: string): number | undefined {
  const y =
    text.length === 10 && text.charCodeAt(4) === 45 && text.charCodeAt(7) === 45
      ? digits(text, 0, 4)
      : -1;
  const m = y < 0 ? -1 : digits(text, 5, 2);
  const d = m < 0 ? -1 : digits(text, 8, 2);
  return d < 0 || !validDate(y, m, d) ? undefined : Date.UTC(y, m - 1, d);
}

function castDatetime(text: string): Cast {
  const m = DATETIME.exec(text);
  if (
    !m ||
    !validDate(Number(m[1]), Number(m[2]), Number(m[3])) ||
    !validClock(`${m[4]}:${m[5]}:${m[6]}`)
  ) {
    return no('a datetime (YYYY-MM-DDThh:mm:ss, optional fraction and time zone)');
  }
  const zoned = m[8] ? text : `${text}Z`;
  return ok(Date.parse(zoned));
}

const PATTERN_EXPECTED = { date: 'a date', time: 'a time', datetime: 'a datetime' } as const;

/** A `<PATTERN>` format (strptime.ts): the schema check has made sure it compiles. */
function castPattern(format: string, type: keyof typeof PATTERN_EXPECTED, text: string): Cast {
  const pattern = compileStrptime(format) as StrptimePattern;
  const expected = `${PATTERN_EXPECTED[type]} in the format ${format}`;
  if (typeof pattern === 'string') return no(expected);
  const m = pattern.parse(text);
  if (!m) return no(expected);
  if (type === 'date') return ok(m.date);
  if (type === 'time') return ok(m.seconds);
  return ok(m.date + m.seconds * 1000 - (m.offset ?? 0) * 1000);
}

function anyDate(text: string, expected: string): Cast {
  const time = Date.parse(text);
  return Number.isNaN(time) ? no(expected) : ok(time);
}

function timeSeconds(text: string): number {
  const [h, m, s] = text.slice(0, 8).split(':').map(Number) as [number, number, number];
  const fraction = /^\d{2}:\d{2}:\d{2}(\.\d+)/.exec(text)?.[1];
  return h * 3600 + m * 60 + s + (fraction ? Number(fraction) : 0);
}

/**
 * An approximate length in seconds (a month is 30 days, a year 365), used only for ordering.
 * Read from DURATION's own groups: searching the text again for each unit was quadratic in a
 * long run of digits.
 */
function durationSeconds(m: RegExpExecArray): number {
  // parseFloat reads the number before the unit letter; an absent part counts 0.
  const unit = (group: number) => (m[group] === undefined ? 0 : Number.parseFloat(m[group]));
  const day = 86400;
  return (
    unit(1) * 365 * day +
    unit(3) * 30 * day +
    unit(5) * 7 * day +
    unit(7) * day +
    unit(10) * 3600 +
    unit(12) * 60 +
    unit(14)
  );
}

function castJson(text: string, accept: (value: unknown) => boolean, expected: string): Cast {
  // JSON.parse takes any depth, but later walks of the value (keys, statistics) are recursive.
  if (
    (text.indexOf('[') !== -1 || text.indexOf('{', 1) !== -1) &&
    jsonDepthExceeded(text, MAX_NESTING_DEPTH) !== undefined
  ) {
    return no(`${expected} nested at most ${MAX_NESTING_DEPTH} levels deep`);
  }
  try {
    const value: unknown = JSON.parse(text);
    return accept(value) ? ok(value) : no(expected);
  } catch {
    return no(expected);
  }
}

function castGeopoint(format: string | undefined, text: string): Cast {
  let lon: unknown;
  let lat: unknown;
  if (format === 'array' || format === 'object') {
    const parsed = castJson(text, (v) => v !== null && typeof v === 'object', 'a geopoint');
    if (!parsed.ok) return no(GEOPOINT_EXPECTED[format]);
    const point = geopointParts(format, parsed.value);
    if (!point) return no(GEOPOINT_EXPECTED[format]);
    [lon, lat] = point;
  } else {
    const parts = text.split(',').map((part) => part.trim());
    if (parts.length !== 2 || !parts.every((part) => NUMBER.test(part)))
      return no('a geopoint ("lon, lat")');
    [lon, lat] = parts.map(Number);
  }
  const valid =
    typeof lon === 'number' &&
    typeof lat === 'number' &&
    Math.abs(lon) <= 180 &&
    Math.abs(lat) <= 90;
  return valid ? ok([lon, lat]) : no('a geopoint with longitude in ±180 and latitude in ±90');
}

const GEOPOINT_EXPECTED = {
  array: 'a geopoint as a JSON array [lon, lat]',
  object: 'a geopoint as a JSON object {"lon": …, "lat": …}',
} as const;

/**
 * The array format is exactly [lon, lat]; the object format exactly {lon, lat}: an array is
 * not an object here (frictionless refuses "[180, -90]" for the object format).
 */
function geopointParts(format: 'array' | 'object', v: unknown): [unknown, unknown] | undefined {
  if (format === 'array') return Array.isArray(v) && v.length === 2 ? [v[0], v[1]] : undefined;
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  return Object.keys(o).length === 2 && 'lon' in o && 'lat' in o ? [o.lon, o.lat] : undefined;
}

/** The items of an array field with `arrayItem`, each cast as the item field says; missing items stay null. */
function castItems(field: CastOptions, items: readonly unknown[]): Cast {
  const item = field.arrayItem!;
  const missing = item.missing ?? field.missing ?? new Set(['']);
  const cast: unknown[] = [];
  for (const value of items) {
    if (value === null || (typeof value === 'string' && missing.has(value))) {
      cast.push(null);
      continue;
    }
    const result = castRaw(item, value);
    if (!result.ok) return no(`an array of ${item.type} items (an item is not ${result.expected})`);
    cast.push(result.value);
  }
  return ok(cast);
}

function castList(field: CastOptions, text: string): Cast {
  const itemType = (field.itemType ?? 'string') as FieldType;
  const items: unknown[] = [];
  for (const item of text === '' ? [] : text.split(field.delimiter ?? ',')) {
    const cast = castValue({ type: itemType }, item);
    if (!cast.ok) return no(`a list of ${itemType} items`);
    items.push(cast.value);
  }
  return ok(items);
}

/** What each type expects, for values that are not text (JSON Lines, Parquet). */
const EXPECTED: Record<FieldType, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'a boolean',
  object: 'a JSON object',
  array: 'a JSON array',
  list: 'a list',
  datetime: 'a datetime (YYYY-MM-DDThh:mm:ss)',
  date: 'a date (YYYY-MM-DD)',
  time: 'a time (hh:mm:ss)',
  year: 'a year (YYYY)',
  yearmonth: 'a year and month (YYYY-MM)',
  duration: 'an ISO 8601 duration (e.g. P1DT2H)',
  geopoint: 'a geopoint',
  geojson: 'a GeoJSON object',
  any: 'any value',
};

/**
 * Casts a raw value from any format: text goes through `castValue` (the lexical forms of the
 * spec); JSON and Parquet values are taken as they are when they already have the field's
 * type, so the same data in CSV, JSON Lines and Parquet casts to the same values.
 */
export function castRaw(field: CastOptions, raw: unknown): Cast {
  if (typeof raw === 'string') return castValue(field, raw);
  switch (field.type) {
    case 'any':
      return ok(raw);
    case 'number':
      return typeof raw === 'number' ? ok(raw) : no(EXPECTED.number);
    case 'integer':
      if (typeof raw !== 'number' || !Number.isInteger(raw)) return no(EXPECTED[field.type]);
      return Number.isSafeInteger(raw) ? ok(raw) : no('an integer within ±2^53');
    case 'year':
      return typeof raw === 'number' && Number.isInteger(raw) && raw >= 0 && raw <= 9999
        ? ok(raw)
        : no(EXPECTED.year);
    case 'boolean':
      return typeof raw === 'boolean' ? ok(raw) : no(EXPECTED.boolean);
    case 'object':
    case 'geojson':
      return raw !== null &&
        typeof raw === 'object' &&
        !Array.isArray(raw) &&
        (field.type === 'object' || typeof (raw as { type?: unknown }).type === 'string')
        ? ok(raw)
        : no(EXPECTED[field.type]);
    case 'array':
      if (!Array.isArray(raw)) return no(EXPECTED.array);
      return field.arrayItem ? castItems(field, raw) : ok(raw);
    case 'list': {
      if (!Array.isArray(raw)) return no(EXPECTED.list);
      const itemType = (field.itemType ?? 'string') as FieldType;
      const items: unknown[] = [];
      for (const item of raw) {
        const cast = castRaw({ type: itemType }, item);
        if (!cast.ok) return no(`a list of ${itemType} items`);
        items.push(cast.value);
      }
      return ok(items);
    }
    case 'geopoint': {
      // A JSON value in the field's format; under the default "lon, lat" format, a [lon, lat] array as frictionless takes it.
      if (raw === null || typeof raw !== 'object') return no(EXPECTED.geopoint);
      const format = field.format === 'object' ? 'object' : 'array';
      return castGeopoint(format, JSON.stringify(raw));
    }
    default:
      return no(EXPECTED[field.type]);
  }
}

// The two scanners below do what INTEGER and NUMBER match, in one pass over the characters:
// they run for most cells of a numeric file, where the regular expressions cost twice as much.

/** A text INTEGER matches, as a safe integer; else CAST_FAILED. Up to 15 digits are summed exactly. */
function plainInteger(text: string): number | typeof CAST_FAILED {
  const length = text.length;
  let i = 0;
  const first = text.charCodeAt(0);
  const negative = first === 45;
  if (negative || first === 43) i++;
  if (i === length) return CAST_FAILED;
  let value = 0;
  for (; i < length; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return CAST_FAILED;
    value = value * 10 + digit;
  }
  if (length - (negative || first === 43 ? 1 : 0) > 15) {
    value = Math.abs(Number(text));
    if (!Number.isSafeInteger(value)) return CAST_FAILED;
  }
  return negative ? -value : value;
}

const POWERS_OF_TEN = Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * A text NUMBER matches, as a number; else CAST_FAILED. Up to 15 digits and 22 decimals the
 * digits are summed and divided by a power of ten: both are exact doubles and one division
 * rounds correctly, so the result is Number()'s (Clinger's fast path), at a fraction of its cost.
 */
export function plainDecimal(text: string): number | typeof CAST_FAILED {
  let i = 0;
  let c = text.charCodeAt(0);
  const negative = c === 45;
  if (negative || c === 43) c = text.charCodeAt(++i);
  let mantissa = 0;
  let digits = 0;
  let decimals = 0;
  while (c >= 48 && c <= 57) {
    mantissa = mantissa * 10 + (c - 48);
    digits++;
    c = text.charCodeAt(++i);
  }
  if (c === 46) {
    c = text.charCodeAt(++i);
    while (c >= 48 && c <= 57) {
      mantissa = mantissa * 10 + (c - 48);
      digits++;
      decimals++;
      c = text.charCodeAt(++i);
    }
  }
  if (digits === 0) return CAST_FAILED;
  let exponent = false;
  if (c === 101 || c === 69) {
    c = text.charCodeAt(++i);
    if (c === 43 || c === 45) c = text.charCodeAt(++i);
    let exponentDigits = 0;
    while (c >= 48 && c <= 57) {
      exponentDigits++;
      c = text.charCodeAt(++i);
    }
    if (exponentDigits === 0) return CAST_FAILED;
    exponent = true;
  }
  if (i !== text.length) return CAST_FAILED;
  if (exponent || digits > 15 || decimals > 22) return Number(text);
  const value = mantissa / POWERS_OF_TEN[decimals]!;
  return negative ? -value : value;
}

/** What a compiled cast returns for a value that does not fit; castRaw then says why. */
export const CAST_FAILED: unique symbol = Symbol('cast failed');

/**
 * The cast of one field compiled to a function, for the per-cell hot path: it returns the
 * value itself (no result object to allocate and collect for every cell) or CAST_FAILED, and
 * takes the common forms (plain integers and decimals, default booleans, plain strings)
 * without going through the general switch. Anything else goes to castRaw, so the result is
 * always the one castRaw gives.
 */
export function compileCast(field: CastOptions): (raw: unknown) => unknown {
  const general = (raw: unknown): unknown => {
    const cast = castRaw(field, raw);
    return cast.ok ? cast.value : CAST_FAILED;
  };
  const plainNumbers =
    field.groupChar === undefined && field.decimalChar === undefined && field.bareNumber !== false;
  switch (field.type) {
    case 'string':
      if (field.format !== undefined && field.format !== 'default') return general;
      return (raw) => (typeof raw === 'string' ? raw : CAST_FAILED);
    case 'integer':
      if (!plainNumbers) return general;
      return (raw) => {
        if (typeof raw === 'string') {
          // The rarer forms (surrounding spaces) go the general way, so the answer is castRaw's.
          const value = plainInteger(raw);
          return value === CAST_FAILED ? general(raw) : value;
        }
        return typeof raw === 'number' && Number.isSafeInteger(raw) ? raw : CAST_FAILED;
      };
    case 'number':
      if (!plainNumbers) return general;
      return (raw) => {
        if (typeof raw === 'number') return raw;
        if (typeof raw !== 'string') return general(raw);
        const value = plainDecimal(raw);
        return value === CAST_FAILED ? general(raw) : value;
      };
    case 'boolean':
      if (field.trueValues || field.falseValues) return general;
      return (raw) => {
        if (typeof raw === 'boolean') return raw;
        if (raw === 'true' || raw === 'True' || raw === 'TRUE' || raw === '1') return true;
        if (raw === 'false' || raw === 'False' || raw === 'FALSE' || raw === '0') return false;
        return CAST_FAILED;
      };
    case 'date':
      if (field.format !== undefined && field.format !== 'default') return general;
      return (raw) => (typeof raw === 'string' ? (dateTime(raw) ?? CAST_FAILED) : general(raw));
    default:
      return general;
  }
}
