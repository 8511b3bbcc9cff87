import { describe, expect, it } from 'vitest';
import { castValue, type CastOptions } from '../../shared/schema/cast.js';

const valid: [CastOptions, string, unknown][] = [
  [{ type: 'integer' }, '-42', -42],
  [{ type: 'integer', groupChar: ',' }, '1,234', 1234],
  [{ type: 'integer', bareNumber: false }, '$12', 12],
  [{ type: 'number' }, '1.5e3', 1500],
  [{ type: 'number' }, '.5', 0.5],
  [{ type: 'number' }, 'NaN', Number.NaN],
  [{ type: 'number' }, '-INF', -Infinity],
  [{ type: 'number', decimalChar: ',' }, '3,25', 3.25],
  [{ type: 'boolean' }, 'TRUE', true],
  [{ type: 'boolean' }, '0', false],
  [{ type: 'boolean', trueValues: ['yes'], falseValues: ['no'] }, 'yes', true],
  [{ type: 'date' }, '2024-02-29', Date.UTC(2024, 1, 29)],
  [{ type: 'datetime' }, '2024-01-02T03:04:05Z', Date.UTC(2024, 0, 2, 3, 4, 5)],
  [{ type: 'datetime' }, '2024-01-02T03:04:05.5+01:00', Date.UTC(2024, 0, 2, 2, 4, 5, 500)],
  [{ type: 'time' }, '23:59:59', 86399],
  [{ type: 'year' }, '2024', 2024],
  [{ type: 'yearmonth' }, '2024-12', 2024 * 12 + 11],
  [{ type: 'duration' }, 'P1DT2H', 86400 + 7200],
  [{ type: 'object' }, '{"a":1}', { a: 1 }],
  [{ type: 'array' }, '[1,2]', [1, 2]],
  [{ type: 'list', itemType: 'integer' }, '1,2,3', [1, 2, 3]],
  [{ type: 'geopoint' }, '90, 45', [90, 45]],
  [{ type: 'geopoint', format: 'array' }, '[90, 45]', [90, 45]],
  [
    { type: 'geojson' },
    '{"type":"Point","coordinates":[1,2]}',
    { type: 'Point', coordinates: [1, 2] },
  ],
  [{ type: 'string', format: 'email' }, 'a@b.io', 'a@b.io'],
  [
    { type: 'string', format: 'uuid' },
    '123e4567-e89b-12d3-a456-426614174000',
    '123e4567-e89b-12d3-a456-426614174000',
  ],
  [{ type: 'string', format: 'uri' }, 'https://x.org/a', 'https://x.org/a'],
  [{ type: 'string', format: 'binary' }, 'aGk=', 'aGk='],
  [{ type: 'any' }, 'whatever', 'whatever'],
];

const invalid: [CastOptions, string][] = [
  [{ type: 'integer' }, '1.0'],
  [{ type: 'integer' }, '9007199254740993'],
  [{ type: 'number' }, '1,5'],
  [{ type: 'number' }, ''],
  [{ type: 'boolean' }, 'yes'],
  [{ type: 'date' }, '2023-02-29'],
  [{ type: 'date' }, '2024-1-2'],
  [{ type: 'datetime' }, '2024-01-02 03:04:05'],
  [{ type: 'time' }, '24:00:00'],
  [{ type: 'year' }, '24'],
  [{ type: 'yearmonth' }, '2024-13'],
  [{ type: 'duration' }, 'P'],
  [{ type: 'duration' }, 'PT'],
  [{ type: 'object' }, '[1]'],
  [{ type: 'array' }, '{"a":1}'],
  [{ type: 'list', itemType: 'integer' }, '1,x'],
  [{ type: 'geopoint' }, '200, 0'],
  [{ type: 'geojson' }, '{"coordinates":[]}'],
  [{ type: 'string', format: 'email' }, 'not an email'],
  [{ type: 'string', format: 'uuid' }, '123'],
  [{ type: 'string', format: 'binary' }, 'a'],
];

describe('castValue', () => {
  it.each(valid)('%o reads %j', (field, text, expected) => {
    expect(castValue(field, text)).toEqual({ ok: true, value: expected });
  });

  it.each(invalid)('%o rejects %j with what it expected', (field, text) => {
    const cast = castValue(field, text);
    expect(cast.ok).toBe(false);
    expect(cast.ok ? '' : cast.expected).toMatch(/^(an? |base64)/);
  });
});

