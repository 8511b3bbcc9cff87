/**
 * Bounded work on hostile text: data files a pull request brings (malformed CSV, JSON Lines,
 * Parquet and gzip, other encodings, NUL bytes, endless lines, 100,000 columns, deep nesting)
 * and the YAML and JSON files it controls (alias bombs, deep nesting, self-reference) in a
 * train-model config, a compare-metrics metrics, baseline or gates file, a schema. Each is
 * refused, or reported as a finding, with the file, the line or field, and what was expected;
 * never a hang, an out-of-memory crash or a stack.
 *
 * Large files are generated here; each case runs in a few seconds.
 */
import { gzipSync } from 'node:zlib';
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { HostileCase } from '../case.js';

const MiB = 2 ** 20;
/** Matches `text` literally inside a RegExp. */
const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A two-field schema (id: integer, text: string) for the data cases. */
const SCHEMA = 'fields:\n  - name: id\n    type: integer\n  - name: text\n    type: string\n';

/** validate-data on `{dir}/<name>` against the two-field schema. */
function validate(id: string, name: string, content: string | Buffer, error: RegExp): HostileCase {
  return {
    id,
    action: 'validate-data',
    files: { 'schema.yaml': SCHEMA, [name]: content },
    inputs: { data: `{dir}/${name}`, schema: '{dir}/schema.yaml' },
    expect: { error },
  };
}

/** The same file through the command line's `validate`. */
function cliValidate(
  id: string,
  name: string,
  content: string | Buffer,
  error: RegExp,
): HostileCase {
  return {
    id,
    action: 'cli',
    files: { 'schema.yaml': SCHEMA, [name]: content },
    args: ['validate', '--data', `{dir}/${name}`, '--schema', '{dir}/schema.yaml'],
    expect: { error },
  };
}

/** The data file's path as messages name it. */
const file = (id: string, name: string) => literal(`"hostile/${id}/${name}"`);

/** A "billion laughs" YAML document: `levels` anchors, each a list of ten aliases of the one before. */
function yamlBomb(levels: number, leaf = 'x'): string {
  const lines = [`l0: &l0 [${Array(10).fill(leaf).join(', ')}]`];
  for (let i = 1; i < levels; i++)
    lines.push(
      `l${i}: &l${i} [${Array(10)
        .fill(`*l${i - 1}`)
        .join(', ')}]`,
    );
  return `${lines.join('\n')}\n`;
}

const deepJson = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const deepYaml = (depth: number) => `a: ${deepJson(depth)}\n`;

function parquet(): Buffer {
  return Buffer.from(
    parquetWriteBuffer({
      columnData: [
        { name: 'id', data: [1, 2, 3], type: 'INT32' },
        { name: 'text', data: ['a', 'b', 'c'], type: 'STRING' },
      ],
    }),
  );
}
const goodParquet = parquet();
const corrupted = (bytes: Buffer, from: number, to: number) => {
  const copy = Buffer.from(bytes);
  for (let i = from; i < to; i++) copy[i] = 0xff;
  return copy;
};
const withFooterLength = (bytes: Buffer, length: number) => {
  const copy = Buffer.from(bytes);
  copy.writeInt32LE(length, copy.length - 8);
  return copy;
};

const utf16 = (text: string) =>
  Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
const gzipped = gzipSync('id,text\n1,a\n2,b\n'.repeat(2000));

/** train-model with `config`, whose command never runs: the config is refused first. */
function train(id: string, name: string, config: string, error: RegExp): HostileCase {
  return {
    id,
    action: 'train-model',
    files: { [name]: config },
    inputs: {
      'model-name': 'churn',
      run: 'true',
      config: `{dir}/${name}`,
      outputs: '{dir}/model.bin',
    },
    expect: { error },
  };
}

