import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../shared/action/errors.js';
import {
  confineFileInputs,
  confinePath,
  isInside,
  stepConfinement,
} from '../../shared/files/confine.js';
import { tempDir } from '../helpers/temp-dir.js';

const root = await tempDir('mlops-confine-');
const workspace = join(root, 'workspace');
const temp = join(root, 'temp');
const outside = join(root, 'outside');
for (const folder of [
  join(workspace, 'data'),
  join(workspace, '.git'),
  join(temp, 'mlops-actions', 'evaluate-model'),
  join(temp, 'other'),
  outside,
])
  await mkdir(folder, { recursive: true });
await writeFile(join(workspace, 'data', 'train.csv'), 'a\n1\n');
await writeFile(
  join(workspace, '.git', 'config'),
  '[http]\n\textraheader = AUTHORIZATION: basic c2VjcmV0\n',
);
await writeFile(join(temp, 'mlops-actions', 'evaluate-model', 'metrics.json'), '{}');
await writeFile(join(temp, 'other', 'credentials'), 'secret');
await writeFile(join(outside, 'secret.txt'), 'secret');
await symlink(join(outside, 'secret.txt'), join(workspace, 'data', 'to-outside.csv'));
await symlink('../../outside/secret.txt', join(workspace, 'data', 'relative-out.csv'));
await symlink('/proc/self/environ', join(workspace, 'data', 'environ.csv'));
await symlink('train.csv', join(workspace, 'data', 'alias.csv'));
await symlink('../.git/config', join(workspace, 'data', 'git-config.csv'));
await symlink(outside, join(workspace, 'linked-folder'));
await symlink(join(outside, 'not-yet.json'), join(workspace, 'dangling.json'));
await symlink('loop-b', join(workspace, 'loop-a'));
await symlink('loop-a', join(workspace, 'loop-b'));
await symlink('/dev/zero', join(workspace, 'data', 'zero.csv'));

const confinement = await stepConfinement(workspace, temp);
const confine = (path: string, kind?: 'file' | 'folder' | 'any') =>
  confinePath(path, confinement, { what: 'data file', input: 'data', baseDir: workspace, kind });

describe('confinePath', () => {
  it("takes files in the workspace, links that stay inside, and the suite's own folder in RUNNER_TEMP", async () => {
    await expect(confine('data/train.csv')).resolves.toBe(join(workspace, 'data', 'train.csv'));
    await expect(confine('data/alias.csv')).resolves.toBe(join(workspace, 'data', 'alias.csv'));
    await expect(
      confine(join(temp, 'mlops-actions', 'evaluate-model', 'metrics.json')),
    ).resolves.toContain('metrics.json');
    await expect(confine('data', 'folder')).resolves.toBe(join(workspace, 'data'));
  });

  it('leaves a missing file inside to its reader, and allows writing a new file inside', async () => {
    await expect(confine('data/missing.csv')).resolves.toBe(join(workspace, 'data', 'missing.csv'));
    await expect(confine('new/folder/profile.json', 'any')).resolves.toBe(
      join(workspace, 'new', 'folder', 'profile.json'),
    );
  });

  it.each([
    [
      'an absolute path outside',
      () => join(outside, 'secret.txt'),
      /Input "data": the data file ".*secret.txt" is outside the workspace\. .*Give a path inside the workspace/,
    ],
    [
      'a ../ path',
      () => '../outside/secret.txt',
      /"\.\.\/outside\/secret.txt" is outside the workspace/,
    ],
    [
      'an absolute symbolic link out',
      () => 'data/to-outside.csv',
      /"data\/to-outside.csv" is outside the workspace \(through a symbolic link, it leads to .*secret.txt\)/,
    ],
    [
      'a relative symbolic link out',
      () => 'data/relative-out.csv',
      /"data\/relative-out.csv" is outside the workspace \(through a symbolic link/,
    ],
    [
      'a link to the process environment',
      () => 'data/environ.csv',
      /"data\/environ.csv" is outside the workspace/,
    ],
    ['a link to a device', () => 'data/zero.csv', /"data\/zero.csv" is outside the workspace/],
    [
      "a file in RUNNER_TEMP outside the suite's folder",
      () => join(temp, 'other', 'credentials'),
      /is outside the workspace/,
    ],
    [
      'a file through a linked folder',
      () => 'linked-folder/secret.txt',
      /"linked-folder\/secret.txt" is outside the workspace/,
    ],
    ['the .git folder', () => '.git/config', /"\.git\/config" is inside a \.git folder/],
    [
      'a link into .git',
      () => 'data/git-config.csv',
      /"data\/git-config.csv" is inside a \.git folder \(through a symbolic link/,
    ],
    ['a loop of links', () => 'loop-a', /"loop-a" is a loop of symbolic links/],
  ])('refuses %s, naming the input and the path', async (_what, path, message) => {
    const refused = confine(path());
    await expect(refused).rejects.toBeInstanceOf(UserError);
    await expect(refused).rejects.toThrow(message);
  });

  it('judges a file to be written by where it would land: through a linked folder, or a dangling link', async () => {
    await expect(confine('linked-folder/new.json', 'any')).rejects.toThrow(/outside the workspace/);
    await expect(confine('dangling.json', 'any')).rejects.toThrow(
      /"dangling.json" is outside the workspace \(through a symbolic link/,
    );
  });

  it('wants a regular file to read, and a folder where a folder is named', async () => {
    await expect(confine('data')).rejects.toThrow(/"data" is a folder; a file was expected/);
    await expect(confine('data/train.csv', 'folder')).rejects.toThrow(/is not a folder/);
  });

  it('confines the file inputs that are set, naming each by what it holds', async () => {
    await expect(
      confineFileInputs(
        { metrics: 'data/train.csv', baseline: undefined },
        ['metrics', 'baseline'],
        confinement,
        workspace,
      ),
    ).resolves.toBeUndefined();
    await expect(
      confineFileInputs({ gates: '../outside/secret.txt' }, ['gates'], confinement, workspace),
    ).rejects.toThrow(
      /^Input "gates": the gate policy "\.\.\/outside\/secret.txt" is outside the workspace/,
    );
  });
});

describe('isInside', () => {
  it("tells a folder's own paths from its neighbours'", () => {
    expect(isInside('/a/b', '/a/b')).toBe(true);
    expect(isInside('/a/b/c', '/a/b')).toBe(true);
    expect(isInside('/a/bc', '/a/b')).toBe(false);
    expect(isInside('/a', '/a/b')).toBe(false);
    expect(isInside('/a/b/..c', '/a/b')).toBe(true);
  });
});
