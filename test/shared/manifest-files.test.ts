/**
 * The files a manifest names stay inside its folder: a model file that is a symbolic link out of
 * it is neither hashed nor published, and a release is restored only inside its folder whatever
 * its asset names and manifest say. Identifiers read back from GitHub are checked too.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../shared/action/errors.js';
import { sha256Text } from '../../shared/files/hash.js';
import { manifestFilePath } from '../../shared/lineage/manifest-files.js';
import {
  currentAndPrevious,
  DEPLOYMENT_PAYLOAD_FORMAT,
} from '../../shared/registry/github-registry.js';
import {
  downloadModelRelease,
  publishStagedRelease,
  releaseFiles,
  stageModelRelease,
} from '../../shared/registry/model-release.js';
import { modelDeployments } from '../../shared/fleet/model-history.js';
import { verifyManifestOutputs } from '../../shared/registry/verify.js';
import { recordingRunner } from '../helpers/recording-runner.js';
import { tempDir } from '../helpers/temp-dir.js';
import { FakeGitHub } from '../fakes/github-port.js';
import { validManifest } from './manifest-template.js';
import { BOUNDED_CHILD } from '../../harness/runner/bounded-child.js';

const root = await tempDir();
const outside = join(root, 'outside');
await mkdir(outside);
await writeFile(join(outside, 'secret.txt'), 'SECRET=hunter2\n');

/** A model folder with one model file, and a manifest (parsed) that names it and `extra`. */
async function modelFolder(
  name: string,
  extra: Record<string, (dir: string) => Promise<unknown>> = {},
) {
  const dir = join(root, name);
  await mkdir(join(dir, 'model'), { recursive: true });
  await writeFile(join(dir, 'model', 'model.json'), '{"w": 1}');
  const outputs = [{ path: 'model/model.json', sha256: sha256Text('{"w": 1}') }];
  for (const [path, make] of Object.entries(extra)) {
    await make(join(dir, path));
    outputs.push({ path, sha256: sha256Text('SECRET=hunter2\n') });
  }
  return {
    dir,
    manifest: { ...validManifest(), outputs } as unknown as Parameters<
      typeof verifyManifestOutputs
    >[0],
  };
}

const files = (baseDir: string) => ({ manifest: 'manifest "model-manifest.json"', baseDir });

