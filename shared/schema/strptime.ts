/**
 * Table Schema's `<PATTERN>` formats for date, time and datetime fields: C / Python `strptime`
 * patterns such as `%d/%m/%Y` (v1 and v2 both define them; frictionless reads them with
 * Python's `datetime.strptime`). This follows Python's `_strptime` module: each directive is
 * the same regular expression, whitespace in the pattern matches one or more whitespace
 * characters, matching ignores case, the match is anchored at the start and the whole cell
 * must be consumed ("unconverted data remains" otherwise), and the parts must make a real
 * date (31/02 is refused).
 *
 * The pattern comes from the schema, so from the repository: it is compiled with re2js (RE2,
 * linear time), since a pattern of many `%d`s would otherwise backtrack exponentially.
 */
import { RE2JS } from 're2js';

/** Python's directive expressions (Lib/_strptime.py, TimeRE), C locale for the names. */
const DIRECTIVES: Record<string, string> = {
  d: '3[0-1]|[1-2]\\d|0[1-9]|[1-9]| [1-9]',
  f: '[0-9]{1,6}',
  H: '2[0-3]|[0-1]\\d|\\d',
  I: '1[0-2]|0[1-9]|[1-9]',
  j: '36[0-6]|3[0-5]\\d|[1-2]\\d\\d|0[1-9]\\d|00[1-9]|[1-9]\\d|0[1-9]|[1-9]',
  m: '1[0-2]|0[1-9]|[1-9]',
  M: '[0-5]\\d|\\d',
  S: '6[0-1]|[0-5]\\d|\\d',
  w: '[0-6]',
  u: '[1-7]',
  y: '\\d\\d',
  Y: '\\d\\d\\d\\d',
  z: '[+-]\\d\\d:?[0-5]\\d(?::?[0-5]\\d(?:\\.\\d{1,6})?)?|(?-i:Z)',
  Z: 'utc|gmt',
  a: 'monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun',
  A: 'monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun',
  b: 'january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec',
  B: 'january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec',
  p: 'am|pm',
};
/** The C locale's composite directives, expanded before compiling. */
const COMPOSITES: Record<string, string> = {
  c: '%a %b %d %H:%M:%S %Y',
  x: '%m/%d/%y',
  X: '%H:%M:%S',
};
/** Week-number directives: Python uses them only to compute a date from a week; not supported here. */
const UNSUPPORTED = new Set(['U', 'W', 'G', 'V']);
const MONTHS = [
  'jan',
  'feb',
  'mar',
  'apr',
  'may',
  'jun',
  'jul',
  'aug',
  'sep',
  'oct',
  'nov',
  'dec',
] as const;
/** A pattern longer than this is not a date format; it also bounds the compiled automaton. */
const MAX_PATTERN_LENGTH = 200;

interface Moment {
  /** Milliseconds since the epoch of the date (UTC midnight). */
  date: number;
  /** Seconds since midnight, with the fraction. */
  seconds: number;
  /** The UTC offset in seconds, when the pattern has %z. */
  offset?: number;
}

export interface StrptimePattern {
  readonly source: string;
  parse(text: string): Moment | undefined;
}

/** Is this format a strptime pattern rather than a named format? `fmt:` is frictionless' deprecated prefix. */
export function isStrptimeFormat(format: string | undefined): format is string {
  return format !== undefined && (format.includes('%') || format.startsWith('fmt:'));
}

const cache = new Map<string, StrptimePattern | string>();

/** The pattern compiled, or why it cannot be (a sentence fragment). Compiled once per pattern. */
export function compileStrptime(format: string): StrptimePattern | string {
  let compiled = cache.get(format);
  if (compiled === undefined) {
    compiled = compile(format);
    if (cache.size < 256) cache.set(format, compiled);
  }
  return compiled;
}

