import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createStepDir, type StepEnvironment } from '../../../shared/action/context.js';
import { artifactServiceAvailable, uploadMetricsArtifact } from '../../../shared/artifacts/model-artifact.js';
import { InputError, UserError } from '../../../shared/action/errors.js';
import type { ActionDefinition } from '../../../shared/action/run-action.js';
import type { Runner } from '../../../shared/action/runner.js';
import { formatFromPath } from '../../../shared/data/records.js';
import { confineFileInputs, stepConfinement } from '../../../shared/files/confine.js';
import { sha256File } from '../../../shared/files/hash.js';
import { readStructuredFile } from '../../../shared/files/structured.js';
import { manifestSchema } from '../../../shared/lineage/manifest.js';
import { BOOTSTRAP_METHOD } from '../../../shared/metrics/bootstrap.js';
import { evaluatePredictions } from '../../../shared/metrics/evaluate.js';
import type { PredictionSpec, ScoreColumn } from '../../../shared/metrics/predictions.js';
import { loadMetrics, METRICS_REPORT_FORMAT, metricValues, type MetricsReport } from '../../../shared/metrics/report.js';
import { renderEvaluationSummary } from '../../../shared/metrics/summary.js';
import { inputs, type Inputs } from './inputs.js';
import type { OUTPUTS } from './outputs.js';

export const evaluateModel: ActionDefinition<typeof inputs> = {
  name: 'evaluate-model',
  inputs,
  async run(input: Inputs, runner: Runner, step: StepEnvironment) {
    const model = input['model-name'];
    await confineFileInputs(input, ['predictions', 'metrics', 'manifest'], await stepConfinement(step.workspace, step.tempDir));
    const manifest = input.manifest ? await readStructuredFile(input.manifest, manifestSchema, 'manifest') : undefined;
    if (manifest && manifest.model.name !== model) {
      throw new UserError(`The manifest "${input.manifest}" is for model "${manifest.model.name}", but "model-name" is "${model}". Pass the manifest of the model you evaluate.`);
    }
    const identity = { format: METRICS_REPORT_FORMAT, model, version: manifest?.model.version, fingerprint: manifest?.fingerprint } as const;
    const report: MetricsReport = input.metrics ? await fromMetricsFile(input, identity) : await fromPredictions(input, identity, runner);
    const dir = await createStepDir(step.tempDir, 'evaluate-model', model);
    const reportPath = join(dir, 'metrics.json');
    await writeFile(reportPath, JSON.stringify(report, null, 2) + '\n');

    const values = metricValues({ source: reportPath, metrics: report.metrics });
    runner.info(`Evaluated ${model}${report.evaluation ? ` on ${report.evaluation.rows} rows` : ''}: ${Object.entries(values).filter(([name]) => !/^(precision|recall|f1)\./.test(name)).map(([name, value]) => `${name}=${value.toPrecision(6)}`).join(', ')}`);
    runner.appendSummary(renderEvaluationSummary(report));
    const artifact =
      report.version && artifactServiceAvailable(step.env)
        ? await uploadMetricsArtifact({ model, version: report.version, reportPath, stagingDir: join(dir, 'artifact'), log: runner })
        : undefined;
    const set = (name: (typeof OUTPUTS)[number], value: string) => runner.setOutput(name, value);
    set('metrics', reportPath);
    set('summary', JSON.stringify(values));
    set('artifact-name', artifact?.name ?? '');
  },
};

type Identity = Pick<MetricsReport, 'format' | 'model' | 'version' | 'fingerprint'>;

/** Inputs that describe a predictions file, and so mean nothing beside `metrics`. */
const PREDICTION_INPUTS = ['predictions', 'task', 'score-columns', 'weight-column', 'slices'] as const;

async function fromMetricsFile(input: Inputs, identity: Identity): Promise<MetricsReport> {
  const conflicting = PREDICTION_INPUTS.filter((name) => input[name] !== undefined);
  if (conflicting.length) throw new InputError(`Input "metrics" takes a metrics file your own code wrote, so ${conflicting.map((n) => `"${n}"`).join(', ')} cannot be set beside it: give either "metrics" or "predictions".`);
  const loaded = await loadMetrics(input.metrics!, 'metrics file');
  return { ...identity, metrics: loaded.metrics, slices: {} };
}

async function fromPredictions(input: Inputs, identity: Identity, runner: Runner): Promise<MetricsReport> {
  if (!input.predictions) throw new InputError('Give either "predictions" (a predictions file to compute metrics from) or "metrics" (a metrics file your own code wrote).');
  if (!input.task) throw new InputError('Input "task" is required with "predictions": binary, multiclass or regression.');
  const format = formatFromPath(input.predictions);
  if (!format) throw new UserError(`Cannot tell the format of the predictions file "${input.predictions}" from its extension: use .csv, .tsv, .jsonl (optionally .gz) or .parquet.`);
  const spec: PredictionSpec = {
    task: input.task,
    label: input['label-column'],
    prediction: input['prediction-column'],
    positive: input.task === 'binary' ? input['positive-label'] : undefined,
    scores: input['score-columns'] && scoreColumns(input['score-columns'], input.task, input['positive-label']),
    weight: input['weight-column'],
    slices: input.slices,
  };
  const bootstrap = input.bootstrap > 0 ? { resamples: input.bootstrap, confidence: input.confidence, seed: input['bootstrap-seed'] } : undefined;
  const evaluation = await evaluatePredictions(input.predictions, format, spec, { bootstrap, minSliceSize: input['min-slice-size'] });
  for (const warning of evaluation.warnings) runner.warning(warning);
  const ran = evaluation.bootstrap;
  return {
    ...identity,
    task: input.task,
    evaluation: { predictions: input.predictions, predictionsSha256: await sha256File(input.predictions, 'predictions file'), dataSha256: evaluation.labelsSha256, rows: evaluation.rows },
    metrics: evaluation.metrics,
    slices: evaluation.slices,
    sliceSummary: evaluation.sliceSummary,
    confusionMatrix: evaluation.confusion,
    bootstrap: ran && { method: BOOTSTRAP_METHOD, ...ran, ...(ran.resamples < input.bootstrap ? { requested: input.bootstrap } : {}) },
  };
}

/** `score-columns` lines: `<class>=<column>`, or a bare column named as its class (binary: the positive class). */
function scoreColumns(lines: readonly string[], task: 'binary' | 'multiclass' | 'regression', positive: string): ScoreColumn[] {
  if (task === 'regression') throw new InputError('Input "score-columns" holds class probabilities; a regression task has none. Leave it empty.');
  const columns = lines.map((line) => {
    const split = line.indexOf('=');
    return split === -1 ? { class: task === 'binary' ? positive : line, column: line } : { class: line.slice(0, split).trim(), column: line.slice(split + 1).trim() };
  });
  if (task === 'binary') {
    if (columns.length !== 1) throw new InputError(`For a binary task, input "score-columns" is one column, the probability of the positive class "${positive}"; got ${columns.length}.`);
    if (columns[0]!.class !== positive) throw new InputError(`Input "score-columns" gives the probability of class "${columns[0]!.class}", but the positive class ("positive-label") is "${positive}". Give the positive class's probability.`);
  }
  const repeated = columns.find((c, i) => columns.findIndex((d) => d.class === c.class) !== i);
  if (repeated) throw new InputError(`Input "score-columns" lists class "${repeated.class}" twice.`);
  return columns;
}
