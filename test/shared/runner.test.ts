import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createRunner,
  escapeCommandProperty,
  formatCommand,
  inputVariableName,
  STEP_SUMMARY_LIMIT_BYTES,
} from '../../shared/action/runner.js';
import { parseFileCommands, parseWorkflowCommands } from '../../harness/runner/file-commands.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('runner contract', () => {
  it('names input variables as the runner does: spaces to _, upper case, hyphens kept', () => {
    expect(inputVariableName('fail-on')).toBe('INPUT_FAIL-ON');
    expect(inputVariableName('model name')).toBe('INPUT_MODEL_NAME');
  });

  it('escapes workflow-command data and properties as actions/toolkit does', () => {
    expect(formatCommand('error', '50% done\nnext', { file: 'a,b:c.csv', line: 3 })).toBe(
      '::error file=a%2Cb%3Ac.csv,line=3::50%25 done%0Anext',
    );
    expect(escapeCommandProperty('x%\r')).toBe('x%25%0D');
  });

  it('round-trips hostile output values through GITHUB_OUTPUT heredocs', async () => {
    const dir = await tempDir();
    const file = join(dir, 'output');
    await writeFile(file, '');
    const runner = createRunner({ GITHUB_OUTPUT: file }, () => {});
    const hostile = 'line1\nEOF\nname<<EOF\n%0A ::error::x';
    runner.setOutput('report', hostile);
    runner.setOutput('count', 3);
    expect(parseFileCommands(await readFile(file, 'utf8'), 'output')).toEqual({
      report: hostile,
      count: '3',
    });
  });

  it('writes annotations and reads inputs from the environment', () => {
    const lines: string[] = [];
    const runner = createRunner({ 'INPUT_FAIL-ON': '  warning \n' }, (line) => lines.push(line));
    expect(runner.getInput('fail-on')).toBe('warning');
    expect(runner.getInput('absent')).toBeUndefined();
    runner.warning('careful', { file: 'data.csv', line: 7, title: 'type-error' });
    expect(parseWorkflowCommands(lines.join('\n'))).toEqual([
      {
        command: 'warning',
        properties: { file: 'data.csv', line: '7', title: 'type-error' },
        message: 'careful',
      },
    ]);
  });

  it('stops the job summary at GitHub’s 1 MiB with a note and a warning, never past it', async () => {
    const dir = await tempDir();
    const file = join(dir, 'summary.md');
    await writeFile(file, '');
    const lines: string[] = [];
    const runner = createRunner({ GITHUB_STEP_SUMMARY: file }, (line) => lines.push(line));
    const block = 'x'.repeat(300 * 1024);
    for (let i = 0; i < 5; i++) runner.appendSummary(block);
    const text = await readFile(file, 'utf8');
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(STEP_SUMMARY_LIMIT_BYTES);
    expect(text).toContain('The rest of this summary was left out');
    expect(lines.filter((line) => line.startsWith('::warning'))).toHaveLength(1);
  });
});
