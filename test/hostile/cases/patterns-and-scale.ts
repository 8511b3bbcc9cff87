/**
 * Schema patterns that make a backtracking engine run for hours (they must now end at once and
 * refuse the cell that does not match, naming file, line and field), pattern syntax the
 * linear-time engine refuses when the schema is loaded, and evaluate-model at scale: 10,000
 * classes with a bootstrap, hostile class names, mislabelled columns, thousands of score columns.
 */
import type { HostileCase } from '../case.js';

/** A one-field schema whose string field `code` carries `constraints`. */
const schema = (constraints: string, extra = '') =>
  `fields:\n  - name: code\n    type: string\n${extra}    constraints:\n      ${constraints}\n`;
const quoteYaml = (text: string) => JSON.stringify(text);

/** validate-data on `{dir}/data.csv` against `{dir}/schema.yaml`. */
const validate = (id: string, schemaText: string, data: string, error: RegExp): HostileCase => ({
  id,
  action: 'validate-data',
  files: { 'schema.yaml': schemaText, 'data.csv': data },
  inputs: { data: '{dir}/data.csv', schema: '{dir}/schema.yaml' },
  expect: { error },
});

/** A schema refused when loaded: the message names the schema file, the field's path and line, and the field. */
const refusedPattern = (id: string, pattern: string, error: string): HostileCase =>
  validate(
    id,
    schema(`pattern: ${quoteYaml(pattern)}`),
    'code\nAB1234\n',
    new RegExp(
      `schema file "hostile/${id}/schema.yaml" is not valid: "fields\\[0\\]\\.constraints\\.pattern" \\(line 5\\): field "code": ${error}`,
    ),
  );

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The second data row, line 3 of the file, breaks the constraint: file, line, row, field and what was expected. */
const brokenInRow2 = (id: string, expected: string) =>
  new RegExp(`^hostile/${id}/data\\.csv:3: Row 2: field "code" breaks ${escapeRegExp(expected)}`);

const evaluate = {
  'model-name': 'churn',
  'label-column': 'label',
  'prediction-column': 'prediction',
  bootstrap: '0',
};

/** `rows` predictions over `k` classes named by `name`: right two times in three. */
function predictions(rows: number, k: number, name: (c: number) => string): string {
  const lines = ['label,prediction'];
  for (let i = 0; i < rows; i++) {
    const label = (i * 7919) % k;
    lines.push(`${name(label)},${name(i % 3 === 0 ? (label + 1) % k : label)}`);
  }
  return `${lines.join('\n')}\n`;
}

