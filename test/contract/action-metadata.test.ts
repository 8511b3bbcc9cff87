/**
 * Contract tests over the action.yml files: the rules every action in the suite follows, so
 * that a new or edited action cannot drift from the others.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assert, describe, expect, it } from 'vitest';
import {
  isRequired,
  oneLine,
  readActions,
  type ActionInput,
  type ActionMetadata,
} from '../../.github/scripts/action-metadata.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const { folders, actions, problems } = await readActions(root);

const EXPECTED_ACTIONS = [
  'compare-metrics',
  'evaluate-model',
  'monitor-model',
  'promote-model',
  'train-model',
  'validate-data',
];
const KEBAB_CASE = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;

/** Fails with the heading and one line per problem (a plain message, without an array diff). */
function expectNone(problems: readonly string[], heading: string): void {
  if (problems.length > 0)
    assert.fail(`${heading}\n${problems.map((problem) => `  ${problem}`).join('\n')}`);
}

describe('action.yml files', () => {
  it('include the six actions of the suite', () => {
    expect(folders).toEqual(expect.arrayContaining(EXPECTED_ACTIONS));
  });

  it('are all valid', () => {
    expectNone(problems, 'Invalid action metadata:');
  });

  it.each(folders)('actions/%s has src/index.ts', (folder) => {
    const entry = `actions/${folder}/src/index.ts`;
    expect(
      existsSync(join(root, entry)),
      `${entry} is missing: every action is built from src/index.ts`,
    ).toBe(true);
  });
});

describe.each(actions.map((action) => [action.folder, action] as const))(
  'actions/%s/action.yml',
  (_folder: string, action: ActionMetadata) => {
    const inputs = Object.entries(action.inputs);
    const outputs = Object.entries(action.outputs);

    it('runs on node24 from dist/index.js', () => {
      expect(action.runs.using, 'runs.using').toBe('node24');
      expect(action.runs.main, 'runs.main').toBe('dist/index.js');
    });

    it('names its inputs and outputs in kebab-case', () => {
      const bad = [
        ...inputs.map(([name]) => `input ${name}`),
        ...outputs.map(([name]) => `output ${name}`),
      ].filter((entry) => !KEBAB_CASE.test(entry.split(' ')[1] ?? ''));
      expectNone(bad, 'Not kebab-case:');
    });

    it('has no input that is both required and defaulted', () => {
      const bad = inputs
        .filter(([, input]) => isRequired(input) && input.default !== undefined)
        .map(([name]) => name);
      expectNone(bad, 'Inputs with both `required: true` and a `default` (drop one):');
    });

    it('gives defaults as strings', () => {
      const bad = inputs
        .filter(([, input]) => input.default !== undefined && typeof input.default !== 'string')
        .map(
          ([name, input]) =>
            `${name}: ${JSON.stringify(input.default)} (${typeof input.default}; quote it)`,
        );
      expectNone(bad, 'Defaults that are not strings:');
    });

    it('has a branding icon and color', () => {
      expect(action.branding.icon, 'branding.icon').toMatch(/\S/);
      expect(action.branding.color, 'branding.color').toMatch(/\S/);
    });
  },
);

/** How an input is declared, in the terms that must agree between actions. */
function declaration(input: ActionInput): {
  description: string;
  required: boolean;
  default: ActionInput['default'];
} {
  return {
    description: oneLine(input.description),
    required: isRequired(input),
    default: input.default,
  };
}

const declarations = new Map<string, { folder: string; input: ActionInput }[]>();
for (const action of actions) {
  for (const [name, input] of Object.entries(action.inputs)) {
    const list = declarations.get(name) ?? [];
    list.push({ folder: action.folder, input });
    declarations.set(name, list);
  }
}
/**
 * The inputs the design says mean the same thing in every action that has them. Others that
 * share a name (data, manifest, metrics) may differ in whether they are required, because
 * they play different parts: validate-data needs data, train-model only fingerprints it.
 */
const SAME_EVERYWHERE = ['model-name', 'github-token', 'gates', 'working-directory'];
const shared = [...declarations]
  .filter(([name, list]) => SAME_EVERYWHERE.includes(name) && list.length > 1)
  .map(([name]) => name)
  .sort();

describe('inputs shared by several actions', () => {
  it('include model-name, gates and working-directory', () => {
    // Guards against the test below passing vacuously.
    expect(shared).toEqual(expect.arrayContaining(['model-name', 'gates', 'working-directory']));
  });

  it.each(shared)('%s is declared the same everywhere', (name) => {
    const list = declarations.get(name) ?? [];
    const fields = ['description', 'required', 'default'] as const;
    const differences: string[] = [];
    for (const field of fields) {
      const values = list.map(({ folder, input }) => {
        const value = declaration(input)[field];
        return { folder, value: value === undefined ? '(none)' : JSON.stringify(value) };
      });
      if (new Set(values.map(({ value }) => value)).size > 1) {
        differences.push(
          `${field}:`,
          ...values.map(({ folder, value }) => `  ${folder}: ${value}`),
        );
      }
    }
    expectNone(
      differences,
      `Input "${name}" is declared differently in ${list.map(({ folder }) => folder).join(', ')}:`,
    );
  });
});
