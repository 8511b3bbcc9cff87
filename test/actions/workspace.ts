import { execFileSync } from 'node:child_process';
import { cp, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import { commitCheckout } from '../../harness/runner/checkout.js';
import {
  REPOSITORY_ROOT,
  runBundle,
  type RunOptions,
  type RunResult,
} from '../../harness/runner/run-bundle.js';
import { tempDir } from '../helpers/temp-dir.js';
import { BOUNDED_CHILD } from '../../harness/runner/bounded-child.js';

/** A job workspace: a git checkout of the example project, with a small data set generated beside it. */
export async function exampleWorkspace(): Promise<{
  workspace: string;
  runnerTemp: string;
  write: (path: string, text: string | Buffer) => Promise<string>;
}> {
  const root = await tempDir('mlops-bundle-');
  const workspace = join(root, 'workspace');
  const runnerTemp = join(root, 'temp');
  await mkdir(runnerTemp, { recursive: true });
  await cp(join(REPOSITORY_ROOT, 'examples', 'churn'), join(workspace, 'examples', 'churn'), {
    recursive: true,
  });
  commitCheckout(workspace);
  execFileSync(
    process.execPath,
    [
      'examples/churn/generate-data.mjs',
      '--out',
      'data',
      '--rows-train',
      '400',
      '--rows-eval',
      '200',
    ],
    { cwd: workspace, stdio: 'ignore', ...BOUNDED_CHILD },
  );
  const write = async (path: string, text: string | Buffer) => {
    await mkdir(dirname(join(workspace, path)), { recursive: true });
    await writeFile(join(workspace, path), text);
    return path;
  };
  return { workspace, runnerTemp, write };
}

export function run(
  action: string,
  job: { workspace: string; runnerTemp: string },
  inputs: Record<string, string>,
  extra: Partial<RunOptions> = {},
): Promise<RunResult> {
  return runBundle(action, {
    workspace: job.workspace,
    runnerTemp: job.runnerTemp,
    inputs,
    ...extra,
  });
}

/** The user-facing contract of a failed step: exit 1, one error paragraph that says `pattern`, no stack trace. */
export function expectUserError(result: RunResult, pattern: RegExp): void {
  const errors = result.annotations.filter((a) => a.command === 'error');
  expect(result.exitCode, result.stdout + result.stderr).toBe(1);
  expect(errors.map((e) => e.message).join(' | ')).toMatch(pattern);
  const last = errors.at(-1)!;
  expect(last.message).not.toContain('\n');
  expect(last.message).not.toMatch(/bug in mlops-actions/);
  expect(result.stdout + result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  // Node's own deprecation notices from dependencies (unzip code on a damaged archive) may appear;
  // nothing else may.
  expect(
    result.stderr.replace(
      /^\(node:\d+\) \[DEP\d+\] DeprecationWarning: .*\n|^\(Use `node --trace-deprecation .*\n/gm,
      '',
    ),
  ).toBe('');
}

/**
 * A model trained by the train-model bundle in `job` (the churn example, seed 1), with a metrics
 * report beside it: what the promotion bundle tests promote.
 */
export async function trainedByBundle(
  job: Awaited<ReturnType<typeof exampleWorkspace>>,
  standIns: RunOptions['standIns'],
): Promise<{ manifest: string; metrics: string; version: string }> {
  const result = await run(
    'train-model',
    job,
    {
      'model-name': 'churn',
      run: 'node examples/churn/train.mjs --train data/train.csv --eval data/eval.csv --model-out model/model.json --predictions-out model/predictions.csv',
      config: 'examples/churn/config.json',
      outputs: 'model/model.json\nmodel/predictions.csv',
      seed: '1',
    },
    { standIns },
  );
  expect(result.exitCode, result.stdout).toBe(0);
  const metrics = await job.write(
    'metrics.json',
    JSON.stringify({
      format: 'mlops-actions/metrics-report@1',
      model: 'churn',
      version: result.outputs.version,
      fingerprint: result.outputs.fingerprint,
      metrics: { accuracy: { value: 0.8, n: 100 } },
    }),
  );
  return { manifest: result.outputs.manifest!, metrics, version: result.outputs.version! };
}
