/**
 * The promise for every action: a missing file, malformed YAML or JSON, or an unknown input
 * value ends the step with exit code 1 and one paragraph naming the file or input, never a
 * stack trace.
 */
import { describe, it } from 'vitest';
import { exampleWorkspace, expectUserError, run } from './workspace.js';

const job = await exampleWorkspace();
await job.write('broken.yaml', 'metrics:\n  accuracy:\n    direction: higher\n   level: warn\n');
await job.write('broken.json', '{"format": "mlops-actions/model-manifest@1",\n  "model": }\n');
await job.write('metrics.json', '{"accuracy": 0.9}');

const validate = { data: 'data/train.csv', schema: 'examples/churn/schema.yaml' };
const train = {
  'model-name': 'churn',
  run: 'true',
  config: 'examples/churn/config.json',
  outputs: 'x',
};
const evaluate = {
  'model-name': 'churn',
  predictions: 'data/eval.csv',
  task: 'binary',
  'label-column': 'churned',
  'prediction-column': 'churned',
};
const compare = { 'model-name': 'churn', metrics: 'metrics.json' };
const promote = {
  'model-name': 'churn',
  environment: 'staging',
  manifest: 'broken.json',
  metrics: 'metrics.json',
};

const cases: [action: string, problem: string, inputs: Record<string, string>, message: RegExp][] =
  [
    [
      'validate-data',
      'a missing file',
      { ...validate, schema: 'missing.yaml' },
      /schema file "missing.yaml" does not exist/,
    ],
    [
      'validate-data',
      'malformed YAML',
      { ...validate, schema: 'broken.yaml' },
      /schema file "broken.yaml" is not valid YAML at line 4/,
    ],
    [
      'validate-data',
      'an unknown input value',
      { ...validate, 'fail-on': 'always' },
      /input "fail-on" must be one of error, warning, never; got "always"/,
    ],
    [
      'train-model',
      'a missing file',
      { ...train, data: 'data/missing.csv' },
      /data file "data\/missing.csv" does not exist/,
    ],
    [
      'train-model',
      'malformed YAML',
      { ...train, config: 'broken.yaml' },
      /config file "broken.yaml" is not valid YAML at line 4/,
    ],
    [
      'train-model',
      'an unknown input value',
      { ...train, seed: 'random' },
      /input "seed" must be a whole number from 0 to 4294967295; got "random"/,
    ],
    [
      'evaluate-model',
      'a missing file',
      { ...evaluate, predictions: 'missing.csv' },
      /data file "missing.csv" does not exist/,
    ],
    [
      'evaluate-model',
      'malformed JSON',
      { ...evaluate, manifest: 'broken.json' },
      /manifest "broken.json" is not valid JSON: .* at line 2, column \d+/,
    ],
    [
      'evaluate-model',
      'an unknown input value',
      { ...evaluate, task: 'clustering' },
      /input "task" must be one of binary, multiclass, regression; got "clustering"/,
    ],
    [
      'compare-metrics',
      'a missing file',
      { ...compare, baseline: 'missing.json' },
      /baseline metrics file "missing.json" does not exist/,
    ],
    [
      'compare-metrics',
      'malformed YAML',
      { ...compare, gates: 'broken.yaml' },
      /gate policy "broken.yaml" is not valid YAML at line 4/,
    ],
    [
      'compare-metrics',
      'an unknown input value',
      { ...compare, 'fail-on-regression': 'maybe' },
      /input "fail-on-regression" must be true or false; got "maybe"/,
    ],
    [
      'promote-model',
      'a missing file',
      { ...promote, manifest: 'missing.json' },
      /manifest "missing.json" does not exist/,
    ],
    [
      'promote-model',
      'malformed JSON',
      promote,
      /manifest "broken.json" is not valid JSON: .* at line 2/,
    ],
    [
      'promote-model',
      'an unknown input value',
      { ...promote, environment: 'prod/eu' },
      /input "environment" must start with a letter or digit and use only letters, digits, ".", "_" and "-" .*; got "prod\/eu"/,
    ],
  ];

describe('bad input', () => {
  it.each(cases)(
    '%s: %s ends with one clear paragraph',
    async (action, _problem, inputs, message) => {
      expectUserError(await run(action, job, inputs), message);
    },
  );
});
