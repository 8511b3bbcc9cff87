/**
 * Cell-level cast cases, written by this project from frictionless-py's published field tests
 * (frictionless/fields/__spec__/test_<type>.py, commit 44661adf of frictionlessdata/frictionless-py)
 * and the Table Schema v2 spec's examples (datapackage.org/standard/table-schema). Each case
 * names the test or section it mirrors. The expectation is frictionless' answer, in this
 * project's representation of values (dates as UTC milliseconds, times as seconds since
 * midnight, numbers as doubles); where the project deliberately answers otherwise, `expected`
 * is the project's answer and `differs` says what frictionless does and why the project does
 * not. docs/conformance.md is generated from the `differs` cases
 * (.github/scripts/generate-conformance.ts).
 *
 * Python values become the JSON values a JSON Lines or Parquet cell would carry: True/False
 * booleans, int/float/Decimal numbers, list/tuple arrays, dict objects; Python date and time
 * objects have no such cell and are left out.
 */

/** What reading the cell gives: a value, a type error, a missing value, or a schema refused before any data is read. */
export type Outcome =
  { value: unknown } | { invalid: true } | { missing: true } | { schemaError: RegExp };

export interface CastCase {
  /** The field descriptor, without its name. */
  field: Record<string, unknown>;
  /** The cell: text as CSV gives it, or a JSON value. */
  cell: unknown;
  expected: Outcome;
  /** The frictionless test (file::test) or spec section the case mirrors. */
  source: string;
  /** Where the project deliberately differs from frictionless, what frictionless does and why. */
  differs?: string;
}

const spec = (file: string, test: string) => `frictionless/fields/__spec__/${file}::${test}`;
const value = (v: unknown): Outcome => ({ value: v });
const INVALID: Outcome = { invalid: true };
const MISSING: Outcome = { missing: true };
const date = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
const datetime = (iso: string) => Date.parse(iso);
const seconds = (h: number, m = 0, s = 0) => h * 3600 + m * 60 + s;

/** A case: [cell, expected, options] for one test, as frictionless' parametrize lists them. */
type Row = [cell: unknown, expected: Outcome, options?: Record<string, unknown>, differs?: string];

function cases(
  source: string,
  type: string,
  format: string | undefined,
  rows: readonly Row[],
): CastCase[] {
  return rows.map(([cell, expected, options, differs]) => ({
    field: { type, ...(format === undefined ? {} : { format }), ...options },
    cell,
    expected,
    source,
    ...(differs === undefined ? {} : { differs }),
  }));
}

const NUMBER = spec('test_number.py', 'test_number_read_cell');
const INTEGER = spec('test_integer.py', 'test_integer_read_cell');
const BOOLEAN = spec('test_boolean.py', 'test_boolean_read_cell');
const DATE = spec('test_date.py', 'test_date_read_cell');
const TIME = spec('test_time.py', 'test_time_read_cell');
const DATETIME = spec('test_datetime.py', 'test_datetime_read_cell');
const YEAR = spec('test_year.py', 'test_year_read_cell');
const YEARMONTH = spec('test_yearmonth.py', 'test_yearmonth_read_cell');
const DURATION = spec('test_duration.py', 'test_duration_read_cell');
const GEOPOINT = spec('test_geopoint.py', 'test_geopoint_read_cell');
const GEOJSON = spec('test_geojson.py', 'test_geojson_read_cell');
const OBJECT = spec('test_object.py', 'test_object_read_cell');
const ARRAY = spec('test_array.py', 'test_array_read_cell');
const STRING = spec('test_string.py', 'test_string_read_cell');
const ANY = spec('test_any.py', 'test_any_read_cell');
const V2 = (section: string) => `Table Schema v2, ${section}`;

const NO_LOOSE_ISO =
  'frictionless reads the default date with strptime("%Y-%m-%d"), which takes one-digit months and days ("2019-1-1"); the spec says YYYY-MM-DD, and a one-digit month in a file that otherwise has two usually means a broken export, so the project keeps to the spec';

