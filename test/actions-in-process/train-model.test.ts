import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { trainModel } from '../../actions/train-model/src/run.js';
import { actionMetadata } from '../../harness/runner/run-bundle.js';
import { manifestSchema } from '../../shared/lineage/manifest.js';
import { exampleWorkspace } from '../actions/workspace.js';
import { expectUserError, runInProcess } from '../helpers/in-process.js';

const job = await exampleWorkspace();
const command =
  'node examples/churn/train.mjs --train data/train.csv --eval data/eval.csv --model-out model/model.json --predictions-out model/predictions.csv';
const train = (overrides: Record<string, string> = {}) =>
  runInProcess(trainModel, {
    ...job,
    inputs: {
      'model-name': 'churn',
      run: command,
      config: 'examples/churn/config.json',
      data: 'data/train.csv\ndata/eval.csv',
      outputs: 'model/model.json\nmodel/predictions.csv',
      ...overrides,
    },
  });
const manifestOf = async (path: string) =>
  manifestSchema.parse(JSON.parse(await readFile(path, 'utf8')));

describe('train-model run()', () => {
  it('trains, writes the manifest, sets every output and the summary', async () => {
    const result = await train();
    expect(result.errors).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(Object.keys(result.outputs).sort()).toEqual(
      Object.keys((await actionMetadata('train-model')).outputs).sort(),
    );
    const manifest = await manifestOf(result.outputs.manifest!);
    expect(manifest).toMatchObject({
      model: { name: 'churn', version: result.outputs.version },
      fingerprint: result.outputs.fingerprint,
      seed: 0,
      command,
      workingDirectory: '.',
    });
    expect(manifest.outputs.map((o) => o.path)).toEqual([
      'model/model.json',
      'model/predictions.csv',
    ]);
    expect(manifest.data.map((d) => d.path)).toEqual(['data/train.csv', 'data/eval.csv']);
    expect(manifest.code).toMatchObject({ source: 'git' });
    expect(manifest.git).toMatchObject({
      repository: 'Codertocat/Hello-World',
      runUrl: 'https://github.com/Codertocat/Hello-World/actions/runs/8675309',
    });
    expect(manifest.environment).toMatchObject({
      MLOPS_CONFIG: 'examples/churn/config.json',
      MLOPS_SEED: '0',
      PYTHONHASHSEED: '0',
      CUBLAS_WORKSPACE_CONFIG: ':4096:8',
    });
    expect(result.outputs).toMatchObject({
      'model-path': join(job.workspace, 'model/model.json'),
      'cache-hit': 'false',
    });
    expect(result.outputs.manifest!.startsWith(job.runnerTemp)).toBe(true);
    expect(result.summary).toContain(`Trained churn version \`${result.outputs.version}\``);
    expect(
      result.runner.log.some((entry) => /^Fingerprint [0-9a-f]{64} \(version /.test(entry.message)),
    ).toBe(true);
  });

  it('records what exactly ran: Python and its packages, read after training, the runner image and the OS', async () => {
    const result = await runInProcess(trainModel, {
      ...job,
      inputs: {
        'model-name': 'churn',
        // Installs a distribution during training: the manifest must list it, so it is read after.
        run: 'mkdir -p env/site/late_pkg-1.2.3.dist-info && printf "Metadata-Version: 2.1\\nName: late-pkg\\nVersion: 1.2.3\\n" > env/site/late_pkg-1.2.3.dist-info/METADATA && echo m > env/model.bin',
        config: 'examples/churn/config.json',
        outputs: 'env/model.bin',
      },
      env: {
        ImageOS: 'ubuntu24',
        ImageVersion: '20250105.1.0',
        PYTHONPATH: join(job.workspace, 'env/site'),
      },
    });
    expect(result.exitCode, result.errors.join()).toBe(0);
    const { runtime } = await manifestOf(result.outputs.manifest!);
    expect(runtime?.python?.version).toMatch(/^3\.\d+\.\d+/);
    expect(runtime?.python?.packages).toContainEqual({ name: 'late-pkg', version: '1.2.3' });
    expect(runtime?.image).toEqual({ os: 'ubuntu24', version: '20250105.1.0' });
    expect(runtime?.osRelease?.id).toMatch(/\w/);
    expect(result.summary).toMatch(
      /Ran on Python `3\.\d+\.\d+` with \d+ packages, image `ubuntu24 20250105\.1\.0`/,
    );
  });

  it('gives the same fingerprint for the same inputs and another one for another seed', async () => {
    const [a, b, c] = [await train(), await train(), await train({ seed: '1' })];
    expect(b.outputs.fingerprint).toBe(a.outputs.fingerprint);
    expect(c.outputs.fingerprint).not.toBe(a.outputs.fingerprint);
    expect((await manifestOf(c.outputs.manifest!)).environment).toMatchObject({
      MLOPS_SEED: '1',
      PL_GLOBAL_SEED: '1',
    });
  });

  it("gives the command the step's variables and the pins, without the inputs or the action-only tokens", async () => {
    const print = ['MLOPS_MODEL_NAME', 'MLOPS_SEED', 'GITHUB_REPOSITORY']
      .map((name) => `"$${name}"`)
      .join(' ');
    const result = await train({
      run: `mkdir -p pins && printf "%s|" ${print} "\${INPUT_RUN:-none}" "\${ACTIONS_RUNTIME_TOKEN:-none}" > pins/env.txt`,
      outputs: 'pins/env.txt',
      seed: '7',
    });
    expect(result.exitCode, result.errors.join()).toBe(0);
    expect(await readFile(join(job.workspace, 'pins/env.txt'), 'utf8')).toBe(
      'churn|7|Codertocat/Hello-World|none|none|',
    );
  });

  it('reports unpinned requirements as warnings at file and line, or fails with strict-pins: error', async () => {
    await job.write('requirements.txt', 'numpy==1.26.4\nscikit-learn>=1.3\n');
    try {
      const warned = await train();
      expect(warned.exitCode).toBe(0);
      expect(warned.annotations.find((a) => a.where?.title === 'strict-pins')).toMatchObject({
        level: 'warning',
        where: { file: 'requirements.txt', line: 2 },
      });
      const strict = await train({ 'strict-pins': 'error' });
      expect(strict.exitCode).toBe(1);
      expect(strict.errors.at(-1)).toMatch(
        /^strict-pins is "error" and 1 dependency is not pinned: requirements.txt:2: /,
      );
    } finally {
      await job.write('requirements.txt', 'numpy==1.26.4\n');
    }
  });

  it('strict-pins follows pip: -e without a commit, -r includes, setup.py, requirements/*.txt, each at file and line and fingerprinted', async () => {
    const files = {
      'requirements.txt': 'numpy==1.26.4\n-r requirements/base.txt\n',
      'requirements/base.txt': '-e git+https://github.com/o/lib#egg=lib\n',
      'requirements/extra/dev.in': 'pytest\n',
      'services/requirements-api.txt': 'fastapi>=0.1\n',
      'setup.py': 'setup(\n    install_requires=["pandas>=2"],\n)\n',
    };
    for (const [path, text] of Object.entries(files)) await job.write(path, text);
    await job.write('requirements/base.txt', files['requirements/base.txt'] + '-r extra/dev.in\n');
    try {
      const strict = await train({ 'strict-pins': 'error' });
      expect(strict.exitCode).toBe(1);
      const message = strict.errors.at(-1)!;
      for (const where of [
        'requirements/base.txt:1: "-e git+https://github.com/o/lib#egg=lib" installs whatever',
        'requirements/extra/dev.in:1: "pytest" has no version',
        'services/requirements-api.txt:1: "fastapi" allows a range',
        'setup.py:2: "pandas" allows a range',
      ])
        expect(message).toContain(where);
      expect(message).toContain('-e git+https://github.com/o/lib@<40-hex commit sha>#egg=lib');
      const warned = await train();
      const manifest = await manifestOf(warned.outputs.manifest!);
      expect(manifest.lockFiles?.map((l) => l.path).sort()).toEqual([
        'requirements.txt',
        'requirements/base.txt',
        'requirements/extra/dev.in',
        'services/requirements-api.txt',
      ]);
      await job.write('requirements/extra/dev.in', 'pytest==8.0.0\n');
      expect((await train()).outputs.fingerprint).not.toBe(warned.outputs.fingerprint);
    } finally {
      for (const path of Object.keys(files)) await rm(join(job.workspace, path), { force: true });
      await job.write('requirements.txt', 'numpy==1.26.4\n');
    }
  });

  it('keeps the fingerprint when the config is only re-indented or its keys reordered, whatever the code setting', async () => {
    const config = 'examples/churn/config.json';
    const original = await readFile(join(job.workspace, config), 'utf8');
    const parsed = JSON.parse(original) as Record<string, unknown>;
    const reversed = Object.fromEntries(Object.entries(parsed).reverse());
    try {
      for (const code of ['', 'examples/churn']) {
        await job.write(config, original);
        const before = await train({ code });
        await job.write(config, JSON.stringify(reversed, null, 7) + '\n');
        const after = await train({ code });
        expect(after.exitCode, after.errors.join()).toBe(0);
        expect(after.outputs.fingerprint, `code: "${code}"`).toBe(before.outputs.fingerprint);
      }
    } finally {
      await job.write(config, original);
    }
  });

  it('records the config values in the manifest with credentials and hide-config-keys hidden, and the training time', async () => {
    const config = await job.write(
      'secret/config.yaml',
      'model: {max_depth: 6}\ndb: {password: hunter2, host: db.internal}\nendpoint: https://x.example\n',
    );
    const result = await train({
      config,
      code: 'examples/churn/train.mjs',
      run: 'mkdir -p secret && echo model > secret/model.bin',
      outputs: 'secret/model.bin',
      'hide-config-keys': 'endpoint\n# comments and blank lines are ignored\n\ndb.h*',
    });
    expect(result.exitCode, result.errors.join()).toBe(0);
    const manifest = await manifestOf(result.outputs.manifest!);
    expect(manifest.config.values).toEqual({
      'db.host': '(hidden)',
      'db.password': '(hidden)',
      endpoint: '(hidden)',
      'model.max_depth': '6',
    });
    expect(await readFile(result.outputs.manifest!, 'utf8')).not.toMatch(
      /hunter2|db\.internal|x\.example/,
    );
    expect(Number(result.outputs['training-seconds'])).toBeCloseTo(
      manifest.training.durationSeconds,
      1,
    );
    expect(result.summary).toMatch(/\*\*Cost:\*\* training took (< 0\.1|\d+\.\d) s\./);
  });

  it("records the owner, from the input or the training code's CODEOWNERS rule, outside the fingerprint", async () => {
    await job.write(
      '.github/CODEOWNERS',
      '* @octo-org/ml-platform\n/examples/churn/*.mjs @alice\n',
    );
    const quick = { run: 'mkdir -p owned && echo m > owned/model.bin', outputs: 'owned/model.bin' };
    try {
      const fromFile = await train(quick);
      expect(fromFile.exitCode, fromFile.errors.join()).toBe(0);
      expect((await manifestOf(fromFile.outputs.manifest!)).owner).toEqual({
        handles: ['@octo-org/ml-platform'],
        source: 'codeowners',
        file: '.github/CODEOWNERS',
        line: 1,
      });
      const ofCode = await train({ ...quick, code: 'examples/churn/train.mjs' });
      expect((await manifestOf(ofCode.outputs.manifest!)).owner).toMatchObject({
        handles: ['@alice'],
        line: 2,
      });
      const given = await train({ ...quick, owner: '@bob\nml-team@example.com, @octo-org/ml' });
      expect((await manifestOf(given.outputs.manifest!)).owner).toEqual({
        handles: ['@bob', 'ml-team@example.com', '@octo-org/ml'],
        source: 'input',
      });
      expect(given.outputs.fingerprint).toBe(fromFile.outputs.fingerprint);
      const bad = await train({ ...quick, owner: 'bob' });
      expectUserError(bad, /input "owner" has "bob", which is not a GitHub handle/);
    } finally {
      await rm(join(job.workspace, '.github'), { recursive: true, force: true });
    }
    const none = await train(quick);
    expect((await manifestOf(none.outputs.manifest!)).owner).toBeUndefined();
  });

  it('gives 50 and 50.0 different fingerprints (scikit-learn refuses n_estimators=50.0), and the same to 50.0 and 5.0e+1', async () => {
    const fingerprintOf = async (text: string) => {
      const config = await job.write('typed/config.yaml', text);
      const result = await train({
        config,
        code: 'examples/churn/train.mjs',
        run: 'mkdir -p typed && echo model > typed/model.bin',
        outputs: 'typed/model.bin',
      });
      expect(result.exitCode, result.errors.join()).toBe(0);
      return result.outputs.fingerprint;
    };
    const integer = await fingerprintOf('n_estimators: 50\n');
    const float = await fingerprintOf('n_estimators: 50.0\n');
    const text = await fingerprintOf('n_estimators: "50"\n');
    expect(float).not.toBe(integer);
    expect(text).not.toBe(integer);
    expect(text).not.toBe(float);
    expect(await fingerprintOf('n_estimators: 5.0e+1 # same float\n')).toBe(float);
    expect(await fingerprintOf('{"n_estimators": 50}')).toBe(integer);
  });

  it.each([
    [
      'a failing command',
      { run: 'echo training...; exit 3' },
      /The training command exited with code 3\./,
    ],
    [
      'an output the command did not write',
      { run: 'true', outputs: 'model/never.bin' },
      /the output "model\/never.bin" listed in "outputs" is missing/,
    ],
    ['no outputs', { outputs: ' ' }, /input "outputs"|Input "outputs" lists no files/],
    ['a missing config', { config: 'nope.yaml' }, /config file "nope.yaml" does not exist/],
    [
      'a config outside the workspace',
      { config: '../config.json' },
      /config file "\.\.\/config\.json".*outside/i,
    ],
    [
      'a working directory that is a file',
      { 'working-directory': 'examples/churn/config.json' },
      /working-directory|not a directory/,
    ],
    [
      'a seed out of range',
      { seed: '-1' },
      /input "seed" must be a whole number from 0 to 4294967295; got "-1"/,
    ],
  ])('ends with a clear error on %s', async (_case, overrides, pattern) => {
    const result = await train(overrides);
    expect(result.exitCode).toBe(1);
    expect(result.errors.at(-1)).toMatch(pattern);
    expect(result.errors.join()).not.toMatch(/bug in mlops-actions/);
  });
});
