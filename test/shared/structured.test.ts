import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { UserError } from '../../shared/action/errors.js';
import {
  measureExpanded,
  parseStructured,
  readStructuredFile,
  STRUCTURED_LIMITS,
} from '../../shared/files/structured.js';
import { canonicalConfigSha256 } from '../../shared/lineage/fingerprint.js';
import { loadMetrics } from '../../shared/metrics/report.js';
import { tempDir } from '../helpers/temp-dir.js';

const schema = z
  .object({
    fields: z.array(z.object({ name: z.string(), type: z.enum(['string', 'integer']) }).strict()),
  })
  .strict();

async function load(name: string, text: string) {
  const dir = await tempDir();
  const path = join(dir, name);
  await writeFile(path, text);
  return readStructuredFile(path, schema, 'schema file').catch((error: unknown) => error);
}

describe('readStructuredFile', () => {
  it('reads YAML and JSON alike', async () => {
    expect(await load('s.yaml', 'fields:\n  - {name: a, type: string}\n')).toEqual({
      fields: [{ name: 'a', type: 'string' }],
    });
    expect(await load('s.json', '{"fields":[{"name":"a","type":"integer"}]}')).toEqual({
      fields: [{ name: 'a', type: 'integer' }],
    });
  });

  it('names the field, its line and the wrong value in YAML', async () => {
    const error = await load(
      's.yaml',
      'fields:\n  - name: a\n    type: string\n  - name: b\n    type: strin\n',
    );
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(/"fields\[1\]\.type" \(line 5\): .*got "strin"/);
  });

  it('names the line of a field in JSON too', async () => {
    const error = await load(
      's.json',
      '{\n  "fields": [\n    {"name": "a", "type": "string", "size": 3}\n  ]\n}\n',
    );
    expect((error as Error).message).toMatch(/"fields\[0\]" \(line 3\): Unrecognized key: "size"/);
  });

  it('gives the line and column of a YAML syntax error', async () => {
    expect(((await load('s.yaml', 'fields:\n  - name: [a\n')) as Error).message).toMatch(
      /not valid YAML at line \d+, column \d+/,
    );
  });

  it('rejects duplicate YAML keys instead of keeping the last one', async () => {
    expect(((await load('s.yaml', 'fields: []\nfields: []\n')) as Error).message).toMatch(
      /duplicated mapping key/,
    );
  });

  it('gives the line and column of a JSON syntax error', async () => {
    expect(((await load('s.json', '{\n  "fields": [,]\n}')) as Error).message).toMatch(
      /not valid JSON: .* at line 2, column \d+/,
    );
  });

  it('says which file is missing and where it looked', async () => {
    const error = await readStructuredFile('no/such/schema.yaml', schema, 'schema file').catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(
      /The schema file "no\/such\/schema.yaml" does not exist \(looked for .*no\/such\/schema.yaml\)/,
    );
  });
});

describe('JSON syntax errors on every Node version', () => {
  it.each([
    ['{"format": "x",\n  "model": }\n', "Unexpected token '}' at line 2, column 12"],
    ['{"a": 1', 'at line 1, column 8'],
    ['[1, 2]\n]', 'Unexpected non-whitespace character after JSON at line 2, column 1'],
  ])('locates %j without quoting the text back', async (text, expected) => {
    const dir = await tempDir();
    const path = join(dir, 'f.json');
    await writeFile(path, text);
    const message = (
      (await readStructuredFile(path, schema, 'file').catch((e: unknown) => e)) as Error
    ).message;
    expect(message).toContain(expected);
    expect(message).not.toContain('\n');
  });
});