export const CAST_CASES: readonly CastCase[] = [
  ...cases(NUMBER, 'number', undefined, [
    [1, value(1)],
    [1.0, value(1)],
    ['1', value(1)],
    ['10.00', value(10)],
    ['10.50', value(10.5)],
    [24.122667, value(24.122667)],
    ['000835', value(835)],
    ['0', value(0)],
    ['00', value(0)],
    ['01', value(1)],
    [' 01 ', value(1)],
    ['0.003', value(0.003)],
    ['-12.3 €', value(-12.3), { bareNumber: false }],
    ['-12.3€', value(-12.3), { bareNumber: false }],
    ['€-12.3', value(-12.3), { bareNumber: false }],
    ['€ -12.3', value(-12.3), { bareNumber: false }],
    ['100%', value(100), { bareNumber: false }],
    ['1000‰', value(1000), { bareNumber: false }],
    ['-1000', value(-1000)],
    ['1,000', value(1000), { groupChar: ',' }],
    ['10,000.00', value(10000), { groupChar: ',' }],
    ['10,000,000.50', value(10000000.5), { groupChar: ',' }],
    ['10#000.00', value(10000), { groupChar: '#' }],
    ['10#000#000.50', value(10000000.5), { groupChar: '#' }],
    ['10.50', value(10.5), { groupChar: '#' }],
    ['1#000', value(1000), { groupChar: '#' }],
    ['10#000@00', value(10000), { groupChar: '#', decimalChar: '@' }],
    ['10#000#000@50', value(10000000.5), { groupChar: '#', decimalChar: '@' }],
    ['10@50', value(10.5), { groupChar: '#', decimalChar: '@' }],
    ['1#000', value(1000), { groupChar: '#', decimalChar: '@' }],
    ['10,000.00', value(10000), { groupChar: ',', bareNumber: false }],
    ['10,000,000.00', value(10000000), { groupChar: ',', bareNumber: false }],
    ['10.000.000,00', value(10000000), { groupChar: '.', decimalChar: ',' }],
    ['$10000.00', value(10000), { bareNumber: false }],
    ['  10,000.00 €', value(10000), { groupChar: ',', bareNumber: false }],
    ['10 000,00', value(10000), { groupChar: ' ', decimalChar: ',' }],
    ['10 000 000,00', value(10000000), { groupChar: ' ', decimalChar: ',' }],
    ['10000,00 ₪', value(10000), { groupChar: ' ', decimalChar: ',', bareNumber: false }],
    ['  10 000,00 £', value(10000), { groupChar: ' ', decimalChar: ',', bareNumber: false }],
    [true, INVALID],
    [false, INVALID],
    ['10,000a.00', INVALID],
    ['10+000.00', INVALID],
    ['$10:000.00', INVALID],
    ['string', INVALID],
    ['', MISSING],
    ['1.234', INVALID, { decimalChar: ',' }],
    ['1.234.', INVALID, { decimalChar: ',', bareNumber: false }],
    ['1234.', value(1234), { decimalChar: ',', bareNumber: false }],
    [
      '1_000',
      INVALID,
      undefined,
      'frictionless casts with Python\'s Decimal, which also takes underscores between digits ("1_000" is 1000); the spec\'s lexical form has none (groupChar is how a file declares digit separators), so the project refuses it',
    ],
  ]),
  ...cases(spec('test_number.py', 'test_number_group_char_issue_1444'), 'number', undefined, [
    ['8.699,8', value(8699.8), { decimalChar: ',', groupChar: '.' }],
  ]),
  ...cases(V2('number: "NaN", "INF" and "-INF"'), 'number', undefined, [
    ['NaN', value(Number.NaN)],
    ['INF', value(Infinity)],
    ['-INF', value(-Infinity)],
    ['1E3', value(1000)],
  ]),
  ...cases(INTEGER, 'integer', undefined, [
    [1, value(1)],
    ['1', value(1)],
    [1.0, value(1)],
    ['000835', value(835)],
    ['0', value(0)],
    ['00', value(0)],
    ['01', value(1)],
    [' 01 ', value(1)],
    ['0.0003', INVALID],
    ['00', value(0), { bareNumber: false }],
    ['01', value(1), { bareNumber: false }],
    ['1$', value(1), { bareNumber: false }],
    ['ab1$', value(1), { bareNumber: false }],
    ['-12 €', value(-12), { bareNumber: false }],
    ['-12€', value(-12), { bareNumber: false }],
    ['€-12', value(-12), { bareNumber: false }],
    ['€ -12', value(-12), { bareNumber: false }],
    [true, INVALID],
    [false, INVALID],
    [3.14, INVALID],
    ['3.14', INVALID],
    ['', MISSING],
    [
      2 ** 63,
      INVALID,
      undefined,
      'frictionless reads integers of any size (Python int); the project keeps integers exact as JavaScript numbers, so it refuses one beyond ±2^53 rather than read a different integer',
    ],
  ]),
  ...cases(V2('integer: groupChar'), 'integer', undefined, [
    [
      '1,000',
      value(1000),
      { groupChar: ',' },
      'frictionless-py gives integer fields no groupChar (int("1,000") fails, so the cell is a type error); Table Schema v2 defines groupChar for integers, and the project follows the spec',
    ],
  ]),
  ...cases(BOOLEAN, 'boolean', undefined, [
    [true, value(true)],
    ['true', value(true)],
    ['True', value(true)],
    ['TRUE', value(true)],
    ['1', value(true)],
    ['yes', value(true), { trueValues: ['yes'] }],
    [false, value(false)],
    ['false', value(false)],
    ['False', value(false)],
    ['FALSE', value(false)],
    ['0', value(false)],
    ['no', value(false), { falseValues: ['no'] }],
    ['t', INVALID],
    ['YES', INVALID],
    ['f', INVALID],
    ['NO', INVALID],
    ['No', INVALID],
    [0, INVALID],
    [1, INVALID],
    ['0', value(false), { falseValues: ['0'], trueValues: ['1'] }],
    ['1', value(true), { falseValues: ['0'], trueValues: ['1'] }],
    ['3.14', INVALID],
    ['', MISSING],
    ['Yes', INVALID, { trueValues: ['yes'] }],
    ['true', INVALID, { trueValues: ['yes'] }],
    ['True', INVALID, { trueValues: ['yes'] }],
    ['TRUE', INVALID, { trueValues: ['yes'] }],
    ['1', INVALID, { trueValues: ['yes'] }],
    ['No', INVALID, { falseValues: ['no'] }],
    ['false', INVALID, { falseValues: ['no'] }],
    ['False', INVALID, { falseValues: ['no'] }],
    ['FALSE', INVALID, { falseValues: ['no'] }],
    ['0', INVALID, { falseValues: ['no'] }],
  ]),
  ...cases(DATE, 'date', undefined, [
    ['2019-01-01', value(date('2019-01-01'))],
    ['10th Jan 1969', INVALID],
    ['invalid', INVALID],
    [true, INVALID],
    ['', MISSING],
    ['2019-1-1', INVALID, undefined, NO_LOOSE_ISO],
  ]),
  ...cases(DATE, 'date', '%d/%m/%y', [
    ['21/11/06', value(date('2006-11-21'))],
    ['invalid', INVALID],
    [true, INVALID],
    ['', MISSING],
  ]),
  ...cases(DATE, 'date', '%y/%m/%d', [['21/11/06 16:30', INVALID]]),
  ...cases(DATE, 'date', 'fmt:%d/%m/%y', [
    ['21/11/06', value(date('2006-11-21'))],
    ['invalid', INVALID],
  ]),
  ...cases(DATE, 'date', 'fmt:%y/%m/%d', [['21/11/06 16:30', INVALID]]),
  ...cases(DATE, 'date', 'invalid', [
    [
      '21/11/06 16:30',
      { schemaError: /format "invalid" is not supported for type date/ },
      undefined,
      'frictionless takes any format text as a strptime pattern, so "invalid" loads and then every cell is a type error; the project refuses the schema before reading data, since a format without a % directive can only match its own letters and is almost always a mistake',
    ],
  ]),
  ...cases(V2('date: <PATTERN>'), 'date', '%d/%m/%Y', [
    ['31/12/2020', value(date('2020-12-31'))],
    ['31/02/2020', INVALID],
    ['29/02/2020', value(date('2020-02-29'))],
    ['29/02/2021', INVALID],
    ['1/2/2020', value(date('2020-02-01'))],
    ['01/02/2020 ', INVALID],
  ]),
  ...cases(V2('date: <PATTERN>'), 'date', '%d %B %Y', [
    ['7 march 2021', value(date('2021-03-07'))],
    ['7 Mar 2021', value(date('2021-03-07'))],
    ['7  March   2021', value(date('2021-03-07'))],
  ]),
  ...cases(V2('date: <PATTERN>'), 'date', '%Y-%j', [['2020-060', value(date('2020-02-29'))]]),
  ...cases(V2('date: <PATTERN>'), 'date', '%Y %W %w', [
    [
      '2020 10 1',
      { schemaError: /%W \(a week number\), which is not supported/ },
      undefined,
      "Python's strptime computes a date from a week number and a weekday (%U, %W, %G, %V with %w or %u); the project does not implement week dates and refuses such a pattern when it reads the schema, rather than misread the cells",
    ],
  ]),
  ...cases(TIME, 'time', undefined, [
    ['06:00:00', value(seconds(6))],
    ['06:00:00Z', value(seconds(6))],
    ['06:00:00+01:00', value(seconds(6))],
    ['06:00:00+1:00', INVALID],
    ['09:00', INVALID],
    ['3 am', INVALID],
    ['3.00', INVALID],
    ['invalid', INVALID],
    [true, INVALID],
    ['', MISSING],
  ]),
  ...cases(TIME, 'time', '%H:%M', [
    ['06:00', value(seconds(6))],
    ['3:00 am', INVALID],
    ['some night', INVALID],
    ['invalid', INVALID],
    [true, INVALID],
    ['', MISSING],
  ]),
  ...cases(TIME, 'time', '%M:%H', [['06:50', INVALID]]),
  ...cases(TIME, 'time', 'fmt:%H:%M', [
    ['06:00', value(seconds(6))],
    ['3:00 am', INVALID],
  ]),
  ...cases(V2('time: <PATTERN>'), 'time', '%I:%M %p', [
    ['3:00 am', value(seconds(3))],
    ['3:30 PM', value(seconds(15, 30))],
    ['12:00 am', value(seconds(0))],
    ['13:00 pm', INVALID],
  ]),
  ...cases(V2('time: <PATTERN>'), 'time', '%H:%M:%S.%f', [
    ['06:00:01.5', value(seconds(6, 0, 1.5))],
    ['06:00:60.0', INVALID],
  ]),
  ...cases(DATETIME, 'datetime', undefined, [
    ['2014-01-01T06:00:00', value(datetime('2014-01-01T06:00:00Z'))],
    ['2014-01-01T06:00:00Z', value(datetime('2014-01-01T06:00:00Z'))],
    ['2014-01-01T06:00:00+01:00', value(datetime('2014-01-01T05:00:00Z'))],
    ['2014-01-01T06:00:00+1:00', INVALID],
    ['Mon 1st Jan 2014 9 am', INVALID],
    [
      '2014-01-01 06:00:00',
      INVALID,
      undefined,
      'frictionless reads the default datetime with dateutil\'s isoparse, which takes any one character between date and time; the spec says YYYY-MM-DDThh:mm:ss, so the project asks for the "T" (a space-separated datetime can be read with the format "%Y-%m-%d %H:%M:%S")',
    ],
    ['invalid', INVALID],
    [true, INVALID],
    ['', MISSING],
  ]),
  ...cases(DATETIME, 'datetime', '%d/%m/%y %H:%M', [
    ['21/11/06 16:30', value(datetime('2006-11-21T16:30:00Z'))],
    ['invalid', INVALID],
    [true, INVALID],
    ['', MISSING],
  ]),
  ...cases(DATETIME, 'datetime', '%H:%M %d/%m/%y', [['21/11/06 16:30', INVALID]]),
  ...cases(DATETIME, 'datetime', 'fmt:%d/%m/%y %H:%M', [
    ['21/11/06 16:30', value(datetime('2006-11-21T16:30:00Z'))],
  ]),
  ...cases(V2('datetime: <PATTERN>'), 'datetime', '%Y-%m-%dT%H:%M:%SZ', [
    ['2020-01-31T10:00:00Z', value(datetime('2020-01-31T10:00:00Z'))],
    ['2020-01-31T10:00:00', INVALID],
  ]),
  ...cases(V2('datetime: <PATTERN>'), 'datetime', '%Y-%m-%d %H:%M:%S%z', [
    ['2020-01-31 10:00:00+0200', value(datetime('2020-01-31T08:00:00Z'))],
    ['2020-01-31 10:00:00-05:30', value(datetime('2020-01-31T15:30:00Z'))],
  ]),
  ...cases(V2('datetime: <PATTERN>'), 'datetime', '%c', [
    ['Sun Jan 31 10:00:00 2021', value(datetime('2021-01-31T10:00:00Z'))],
  ]),
  ...cases(YEAR, 'year', undefined, [
    [2000, value(2000)],
    ['2000', value(2000)],
    [-2000, INVALID],
    [20000, INVALID],
    ['3.14', INVALID],
    ['', MISSING],
    ['-2000', INVALID],
  ]),
  ...cases(YEARMONTH, 'yearmonth', undefined, [
    ['2000-10', value(2000 * 12 + 9)],
    ['2000-13-20', INVALID],
    ['2000-13', INVALID],
    ['2000-0', INVALID],
    ['13', INVALID],
    [-10, INVALID],
    [20, INVALID],
    ['3.14', INVALID],
    ['', MISSING],
    [
      [2000, 10],
      INVALID,
      undefined,
      'frictionless takes a [year, month] pair as a yearmonth; the project reads JSON and Parquet cells by their type, and a yearmonth cell is the text YYYY-MM',
    ],
  ]),
  ...cases(DURATION, 'duration', undefined, [
    ['P1Y10M3DT5H11M7S', value(((365 + 10 * 30 + 3) * 86400 + 5 * 3600 + 11 * 60 + 7) * 1)],
    ['P1Y', value(365 * 86400)],
    ['P1M', value(30 * 86400)],
    ['PT1S', value(1)],
    ['P1M1Y', INVALID],
    ['P-1Y', INVALID],
    ['year', INVALID],
    [true, INVALID],
    [false, INVALID],
    [1, INVALID],
    ['', MISSING],
    [[], INVALID],
    [{}, INVALID],
  ]),
  ...cases(GEOPOINT, 'geopoint', undefined, [
    [[180, 90], value([180, 90])],
    ['180,90', value([180, 90])],
    ['180, -90', value([180, -90])],
    [{ lon: 180, lat: 90 }, INVALID],
    ['181,90', INVALID],
    ['0,91', INVALID],
    ['string', INVALID],
    [1, INVALID],
    ['3.14', INVALID],
    ['', MISSING],
  ]),
  ...cases(GEOPOINT, 'geopoint', 'array', [
    [[180, 90], value([180, 90])],
    ['[180, -90]', value([180, -90])],
    [[181, 90], INVALID],
    [[0, 91], INVALID],
    ['180,90', INVALID],
    ['string', INVALID],
    [1, INVALID],
    ['3.14', INVALID],
    ['', MISSING],
  ]),
  ...cases(GEOPOINT, 'geopoint', 'object', [
    ['{"lon": 180, "lat": 90}', value([180, 90])],
    ['[180, -90]', INVALID],
    [{ lon: 181, lat: 90 }, INVALID],
    [{ lon: 180, lat: -91 }, INVALID],
    ['180,90', INVALID],
    ['string', INVALID],
    [1, INVALID],
    ['3.14', INVALID],
    ['', MISSING],
  ]),
  ...cases(V2('geopoint: object, {"lon": …, "lat": …}'), 'geopoint', 'object', [
    [{ lon: -180, lat: -90 }, value([-180, -90])],
    ['{"lon": 1, "lat": 2, "alt": 3}', INVALID],
    [[180, -90], INVALID],
  ]),
  ...cases(GEOJSON, 'geojson', undefined, [
    [
      { properties: { Ã: 'Ã' }, type: 'Feature', geometry: null },
      value({ properties: { Ã: 'Ã' }, type: 'Feature', geometry: null }),
    ],
    [
      '{"geometry": null, "type": "Feature", "properties": {"\\u00c3": "\\u00c3"}}',
      value({ geometry: null, type: 'Feature', properties: { Ã: 'Ã' } }),
    ],
    [
      { coordinates: [0, 0, 0], type: 'Point' },
      value({ coordinates: [0, 0, 0], type: 'Point' }),
      undefined,
      'frictionless checks GeoJSON against the GeoJSON JSON Schema and refuses this Point; the project checks only that the value is an object with a "type" (a GeoJSON position may have a third, altitude, element), and a stricter check can be asked for with constraints.jsonSchema',
    ],
    ['string', INVALID],
    [1, INVALID],
    ['3.14', INVALID],
    ['', MISSING],
    [{}, INVALID],
    ['{}', INVALID],
  ]),
  ...cases(GEOJSON, 'geojson', 'topojson', [
    [{ type: 'LineString', arcs: [42] }, value({ type: 'LineString', arcs: [42] })],
    ['{"type": "LineString", "arcs": [42]}', value({ type: 'LineString', arcs: [42] })],
    ['string', INVALID],
    [1, INVALID],
    ['3.14', INVALID],
    ['', MISSING],
  ]),
  ...cases(OBJECT, 'object', undefined, [
    [{}, value({})],
    ['{}', value({})],
    [{ key: 'value' }, value({ key: 'value' })],
    ['{"key": "value"}', value({ key: 'value' })],
    ['["key", "value"]', INVALID],
    ['string', INVALID],
    ['1', INVALID],
    [1, INVALID],
    ['3.14', INVALID],
    ['', MISSING],
  ]),
  ...cases(ARRAY, 'array', undefined, [
    [[], value([])],
    ['[]', value([])],
    [['val1', 'val2'], value(['val1', 'val2'])],
    ['["val1", "val2"]', value(['val1', 'val2'])],
    [{ key: 'value' }, INVALID],
    ['{"key": "value"}', INVALID],
    ['string', INVALID],
    [1, INVALID],
    ['3.14', INVALID],
    ['', MISSING],
  ]),
  ...cases(spec('test_array.py', 'test_array_read_cell_array_item'), 'array', undefined, [
    ['["1", "2", "3"]', value([1, 2, 3]), { arrayItem: { type: 'integer' } }],
  ]),
  ...cases(
    spec('test_array.py', 'test_array_read_cell_array_item_type_error'),
    'array',
    undefined,
    [['["1", "2", "bad"]', INVALID, { arrayItem: { type: 'integer' } }]],
  ),
  ...cases(V2('array: arrayItem'), 'array', undefined, [
    ['[1, 2.5]', value([1, 2.5]), { arrayItem: { type: 'number' } }],
    ['["2020-01-02"]', value([date('2020-01-02')]), { arrayItem: { type: 'date' } }],
    ['["a", "", null]', value(['a', null, null]), { arrayItem: { type: 'string' } }],
    [
      '[1]',
      { schemaError: /arrayItem applies to array fields/ },
      { type: 'object', arrayItem: { type: 'integer' } },
    ],
  ]),
  ...cases(STRING, 'string', undefined, [
    ['string', value('string')],
    ['', MISSING],
    [0, INVALID],
  ]),
  ...cases(STRING, 'string', 'uri', [
    ['http://google.com', value('http://google.com')],
    ['://no-scheme.test', INVALID],
    ['string', INVALID],
    ['', MISSING],
    [0, INVALID],
  ]),
  ...cases(STRING, 'string', 'email', [
    ['name@gmail.com', value('name@gmail.com')],
    ['http://google.com', INVALID],
    ['string', INVALID],
    ['', MISSING],
    [0, INVALID],
  ]),
  ...cases(STRING, 'string', 'binary', [
    ['dGVzdA==', value('dGVzdA==')],
    ['', MISSING],
    ['string', INVALID],
    [0, INVALID],
  ]),
  ...cases(spec('test_string.py', 'test_string_read_cell_wkt'), 'string', 'wkt', [
    [
      'POINT (30 10)',
      { schemaError: /format "wkt" is not supported for type string/ },
      undefined,
      'frictionless-py reads a "wkt" string format (well-known text geometry) with a WKT grammar; it is not in the Table Schema spec (v1 or v2), and the project refuses the schema rather than silently not checking the format',
    ],
  ]),
  ...cases(V2('string: uuid'), 'string', 'uuid', [
    ['c6c1b5b8-3a8e-4c1e-9f4e-2b1d0c9a7e11', value('c6c1b5b8-3a8e-4c1e-9f4e-2b1d0c9a7e11')],
    ['not-a-uuid', INVALID],
  ]),
  ...cases(ANY, 'any', undefined, [
    [1, value(1)],
    ['1', value('1')],
    ['3.14', value('3.14')],
    [true, value(true)],
    ['', MISSING],
  ]),
  ...cases(V2('constraints: jsonSchema'), 'object', undefined, [
    [
      '{"a": 1}',
      value({ a: 1 }),
      {
        constraints: {
          jsonSchema: { type: 'object', properties: { a: { type: 'number' } }, required: ['a'] },
        },
      },
    ],
  ]),
  ...cases(V2('field descriptors MAY carry other properties'), 'number', undefined, [
    ['2.5', value(2.5), { unit: 'kg' }],
  ]),
  ...cases(V2('missingValues'), 'number', undefined, [
    ['-', MISSING, { missingValues: ['-'] }],
    ['', INVALID, { missingValues: ['-'] }],
  ]),
];
