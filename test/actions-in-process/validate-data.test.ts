import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { validateData } from '../../actions/validate-data/src/run.js';
import { exampleWorkspace } from '../actions/workspace.js';
import { runInProcess } from '../helpers/in-process.js';

const job = await exampleWorkspace();
const schema = 'examples/churn/schema.yaml';
const run = (inputs: Record<string, string>) => runInProcess(validateData, { ...job, inputs });

const header =
  'customer_id,tenure_months,monthly_charges,contract,support_calls,signup_date,churned';

describe('validate-data run()', () => {
  it('validates the example data and sets every output', async () => {
    const result = await run({ data: 'data/train.csv\ndata/eval.csv', schema });
    expect(result.errors).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(result.outputs).toMatchObject({
      valid: 'true',
      rows: '600',
      errors: '0',
      warnings: '0',
    });
    expect(JSON.parse(await readFile(result.outputs.report!, 'utf8'))).toMatchObject({
      format: 'mlops-actions/validation-report@1',
      valid: true,
      rows: 600,
    });
    expect(result.outputs.report!.startsWith(job.runnerTemp)).toBe(true);
    expect(result.summary).toContain('Data valid: 600 rows in 2 file(s)');
  });

  it('fails on bad rows, with an annotation at the file and line', async () => {
    const lines = (await readFile(`${job.workspace}/data/eval.csv`, 'utf8')).trimEnd().split('\n');
    await job.write(
      'data/broken.csv',
      lines
        .map((line, i) =>
          i > 0 && i <= 3 ? line.replace(/,(one-year|two-year|month-to-month),/, ',weekly,') : line,
        )
        .join('\n') + '\n',
    );
    const result = await run({ data: 'data/broken.csv', schema });
    expect(result.exitCode).toBe(1);
    expect(result.errors.at(-1)).toMatch(/^Data validation found 3 error\(s\) \(fail-on: error\)/);
    expect(
      result.annotations.find((a) => a.where?.file === 'data/broken.csv')?.where,
    ).toMatchObject({ line: 2 });
    expect(result.outputs).toMatchObject({ valid: 'false', errors: '3' });
  });

  it('fail-on decides which findings fail the step', async () => {
    const lines = (await readFile(`${job.workspace}/data/eval.csv`, 'utf8')).trimEnd().split('\n');
    await job.write(
      'data/broken-once.csv',
      lines
        .map((line, i) =>
          i === 1 ? line.replace(/,(one-year|two-year|month-to-month),/, ',weekly,') : line,
        )
        .join('\n') + '\n',
    );
    const never = await run({ data: 'data/broken-once.csv', schema, 'fail-on': 'never' });
    expect(never.exitCode).toBe(0);
    expect(never.outputs).toMatchObject({ valid: 'false', errors: '1' });
    const clean = await run({ data: 'data/eval.csv', schema, 'fail-on': 'warning' });
    expect(clean.exitCode, clean.errors.join()).toBe(0);
  });

  it('fail-on: warning fails on warnings alone, and fail-on: error does not', async () => {
    await job.write('data/header-only.csv', `${header}\n`);
    const warned = await run({ data: 'data/header-only.csv', schema, 'fail-on': 'warning' });
    expect(warned.exitCode).toBe(1);
    expect(warned.errors.at(-1)).toMatch(
      /^Data validation found 0 error\(s\) and 1 warning\(s\) \(fail-on: warning\)\.$/,
    );
    const passed = await run({ data: 'data/header-only.csv', schema, 'fail-on': 'error' });
    expect(passed.exitCode).toBe(0);
    expect(passed.outputs).toMatchObject({ valid: 'true', errors: '0', warnings: '1' });
    expect(passed.warnings).toHaveLength(1);
  });

  it('says which input is wrong', async () => {
    const result = await run({ data: 'data/train.csv', schema, 'fail-on': 'sometimes' });
    expect(result.exitCode).toBe(1);
    expect(result.errors).toEqual([
      expect.stringMatching(
        /input "fail-on" must be one of error, warning, never; got "sometimes"/,
      ),
    ]);
  });

  it('refuses a data file outside the workspace', async () => {
    const result = await run({ data: '../outside.csv', schema });
    expect(result.exitCode).toBe(1);
    expect(result.errors.join()).toMatch(/data file "\.\.\/outside\.csv".*outside/i);
  });
});