describe('compileCast', () => {
  it('reads decimal numbers bit for bit as Number() does', async () => {
    const { compileCast } = await import('../../shared/schema/cast.js');
    const cast = compileCast({ type: 'number' });
    let state = 0x9e3779b9;
    const next = (n: number) => {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      return (state >>> 0) % n;
    };
    for (let i = 0; i < 20_000; i++) {
      const integer = String(next(10 ** (1 + next(9)))).padStart(1 + next(3), '0');
      const fraction = Array.from({ length: next(12) }, () => next(10)).join('');
      const text = `${['', '-', '+'][next(3)]}${integer}${fraction || next(2) ? `.${fraction}` : ''}`;
      expect(Object.is(cast(text), Number(text)), text).toBe(true);
    }
  });

  it('gives exactly what castRaw gives, for text and typed values alike', async () => {
    const { castRaw, compileCast, CAST_FAILED } = await import('../../shared/schema/cast.js');
    const fields: CastOptions[] = [
      { type: 'string' },
      { type: 'string', format: 'email' },
      { type: 'integer' },
      { type: 'integer', groupChar: ',' },
      { type: 'number' },
      { type: 'number', decimalChar: ',' },
      { type: 'boolean' },
      { type: 'boolean', trueValues: ['yes'] },
      { type: 'date' },
      { type: 'any' },
    ];
    const raws: unknown[] = [
      '',
      'a@b.io',
      '42',
      '-7',
      '1,234',
      '1.5',
      '3,25',
      'NaN',
      '-INF',
      '1e3',
      'true',
      'FALSE',
      '1',
      '0',
      'yes',
      '2024-02-29',
      'x',
      42,
      1.5,
      2 ** 60,
      true,
      null,
      [1],
      { a: 1 },
      // the hand-written number scanners against the regular expressions they replace
      '+',
      '-',
      '.',
      '+.',
      '-.5',
      '5.',
      '.5',
      '007',
      '-0',
      '+12',
      '1e',
      '1e+',
      '1E-7',
      '1.5e3.2',
      ' 1',
      '1 ',
      '1_000',
      '0x1F',
      '0b11',
      'Infinity',
      '١٢',
      '123456789012345',
      '1234567890123456',
      '0.1',
      '0.3',
      '-2.675',
      '1234567.891',
      '0.000001234',
      '999999999999999.9',
      '1.7976931348623157',
      '4.35',
      '00.5',
      '-0.0',
      '9007199254740991',
      '-9007199254740991',
      '9007199254740992',
      '99999999999999999999',
      '2024-13-01',
      '2024-02-30',
    ];
    for (const field of fields) {
      const compiled = compileCast(field);
      for (const raw of raws) {
        const expected = castRaw(field, raw);
        const actual = compiled(raw);
        if (expected.ok)
          expect(actual, `${JSON.stringify(field)} ${JSON.stringify(raw)}`).toEqual(expected.value);
        else expect(actual, `${JSON.stringify(field)} ${JSON.stringify(raw)}`).toBe(CAST_FAILED);
      }
    }
  });
});

describe('issue 14: numbers, strptime patterns, geopoints and hostile schemas', () => {
  it('refuses a "." where decimalChar is "," (frictionless issue 1005), before and after bareNumber trims', () => {
    expect(castValue({ type: 'number', decimalChar: ',' }, '1.234').ok).toBe(false);
    expect(castValue({ type: 'number', decimalChar: ',', groupChar: '.' }, '1.234')).toEqual({
      ok: true,
      value: 1234,
    });
    expect(castValue({ type: 'number', decimalChar: ',', bareNumber: false }, '1.234.').ok).toBe(
      false,
    );
    // bareNumber strips a leading "+" and "." as frictionless' expression does.
    expect(castValue({ type: 'number', bareNumber: false }, '+.5')).toEqual({ ok: true, value: 5 });
  });

  it('reads strptime patterns as Python does: leftmost match, then no leftover text; real dates only', async () => {
    const { compileStrptime } = await import('../../shared/schema/strptime.js');
    const at = (format: string, text: string) => {
      const pattern = compileStrptime(format);
      if (typeof pattern === 'string') throw new Error(pattern);
      return pattern.parse(text);
    };
    // Alternatives in Python's order: %m takes "12" (1[0-2] comes first), %d then "31".
    expect(at('%m%d', '1231')).toMatchObject({ date: Date.UTC(1900, 11, 31) });
    // Years below 100 stay themselves (Date.UTC would read 50 as 1950).
    expect(at('%Y', '0050')).toMatchObject({ date: Date.parse('0050-01-01T00:00:00Z') });
    expect(at('%d/%m/%Y', '30/02/2020')).toBeUndefined();
    expect(at('%H:%M:%S', '23:59:61')).toBeUndefined();
    expect(at('%y', '68')).toMatchObject({ date: Date.UTC(2068, 0, 1) });
    expect(at('%y', '69')).toMatchObject({ date: Date.UTC(1969, 0, 1) });
    expect(at('%d%%', '5%')).toMatchObject({ date: Date.UTC(1900, 0, 5) });
    expect(compileStrptime('%d'.repeat(101))).toMatch(/more than the 200 allowed/);
    expect(compileStrptime('%')).toMatch(/lone "%"/);
  });

  it('takes linear time on a hostile pattern and cell', async () => {
    const { compileStrptime } = await import('../../shared/schema/strptime.js');
    const pattern = compileStrptime('%d'.repeat(60) + 'x');
    if (typeof pattern === 'string') throw new Error(pattern);
    const started = performance.now();
    expect(pattern.parse('1'.repeat(5000))).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(1000);
    const { compileJsonSchema } = await import('../../shared/schema/json-schema.js');
    const check = compileJsonSchema({ type: 'object', properties: { a: { pattern: '^(a+)+$' } } });
    if (typeof check === 'string') throw new Error(check);
    const begun = performance.now();
    expect(check.check({ a: `${'a'.repeat(40)}!` })).toMatch(/must match pattern/);
    expect(performance.now() - begun).toBeLessThan(1000);
  });

  it('keeps geopoint formats apart: object is {lon, lat} only, array is [lon, lat] only', () => {
    expect(castValue({ type: 'geopoint', format: 'object' }, '[180, -90]').ok).toBe(false);
    expect(castValue({ type: 'geopoint', format: 'object' }, '{"lat": -90, "lon": 180}')).toEqual({
      ok: true,
      value: [180, -90],
    });
    expect(castValue({ type: 'geopoint', format: 'array' }, '{"lon": 180, "lat": -90}').ok).toBe(
      false,
    );
    expect(castValue({ type: 'geopoint', format: 'array' }, '[1, 2, 3]').ok).toBe(false);
  });
});
