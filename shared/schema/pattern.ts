/**
 * Table Schema `pattern` constraints, matched in time linear in the cell whatever the pattern.
 * A schema comes from the repository, so a pull request can bring a pattern such as `(a+)+$`
 * that makes a backtracking engine (JavaScript's RegExp) run for the rest of the job on a short
 * cell. re2js, the JavaScript port of Google's RE2, runs an automaton instead: no backtracking,
 * so no lookaround and no backreferences, which are refused here with a message saying so.
 *
 * Semantics follow frictionless-py, which matches `^(pattern)$`: the whole value must match.
 */
import { RE2JS, RE2JSException, RE2JSSyntaxException } from 're2js';

/** A compiled pattern: does the whole text match? */
export interface FieldPattern {
  readonly source: string;
  matches(text: string): boolean;
}

/**
 * The most RE2 instructions a pattern may compile to. Matching costs up to this many steps per
 * character of a cell, and counted repetitions copy their operand (`[a-z]{1000}` is about 1,000
 * instructions), so a short pattern can still be slow on long cells; real patterns stay in the
 * hundreds.
 */
const MAX_PATTERN_INSTRUCTIONS = 5000;

/** The pattern compiled, or the reason it cannot be (a sentence fragment that follows the field). */
export function compilePattern(pattern: string): FieldPattern | string {
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(unicodeEscapesInRe2Spelling(pattern));
  } catch (error) {
    return refusal(error);
  }
  const size = instructionCount(compiled);
  if (size !== undefined && size > MAX_PATTERN_INSTRUCTIONS) {
    return `the pattern compiles to ${size} matching steps, more than the ${MAX_PATTERN_INSTRUCTIONS} allowed (each step is paid on every character of every cell); make counted repetitions such as {1000} smaller, or check long values with maxLength`;
  }
  const fixed = fixedShape(pattern);
  if (fixed) return { source: pattern, matches: (text) => fixed.test(text) };
  return { source: pattern, matches: (text) => compiled.testExact(text) };
}

/**
 * A pattern of fixed shape, such as `[A-Z]{2}[0-9]{4}`: a row of single-character atoms (an
 * ASCII letter, digit or escaped punctuation, \d, \w, or a class of those without negation),
 * each once or a fixed number of times. Such a pattern cannot backtrack and reads the same in
 * RE2 and JavaScript (only ASCII can match, so no Unicode rule differs), so the native RegExp
 * runs it, at a fraction of re2js' cost per cell (a tenth of validate-data's time on the
 * bench's CSV went to one such pattern). Any other pattern goes to re2js.
 */
const FIXED_SHAPE =
  /^(?:(?:[A-Za-z0-9 _@:/,;=-]|\\[dw]|\\[.+*?()[\]{}|^$\\/-]|\[(?:[A-Za-z0-9_](?:-[A-Za-z0-9])?|\\[dw])+\])(?:\{[0-9]{1,3}\})?)+$/;

function fixedShape(pattern: string): RegExp | undefined {
  if (!FIXED_SHAPE.test(pattern)) return undefined;
  try {
    return new RegExp(`^(?:${pattern})$`);
  } catch {
    return undefined; // e.g. a range out of order: re2js, which compiled it, decides
  }
}

/** The size of the compiled program; re2js does not type it, so it is read defensively. */
function instructionCount(compiled: RE2JS): number | undefined {
  const prog = (compiled.re2() as { prog?: { numInst?: () => unknown } }).prog;
  const count = typeof prog?.numInst === 'function' ? prog.numInst() : undefined;
  return typeof count === 'number' ? count : undefined;
}

const UNSUPPORTED: readonly { starts: RegExp; what: string }[] = [
  { starts: /^\(\?=/, what: 'a lookahead "(?=…)"' },
  { starts: /^\(\?!/, what: 'a negative lookahead "(?!…)"' },
  { starts: /^\(\?<=/, what: 'a lookbehind "(?<=…)"' },
  { starts: /^\(\?<!/, what: 'a negative lookbehind "(?<!…)"' },
  { starts: /^\\[1-9]/, what: 'a backreference ("\\1")' },
  { starts: /^\\k/, what: 'a named backreference ("\\k<name>")' },
  { starts: /^\(\?>/, what: 'an atomic group "(?>…)"' },
  { starts: /^\(\?\(/, what: 'a conditional "(?(…)…)"' },
  { starts: /^[*+?}]\+/, what: 'a possessive quantifier ("++", "*+")' },
];

function refusal(error: unknown): string {
  if (!(error instanceof RE2JSException)) throw error;
  const syntax = error instanceof RE2JSSyntaxException ? error : undefined;
  const at = syntax?.getPattern() ?? '';
  const construct = UNSUPPORTED.find((entry) => entry.starts.test(at))?.what;
  if (construct) {
    return `the pattern uses ${construct}, which the linear-time pattern engine (RE2 syntax) does not support: lookaround and backreferences can take exponential time on a hostile cell. Rewrite the pattern without it (the whole value must match, so no anchors or lookahead are needed to pin it), or check this rule in your own code`;
  }
  const where = at ? ` at "${at.length > 40 ? `${at.slice(0, 40)}…` : at}"` : '';
  return `not a valid regular expression (RE2 syntax): ${syntax?.getDescription() ?? error.message}${where}`;
}

/**
 * `\uXXXX` (a surrogate pair too) and `\u{X…}`, as JavaScript and Python spell code points, in
 * RE2's spelling `\x{…}`. Escapes are consumed in pairs from the left, so `\\u0041` stays an
 * escaped backslash followed by "u0041".
 */
function unicodeEscapesInRe2Spelling(pattern: string): string {
  return pattern.replace(
    /\\(?:u([Dd][89ABab][0-9A-Fa-f]{2})\\u([Dd][C-Fc-f][0-9A-Fa-f]{2})|u([0-9A-Fa-f]{4})|u\{([0-9A-Fa-f]{1,6})\}|([\s\S]))/gu,
    (escape, high?: string, low?: string, four?: string, braced?: string) => {
      if (high && low)
        return `\\x{${(0x10000 + ((parseInt(high, 16) - 0xd800) << 10) + (parseInt(low, 16) - 0xdc00)).toString(16)}}`;
      const code = four ?? braced;
      return code ? `\\x{${code}}` : escape;
    },
  );
}
