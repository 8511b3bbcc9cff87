import { gzipSync } from 'node:zlib';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { actionMetadata } from '../harness/run-bundle.js';
import { exampleWorkspace, expectUserError, run } from './workspace.js';

const job = await exampleWorkspace();
const schema = 'examples/churn/schema.yaml';

describe('validate-data bundle', () => {
  it('validates the example data and sets every declared output', async () => {
    const result = await run('validate-data', job, { data: 'data/train.csv\ndata/eval.csv', schema });
    expect(result.exitCode, result.stdout).toBe(0);
    expect(Object.keys(result.outputs).sort()).toEqual(Object.keys((await actionMetadata('validate-data')).outputs).sort());
    expect(result.outputs).toMatchObject({ valid: 'true', rows: '600', errors: '0', warnings: '0' });
    const report = JSON.parse(await readFile(result.outputs.report!, 'utf8'));
    expect(report).toMatchObject({ format: 'mlops-actions/validation-report@1', valid: true, rows: 600 });
    expect(result.summary).toContain('Data valid: 600 rows in 2 file(s)');
  });

  it('fails on bad rows with annotations at file and line, capped at 10 with "+N more"', async () => {
    const lines = (await readFile(`${job.workspace}/data/eval.csv`, 'utf8')).trimEnd().split('\n');
    const broken = lines.map((line, index) => (index > 0 && index <= 15 ? line.replace(/,(one-year|two-year|month-to-month),/, ',weekly,') : line));
    await job.write('data/broken.csv', broken.join('\n') + '\n');
    const result = await run('validate-data', job, { data: 'data/broken.csv', schema });
    expectUserError(result, /Data validation found 15 error\(s\)/);
    const errors = result.annotations.filter((a) => a.command === 'error' && a.properties.file === 'data/broken.csv');
    expect(errors).toHaveLength(10);
    expect(errors[0]!.properties).toMatchObject({ line: '2', title: 'constraint-error (contract)' });
    expect(errors[9]!.message).toMatch(/^\+6 more errors; the full list is in the job summary/);
    expect(result.outputs).toMatchObject({ valid: 'false', errors: '15' });
  });

  it('reports without failing when fail-on is never', async () => {
    const result = await run('validate-data', job, { data: 'data/broken.csv', schema, 'fail-on': 'never' });
    expect(result.exitCode).toBe(0);
    expect(result.outputs.valid).toBe('false');
  });

  it('fails on warnings when fail-on is warning', async () => {
    await job.write('data/header-only.csv', 'customer_id,tenure_months,monthly_charges,contract,support_calls,signup_date,churned\n');
    const result = await run('validate-data', job, { data: 'data/header-only.csv', schema, 'fail-on': 'warning' });
    expectUserError(result, /0 error\(s\) and 1 warning\(s\) \(fail-on: warning\)/);
  });

  it('keeps each step\'s report when two steps of one job validate different files', async () => {
    const train = await run('validate-data', job, { data: 'data/train.csv', schema });
    const evaluation = await run('validate-data', job, { data: 'data/eval.csv', schema });
    expect(train.outputs.report).not.toBe(evaluation.outputs.report);
    expect(JSON.parse(await readFile(train.outputs.report!, 'utf8')).rows).toBe(400);
    expect(JSON.parse(await readFile(evaluation.outputs.report!, 'utf8')).rows).toBe(200);
  });

  it('reads gzip-compressed data', async () => {
    await job.write('data/train.csv.gz', gzipSync(await readFile(`${job.workspace}/data/train.csv`)));
    const result = await run('validate-data', job, { data: 'data/train.csv.gz', schema });
    expect(result.outputs).toMatchObject({ valid: 'true', rows: '400' });
  });

  it.each([
    ['a missing data file', { data: 'data/nope.csv', schema }, /data file "data\/nope.csv" does not exist/],
    ['a missing schema file', { data: 'data/train.csv', schema: 'nope.yaml' }, /schema file "nope.yaml" does not exist/],
    ['malformed YAML in the schema', { data: 'data/train.csv', schema: 'bad-schema.yaml' }, /schema file "bad-schema.yaml" is not valid YAML at line 3/],
    ['an unknown format', { data: 'data/train.csv', schema, format: 'xlsx' }, /input "format" must be one of auto, csv, tsv; got "xlsx"/],
    ['an unknown extension', { data: 'examples/churn/config.json', schema }, /Cannot tell the format of data file "examples\/churn\/config.json"/],
    ['a missing required input', { data: 'data/train.csv' }, /input "schema" is required but was not supplied/],
  ])('ends with a clear error on %s', async (_case, inputs, pattern) => {
    await job.write('bad-schema.yaml', 'fields:\n  - name: a\n  type: string\n');
    expectUserError(await run('validate-data', job, inputs), pattern);
  });
});
