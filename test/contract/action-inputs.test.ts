/**
 * action.yml is the source of truth: every input an action's code reads is declared there,
 * every declared input is read, and every output the code sets is declared (and the reverse).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { InputSchema } from '../../shared/action/inputs.js';
import { loadActions } from '../../.github/scripts/action-metadata.js';
import { REPOSITORY_ROOT } from '../../harness/runner/run-bundle.js';

const actions = await loadActions(REPOSITORY_ROOT);

async function contract(
  folder: string,
): Promise<{ inputs: InputSchema; outputs: readonly string[] }> {
  const { inputs } = (await import(`../../actions/${folder}/src/inputs.ts`)) as {
    inputs: InputSchema;
  };
  const { OUTPUTS } = (await import(`../../actions/${folder}/src/outputs.ts`)) as {
    OUTPUTS: readonly string[];
  };
  return { inputs, outputs: OUTPUTS };
}

describe.each(actions.map((action) => [action.folder, action] as const))('%s', (folder, action) => {
  it('reads exactly the inputs its action.yml declares', async () => {
    const { inputs } = await contract(folder);
    expect(Object.keys(inputs.shape).sort()).toEqual(Object.keys(action.inputs).sort());
  });

  it('sets exactly the outputs its action.yml declares', async () => {
    const { outputs } = await contract(folder);
    expect([...outputs].sort()).toEqual(Object.keys(action.outputs).sort());
  });

  it('treats inputs with a default or required: true as always present, and only those', async () => {
    const { inputs } = await contract(folder);
    const wrong = Object.entries(action.inputs).flatMap(([name, declared]) => {
      const alwaysPresent = declared.required === true || declared.default !== undefined;
      const acceptsAbsent = inputs.shape[name]!.safeParse(undefined).success;
      return alwaysPresent === acceptsAbsent
        ? [
            `${name}: ${alwaysPresent ? 'declared always present but optional in code' : 'optional in action.yml but required in code'}`,
          ]
        : [];
    });
    expect(wrong).toEqual([]);
  });

  it('accepts every declared default', async () => {
    const { inputs } = await contract(folder);
    const rejected = Object.entries(action.inputs)
      .filter(([, declared]) => declared.default !== undefined)
      .filter(
        ([name, declared]) => !inputs.shape[name]!.safeParse(String(declared.default)).success,
      )
      .map(([name]) => name);
    expect(rejected).toEqual([]);
  });
});

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** A read of an input that bypasses readInputs: `process.env.INPUT_X`, `env['INPUT_X']`, `runner.getInput('x')`. */
const DIRECT_READ = /\benv\.INPUT_|\benv\[\s*[`'"]INPUT_|\.getInput\(\s*[`'"]/;

describe('input reading', () => {
  it('recognises direct reads', () => {
    expect(
      ['process.env.INPUT_DATA', "env['INPUT_FAIL-ON']", "runner.getInput('data')"].every((code) =>
        DIRECT_READ.test(code),
      ),
    ).toBe(true);
    expect(DIRECT_READ.test("name.startsWith('INPUT_')")).toBe(false);
  });

  it('goes through the declared schemas only: no code reads INPUT_* variables directly', async () => {
    const files = [
      ...(await sourceFiles(join(REPOSITORY_ROOT, 'shared'))),
      ...(await sourceFiles(join(REPOSITORY_ROOT, 'actions'))),
    ].filter((file) => !file.includes('/dist/'));
    expect(files.length).toBeGreaterThan(20);
    const offenders: string[] = [];
    for (const file of files) {
      const text = await readFile(file, 'utf8');
      const path = relative(REPOSITORY_ROOT, file);
      if (path === 'shared/action/runner.ts') continue; // the one place that maps names to variables
      if (DIRECT_READ.test(text)) offenders.push(path);
    }
    expect(offenders).toEqual([]);
  });
});
