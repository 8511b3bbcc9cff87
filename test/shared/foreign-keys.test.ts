/**
 * Foreign keys and Data Packages: references into another resource, composite keys, a missing
 * resource, the memory bound, and a package whose paths try to leave the workspace.
 */
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../shared/action/errors.js';
import { stepConfinement } from '../../shared/files/confine.js';
import { loadSchemaInput } from '../../shared/schema/data-package.js';
import { tableSchemaFrom } from '../../shared/schema/table-schema.js';
import { validateFiles } from '../../shared/validation/validate.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = await tempDir();
const workspace = join(dir, 'workspace');
await mkdir(join(workspace, 'pkg'), { recursive: true });
const confinement = await stepConfinement(workspace, join(dir, 'tmp'));

async function write(path: string, text: string): Promise<string> {
  await writeFile(join(workspace, path), text);
  return path;
}

describe('foreign keys', () => {
  it('checks a composite key into another resource of a Data Package, cast to the referenced types', async () => {
    await write(
      'pkg/datapackage.json',
      JSON.stringify({
        resources: [
          {
            name: 'cities',
            path: 'cities.csv',
            schema: {
              fields: [
                { name: 'country', type: 'string' },
                { name: 'code', type: 'integer' },
              ],
            },
          },
          {
            name: 'people',
            path: 'people.csv',
            schema: {
              fields: [
                { name: 'name', type: 'string' },
                { name: 'country', type: 'string' },
                { name: 'city', type: 'integer' },
              ],
              foreignKeys: [
                {
                  fields: ['country', 'city'],
                  reference: { resource: 'cities', fields: ['country', 'code'] },
                },
              ],
            },
          },
        ],
      }),
    );
    await write('pkg/cities.csv', 'country,code\nfr,1\nit,1\n');
    await write('pkg/people.csv', 'name,country,city\na,fr,01\nb,it,2\nc,,\nd,fr,\n');
    const loaded = await loadSchemaInput('pkg/datapackage.json', confinement, workspace);
    if (loaded.kind !== 'package') throw new Error('not read as a package');
    const [cities, people] = loaded.resources;
    expect(cities!.files).toEqual([{ path: 'pkg/cities.csv', format: 'csv' }]);
    const cwd = process.cwd();
    process.chdir(workspace);
    try {
      const result = await validateFiles(people!.files, people!.schema, 100, loaded.resources);
      // "01" casts to 1, so a matches; c has no key at all; d's key is half missing.
      expect(result.findings.map((f) => [f.code, f.row, f.observed])).toEqual([
        ['foreign-key', 2, 'it, 2'],
        ['foreign-key', 4, 'fr, (missing)'],
      ]);
    } finally {
      process.chdir(cwd);
    }
  });

  it('reports a reference to a resource that is not there, at the key in the schema', async () => {
    const schema = await tableSchemaFrom(
      {
        fields: [{ name: 'a', type: 'integer' }],
        foreignKeys: [{ fields: 'a', reference: { resource: 'elsewhere', fields: 'id' } }],
      },
      'schema.yaml',
    );
    const path = join(workspace, 'lonely.csv');
    await writeFile(path, 'a\n1\n');
    const result = await validateFiles([{ path, format: 'csv' }], schema, 100);
    expect(result.findings.map((f) => [f.code, f.file, f.message])).toEqual([
      [
        'foreign-key',
        'schema.yaml',
        expect.stringMatching(/resource "elsewhere", which is not part/),
      ],
    ]);
  });

  it('says when the referenced keys outgrow their memory bound', async () => {
    const { checkForeignKeys } = await import('../../shared/validation/foreign-keys.js');
    const schema = await tableSchemaFrom(
      {
        fields: [
          { name: 'id', type: 'integer' },
          { name: 'parent', type: 'integer' },
        ],
        foreignKeys: [{ fields: 'parent', reference: { fields: 'id' } }],
      },
      'schema.yaml',
    );
    const path = join(workspace, 'tree.csv');
    await writeFile(path, 'id,parent\n1,\n2,1\n3,2\n4,3\n');
    const found: string[] = [];
    await checkForeignKeys(
      { files: [{ path, format: 'csv' }], schema },
      [],
      () => (f) => found.push(`${f.code}:${f.row ?? '-'}`),
      { limit: 2 },
    );
    expect(found).toEqual(['check-limit:-', 'foreign-key:4']);
  });
});

describe('a Data Package as the schema input', () => {
  it('refuses resource paths that leave the workspace, remote paths and inline data', async () => {
    await symlink('/etc', join(workspace, 'pkg', 'etc'));
    const refused = async (resource: Record<string, unknown>) => {
      await write('pkg/bad.json', JSON.stringify({ resources: [{ name: 'r', ...resource }] }));
      const error = await loadSchemaInput('pkg/bad.json', confinement, workspace).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(UserError);
      return (error as Error).message;
    };
    const schema = { fields: [{ name: 'a' }] };
    expect(await refused({ path: '../../outside.csv', schema })).toMatch(
      /is outside the workspace/,
    );
    expect(await refused({ path: 'etc/passwd', schema })).toMatch(
      /outside the workspace \(through a symbolic link/,
    );
    expect(await refused({ path: 'https://example.com/a.csv', schema })).toMatch(
      /remote path .* nothing is downloaded/,
    );
    expect(await refused({ data: [{ a: 1 }], schema })).toMatch(/inline "data" is not validated/);
    expect(await refused({ path: 'a.csv', schema: '../../schema.json' })).toMatch(
      /schema file of resource "r" .* is outside the workspace/,
    );
    expect(
      await refused({ path: 'a.csv', schema: { fields: [{ name: 'a', type: 'text' }] } }),
    ).toMatch(
      /^The schema at resources\.0\.schema in the Data Package "pkg\/bad\.json" is not valid: "fields\[0\]\.type"/,
    );
  });

  it('reads a plain Table Schema as before', async () => {
    await write('schema.yaml', 'fields:\n  - name: a\n    type: integer\n');
    const loaded = await loadSchemaInput('schema.yaml', confinement, workspace);
    expect(loaded.kind).toBe('schema');
  });
});
