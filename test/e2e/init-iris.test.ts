/**
 * The quick start (docs/quick-start.md), exactly: a scratch git repository made from the iris
 * example's layout, with no workflows; `mlops-actions init` with flags (as in CI, no questions);
 * then the workflows init wrote, read from its files and run job by job through the harness
 * (init-workflows.ts): a pull request before anything is in production, the release that seeds
 * production through staging, and the pull request again, now gated against production. No file
 * init wrote is edited. Needs scikit-learn for /usr/bin/python3, as python-sklearn.test.ts does.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmod, cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitCheckout } from '../../harness/runner/checkout.js';
import { pullRequestEvent } from '../../harness/runner/events.js';
import { REPOSITORY_ROOT } from '../../harness/runner/run-bundle.js';
import { StandIns } from '../../harness/stand-ins/index.js';
import { tempDir } from '../helpers/temp-dir.js';
import { readWorkflow, runWorkflow, type StepRun } from './init-workflows.js';
import { BOUNDED_CHILD } from '../../harness/runner/bounded-child.js';

const PYTHON = '/usr/bin/python3';
const hasSklearn =
  spawnSync(PYTHON, ['-c', 'import sklearn'], { encoding: 'utf8', ...BOUNDED_CHILD }).status === 0;
const optedOut = process.env.MLOPS_ACTIONS_ALLOW_NO_SKLEARN === '1';

/** The quick start's init command, word for word (docs/quick-start.md shows the same flags). */
const QUICK_START_FLAGS = [
  '--model-name',
  'iris',
  '--train-command',
  'python examples/iris-sklearn/train.py --out model',
  '--outputs',
  'model/model.pkl',
  '--outputs',
  'model/predictions.csv',
  '--task',
  'multiclass',
  '--score-columns',
  'setosa=proba_setosa',
  '--score-columns',
  'versicolor=proba_versicolor',
  '--score-columns',
  'virginica=proba_virginica',
  '--slices',
  'petal_size',
];

/** The repository's files as the base branch holds them (compare-metrics reads the policy there). */
function committedFiles(repository: string): Record<string, string> {
  const names = execFileSync('git', ['ls-files'], {
    cwd: repository,
    encoding: 'utf8',
    ...BOUNDED_CHILD,
  })
    .split('\n')
    .filter(Boolean);
  return Object.fromEntries(
    names.map((name) => [
      name,
      execFileSync('git', ['show', `HEAD:${name}`], {
        cwd: repository,
        encoding: 'utf8',
        ...BOUNDED_CHILD,
      }),
    ]),
  );
}

describe('docs/quick-start.md', () => {
  it('runs init with exactly the flags this test gives it', async () => {
    const doc = await readFile(join(REPOSITORY_ROOT, 'docs', 'quick-start.md'), 'utf8');
    const block = /```sh\n(npx mlops-actions init[^`]*)```/.exec(doc)?.[1];
    expect(block, 'the quick start shows the init command').toBeDefined();
    // Shell words of the command, as bash would split them (single quotes, line continuations).
    const words = [...block!.replace(/\\\n/g, ' ').matchAll(/'([^']*)'|(\S+)/g)].map(
      (m) => m[1] ?? m[2],
    );
    expect(words.slice(0, 3)).toEqual(['npx', 'mlops-actions', 'init']);
    expect(words.slice(3)).toEqual(QUICK_START_FLAGS);
  });
});

const result = (runs: StepRun[], job: string, step: string) =>
  runs.find((run) => run.job === job && run.step === step)?.result;

/**
 * A `python` for the workflows' steps, as actions/setup-python gives one: Debian's python3, which
 * has scikit-learn; `python -m pip install` succeeds without downloading (the packages are there).
 */
async function pythonTool(root: string): Promise<string> {
  const folder = join(root, 'bin');
  await mkdir(folder, { recursive: true });
  await writeFile(
    join(folder, 'python'),
    `#!/bin/sh\nif [ "$1" = -m ] && [ "$2" = pip ]; then echo "pip: installed already"; exit 0; fi\nexec ${PYTHON} "$@"\n`,
  );
  await chmod(join(folder, 'python'), 0o755);
  return folder;
}

