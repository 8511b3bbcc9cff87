/**
 * Start-up cost of each action bundle: spawn to exit on a trivial input (a three-row file,
 * the example's YAML schema and gates), as a ratio to `node -e 0` measured in the same run.
 * Runs are interleaved and shuffled round by round, so that drift on a busy machine hits
 * every command alike; the median of each is reported.
 */
import { spawn } from 'node:child_process';
import { cp, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { commitCheckout } from '../../harness/runner/checkout.js';
import {
  prepareStep,
  REPOSITORY_ROOT,
  runBundle,
  type PreparedStep,
} from '../../harness/runner/run-bundle.js';

export interface StartupRow {
  command: string;
  medianMs: number;
  ratio: number;
}

const TARGET_RATIO = 3.5;

async function trivialSteps(root: string): Promise<Record<string, PreparedStep>> {
  const job = { workspace: join(root, 'workspace'), runnerTemp: join(root, 'temp') };
  await mkdir(join(job.workspace, 'data'), { recursive: true });
  await mkdir(job.runnerTemp, { recursive: true });
  await cp(join(REPOSITORY_ROOT, 'examples', 'churn'), join(job.workspace, 'examples', 'churn'), {
    recursive: true,
  });
  // A checkout of its own, as on a runner: train-model fingerprints its git tree.
  commitCheckout(job.workspace);
  const header =
    'customer_id,tenure_months,monthly_charges,contract,support_calls,signup_date,churned';
  await writeFile(
    join(job.workspace, 'data', 'tiny.csv'),
    `${header}\n1,3,20.50,one-year,0,2020-01-02,0\n2,40,99.99,two-year,3,2021-05-06,1\n3,12,55.00,month-to-month,1,2022-07-08,0\n`,
  );
  await writeFile(
    join(job.workspace, 'data', 'predictions.csv'),
    'label,prediction\n1,1\n0,0\n0,0\n',
  );
  const trainInputs = {
    'model-name': 'tiny',
    run: 'mkdir -p model && echo "{}" > model/model.json',
    config: 'examples/churn/config.json',
    outputs: 'model/model.json',
  };
  const trained = await runBundle('train-model', { ...job, inputs: trainInputs });
  const evaluated = await runBundle('evaluate-model', {
    ...job,
    inputs: {
      'model-name': 'tiny',
      predictions: 'data/predictions.csv',
      task: 'binary',
      manifest: trained.outputs.manifest!,
    },
  });
  if (trained.exitCode !== 0 || evaluated.exitCode !== 0)
    throw new Error(`Could not prepare the bench inputs:\n${trained.stdout}\n${evaluated.stdout}`);
  const steps = {
    // fail-on: never, as three rows are fewer than the example schema's ml.rowCount asks for.
    'validate-data': await prepareStep('validate-data', {
      ...job,
      inputs: { data: 'data/tiny.csv', schema: 'examples/churn/schema.yaml', 'fail-on': 'never' },
    }),
    'train-model': await prepareStep('train-model', { ...job, inputs: trainInputs }),
    'evaluate-model': await prepareStep('evaluate-model', {
      ...job,
      inputs: { 'model-name': 'tiny', predictions: 'data/predictions.csv', task: 'binary' },
    }),
    // A push: on a pull request the gate policy would be read from the base branch through the API.
    'compare-metrics': await prepareStep('compare-metrics', {
      ...job,
      event: { name: 'push', payload: { ref: 'refs/heads/main' } },
      inputs: {
        'model-name': 'tiny',
        metrics: evaluated.outputs.metrics!,
        baseline: evaluated.outputs.metrics!,
        gates: 'examples/churn/gates.yaml',
        comment: 'false',
      },
    }),
    'promote-model': await prepareStep('promote-model', {
      ...job,
      inputs: {
        'model-name': 'tiny',
        environment: 'staging',
        manifest: trained.outputs.manifest!,
        metrics: evaluated.outputs.metrics!,
        gates: 'examples/churn/gates.yaml',
      },
    }),
  };
  // Start-up, not network work: without the artifact service train-model and evaluate-model
  // skip their uploads, and without a repository promote-model and compare-metrics read no
  // registry, as they do outside a runner.
  for (const step of Object.values(steps)) {
    delete step.env.ACTIONS_RUNTIME_TOKEN;
    delete step.env.ACTIONS_RESULTS_URL;
    delete step.env.GITHUB_REPOSITORY;
  }
  return steps;
}

/** Spawn to exit, asynchronously: the stand-ins live in this process and must keep answering. */
function timeSpawn(
  args: string[],
  cwd: string | undefined,
  env: Record<string, string>,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(performance.now() - started)
        : reject(new Error(`${args.join(' ')} exited with ${code}: ${output}`)),
    );
  });
}

/** A seeded shuffle, so interleaved benchmark rounds run in an order that does not favour one command. */
export function shuffle<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function benchStartup(root: string, rounds: number): Promise<StartupRow[]> {
  const steps = await trivialSteps(root);
  // @actions/core arrives with @actions/artifact and @actions/cache; the row shows what the
  // runner adapter in shared/action/runner.ts saves by not loading it on every start.
  const coreEntry = import.meta.resolve('@actions/core');
  const commands: Record<string, { args: string[]; cwd?: string; env?: Record<string, string> }> = {
    'node -e 0': { args: ['-e', '0'] },
    'import @actions/core (reference)': {
      args: ['--input-type=module', '-e', `await import(${JSON.stringify(coreEntry)})`],
    },
    ...Object.fromEntries(
      Object.entries(steps).map(([name, step]) => [
        name,
        { args: [step.script], cwd: step.cwd, env: step.env },
      ]),
    ),
  };
  const times: Record<string, number[]> = Object.fromEntries(
    Object.keys(commands).map((name) => [name, []]),
  );
  for (let round = 0; round < rounds + 2; round++) {
    for (const name of shuffle(Object.keys(commands), round + 1)) {
      const { args, cwd, env } = commands[name]!;
      const elapsed = await timeSpawn(args, cwd, env ?? { PATH: process.env.PATH ?? '' });
      if (round >= 2) times[name]!.push(elapsed); // two warm-up rounds fill the page cache
    }
  }
  const baseline = median(times['node -e 0']!);
  return Object.entries(times).map(([command, values]) => ({
    command,
    medianMs: median(values),
    ratio: median(values) / baseline,
  }));
}

export function renderStartup(rows: StartupRow[], rounds: number): string {
  const lines = [
    `Start-up, spawn to exit on a trivial input (median of ${rounds} interleaved rounds, ${process.version}); target ≤ ${TARGET_RATIO}x node -e 0`,
    '',
  ];
  lines.push(
    `${'command'.padEnd(34)} ${'median ms'.padStart(10)} ${'x node -e 0'.padStart(12)}  verdict`,
  );
  for (const row of rows) {
    const bundle = !row.command.includes(' ');
    const verdict = bundle ? (row.ratio <= TARGET_RATIO ? 'within target' : 'OVER TARGET') : '';
    lines.push(
      `${row.command.padEnd(34)} ${row.medianMs.toFixed(1).padStart(10)} ${row.ratio.toFixed(2).padStart(11)}x  ${verdict}`,
    );
  }
  return lines.join('\n');
}