function compile(format: string): StrptimePattern | string {
  const source = format.startsWith('fmt:') ? format.slice(4) : format;
  if (source.length > MAX_PATTERN_LENGTH)
    return `the date pattern is ${source.length} characters long, more than the ${MAX_PATTERN_LENGTH} allowed`;
  const expanded = source.replace(/%([cxX])/g, (_, d: string) => COMPOSITES[d]!);
  const names: string[] = [];
  let regex = '';
  for (let i = 0; i < expanded.length; i++) {
    const c = expanded[i]!;
    if (c !== '%') {
      if (/\s/.test(c)) {
        while (i + 1 < expanded.length && /\s/.test(expanded[i + 1]!)) i++;
        regex += '\\s+';
      } else regex += c.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
      continue;
    }
    const d = expanded[++i];
    if (d === '%') {
      regex += '%';
      continue;
    }
    if (d === undefined) return 'the date pattern ends with a lone "%"';
    if (UNSUPPORTED.has(d))
      return `the date pattern uses %${d} (a week number), which is not supported; spell the date with %Y, %m and %d or %j`;
    const expression = DIRECTIVES[d];
    if (expression === undefined) return `"%${d}" is not a strptime directive`;
    names.push(d);
    regex += `(${expression})`;
  }
  let re: RE2JS;
  try {
    re = RE2JS.compile(regex, RE2JS.CASE_INSENSITIVE);
  } catch {
    return 'the date pattern cannot be compiled';
  }
  return { source: format, parse: (text) => parse(re, names, text) };
}

function parse(re: RE2JS, names: readonly string[], text: string): Moment | undefined {
  const m = re.matcher(text);
  // Python matches from the start and then refuses leftover text: no search for another split.
  if (!m.lookingAt() || m.end() !== text.length) return undefined;
  const parts: Record<string, string> = {};
  names.forEach((name, i) => (parts[name] = m.group(i + 1)!));
  return moment(parts);
}

function moment(parts: Record<string, string>): Moment | undefined {
  const int = (key: string) => Number.parseInt(parts[key]!.trim(), 10);
  let year = 1900;
  if (parts.Y !== undefined) year = int('Y');
  else if (parts.y !== undefined) year = int('y') + (int('y') < 69 ? 2000 : 1900);
  let month = 1;
  if (parts.m !== undefined) month = int('m');
  else if (parts.B !== undefined || parts.b !== undefined)
    month = MONTHS.indexOf((parts.B ?? parts.b)!.slice(0, 3).toLowerCase() as never) + 1;
  let day = 1;
  if (parts.d !== undefined) day = int('d');
  let hour = 0;
  if (parts.H !== undefined) hour = int('H');
  else if (parts.I !== undefined) {
    const pm = parts.p?.toLowerCase() === 'pm';
    hour = (int('I') % 12) + (pm ? 12 : 0);
  }
  const minute = parts.M === undefined ? 0 : int('M');
  const second = parts.S === undefined ? 0 : int('S');
  // Python's datetime refuses a leap second (60, 61) that strptime's expression lets through.
  if (second > 59) return undefined;
  const fraction = parts.f === undefined ? 0 : Number(`0.${parts.f}`);
  let date: number;
  if (parts.j !== undefined && parts.m === undefined && parts.d === undefined) {
    const dayOfYear = int('j');
    const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
    if (dayOfYear > (leap ? 366 : 365)) return undefined;
    date = utcDate(year, 1, dayOfYear);
  } else {
    if (!realDate(year, month, day)) return undefined;
    date = utcDate(year, month, day);
  }
  const result: Moment = { date, seconds: hour * 3600 + minute * 60 + second + fraction };
  if (parts.z !== undefined) result.offset = offsetSeconds(parts.z);
  return result;
}

/** Date.UTC, except that years 0 to 99 stay themselves (Date.UTC reads them as 1900 to 1999). */
function utcDate(year: number, month: number, day: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getTime();
}

function realDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return (
    day <=
    (month === 2 ? (leap ? 29 : 28) : [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!)
  );
}

/** `Z`, `+hh:mm`, `+hhmm`, `+hh:mm:ss(.ffffff)` in seconds east of UTC. */
function offsetSeconds(z: string): number {
  if (z === 'Z' || z === 'z') return 0;
  const sign = z[0] === '-' ? -1 : 1;
  const digits = z.slice(1).replace(/:/g, '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2, 4));
  const seconds = digits.length > 4 ? Number(digits.slice(4)) : 0;
  return sign * (hours * 3600 + minutes * 60 + seconds);
}