export const cases: HostileCase[] = [
  // Catastrophic backtracking for RegExp; linear for RE2. The second row does not match.
  validate(
    'pat-nested-plus',
    schema('pattern: "(a+)+"'),
    `code\naaaa\n${'a'.repeat(41)}!\n`,
    brokenInRow2('pat-nested-plus', 'pattern (to match (a+)+)'),
  ),
  validate(
    'pat-overlapping-alternation',
    schema('pattern: "(a|aa)*b"'),
    `code\naab\n${'a'.repeat(20_000)}\n`,
    brokenInRow2('pat-overlapping-alternation', 'pattern (to match (a|aa)*b)'),
  ),
  validate(
    'pat-star-repeated',
    schema('pattern: "(.*a){20}"'),
    `code\n${'a'.repeat(20)}\n${'a'.repeat(20_000)}!\n`,
    brokenInRow2('pat-star-repeated', 'pattern (to match (.*a){20})'),
  ),
  validate(
    'pat-words',
    schema('pattern: "(\\\\w+\\\\s?)*"'),
    `code\nab cd\n${'ab '.repeat(10_000)}!\n`,
    brokenInRow2('pat-words', 'pattern (to match (\\w+\\s?)*)'),
  ),
  validate(
    'pat-long-cell',
    schema('pattern: "(x+x+)+y"'),
    `code\nxxy\n${'x'.repeat(200_000)}\n`,
    brokenInRow2('pat-long-cell', 'pattern (to match (x+x+)+y)'),
  ),
  // The email format's own check was quadratic in a long domain without a dot.
  validate(
    'pat-email-format',
    'fields:\n  - name: code\n    type: string\n    format: email\n',
    `code\na@b.io\na@${'.'.repeat(300_000)}x@\n`,
    /^hostile\/pat-email-format\/data\.csv:3: Row 2: field "code" .*an email address/,
  ),
  // Reading a duration's units searched the text again per unit: quadratic in a long run of digits.
  validate(
    'pat-duration-digits',
    'fields:\n  - name: code\n    type: duration\n    constraints: {maximum: P1D}\n',
    `code\nPT1H\nP${'1'.repeat(300_000)}D\n`,
    brokenInRow2('pat-duration-digits', 'maximum (≤ P1D)'),
  ),
  // Trimming the text around a number that is not bare backtracked quadratically.
  validate(
    'pat-bare-number',
    'fields:\n  - name: code\n    type: number\n    bareNumber: false\n',
    `code\n$12.50\n1${'x'.repeat(300_000)}1\n`,
    /^hostile\/pat-bare-number\/data\.csv:3: Row 2: field "code" .*a number/,
  ),

  // Syntax the linear-time engine does not have: refused when the schema is loaded.
  refusedPattern(
    'pat-lookahead',
    '(?=\\d{5})\\d+',
    'the pattern uses a lookahead "\\(\\?=…\\)", which the linear-time pattern engine \\(RE2 syntax\\) does not support',
  ),
  refusedPattern(
    'pat-negative-lookbehind',
    '(?<!0)\\d+',
    'the pattern uses a negative lookbehind "\\(\\?<!…\\)", which the linear-time pattern engine',
  ),
  refusedPattern(
    'pat-backreference',
    '(a+)\\1',
    'the pattern uses a backreference \\("\\\\1"\\), which the linear-time pattern engine',
  ),
  refusedPattern(
    'pat-named-backreference',
    '(?<x>a+)\\k<x>',
    'the pattern uses a named backreference',
  ),
  refusedPattern('pat-atomic-group', '(?>a+)b', 'the pattern uses an atomic group'),
  // Patterns that do not parse, or are too large to run on every character.
  refusedPattern(
    'pat-unclosed-class',
    '[a-',
    'not a valid regular expression \\(RE2 syntax\\): missing closing \\] at "\\[a-"',
  ),
  refusedPattern(
    'pat-breaks-anchoring',
    'a)|(b',
    'not a valid regular expression \\(RE2 syntax\\): unexpected \\)',
  ),
  refusedPattern(
    'pat-repeat-count',
    'a{1001}',
    'not a valid regular expression \\(RE2 syntax\\): invalid repeat count',
  ),
  refusedPattern(
    'pat-deep-nesting',
    `${'('.repeat(2000)}a${')'.repeat(2000)}`,
    'not a valid regular expression \\(RE2 syntax\\): expression nests too deeply',
  ),
  refusedPattern(
    'pat-huge-program',
    '[ab]{999}'.repeat(6),
    'the pattern compiles to \\d+ matching steps, more than the 5000 allowed',
  ),

  // 10,000 classes with the default 1,000-resample bootstrap: done in seconds, a matrix of 50 classes (not 51 or more), and said so.
  {
    id: 'eval-10k-classes',
    action: 'evaluate-model',
    files: { 'predictions.csv': predictions(20_000, 10_000, (c) => `class-${c}`) },
    inputs: {
      ...evaluate,
      predictions: '{dir}/predictions.csv',
      task: 'multiclass',
      bootstrap: '1000',
    },
    expect: {
      rendered: {
        raw: /(\| class-\d+ ){51}/,
        shown:
          /10000 classes: per-class values and the confusion matrix show the 50 with the most rows; the other 9950 are left out/,
      },
    },
  },
  // Class names that would forge summary lines and headings: escaped, one line each.
  {
    id: 'eval-class-names-forge-lines',
    action: 'evaluate-model',
    files: {
      'predictions.csv': `label,prediction\n"ok\n## ✅ Approved by security",ok\nok,ok\n"x\n| forged | row |","x\n| forged | row |"\n`,
    },
    inputs: { ...evaluate, predictions: '{dir}/predictions.csv', task: 'multiclass' },
    expect: {
      rendered: { raw: /\n## ✅ Approved|\n\| forged \| row \|/, shown: /Approved by security/ },
    },
  },
  // Mislabelled columns: a column that is not there, the score column given as the label.
  {
    id: 'eval-label-column-missing',
    action: 'evaluate-model',
    files: { 'predictions.csv': 'y,yhat\na,a\n' },
    inputs: { ...evaluate, predictions: '{dir}/predictions.csv', task: 'multiclass' },
    expect: {
      error:
        /The predictions file "hostile\/eval-label-column-missing\/predictions.csv" has no column "label" \(input label-column\) and "prediction" \(input prediction-column\)\. Its columns are: "y", "yhat"/,
    },
  },
  {
    id: 'eval-score-as-label',
    action: 'evaluate-model',
    files: { 'predictions.csv': 'label,prediction,score\n1,1,0.91\n0,0,0.12\n1,0,0.47\n' },
    inputs: {
      ...evaluate,
      predictions: '{dir}/predictions.csv',
      task: 'binary',
      'positive-label': '1',
      'label-column': 'score',
    },
    expect: {
      error:
        /The predictions file "hostile\/eval-score-as-label\/predictions.csv", line 3, column "(score|prediction)": "[01](\.\d+)?" is a third class beside .*but "task" is binary/,
    },
  },
  // Ten thousand score columns that are not there: the message lists a few, not ten thousand.
  {
    id: 'eval-10k-missing-score-columns',
    action: 'evaluate-model',
    files: { 'predictions.csv': 'label,prediction\na,a\n' },
    inputs: {
      ...evaluate,
      predictions: '{dir}/predictions.csv',
      task: 'multiclass',
      'score-columns': Array.from({ length: 10_000 }, (_, c) => `c${c}=p${c}`).join('\n'),
    },
    expect: {
      error:
        /predictions.csv" has no column "p0" \(input score-columns\) and "p1" \(input score-columns\).* and 9995 more\. Its columns are: "label", "prediction"\.$/,
    },
  },
  // A class without a probability column, its name 100,000 characters long: quoted, cut short.
  {
    id: 'eval-huge-class-name',
    action: 'evaluate-model',
    files: { 'predictions.csv': `label,prediction,p_a\na,a,1\n${'Z'.repeat(100_000)},a,1\n` },
    inputs: {
      ...evaluate,
      predictions: '{dir}/predictions.csv',
      task: 'multiclass',
      'score-columns': 'a=p_a',
    },
    expect: {
      error:
        /predictions.csv", line 3, column "label": the class "Z{60}"… \(100000 characters\) has no probability column; "score-columns" covers "a"\. List one column per class\.$/,
    },
  },
  // A probability that is a 100,000-character cell: quoted, cut short.
  {
    id: 'eval-huge-probability-cell',
    action: 'evaluate-model',
    files: { 'predictions.csv': `label,prediction,score\n1,1,0.9\n0,1,${'9'.repeat(100_000)}x\n` },
    inputs: {
      ...evaluate,
      predictions: '{dir}/predictions.csv',
      task: 'binary',
      'positive-label': '1',
      'score-columns': 'score',
    },
    expect: {
      error:
        /predictions.csv", line 3, column "score": the probability "9{60}"… \(100001 characters\) is not a finite number/,
    },
  },
  // More resamples than the input allows.
  {
    id: 'eval-bootstrap-over-limit',
    action: 'evaluate-model',
    files: { 'predictions.csv': 'label,prediction\na,a\nb,b\n' },
    inputs: {
      ...evaluate,
      predictions: '{dir}/predictions.csv',
      task: 'multiclass',
      bootstrap: '100000000',
    },
    expect: { error: /input "bootstrap"/ },
  },
];
