/**
 * The generated docs (action-catalog.md and the README's action table) must match the
 * action.yml files. When these tests fail, run `npm run catalog` and commit the result.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import {
  isRequired,
  loadActions,
  type ActionMetadata,
} from '../../.github/scripts/action-metadata.js';
import {
  CATALOG_FILE,
  README_END,
  README_FILE,
  README_START,
  hasReadmeMarkers,
  renderCatalog,
  renderReadmeBlock,
  updateReadme,
  usesSnippet,
} from '../../.github/scripts/generate-docs.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const REGENERATE = 'Run `npm run catalog` and commit the result.';

let loaded: Promise<ActionMetadata[]> | undefined;
/** Loaded on first use, so that a broken action.yml fails the tests that need it, not the whole file. */
function actions(): Promise<ActionMetadata[]> {
  loaded ??= loadActions(root);
  return loaded;
}

async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await readFile(join(root, file), 'utf8');
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Splits a Markdown table row on its unescaped pipes. */
function cells(row: string): string[] {
  return row
    .split(/(?<!\\)\|/)
    .slice(1, -1)
    .map((cell) => cell.trim());
}

function fakeAction(overrides: Partial<ActionMetadata> = {}): ActionMetadata {
  return {
    folder: 'fake-action',
    file: 'actions/fake-action/action.yml',
    name: 'mlops-actions: Fake',
    description: 'Does a | b\nand c.',
    author: 'mlops-actions',
    branding: { icon: 'cpu', color: 'blue' },
    inputs: {
      mode: { description: 'Either `x|y` or\n`z`.\n', required: true },
      level: { description: 'A | B', default: 'a|b' },
    },
    outputs: { result: { description: 'pass | fail' } },
    runs: { using: 'node24', main: 'dist/index.js' },
    ...overrides,
  };
}

describe('generated docs are up to date', () => {
  it(`${CATALOG_FILE} matches the action.yml files`, async () => {
    const expected = renderCatalog(await actions());
    const current = await readOptional(CATALOG_FILE);
    expect(current, `${CATALOG_FILE} is missing. ${REGENERATE}`).toBeDefined();
    expect(current, `${CATALOG_FILE} is out of date with the action.yml files. ${REGENERATE}`).toBe(
      expected,
    );
  });

  it(`the action table in ${README_FILE} matches the action.yml files`, async () => {
    const block = renderReadmeBlock(await actions());
    const readme = await readOptional(README_FILE);
    if (readme !== undefined && hasReadmeMarkers(readme)) {
      expect(readme, `The action table in ${README_FILE} is out of date. ${REGENERATE}`).toBe(
        updateReadme(readme, block),
      );
      return;
    }
    // No README (or no markers) yet: still check that the block would be put in place.
    const sample = `# Project\n\n${README_START}\nold table\n${README_END}\n\nMore text.\n`;
    const updated = updateReadme(sample, block);
    expect(updated).toBe(
      `# Project\n\n${README_START}\n\n${block}\n\n${README_END}\n\nMore text.\n`,
    );
    expect(updateReadme(updated, block)).toBe(updated);
  });
});

describe('updateReadme', () => {
  const before = '# Title\n\nIntro with a `<!-- comment -->`.\n\n';
  const after = '\n\n## Usage\n\nText after the table.\n';

  it('replaces only the text between the markers', () => {
    const readme = `${before}${README_START}\n| old | table |\n|---|---|\n${README_END}${after}`;
    const updated = updateReadme(readme, '| new |\n| --- |\n');
    expect(updated).toBe(`${before}${README_START}\n\n| new |\n| --- |\n\n${README_END}${after}`);
    expect(updated.startsWith(`${before}${README_START}`)).toBe(true);
    expect(updated.endsWith(`${README_END}${after}`)).toBe(true);
  });

  it('is idempotent', () => {
    const readme = `${before}${README_START}${README_END}${after}`;
    const once = updateReadme(readme, '| a |\n| --- |');
    expect(updateReadme(once, '| a |\n| --- |')).toBe(once);
  });

  it('leaves text without markers unchanged', () => {
    const readme = `${before}${after}`;
    expect(updateReadme(readme, '| a |')).toBe(readme);
    expect(hasReadmeMarkers(readme)).toBe(false);
  });

  it('rejects malformed markers', () => {
    expect(() => updateReadme(`${README_START}\nx\n`, 'b')).toThrow(README_END);
    expect(() => updateReadme(`${README_END}\nx\n${README_START}\n`, 'b')).toThrow(/before/);
    expect(() =>
      updateReadme(`${README_START}${README_END}\n${README_START}${README_END}\n`, 'b'),
    ).toThrow(/more than one/);
  });
});

describe('rendering', () => {
  it('escapes | and newlines in table cells', () => {
    const action = fakeAction();
    const catalog = renderCatalog([action]);
    expect(catalog).toContain('| [fake-action](#fake-action) | Does a \\| b and c. |');
    expect(catalog).toContain('| **`mode`** | **yes** | | Either `x\\|y` or `z`. |');
    expect(catalog).toContain('| `level` | no | `a\\|b` | A \\| B |');
    expect(catalog).toContain('| `result` | pass \\| fail |');
    const block = renderReadmeBlock([action]);
    expect(block).toContain(
      '| [fake-action](action-catalog.md#fake-action) | Does a \\| b and c. | **`mode`**, `level` |',
    );
    // Every table row has as many cells as its header.
    for (const text of [catalog, block]) {
      let columns = 0;
      for (const line of text.split('\n')) {
        if (!line.startsWith('|')) {
          columns = 0;
          continue;
        }
        if (columns === 0) columns = cells(line).length;
        expect(cells(line), line).toHaveLength(columns);
      }
    }
  });

  it('is deterministic and ends with one newline', () => {
    const action = fakeAction();
    expect(renderCatalog([action])).toBe(renderCatalog([action]));
    expect(renderCatalog([action])).toMatch(/[^\n]\n$/);
    expect(renderCatalog([action])).not.toMatch(/\d{4}-\d{2}-\d{2}/);
  });

  it('renders deprecated inputs and actions without inputs or outputs', () => {
    const catalog = renderCatalog([
      fakeAction({
        inputs: { old: { description: 'Old.', deprecationMessage: 'Use `new`.' } },
        outputs: {},
      }),
    ]);
    expect(catalog).toContain('| `old` | no | | **Deprecated:** Use `new`. Old. |');
    expect(catalog).toContain('### Outputs\n\nNone.');
    expect(usesSnippet(fakeAction({ inputs: {} }))).toBe(
      '- uses: mlops-actions/mlops-actions/actions/fake-action@v1',
    );
  });

  it('gives every action a valid uses: snippet with exactly its required inputs', async () => {
    for (const action of await actions()) {
      const [step] = parseYaml(usesSnippet(action)) as [
        { uses: string; with?: Record<string, string> },
      ];
      expect(step.uses).toBe(`mlops-actions/mlops-actions/actions/${action.folder}@v1`);
      const required = Object.entries(action.inputs)
        .filter(([, input]) => isRequired(input))
        .map(([name]) => name);
      expect(Object.keys(step.with ?? {}), action.folder).toEqual(required);
    }
  });
});