/** compare-metrics with a baseline file, so that no API is needed; `files` replace the good ones. */
function compare(id: string, files: Record<string, string>, error: RegExp): HostileCase {
  return {
    id,
    action: 'compare-metrics',
    files: {
      'metrics.json': '{"accuracy": 0.9}',
      'baseline.json': '{"accuracy": 0.88}',
      'gates.yaml': 'metrics:\n  accuracy: {direction: higher}\n',
      ...files,
    },
    inputs: {
      'model-name': 'churn',
      metrics: `{dir}/${Object.keys(files).find((f) => f.startsWith('metrics')) ?? 'metrics.json'}`,
      baseline: `{dir}/${Object.keys(files).find((f) => f.startsWith('baseline')) ?? 'baseline.json'}`,
      gates: `{dir}/${Object.keys(files).find((f) => f.startsWith('gates')) ?? 'gates.yaml'}`,
      'gates-from': 'workspace',
      history: '0',
    },
    expect: { error },
  };
}

/** evaluate-model on a predictions file with `label` and `prediction` columns. */
function evaluate(id: string, name: string, content: string | Buffer, error: RegExp): HostileCase {
  return {
    id,
    action: 'evaluate-model',
    files: { [name]: content },
    inputs: {
      'model-name': 'churn',
      predictions: `{dir}/${name}`,
      task: 'binary',
      'label-column': 'label',
      'prediction-column': 'prediction',
      bootstrap: '0',
    },
    expect: { error },
  };
}

const tooLong = (id: string, name: string, line: number, what = 'record') =>
  new RegExp(
    `The data file ${file(id, name)} has a ${what} longer than 8 MiB starting at line ${line} \\(the limit for one row\\)`,
  );
const predictionsRows = 'label,prediction\n1,1\n0,0\n';

