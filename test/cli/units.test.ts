/** The CLI's pieces in process: message wording, the delimiter sniff, network failures, the progress bar. */
import { PassThrough } from 'node:stream';
import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { terminalWording } from '../../cli/src/action-command.js';
import { estimateRows, progressReporter } from '../../cli/src/progress.js';
import { describeNetworkFailure, networkFailure } from '../../shared/action/network-error.js';
import { readInputs, text } from '../../shared/action/inputs.js';
import { FLAG_NAMING } from '../../cli/src/action-command.js';
import { sniffDelimiter, sniffSampleDelimiter } from '../../shared/validation/delimiter-sniff.js';
import { z } from 'zod';
import { tempDir } from '../helpers/temp-dir.js';

describe('terminalWording', () => {
  const word = terminalWording(['metrics', 'fail-on-regression', 'delimiter', 'label-column']);
  it.each([
    ['Input "metrics" is required: the report.', '--metrics is required: the report.'],
    ['Give either "metrics" or "x".', 'Give either --metrics or "x".'],
    ['Set fail-on-regression: false to report.', 'Set --fail-on-regression false to report.'],
    ['Set input "delimiter" to ";" and run again.', "Set --delimiter ';' and run again."],
    ['has no column "y" (input label-column).', 'has no column "y" (--label-column).'],
    // Names that are not the action's inputs stay as they are.
    [
      'The metrics file "m.json" for model "churn".',
      'The metrics file "m.json" for model "churn".',
    ],
    ['accuracy: 0.9', 'accuracy: 0.9'],
  ])('%s', (message, expected) => expect(word(message)).toBe(expected));

  it("names flags in readInputs' own messages through its naming hook", () => {
    const schema = z.object({
      schema: text(),
      'max-errors': text().regex(/^\d+$/, 'must be digits'),
    });
    expect(() =>
      readInputs(schema, (n) => (n === 'max-errors' ? 'x' : undefined), FLAG_NAMING),
    ).toThrow(
      '--schema is required but was not supplied (give it on the command line); --max-errors must be digits.',
    );
    expect(() => readInputs(schema, () => undefined)).toThrow(
      /^Invalid action inputs: input "schema" is required but was not supplied \(set it under "with:" in the workflow step\)/,
    );
  });
});

describe('sniffDelimiter', () => {
  const fields = ['id', 'age', 'city', 'score'];
  it.each([
    [['id;age;city;score'], ',', ';'],
    [['id|age|city|score'], ',', '|'],
    [['id\tage\tcity\tscore'], ',', '\t'],
    [['id,age,city,score'], ';', ','],
    [['"id";"age";"city";"score"'], ',', ';'],
    // Not a wrong delimiter: a real one-column header, a field of that name, or parts the schema does not know.
    [['id;age;city;score', 'x'], ',', undefined],
    [['id'], ',', undefined],
    [['a;b;c'], ',', undefined],
    [['id;age;city;score'], ';', undefined],
  ] as const)('%j read with %j → %j', (header, current, expected) =>
    expect(sniffDelimiter(header, fields, current)).toBe(expected),
  );
});

describe('sniffSampleDelimiter', () => {
  const rows = (delimiter: string, n = 20) =>
    ['id', 'age', 'city'].join(delimiter) +
    '\n' +
    Array.from({ length: n }, (_, i) => [i, 30, 'Oslo'].join(delimiter)).join('\n');
  it.each([
    [rows(';'), ',', ';'],
    [rows('|'), ',', '|'],
    [rows('\t'), ',', '\t'],
    [rows(','), '\t', ','],
    // Read right, a real one-column file, or rows that do not split as the header does.
    [rows(','), ',', undefined],
    ['name\nAda\nGrace\n', ',', undefined],
    ['a;b;c\n1\n2\n3\n', ',', undefined],
  ] as const)('%j read with %j → %j', (text, current, expected) =>
    expect(sniffSampleDelimiter(text.split('\n'), current)).toBe(expected),
  );
});

describe('networkFailure', () => {
  it('finds the code and host in the cause chain of a fetch failure, and nothing in other errors', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4000'), {
      code: 'ECONNREFUSED',
      address: '127.0.0.1',
      port: 4000,
    });
    const fetchFailed = new TypeError('fetch failed', { cause });
    expect(networkFailure(fetchFailed)).toEqual({
      host: '127.0.0.1:4000',
      reason: 'the connection was refused',
    });
    const octokit = Object.assign(new Error('fetch failed'), {
      status: 500,
      request: { url: 'https://ghe.example.com/api/v3/repos/o/r/deployments' },
      cause: new TypeError('fetch failed', {
        cause: Object.assign(new Error('getaddrinfo ENOTFOUND ghe.example.com'), {
          code: 'ENOTFOUND',
          hostname: 'ghe.example.com',
        }),
      }),
    });
    expect(describeNetworkFailure(networkFailure(octokit)!)).toMatch(
      /^Could not reach ghe\.example\.com: the host name has no address\. Check /,
    );
    expect(networkFailure(Object.assign(new Error('Not Found'), { status: 404 }))).toBeUndefined();
    expect(networkFailure(Object.assign(new Error('no file'), { code: 'ENOENT' }))).toBeUndefined();
  });
});

describe('progressReporter', () => {
  it('draws a bar with percentage, rows/s and time left on a terminal, and plain lines elsewhere', async () => {
    const dir = await tempDir('mlops-cli-progress-');
    const path = join(dir, 'rows.csv');
    await writeFile(path, `a,b\n${'1,2\n'.repeat(9999)}`);
    expect(await estimateRows(path)).toBe(9999);
    expect(await estimateRows(join(dir, 'rows.csv.gz'))).toBeUndefined();

    const tty = Object.assign(new PassThrough(), {
      isTTY: true,
      columns: 120,
      cursorTo() {},
      clearLine() {},
      moveCursor() {},
    });
    let drawn = '';
    tty.on('data', (chunk: Buffer) => (drawn += chunk.toString()));
    const lines: string[] = [];
    const reporter = progressReporter(tty as unknown as NodeJS.WriteStream, (l) => lines.push(l));
    expect(reporter.progress?.intervalMs).toBeLessThan(1000);
    reporter.progress!.update({ file: path, rows: 2500, rowsPerSecond: 12345 });
    reporter.progress!.update({ file: path, rows: 5000, rowsPerSecond: 12345 });
    await new Promise((done) => setTimeout(done, 300));
    reporter.write('a finding');
    reporter.stop();
    expect(drawn).toMatch(/rows\.csv \[.*\] 50% \| 5,000 rows \| 12,345 rows\/s \| \S+ left/);
    expect(lines).toEqual(['a finding']);

    const log = Object.assign(new PassThrough(), { isTTY: false });
    const plain = progressReporter(log as unknown as NodeJS.WriteStream, (l) => lines.push(l));
    expect(plain.progress).toBeUndefined();
  });
});