/** The quick start, from the scratch repository to the second pull request's comment. */
async function quickStart(extraFlags: string[]) {
  const standIns = await StandIns.start();
  try {
    const root = await tempDir('mlops-init-e2e-');
    const repository = join(root, 'repository');
    await cp(
      join(REPOSITORY_ROOT, 'examples', 'iris-sklearn'),
      join(repository, 'examples', 'iris-sklearn'),
      { recursive: true },
    );
    commitCheckout(repository);

    // init, as CI would run it: no terminal, every answer a flag.
    const init = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'cli/src/index.ts',
        'init',
        '--dir',
        repository,
        ...QUICK_START_FLAGS,
        ...extraFlags,
      ],
      {
        cwd: REPOSITORY_ROOT,
        encoding: 'utf8',
        env: { ...process.env, CI: 'true' },
        ...BOUNDED_CHILD,
      },
    );
    expect(init.status, init.stderr).toBe(0);
    for (const path of [
      'mlops/gates.yaml',
      '.github/workflows/model-check.yml',
      '.github/workflows/model-release.yml',
      '.github/workflows/model-comment.yml',
    ])
      expect(init.stdout).toContain(`created      ${path}`);
    expect(init.stdout).toContain('[ ] Create the environments `staging` and `production`');
    execFileSync('git', ['add', '-A'], { cwd: repository, ...BOUNDED_CHILD });
    execFileSync(
      'git',
      ['-c', 'user.name=t', '-c', 'user.email=t@t.invalid', 'commit', '-q', '-m', 'init'],
      { cwd: repository, ...BOUNDED_CHILD },
    );

    // GitHub's copy of the repository: the base branch and the pull request's merge commit.
    const files = committedFiles(repository);
    const base = (pullRequestEvent() as { pull_request: { base: { sha: string } } }).pull_request
      .base.sha;
    standIns.github.commitFiles(base, files);
    standIns.github.commitFiles('ec26c3e57ca3a959ca5aad62de7213c562f8c821', files);

    const context = { repository, root, standIns, toolPath: await pythonTool(root) };
    const check = await readWorkflow(join(repository, '.github/workflows/model-check.yml'));
    const release = await readWorkflow(join(repository, '.github/workflows/model-release.yml'));

    // 1. A pull request before anything is in production: passes with a warning, says so.
    standIns.newRun();
    const first = await runWorkflow(check, context, 'pr-1');
    expect(result(first, 'compare', 'Compare with production')!.outputs.verdict).toBe('warn');

    // 2. The release that seeds production: staging, then the same artifact to production.
    standIns.newRun();
    const released = await runWorkflow(
      release,
      { ...context, inputs: { version: 'v1.0.0' } },
      'release',
    );
    const trained = result(released, 'build', 'Train the model')!;
    const promoted = result(released, 'production', 'Promote to production')!;
    expect(promoted.outputs.version).toBe(trained.outputs.version);
    const production = standIns.github.deployments.find(
      (d) => String(d.id) === promoted.outputs['deployment-id'],
    );
    expect(production).toMatchObject({
      task: 'model:iris',
      environment: 'production',
      payload: { version: trained.outputs.version },
    });

    // 3. The pull request again: now judged against the model in production, in the one comment.
    standIns.newRun();
    const second = await runWorkflow(check, context, 'pr-2');
    expect(result(second, 'compare', 'Compare with production')!.outputs).toMatchObject({
      verdict: 'pass',
      'baseline-version': trained.outputs.version,
    });
    const comments = standIns.github.comments.get(2) ?? [];
    expect(comments).toHaveLength(1);
    const body = comments[0]!.body as string;
    expect(body).toContain('### iris');
    expect(body).toContain(
      `Compared with \`${trained.outputs.version}\`, the model in \`production\``,
    );
    expect(body).toContain('Judged by the gate policy `mlops/gates.yaml` of the base branch');
    // The files init wrote are the committed ones, untouched by the runs.
    expect(await readFile(join(repository, 'mlops/gates.yaml'), 'utf8')).toBe(
      files['mlops/gates.yaml'],
    );
    expect(standIns.violations()).toEqual([]);
    return { check };
  } finally {
    await standIns.stop();
  }
}

describe.skipIf(!hasSklearn && optedOut)(
  'init in a scratch repository of the iris layout, then its workflows through the harness',
  // Three workflow runs, training in Python three times: about 45 s on an idle two-core machine.
  { timeout: 400_000 },
  () => {
    it('gives a gated comment and a production deployment with no hand edits', async () => {
      expect(hasSklearn, `${PYTHON} cannot import scikit-learn`).toBe(true);
      const { check } = await quickStart([]);
      expect(check.jobs.model!.steps.length).toBeGreaterThan(5);
    });

    it('does the same with --reusable, through the reusable workflows of this checkout', async () => {
      expect(hasSklearn, `${PYTHON} cannot import scikit-learn`).toBe(true);
      const { check } = await quickStart(['--reusable']);
      expect(check.jobs.check!.uses).toBe(
        'mlops-actions/mlops-actions/.github/workflows/model-check.yml@v1',
      );
    });
  },
);