export const cases: HostileCase[] = [
  // NUL bytes: reported on their row, cell and column.
  validate(
    'nul-in-cell',
    'data.csv',
    'id,text\n1,ok\n2,a\0b\n',
    /Row 2 could not be read: cell 2 \(column "text"\) holds a NUL byte at character 2, which text data never does/,
  ),
  validate(
    'nul-in-quoted-cell',
    'data.tsv',
    'id\ttext\n1\t"x\0"\n',
    /Row 1 could not be read: cell 2 \(column "text"\) holds a NUL byte at character 2/,
  ),
  validate(
    'nul-in-header',
    'data.csv',
    'id,te\0xt\n1,a\n',
    /Column 2 is "te\\u0000xt" where the schema has field "text"/,
  ),
  cliValidate(
    'cli-nul-in-cell',
    'data.csv',
    'id,text\n1,a\0\n',
    /Row 1 could not be read: cell 2 \(column "text"\) holds a NUL byte/,
  ),

  // Mixed line ends read as Python's csv and pandas read them: the only finding is the real one, on row 4.
  validate(
    'mixed-line-ends',
    'data.csv',
    'id,text\r\n1,a\n2,"b\r\nc"\r3,d\r\nx,e\n',
    /Row 4: field "id" should be an integer, got "x"\./,
  ),

  // Endless records: a 64 MiB cell, a 64 MiB line without a newline (both cut into shards, the
  // files being large), a 9 MiB cell (read in one pass), a quote never closed.
  validate(
    'cell-64mib',
    'data.csv',
    `id,text\n1,a\n2,${'x'.repeat(64 * MiB)}\n3,b\n`,
    tooLong('cell-64mib', 'data.csv', 3),
  ),
  validate(
    'line-64mib-no-newline',
    'data.csv',
    `id,text\n1,${'x'.repeat(64 * MiB)}`,
    tooLong('line-64mib-no-newline', 'data.csv', 2),
  ),
  validate(
    'cell-9mib-one-pass',
    'data.csv',
    `id,text\n1,${'x'.repeat(9 * MiB)}\n`,
    tooLong('cell-9mib-one-pass', 'data.csv', 2),
  ),
  validate(
    'quote-never-closed',
    'data.csv',
    `id,text\n1,a\n2,"${'ab\n'.repeat(3 * MiB)}`,
    tooLong('quote-never-closed', 'data.csv', 3),
  ),
  validate(
    'jsonl-line-64mib',
    'data.jsonl',
    `{"id":1,"text":"${'x'.repeat(64 * MiB)}"}\n`,
    tooLong('jsonl-line-64mib', 'data.jsonl', 1, 'line'),
  ),

  // Wide and long headers: every extra column is a finding; a column name is quoted to 80 characters.
  validate(
    'header-100k-columns',
    'data.csv',
    `${Array.from({ length: 100_000 }, (_, i) => `c${i}`).join(',')}\n${'1,'.repeat(99_999)}1\n`,
    /Column 3 \("c2"\) is beyond the schema's 2 fields \(fieldsMatch: exact\)/,
  ),
  validate(
    'jsonl-100k-keys',
    'data.jsonl',
    `${JSON.stringify(Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, i])))}\n`,
    /Column "k0" is not a field of the schema \(fieldsMatch: equal\)/,
  ),
  validate(
    'header-name-1mb',
    'data.csv',
    `id,${'n'.repeat(MiB)}\n1,a\n`,
    new RegExp(`Column 2 is "n{80}…" where the schema has field "text"`),
  ),

  // Deep JSON Lines: a problem of the line, not a stack overflow.
  validate(
    'jsonl-deep-100k',
    'data.jsonl',
    `{"id":1,"text":"a"}\n{"id":2,"text":${deepJson(100_000)}}\n`,
    /Row 2 could not be read: line 2 is an object whose values nest more than 64 levels deep/,
  ),
  cliValidate(
    'cli-jsonl-deep',
    'data.jsonl',
    `{"id":1,"text":{"a":${deepJson(50_000)}}}\n`,
    /line 1 is an object whose values nest more than 64 levels deep/,
  ),

  // A JSON cell of an object field, nested without end: a type error of its cell.
  {
    id: 'csv-json-cell-deep',
    action: 'validate-data',
    files: {
      'schema.yaml': 'fields:\n  - name: id\n    type: integer\n  - name: meta\n    type: object\n',
      'data.csv': `id,meta\n1,"{""a"": ${deepJson(100_000)}}"\n`,
    },
    inputs: { data: '{dir}/data.csv', schema: '{dir}/schema.yaml' },
    expect: { error: /Row 1: field "meta" should be a JSON object nested at most 64 levels deep/ },
  },

  // gzip: truncated, not gzip at all, corrupt, a bomb of one endless line of zeros.
  validate(
    'gzip-truncated',
    'data.csv.gz',
    gzipped.subarray(0, gzipped.length >> 1),
    new RegExp(
      `The data file ${file('gzip-truncated', 'data.csv.gz')} is not a complete gzip stream`,
    ),
  ),
  validate(
    'gzip-not-gzip',
    'data.csv.gz',
    'id,text\n1,a\n',
    new RegExp(
      `The data file ${file('gzip-not-gzip', 'data.csv.gz')} is not gzip data, though its name ends in .gz`,
    ),
  ),
  validate(
    'gzip-corrupt-body',
    'data.csv.gz',
    Buffer.concat([gzipped.subarray(0, 10), Buffer.alloc(200, 0xff)]),
    new RegExp(
      `The data file ${file('gzip-corrupt-body', 'data.csv.gz')} is not a complete gzip stream`,
    ),
  ),
  validate(
    'gzip-bomb',
    'data.csv.gz',
    gzipSync(Buffer.alloc(64 * MiB)),
    tooLong('gzip-bomb', 'data.csv.gz', 1),
  ),
  // A bomb of newlines: every byte a row. Stopped at 200 times the file's size (8 MiB of
  // newlines gzip a thousandfold, so the stop comes after about 1.6 million rows).
  validate(
    'gzip-newline-bomb',
    'data.csv.gz',
    gzipSync(Buffer.concat([Buffer.from('id,text\n'), Buffer.alloc(8 * MiB, 0x0a)])),
    new RegExp(
      `The data file ${file('gzip-newline-bomb', 'data.csv.gz')} expands to more than 200 times its size when decompressed`,
    ),
  ),
  cliValidate(
    'cli-gzip-rows-bomb',
    'data.csv.gz',
    gzipSync(`id,text\n${'1,a\n'.repeat(4 * MiB)}`),
    /expands to more than 200 times its size when decompressed \(past [\d.]+ MiB\): a gzip bomb/,
  ),

  // Encodings.
  validate(
    'utf16-bom-csv',
    'data.csv',
    utf16('id,text\n1,a\n'),
    new RegExp(
      `The data file ${file('utf16-bom-csv', 'data.csv')} is UTF-16 text \\(it starts with a UTF-16 byte order mark\\), not UTF-8`,
    ),
  ),
  validate(
    'utf16-bom-jsonl',
    'data.jsonl',
    utf16('{"id":1,"text":"a"}\n'),
    /is UTF-16 text \(it starts with a UTF-16 byte order mark\), not UTF-8/,
  ),
  validate(
    'invalid-utf8',
    'data.csv',
    Buffer.concat([Buffer.from('id,text\n1,a\n2,'), Buffer.from([0xc3, 0x28]), Buffer.from('\n')]),
    /is not valid UTF-8 text: invalid UTF-8 at byte offset 14 \(line 3\)/,
  ),

  // Parquet: truncated, not Parquet, a footer length past the file, corrupt pages, empty.
  validate(
    'parquet-truncated',
    'data.parquet',
    goodParquet.subarray(0, goodParquet.length >> 1),
    new RegExp(
      `The data file ${file('parquet-truncated', 'data.parquet')} is not a readable Parquet file`,
    ),
  ),
  validate(
    'parquet-not-parquet',
    'data.parquet',
    'id,text\n1,a\n',
    new RegExp(
      `The data file ${file('parquet-not-parquet', 'data.parquet')} is not a readable Parquet file`,
    ),
  ),
  validate(
    'parquet-footer-length',
    'data.parquet',
    withFooterLength(goodParquet, 1_000_000_000),
    /is not a readable Parquet file \(footer: .*exceeds/,
  ),
  validate(
    'parquet-corrupt-page',
    'data.parquet',
    corrupted(goodParquet, 4, 40),
    /is not a readable Parquet file \(row group 1, rows 1 to 3: /,
  ),
  validate('parquet-empty', 'data.parquet', '', /is not a readable Parquet file/),

  // A schema that is a YAML bomb, or nested without end.
  {
    id: 'schema-yaml-bomb',
    action: 'validate-data',
    files: {
      'schema.yaml': `${SCHEMA}x-bomb:\n${yamlBomb(9).replace(/^(?=.)/gm, '  ')}`,
      'data.csv': 'id,text\n1,a\n',
    },
    inputs: { data: '{dir}/data.csv', schema: '{dir}/schema.yaml' },
    expect: {
      error:
        /The schema file "hostile\/schema-yaml-bomb\/schema.yaml" has YAML aliases that expand to more than 100,000 values; write the values out/,
    },
  },
  {
    id: 'cli-schema-deep-json',
    action: 'cli',
    files: {
      'schema.json': `{"fields": [{"name": "id", "type": "integer", "x": ${deepJson(100_000)}}]}`,
      'data.csv': 'id\n1\n',
    },
    args: ['validate', '--data', '{dir}/data.csv', '--schema', '{dir}/schema.json'],
    expect: {
      error:
        /The schema file "hostile\/cli-schema-deep-json\/schema.json" nests objects and arrays more than 64 levels deep \(at line 1, column \d+\)/,
    },
  },

  // train-model: the config's canonical JSON is part of the fingerprint; a bomb would expand there.
  train(
    'train-yaml-bomb',
    'config.yaml',
    yamlBomb(12),
    /The config file "hostile\/train-yaml-bomb\/config.yaml" has YAML aliases that expand to more than 100,000 values; write the values out/,
  ),
  train(
    'train-yaml-deep',
    'config.yaml',
    deepYaml(10_000),
    /The config file "hostile\/train-yaml-deep\/config.yaml" nests mappings and lists more than 64 levels deep at line 1, column \d+/,
  ),
  train(
    'train-json-deep',
    'config.json',
    `{"model": ${deepJson(100_000)}}`,
    /The config file "hostile\/train-json-deep\/config.json" nests objects and arrays more than 64 levels deep \(at line 1, column \d+\)/,
  ),
  train(
    'train-yaml-self-alias',
    'config.yaml',
    'params: &p {lr: 0.1, again: *p}\n',
    /The config file "hostile\/train-yaml-self-alias\/config.yaml" has a YAML alias inside the node it refers to/,
  ),
  train(
    'train-yaml-many-aliases',
    'config.yaml',
    `lr: &lr 0.1\nsteps:\n${'  - *lr\n'.repeat(1_001)}`,
    /The config file "hostile\/train-yaml-many-aliases\/config.yaml" has more than 1000 YAML aliases \(the one past the limit is at line 1003, column \d+\)/,
  ),

  // compare-metrics: the DVC-style flattening of a metrics file walks every value.
  compare(
    'metrics-yaml-bomb',
    { 'metrics.yaml': yamlBomb(12, '0.5') },
    /The metrics file "hostile\/metrics-yaml-bomb\/metrics.yaml" has YAML aliases that expand to more than 100,000 values/,
  ),
  compare(
    'metrics-json-deep',
    { 'metrics.json': `{"val": ${'{"a": '.repeat(100_000)}1${'}'.repeat(100_000)}}` },
    /"hostile\/metrics-json-deep\/metrics.json" nests objects and arrays more than 64 levels deep \(at line 1, column \d+\)/,
  ),
  compare(
    'baseline-yaml-bomb',
    { 'baseline.yaml': yamlBomb(12, '0.5') },
    /"hostile\/baseline-yaml-bomb\/baseline.yaml" has YAML aliases that expand to more than 100,000 values/,
  ),
  compare(
    'gates-yaml-bomb',
    {
      'gates.yaml': `metrics:\n  accuracy: {direction: higher}\nx-bomb:\n${yamlBomb(12).replace(/^(?=.)/gm, '  ')}`,
    },
    /"hostile\/gates-yaml-bomb\/gates.yaml" has YAML aliases that expand to more than 100,000 values/,
  ),
  compare(
    'gates-yaml-deep',
    { 'gates.yaml': deepYaml(5_000) },
    /"hostile\/gates-yaml-deep\/gates.yaml" nests mappings and lists more than 64 levels deep at line 1/,
  ),

  // evaluate-model reads predictions with the same readers.
  evaluate(
    'predictions-jsonl-deep',
    'predictions.jsonl',
    `{"label":1,"prediction":1}\n{"label":0,"prediction":${deepJson(100_000)}}\n`,
    /The predictions file "hostile\/predictions-jsonl-deep\/predictions.jsonl" cannot be read at line 2: line 2 is an object whose values nest more than 64 levels deep/,
  ),
  evaluate(
    'predictions-nul',
    'predictions.csv',
    `${predictionsRows}1,0\0\n`,
    /The predictions file "hostile\/predictions-nul\/predictions.csv" cannot be read at line 4: cell 2 \(column "prediction"\) holds a NUL byte/,
  ),
  evaluate(
    'predictions-endless-line',
    'predictions.csv',
    `${predictionsRows}1,${'1'.repeat(9 * MiB)}`,
    tooLong('predictions-endless-line', 'predictions.csv', 4),
  ),
  evaluate(
    'predictions-utf16',
    'predictions.csv',
    utf16(predictionsRows),
    /"hostile\/predictions-utf16\/predictions.csv" is UTF-16 text/,
  ),
  evaluate(
    'predictions-gzip-truncated',
    'predictions.csv.gz',
    gzipSync(`label,prediction\n${'1,1\n0,1\n'.repeat(5000)}`).subarray(0, 60),
    /"hostile\/predictions-gzip-truncated\/predictions.csv.gz" is not a complete gzip stream/,
  ),
  evaluate(
    'predictions-100k-columns',
    'predictions.csv',
    `${Array.from({ length: 100_000 }, (_, i) => `c${i}`).join(',')}\n${'1,'.repeat(99_999)}1\n`,
    /The predictions file "hostile\/predictions-100k-columns\/predictions.csv" has no column "label" \(input label-column\) and "prediction" \(input prediction-column\)\. Its columns are: "c0", .* and 99980 more\./,
  ),
  evaluate(
    'predictions-jsonl-long-key',
    'predictions.jsonl',
    `${JSON.stringify({ label: 1, [`p${'x'.repeat(MiB)}`]: 1 })}\n`,
    /has no column "prediction" \(input prediction-column\)\. Its columns are: "label", "px{10,100}[^x]/,
  ),
];
