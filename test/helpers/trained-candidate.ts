/**
 * A candidate model for the in-process promotion tests: the churn example trained in process by
 * train-model's run(), with a metrics report of the accuracy the test chooses.
 */
import { expect } from 'vitest';
import { trainModel } from '../../actions/train-model/src/run.js';
import type { StandIns } from '../../harness/stand-ins/index.js';
import type { exampleWorkspace } from '../actions/workspace.js';
import { runInProcess } from './in-process.js';

const TRAIN_COMMAND =
  'node examples/churn/train.mjs --train data/train.csv --eval data/eval.csv --model-out model/model.json --predictions-out model/predictions.csv';

export interface Candidate {
  manifest: string;
  metrics: string;
  version: string;
}

export async function trainedCandidate(
  job: Awaited<ReturnType<typeof exampleWorkspace>>,
  standIns: StandIns,
  seed: string,
  accuracy: number,
): Promise<Candidate> {
  const trained = await runInProcess(trainModel, {
    ...job,
    standIns,
    inputs: {
      'model-name': 'churn',
      run: TRAIN_COMMAND,
      config: 'examples/churn/config.json',
      outputs: 'model/model.json\nmodel/predictions.csv',
      seed,
    },
  });
  expect(trained.exitCode, trained.errors.join()).toBe(0);
  const metrics = await job.write(
    `metrics-${seed}.json`,
    JSON.stringify({
      format: 'mlops-actions/metrics-report@1',
      model: 'churn',
      version: trained.outputs.version,
      fingerprint: trained.outputs.fingerprint,
      metrics: { accuracy: { value: accuracy, n: 100 } },
    }),
  );
  return { manifest: trained.outputs.manifest!, metrics, version: trained.outputs.version! };
}
