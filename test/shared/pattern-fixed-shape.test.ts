/**
 * Patterns of fixed shape run on the native RegExp (shared/schema/pattern.ts, fixedShape): they
 * must match exactly what re2js matches, the engine every other pattern runs on. Checked on
 * random texts built from the characters the patterns mention, and some they do not.
 */
import { RE2JS } from 're2js';
import { describe, expect, it } from 'vitest';
import { compilePattern, type FieldPattern } from '../../shared/schema/pattern.js';

const FIXED = [
  '[A-Z]{2}[0-9]{4}',
  '[a-z0-9_]{3}-\\d{2}',
  '\\w{2}\\.\\d',
  'AB[0-9a-f]{8}',
  '[A-Za-z]{1}:/x',
  '\\d{0}x',
  '[\\d]{3}[\\w]',
];
const ALPHABET = [
  'A',
  'Z',
  'a',
  'f',
  'z',
  '0',
  '9',
  '_',
  '-',
  '.',
  ':',
  '/',
  'x',
  'é',
  '\n',
  ' ',
  '１',
  '\u{1F600}',
];

/** A small deterministic PRNG (xorshift32), so a failure can be replayed. */
function texts(count: number): string[] {
  let state = 0x9e3779b9;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let text = '';
    const length = Math.floor(next() * 10);
    for (let j = 0; j < length; j++) text += ALPHABET[Math.floor(next() * ALPHABET.length)];
    out.push(text);
  }
  return out;
}

/** Texts each pattern should match, so that the comparison is not only of failures. */
const MATCHING: Record<string, string[]> = {
  '[A-Z]{2}[0-9]{4}': ['AB1234', 'ZZ0000'],
  '[a-z0-9_]{3}-\\d{2}': ['a_9-12'],
  '\\w{2}\\.\\d': ['a_.1'],
  'AB[0-9a-f]{8}': ['AB0123abcd'],
  '[A-Za-z]{1}:/x': ['q:/x'],
  '\\d{0}x': ['x'],
  '[\\d]{3}[\\w]': ['123_'],
};

describe('patterns of fixed shape', () => {
  it.each(FIXED)('%s matches what re2js matches', (source) => {
    const compiled = compilePattern(source) as FieldPattern;
    expect(typeof compiled).toBe('object');
    const re2 = RE2JS.compile(source);
    const cases = [...texts(3000), ...MATCHING[source]!, ...MATCHING[source]!.map((t) => `${t}\n`)];
    let matched = 0;
    for (const text of cases) {
      const expected = re2.testExact(text);
      expect(compiled.matches(text), JSON.stringify(text)).toBe(expected);
      if (expected) matched++;
    }
    expect(matched).toBeGreaterThanOrEqual(MATCHING[source]!.length);
  });

  it('leaves other patterns to re2js, which still refuses what it cannot run', () => {
    expect(compilePattern('(a+)+$')).toMatchObject({ source: '(a+)+$' });
    expect((compilePattern('(a+)+$') as FieldPattern).matches('aaaa')).toBe(true);
    expect(typeof compilePattern('(?=a)b')).toBe('string');
    expect((compilePattern('[^a]{2}') as FieldPattern).matches('é\u{1F600}')).toBe(
      RE2JS.compile('[^a]{2}').testExact('é\u{1F600}'),
    );
  });
});
