/**
 * The table-level conformance suite: every case of table-cases.ts validated as validate-data
 * validates a CSV file (the schema read as a schema file is, the file in one pass), its findings
 * compared with frictionless' as `report.flatten(["rowNumber", "fieldNumber", "type"])` lists them.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tableSchemaFrom } from '../../shared/schema/table-schema.js';
import type { Finding } from '../../shared/validation/findings.js';
import { validateFiles } from '../../shared/validation/validate.js';
import { tempDir } from '../helpers/temp-dir.js';
import { TABLE_CASES, type Expected, type TableCase } from './table-cases.js';

const dir = await tempDir();

/** A finding as frictionless flattens it: rowNumber counts the header as row 1 (this project's line), none for header and file findings. */
const flatten = (f: Finding, named: boolean): Expected => {
  const flat: Expected = [f.row !== undefined ? f.line! : null, f.fieldNumber ?? null, f.code];
  if (named) flat.push(f.field);
  return flat;
};

/** Row, then field number, then code: frictionless lists a row's cell errors before its shape errors, this project after. */
const order = (a: Expected, b: Expected) =>
  (a[0] ?? 0) - (b[0] ?? 0) || (a[1] ?? 0) - (b[1] ?? 0) || a[2].localeCompare(b[2]);

async function run(c: TableCase, index: number): Promise<Expected[]> {
  const path = join(dir, `case-${index}.csv`);
  await writeFile(path, c.csv);
  const schema = await tableSchemaFrom(c.schema, 'conformance.yaml');
  const result = await validateFiles([{ path, format: 'csv' }], schema, 1000);
  let findings = result.findings;
  if (c.pick) findings = findings.filter((f) => c.pick!.includes(f.code));
  if (c.limit) findings = findings.slice(0, c.limit);
  // A field name is compared where the case gives one for that code.
  const named = new Set(c.expected.filter((e) => e.length > 3).map((e) => e[2]));
  return findings.map((f) => flatten(f, named.has(f.code))).sort(order);
}

describe('conformance: tables against frictionless-py validation tests', () => {
  it('has at least 30 cases, each naming its source, each difference saying why', () => {
    expect(TABLE_CASES.length).toBeGreaterThanOrEqual(30);
    for (const c of TABLE_CASES) {
      expect(c.source).toMatch(/^frictionless\/.+::test_\w+/);
      if (c.differs !== undefined) expect(c.differs.length).toBeGreaterThan(40);
    }
  });

  TABLE_CASES.forEach((c, index) => {
    it(`${c.source.replace(/^frictionless\/resource\/__spec__\//, '')}${c.differs ? ' (differs)' : ''}`, async () => {
      expect(await run(c, index)).toEqual([...c.expected].sort(order));
    });
  });
});
