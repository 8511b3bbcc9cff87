/**
 * docs/conformance.md must match the conformance cases' recorded differences. When this
 * fails, run `npm run catalog` and commit the result.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CONFORMANCE_FILE, renderConformance } from '../../.github/scripts/generate-conformance.js';
import { CAST_CASES, type CastCase } from '../conformance/cast-cases.js';
import { TABLE_CASES, type TableCase } from '../conformance/table-cases.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe(CONFORMANCE_FILE, () => {
  it('matches the conformance cases (run `npm run catalog` and commit the result)', async () => {
    const current = await readFile(join(root, CONFORMANCE_FILE), 'utf8').catch(() => undefined);
    expect(current, `${CONFORMANCE_FILE} is missing or out of date`).toBe(renderConformance());
  });

  it('lists every recorded difference, and only those', () => {
    const base: CastCase = {
      field: { type: 'number' },
      cell: 'x|y',
      expected: { invalid: true },
      source: 'Table Schema v2, number',
    };
    const table: TableCase = {
      schema: { fields: [{ name: 'a' }] },
      csv: 'a\n',
      expected: [],
      source: 'frictionless/resource/__spec__/test_validate.py::test_x',
    };
    const one = renderConformance(
      [base, { ...base, differs: 'because | of a reason' }],
      [table, { ...table, differs: 'a table reason' }],
    );
    const rows = one.split('\n').filter((line) => line.startsWith('| `'));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain('because \\| of a reason');
    expect(rows[1]).toBe('| `test_validate.py::test_x` | a table reason |');
    expect(one).toMatch(
      /reads 2 cells as 1 frictionless-py field tests .* validates 2 tables .* In 2 of them/,
    );
    const all = renderConformance(CAST_CASES, TABLE_CASES);
    expect(all.split('\n').filter((l) => l.startsWith('| `'))).toHaveLength(
      CAST_CASES.filter((c) => c.differs).length + TABLE_CASES.filter((c) => c.differs).length,
    );
  });
});
