import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../shared/action/errors.js';
import { castValue } from '../../shared/schema/cast.js';
import { compilePattern, type FieldPattern } from '../../shared/schema/pattern.js';
import { loadTableSchema } from '../../shared/schema/table-schema.js';
import { tempDir } from '../helpers/temp-dir.js';

function compiled(pattern: string): FieldPattern {
  const result = compilePattern(pattern);
  if (typeof result === 'string') throw new Error(result);
  return result;
}

const dir = await tempDir();
let counter = 0;

async function schemaError(text: string): Promise<string> {
  const path = join(dir, `schema-${++counter}.yaml`);
  await writeFile(path, text);
  const error = await loadTableSchema(path).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(UserError);
  return (error as Error).message;
}

describe('schema patterns: whole-value match in linear time', () => {
  it('matches the whole value, as frictionless compiles ^(pattern)$', () => {
    const zip = compiled('[A-Z]{2}\\d{4}');
    expect(zip.matches('AB1234')).toBe(true);
    expect(zip.matches('xAB1234')).toBe(false);
    expect(zip.matches('AB12345')).toBe(false);
    expect(zip.matches('AB1234\n')).toBe(false);
    // An alternation is whole-value too: neither side matches a part only.
    const either = compiled('a|bc');
    expect(['a', 'bc', 'abc', 'b'].map((text) => either.matches(text))).toEqual([
      true,
      true,
      false,
      false,
    ]);
    expect(compiled('').matches('')).toBe(true);
  });

  it('reads characters as code points, and accepts \\uXXXX and \\u{…} as JavaScript and Python do', () => {
    expect(compiled('.').matches('😀')).toBe(true);
    expect(compiled('\\p{L}+').matches('héllo')).toBe(true);
    expect(compiled('caf\\u00e9').matches('café')).toBe(true);
    expect(compiled('\\u{1F600}').matches('😀')).toBe(true);
    expect(compiled('\\uD83D\\uDE00').matches('😀')).toBe(true);
    expect(compiled('[\\u0041-\\u0043]+').matches('ABC')).toBe(true);
    // An escaped backslash before "u" is a backslash and a letter, not a code point.
    expect(compiled('\\\\u0041').matches('\\u0041')).toBe(true);
    // Only a lower-case \u is a code point; RE2 refuses \U, as it refuses other escapes it lacks.
    expect(compilePattern('\\U00000041')).toMatch(
      /not a valid regular expression \(RE2 syntax\): invalid escape sequence at "\\U"/,
    );
    expect(compiled('\\uD83D\\ude00').matches('😀')).toBe(true);
  });

  it('finishes at once on patterns that make a backtracking engine run for hours', () => {
    const started = performance.now();
    expect(compiled('(a+)+$').matches(`${'a'.repeat(41)}!`)).toBe(false);
    expect(compiled('(a|aa)*b').matches('a'.repeat(100_000))).toBe(false);
    expect(compiled('(.*a){20}').matches(`${'a'.repeat(100_000)}!`)).toBe(false);
    expect(compiled('(\\w+\\s?)*').matches(`${'ab '.repeat(30_000)}!`)).toBe(false);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('refuses lookaround and backreferences, saying which construct and why', () => {
    for (const [pattern, construct] of [
      ['(?=\\d)\\d{5}', 'a lookahead'],
      ['(?!0)\\d{5}', 'a negative lookahead'],
      ['(?<=a)b', 'a lookbehind'],
      ['(?<!a)b', 'a negative lookbehind'],
      ['(a)\\1', 'a backreference'],
      ['(?<x>a)\\k<x>', 'a named backreference'],
      ['(?>a+)b', 'an atomic group'],
      ['a++', 'a possessive quantifier'],
    ] as const) {
      expect(compilePattern(pattern), pattern).toMatch(
        new RegExp(
          `^the pattern uses ${construct}\\b.*linear-time pattern engine .*does not support`,
        ),
      );
    }
  });

  it('refuses a pattern that does not parse, naming the problem and where', () => {
    expect(compilePattern('[a-')).toMatch(
      /^not a valid regular expression \(RE2 syntax\): missing closing \] at "\[a-"$/,
    );
    expect(compilePattern('a)|(b')).toMatch(/unexpected \)/);
    expect(compilePattern('a{2000}')).toMatch(/invalid repeat count/);
  });

  it('refuses a pattern whose program is too large to run on every character', () => {
    expect(compilePattern('[ab]{999}'.repeat(6))).toMatch(
      /compiles to \d+ matching steps, more than the 5000 allowed/,
    );
    expect(
      typeof compilePattern('[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,253}\\.[A-Za-z]{2,63}'),
    ).toBe('object');
  });

  it('names the field and its line when the schema is loaded', async () => {
    const message = await schemaError(
      'fields:\n  - name: id\n  - name: zip\n    constraints:\n      pattern: "(?=9)\\\\d{5}"\n',
    );
    expect(message).toMatch(
      /"fields\[1\]\.constraints\.pattern" \(line 5\): field "zip": the pattern uses a lookahead "\(\?=…\)", which the linear-time pattern engine/,
    );
  });

  it('checks the email format in linear time, accepting what the backtracking expression accepted', () => {
    const email = (text: string) => castValue({ type: 'string', format: 'email' }, text).ok;
    const before = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
    for (const text of [
      'a@b.c',
      'a@b.',
      'a@.b',
      'a@..b',
      'a@b..',
      'a@bc',
      '@b.c',
      'a@b@c.d',
      'a b@c.d',
      'a@b.c ',
      'x.y@sub.example.org',
      'a@.',
      'a@b.c.',
    ]) {
      expect(email(text), text).toBe(before.test(text));
    }
    const started = performance.now();
    expect(email(`a@${'.'.repeat(200_000)} `)).toBe(false);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('orders durations as before, in linear time on a long run of digits', () => {
    const seconds = (text: string) => {
      const cast = castValue({ type: 'duration' }, text);
      return cast.ok ? cast.value : undefined;
    };
    const expected: [string, number][] = [
      ['P1Y', 365 * 86400],
      ['P2M', 60 * 86400],
      ['P1.5W', 1.5 * 7 * 86400],
      ['P3D', 3 * 86400],
      ['PT4H', 4 * 3600],
      ['PT5M', 300],
      ['PT6.25S', 6.25],
      [
        'P1Y2M3W4DT5H6M7S',
        365 * 86400 + 60 * 86400 + 21 * 86400 + 4 * 86400 + 5 * 3600 + 6 * 60 + 7,
      ],
      ['P1MT1M', 30 * 86400 + 60],
    ];
    for (const [text, value] of expected) expect(seconds(text), text).toBeCloseTo(value, 6);
    expect(seconds('P')).toBeUndefined();
    expect(seconds('PT')).toBeUndefined();
    const started = performance.now();
    expect(seconds(`P${'1'.repeat(200_000)}D`)).toBeGreaterThan(0);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('strips the text around a number that is not bare as before, in linear time', () => {
    const number = (text: string) => {
      const cast = castValue({ type: 'number', bareNumber: false }, text);
      return cast.ok ? cast.value : undefined;
    };
    expect(number('$12.5 USD')).toBe(12.5);
    expect(number('EUR -3')).toBe(-3);
    expect(number('+7%')).toBe(7);
    expect(number('x-abc')).toBeUndefined();
    expect(number('abc')).toBeUndefined();
    expect(castValue({ type: 'integer', bareNumber: false }, '€ 1000 only').ok).toBe(true);
    const started = performance.now();
    expect(number(`1${'x'.repeat(200_000)}1`)).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(500);
  });
});
