/**
 * The cell-level conformance suite: every case of cast-cases.ts read through the schema reader
 * (so the field descriptor is checked as a schema file's would be) and the cast the validator
 * runs per cell, in both its forms (castRaw and the compiled hot path), which must agree.
 */
import { describe, expect, it } from 'vitest';
import { CAST_FAILED, castRaw, compileCast } from '../../shared/schema/cast.js';
import { tableSchemaFrom } from '../../shared/schema/table-schema.js';
import { CAST_CASES, type CastCase, type Outcome } from './cast-cases.js';

/** What the project does with the case: an outcome, or the schema's refusal message. */
type Read = Exclude<Outcome, { schemaError: RegExp }> | { refused: string };

async function read(c: CastCase): Promise<Read> {
  let schema;
  try {
    schema = await tableSchemaFrom({ fields: [{ name: 'x', ...c.field }] }, 'conformance.yaml');
  } catch (error) {
    return { refused: (error as Error).message };
  }
  const field = schema.fields[0]!;
  const cell = c.cell;
  if (cell === null || (typeof cell === 'string' && field.missing.has(cell)))
    return { missing: true };
  const cast = castRaw(field, cell as never);
  const fast = compileCast(field)(cell as never);
  // The hot path must give castRaw's answer.
  expect(fast === CAST_FAILED ? { failed: true } : { value: fast }).toEqual(
    cast.ok ? { value: cast.value } : { failed: true },
  );
  if (!cast.ok) return { invalid: true };
  const broken = field.jsonSchema?.check(cast.value);
  return broken === undefined ? { value: cast.value } : { invalid: true };
}

const label = (c: CastCase) =>
  `${c.source.replace(/^frictionless\/fields\/__spec__\//, '')}: ${JSON.stringify(c.field)} ${JSON.stringify(c.cell)}`;

describe('conformance: cell casts against frictionless-py and the Table Schema v2 spec', () => {
  it('has at least 150 cases, each naming its source, each difference saying why', () => {
    expect(CAST_CASES.length).toBeGreaterThanOrEqual(150);
    for (const c of CAST_CASES) {
      expect(c.source).toMatch(
        /^(frictionless\/fields\/__spec__\/test_\w+\.py::test_\w+|Table Schema v2, .+)$/,
      );
      if (c.differs !== undefined) expect(c.differs.length).toBeGreaterThan(40);
    }
  });

  it.each(CAST_CASES.map((c) => [label(c), c] as const))('%s', async (_, c) => {
    const outcome = await read(c);
    if ('schemaError' in c.expected)
      expect(outcome).toEqual({ refused: expect.stringMatching(c.expected.schemaError) });
    else expect(outcome).toEqual(c.expected);
  });
});