/** A "billion laughs" document: `levels` anchors, each a list of ten aliases of the one before. */
function yamlBomb(levels: number): string {
  const lines = ['l0: &l0 [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 1; i < levels; i++)
    lines.push(
      `l${i}: &l${i} [${Array(10)
        .fill(`*l${i - 1}`)
        .join(', ')}]`,
    );
  return `${lines.join('\n')}\n`;
}

describe('bounded work on hostile structured files', () => {
  const parse = (text: string, path: string) => parseStructured(text, path, 'config file');
  /** The error a document is refused with. */
  const refusal = (text: string, path: string) =>
    parse(text, path).then(
      () => new Error('not refused'),
      (error: unknown) => error as Error,
    );

  it('refuses a YAML alias bomb by its expanded size, naming the file, before anything walks it', async () => {
    const started = performance.now();
    const error = await refusal(yamlBomb(9), 'train.yaml');
    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toBe(
      `The config file "train.yaml" has YAML aliases that expand to more than ${(100_000).toLocaleString('en-US')} values; write the values out (a config file needs far fewer).`,
    );
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('keeps YAML anchors a real config uses', async () => {
    expect(
      await parse('defaults: &d {lr: 0.1, depth: 3}\nsmall: *d\nlarge: {<<: *d}\n', 'c.yaml'),
    ).toMatchObject({ small: { lr: 0.1, depth: 3 } });
    expect(await parse(yamlBomb(4), 'c.yaml')).toMatchObject({ l3: expect.any(Array) });
  });

  it('refuses more aliases than the budget, with the line of the first one past it', async () => {
    const text = `a: &a 1\nlist:\n${Array.from({ length: STRUCTURED_LIMITS.maxAliases + 1 }, () => '  - *a').join('\n')}\n`;
    expect((await refusal(text, 'm.yaml')).message).toMatch(
      new RegExp(
        `^The config file "m.yaml" has more than ${STRUCTURED_LIMITS.maxAliases} YAML aliases \\(the one past the limit is at line ${STRUCTURED_LIMITS.maxAliases + 3}, column \\d+\\); write the values out`,
      ),
    );
  });

  it('refuses deep nesting in YAML, in JSON and through aliases, naming where', async () => {
    const deep = 100_000;
    expect(
      (await refusal(`a: ${'['.repeat(deep)}${']'.repeat(deep)}\n`, 'c.yaml')).message,
    ).toMatch(
      /^The config file "c.yaml" nests mappings and lists more than 64 levels deep at line 1, column \d+\./,
    );
    expect(
      (await refusal(`{\n"a": ${'['.repeat(deep)}${']'.repeat(deep)}}`, 'c.json')).message,
    ).toBe(
      'The config file "c.json" nests objects and arrays more than 64 levels deep (at line 2, column 69). A config file needs far fewer; flatten it.',
    );
    // Strings with brackets and escaped quotes are not nesting.
    expect(
      await parse(JSON.stringify({ a: '['.repeat(200), b: '\\"{{{{' }), 'c.json'),
    ).toMatchObject({ b: '\\"{{{{' });
    const nested40 = `${'['.repeat(40)}1${']'.repeat(40)}`;
    const aliasDeep = `a: &a ${nested40}\nb: &b [*a, [*a]]\nc: ${nested40.replace('1', '*b')}\n`;
    expect((await refusal(aliasDeep, 'c.yaml')).message).toMatch(
      /^The config file "c.yaml" has YAML aliases that nest mappings and lists more than 64 levels deep once expanded/,
    );
  });

  it('refuses a YAML node that contains itself', async () => {
    expect((await refusal('a: &a [1, *a]\n', 'c.yaml')).message).toMatch(
      /^The config file "c.yaml" has a YAML alias inside the node it refers to/,
    );
  });

  it('measures the expansion once per anchored node', () => {
    const shared = [1, 2, 3];
    const doc = { a: shared, b: [shared, shared] };
    expect(measureExpanded(doc)).toEqual({
      values: 1 + 4 + 1 + 8,
      depth: 3,
      distinct: 1 + 4 + 1,
      cycle: false,
    });
    expect(measureExpanded(7)).toMatchObject({ values: 1, depth: 0 });
  });

  it('bounds the config fingerprint and the metrics flattening, which walk the expanded value', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'config.yaml'), yamlBomb(12));
    await expect(canonicalConfigSha256('config.yaml', dir)).rejects.toThrow(
      /"config.yaml" has YAML aliases that expand to more than/,
    );
    await writeFile(join(dir, 'metrics.yaml'), yamlBomb(12).replace(/\bx\b/g, '0.5'));
    await expect(loadMetrics('metrics.yaml', 'metrics file', dir)).rejects.toThrow(
      /The metrics file "metrics.yaml" has YAML aliases that expand to more than/,
    );
  });
});
