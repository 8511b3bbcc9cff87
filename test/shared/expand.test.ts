import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { expandPaths, expandPathsAsWritten } from '../../shared/files/expand.js';
import { tempDir } from '../helpers/temp-dir.js';

let root: string;
const names = (paths: string[]) =>
  paths.map((path) => (path.startsWith(`${root}/`) ? path.slice(root.length + 1) : path));

beforeAll(async () => {
  root = await tempDir('mlops-expand-');
  await mkdir(join(root, 'data/nested'), { recursive: true });
  await mkdir(join(root, '.git'), { recursive: true });
  await mkdir(join(root, 'data/.git'), { recursive: true });
  for (const file of [
    'data/train.csv',
    'data/eval.csv',
    'data/test.csv',
    'data/.hidden.csv',
    'data/nested/more.csv',
    'data/.git/config',
    '.git/config',
    'README.md',
  ])
    await writeFile(join(root, file), 'x\n');
  await symlink('/', join(root, 'data/nested/root-link'));
  await symlink(join(root, 'data'), join(root, 'data-link'));
  await symlink(join(root, 'missing.csv'), join(root, 'dangling.csv'));
});

describe('expandPaths, the one reading of data, code and outputs', () => {
  it('reads a file, a folder recursively and a pattern, each once, .git never', async () => {
    const found = await expandPaths(['README.md', 'data', 'data/*.csv'], root, 'data file');
    expect(names(found)).toEqual([
      'README.md',
      'data/.hidden.csv',
      'data/eval.csv',
      'data/nested/more.csv',
      'data/test.csv',
      'data/train.csv',
    ]);
  });

  it('expands braces and double stars, and applies every exclusion to every entry', async () => {
    expect(names(await expandPaths(['data/{train,eval}.csv'], root, 'data file'))).toEqual([
      'data/eval.csv',
      'data/train.csv',
    ]);
    const found = await expandPaths(['data/**', '!data/nested/**', '!**/.*'], root, 'data file');
    expect(names(found)).toEqual(['data/eval.csv', 'data/test.csv', 'data/train.csv']);
  });

  it('does not walk through a link while globbing, so a link to / is not read', async () => {
    const found = await expandPaths(['data/nested/**'], root, 'data file');
    expect(names(found)).toEqual(['data/nested/more.csv']);
  });

  it("reads a named link to a folder as that folder, and leaves a file link to the caller's confinement", async () => {
    const viaLink = names(await expandPaths(['data-link'], root, 'data file'));
    expect(viaLink).toContain('data-link/train.csv');
    expect(viaLink.some((path) => path.includes('.git'))).toBe(false);
    expect(names(await expandPaths(['dangling.csv'], root, 'data file'))).toEqual(['dangling.csv']);
  });

  it('names a pattern that matches nothing, and a path that does not exist', async () => {
    await expect(expandPaths(['data/*.parquet'], root, 'data file')).rejects.toThrow(
      'The data file pattern "data/*.parquet" matches no file',
    );
    await expect(expandPaths(['nope.csv'], root, 'code path')).rejects.toThrow(
      'The code path "nope.csv" does not exist',
    );
  });

  it('names files as the user wrote them, and found ones relative to the base folder', async () => {
    expect(
      await expandPathsAsWritten(['./README.md', 'data/{train,eval}.csv'], root, 'data file'),
    ).toEqual(['./README.md', 'data/eval.csv', 'data/train.csv']);
    // Found outside the base folder: absolute (confinement then judges it).
    expect(await expandPathsAsWritten(['../READ*.md'], join(root, 'data'), 'data file')).toEqual([
      join(root, 'README.md'),
    ]);
  });
});
