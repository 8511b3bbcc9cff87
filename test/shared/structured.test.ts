import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { UserError } from '../../shared/action/errors.js';
import { readStructuredFile } from '../../shared/files/structured.js';
import { tempDir } from '../helpers/temp-dir.js';

const schema = z.object({ fields: z.array(z.object({ name: z.string(), type: z.enum(['string', 'integer']) }).strict()) }).strict();

async function load(name: string, text: string) {
  const dir = await tempDir();
  const path = join(dir, name);
  await writeFile(path, text);
  return readStructuredFile(path, schema, 'schema file').catch((error: unknown) => error);
}

describe('readStructuredFile', () => {
  it('reads YAML and JSON alike', async () => {
    expect(await load('s.yaml', 'fields:\n  - {name: a, type: string}\n')).toEqual({ fields: [{ name: 'a', type: 'string' }] });
    expect(await load('s.json', '{"fields":[{"name":"a","type":"integer"}]}')).toEqual({ fields: [{ name: 'a', type: 'integer' }] });
  });

  it('names the field, its line and the wrong value in YAML', async () => {
    const error = await load('s.yaml', 'fields:\n  - name: a\n    type: string\n  - name: b\n    type: strin\n');
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(/"fields\[1\]\.type" \(line 5\): .*got "strin"/);
  });

  it('names the line of a field in JSON too', async () => {
    const error = await load('s.json', '{\n  "fields": [\n    {"name": "a", "type": "string", "size": 3}\n  ]\n}\n');
    expect((error as Error).message).toMatch(/"fields\[0\]" \(line 3\): Unrecognized key: "size"/);
  });

  it('gives the line and column of a YAML syntax error', async () => {
    expect(((await load('s.yaml', 'fields:\n  - name: [a\n')) as Error).message).toMatch(/not valid YAML at line \d+, column \d+/);
  });

  it('rejects duplicate YAML keys instead of keeping the last one', async () => {
    expect(((await load('s.yaml', 'fields: []\nfields: []\n')) as Error).message).toMatch(/duplicated mapping key/);
  });

  it('gives the line and column of a JSON syntax error', async () => {
    expect(((await load('s.json', '{\n  "fields": [,]\n}')) as Error).message).toMatch(/not valid JSON: .* at line 2, column \d+/);
  });

  it('says which file is missing and where it looked', async () => {
    const error = await readStructuredFile('no/such/schema.yaml', schema, 'schema file').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(/The schema file "no\/such\/schema.yaml" does not exist \(looked for .*no\/such\/schema.yaml\)/);
  });
});

describe('JSON syntax errors on every Node version', () => {
  it.each([
    ['{"format": "x",\n  "model": }\n', "Unexpected token '}' at line 2, column 12"],
    ['{"a": 1', "at line 1, column 8"],
    ['[1, 2]\n]', 'Unexpected non-whitespace character after JSON at line 2, column 1'],
  ])('locates %j without quoting the text back', async (text, expected) => {
    const dir = await tempDir();
    const path = join(dir, 'f.json');
    await writeFile(path, text);
    const message = ((await readStructuredFile(path, schema, 'file').catch((e: unknown) => e)) as Error).message;
    expect(message).toContain(expected);
    expect(message).not.toContain('\n');
  });
});
