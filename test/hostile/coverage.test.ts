/**
 * The corpus as a whole: every area file under ./cases has its test file (`<area>.test.ts`,
 * which runs it through the bundles), and together the areas refuse at least 80 cases across
 * the six actions and the CLI.
 */
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CASES_DIR, loadCases } from './corpus.js';

const areas = (await readdir(CASES_DIR)).filter((name) => name.endsWith('.ts')).sort();
const here = dirname(fileURLToPath(import.meta.url));

describe('the hostile-input corpus', () => {
  it('runs every area of cases through its own test file', () => {
    expect(areas.length).toBeGreaterThan(0);
    const missing = areas.filter(
      (area) => !existsSync(join(here, area.replace(/\.ts$/, '.test.ts'))),
    );
    expect(missing, 'add <area>.test.ts calling holdArea for each').toEqual([]);
  });

  it('refuses at least 80 cases across the six actions and the CLI, each named once', async () => {
    const cases = (await Promise.all(areas.map(loadCases))).flat();
    const ids = cases.map((c) => c.id);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    const refusals = cases.filter((c) => 'error' in c.expect);
    expect(refusals.length).toBeGreaterThanOrEqual(80);
    expect(new Set(refusals.map((c) => c.action))).toEqual(
      new Set([
        'validate-data',
        'train-model',
        'evaluate-model',
        'compare-metrics',
        'promote-model',
        'monitor-model',
        'cli',
      ]),
    );
  });
});