describe('model files named by a manifest', () => {
  it('verifies files inside the folder, through links that stay inside', async () => {
    const { dir, manifest } = await modelFolder('inside', {
      'model/link.txt': (at) => symlink('model.json', at),
    });
    const mismatches = await verifyManifestOutputs(manifest, files(dir));
    expect(mismatches).toEqual([
      expect.objectContaining({ path: 'model/link.txt', problem: 'changed' }),
    ]);
  });

  it('refuses a model file that is a symbolic link out of the folder, naming the manifest, the field and the path', async () => {
    const { dir, manifest } = await modelFolder('link-out', {
      'model/weights.bin': (at) => symlink(join(outside, 'secret.txt'), at),
    });
    const refusal = verifyManifestOutputs(manifest, files(dir));
    await expect(refusal).rejects.toThrow(UserError);
    await expect(refusal).rejects.toThrow(
      /^The manifest "model-manifest\.json" lists "model\/weights\.bin" in "outputs\[1\]\.path", which is outside the model's folder .* \(through a symbolic link, it leads to .*outside\/secret\.txt\)\./,
    );
    await expect(
      releaseFiles({
        manifest,
        manifestPath: 'm.json',
        model: files(dir),
        metricsPath: 'x.json',
        modelCardPath: 'c.md',
      }),
    ).rejects.toThrow(/"outputs\[1\]\.path", which is outside the model's folder/);
  });

  it('refuses a folder link out, a dangling link, a link loop, a link into .git and a pipe', async () => {
    const { dir } = await modelFolder('odd', {});
    await symlink(outside, join(dir, 'out'));
    await symlink(join(outside, 'missing'), join(dir, 'dangling'));
    await symlink('loop', join(dir, 'loop'));
    execFileSync('mkfifo', [join(dir, 'fifo')], BOUNDED_CHILD);
    await expect(manifestFilePath(files(dir), 'outputs[0].path', 'out/secret.txt')).rejects.toThrow(
      /lists "out\/secret\.txt" in "outputs\[0\]\.path", which is outside the model's folder/,
    );
    await expect(manifestFilePath(files(dir), 'outputs[0].path', 'out/new.bin')).rejects.toThrow(
      /which is outside the model's folder/,
    );
    await expect(manifestFilePath(files(dir), 'outputs[0].path', 'dangling')).rejects.toThrow(
      /"dangling" in "outputs\[0\]\.path", which is a symbolic link that leads nowhere/,
    );
    await expect(manifestFilePath(files(dir), 'outputs[0].path', 'loop')).rejects.toThrow(
      /which is a symbolic link that leads nowhere \(or in a loop\)/,
    );
    await mkdir(join(dir, '.git'));
    await writeFile(join(dir, '.git', 'config'), 'token');
    await symlink('.git/config', join(dir, 'git-link'));
    await expect(manifestFilePath(files(dir), 'outputs[0].path', 'git-link')).rejects.toThrow(
      /"git-link" in "outputs\[0\]\.path", which is inside a \.git folder/,
    );
    await expect(manifestFilePath(files(dir), 'outputs[0].path', '.git/config')).rejects.toThrow(
      /which is inside a \.git folder/,
    );
    await expect(manifestFilePath(files(dir), 'outputs[0].path', 'fifo')).rejects.toThrow(
      /"fifo" in "outputs\[0\]\.path", which is not a regular file/,
    );
    expect(await manifestFilePath(files(dir), 'outputs[0].path', 'model/not-yet.bin')).toBe(
      join(dir, 'model', 'not-yet.bin'),
    );
  });
});

const registry = new FakeGitHub().port();
const log = recordingRunner();

describe('the registry on GitHub', () => {
  async function deploy(task: string, payload: Record<string, unknown>) {
    const { id } = await registry.createDeployment({
      ref: 'a'.repeat(40),
      task,
      environment: 'production',
      payload,
      description: '',
      productionEnvironment: true,
    });
    await registry.createDeploymentStatus(id, { state: 'success', description: '' });
  }
  const payload = (version: string, extra: Record<string, unknown> = {}) => ({
    format: DEPLOYMENT_PAYLOAD_FORMAT,
    model: 'churn',
    version,
    fingerprint: 'f'.repeat(64),
    metricsDigest: 'd',
    metrics: { accuracy: 0.8 },
    ...extra,
  });

  it('skips deployments whose payload carries an identifier outside its alphabet, and tasks that are not model names', async () => {
    await deploy('model:churn', payload('aaaaaaaaaaaa'));
    await deploy('model:churn', payload('$(id)'));
    await deploy('model:churn', payload('bbbbbbbbbbbb', { artifact: 'model-churn-bbb;rm -rf /' }));
    await deploy('model:churn', payload('cccccccccccc', { release: 'churn@../../x' }));
    await deploy(
      'model:churn',
      payload('dddddddddddd', { rollback: { from: 'a\nb', reason: 'r' } }),
    );
    await deploy('model:a b', { ...payload('eeeeeeeeeeee'), model: 'a b' });
    const { current } = await currentAndPrevious(registry, 'churn', 'production');
    expect(current?.payload.version).toBe('aaaaaaaaaaaa');
    // The fleet view reads the same deployments and keeps the same one model.
    const listed = [];
    for await (const deployment of registry.listDeployments({})) listed.push(deployment);
    const models = modelDeployments(listed, await registry.deploymentStatuses(listed));
    expect([...models.keys()]).toEqual(['churn']);
  });

  it('restores a release only inside its folder, whatever its asset names', async () => {
    const { dir, manifest } = await modelFolder('released', {});
    manifest.model.version = '111111111111';
    await writeFile(join(dir, 'model-manifest.json'), JSON.stringify(manifest));
    await writeFile(join(dir, 'metrics.json'), '{}');
    await writeFile(join(dir, 'card.md'), '# card');
    const release = {
      model: 'churn',
      version: '111111111111',
      sha: 'a'.repeat(40),
      title: 't',
      body: 'b',
    };
    const releaseFileList = await releaseFiles({
      manifest,
      manifestPath: join(dir, 'model-manifest.json'),
      model: files(dir),
      metricsPath: join(dir, 'metrics.json'),
      modelCardPath: join(dir, 'card.md'),
    });
    // Hostile asset names beside the real ones: they are never used as paths.
    const hostile = ['../../escaped.txt', '/tmp/escaped.txt', '..'].map((name) => ({
      name,
      path: join(dir, 'card.md'),
      contentType: 'text/plain',
    }));
    const staged = await stageModelRelease(
      registry,
      { ...release, files: [...releaseFileList, ...hostile] },
      log,
    );
    await publishStagedRelease(registry, staged, log);

    const into = join(root, 'restore', 'into');
    await mkdir(into, { recursive: true });
    const restored = await downloadModelRelease(
      registry,
      { model: 'churn', version: '111111111111', into },
      log,
    );
    expect(restored.manifestPath).toBe(join(into, 'model-manifest.json'));
    expect(await readFile(join(into, 'model', 'model.json'), 'utf8')).toBe('{"w": 1}');
    expect((await readdir(join(root, 'restore'))).sort()).toEqual(['into']);
    expect((await readdir(into, { recursive: true })).sort()).toEqual([
      'metrics.json',
      'model',
      'model-manifest.json',
      'model/model.json',
    ]);
  });

  it('refuses to restore a release whose manifest names a path out of its folder', async () => {
    const release = await registry.createRelease({
      tag: 'churn@222222222222',
      targetCommitish: 'a'.repeat(40),
      name: 'churn 222222222222',
      body: '',
      draft: false,
    });
    const manifest = {
      ...validManifest(),
      model: { name: 'churn', version: '222222222222' },
      outputs: [{ path: '../../escaped.txt', sha256: 'a'.repeat(64) }],
    };
    const upload = (name: string, text: string) =>
      registry.uploadReleaseAsset(release, {
        name,
        contentType: 'application/json',
        bytes: Buffer.from(text),
      });
    await upload('model-manifest.json', JSON.stringify(manifest, null, 2));
    await upload('metrics.json', '{}');
    await upload('.._.._escaped.txt', 'x');
    const into = join(root, 'restore2', 'into');
    await mkdir(into, { recursive: true });
    await expect(
      downloadModelRelease(registry, { model: 'churn', version: '222222222222', into }, log),
    ).rejects.toThrow(
      /^The manifest of release churn@222222222222 ".*" is not valid: "outputs\[0\]\.path" \(line \d+\): must be a relative path inside the working directory, with "\/" separators, but it has a "\.\." segment; got "\.\.\/\.\.\/escaped\.txt"\.$/,
    );
    expect((await readdir(join(root, 'restore2'))).sort()).toEqual(['into']);
  });
});
