import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createStepDir, runnerTempDir } from '../../../shared/action/context.js';
import { artifactServiceAvailable, uploadMetricsArtifact } from '../../../shared/artifacts/model-artifact.js';
import { UserError } from '../../../shared/action/errors.js';
import type { ActionDefinition } from '../../../shared/action/run-action.js';
import type { Runner } from '../../../shared/action/runner.js';
import { formatFromExtension } from '../../../shared/data/delimited.js';
import { sha256File } from '../../../shared/files/hash.js';
import { readStructuredFile } from '../../../shared/files/structured.js';
import { manifestSchema } from '../../../shared/lineage/manifest.js';
import { escapeMarkdown, markdownTable } from '../../../shared/markdown/escape.js';
import { evaluatePredictions } from '../../../shared/metrics/evaluate.js';
import { METRICS_REPORT_FORMAT, metricValues, type MetricsReport } from '../../../shared/metrics/report.js';
import { inputs, type Inputs } from './inputs.js';
import type { OUTPUTS } from './outputs.js';

export const evaluateModel: ActionDefinition<typeof inputs> = {
  name: 'evaluate-model',
  inputs,
  async run(input: Inputs, runner: Runner) {
    const model = input['model-name'];
    const manifest = input.manifest ? await readStructuredFile(input.manifest, manifestSchema, 'manifest') : undefined;
    if (manifest && manifest.model.name !== model) {
      throw new UserError(`The manifest "${input.manifest}" is for model "${manifest.model.name}", but "model-name" is "${model}". Pass the manifest of the model you evaluate.`);
    }
    const format = formatFromExtension(input.predictions);
    if (!format) throw new UserError(`Cannot tell the format of the predictions file "${input.predictions}" from its extension: use .csv or .tsv (optionally .gz).`);

    const { rows, labelsSha256, metrics } = await evaluatePredictions(input.predictions, format, input.task, { label: input['label-column'], prediction: input['prediction-column'] });
    const report: MetricsReport = {
      format: METRICS_REPORT_FORMAT,
      model,
      version: manifest?.model.version,
      fingerprint: manifest?.fingerprint,
      task: input.task,
      evaluation: { predictions: input.predictions, predictionsSha256: await sha256File(input.predictions, 'predictions file'), dataSha256: labelsSha256, rows },
      metrics,
      slices: {},
    };
    const dir = await createStepDir(runnerTempDir(), 'evaluate-model', model);
    const reportPath = join(dir, 'metrics.json');
    await writeFile(reportPath, JSON.stringify(report, null, 2) + '\n');

    const values = metricValues({ source: reportPath, metrics });
    runner.info(`Evaluated ${model} on ${rows} rows: ${Object.entries(values).map(([name, value]) => `${name}=${value.toPrecision(6)}`).join(', ')}`);
    runner.appendSummary(
      [
        `### 📏 ${escapeMarkdown(model)}${report.version ? ` version \`${report.version}\`` : ''} on ${rows} examples (${input.task})`,
        markdownTable(['Metric', 'Value', 'n'], Object.entries(metrics).map(([name, metric]) => [escapeMarkdown(name), metric.value.toPrecision(6), String(metric.n)])),
      ].join('\n\n'),
    );
    const artifact =
      report.version && artifactServiceAvailable()
        ? await uploadMetricsArtifact({ model, version: report.version, reportPath, stagingDir: join(dir, 'artifact'), log: runner })
        : undefined;
    const set = (name: (typeof OUTPUTS)[number], value: string) => runner.setOutput(name, value);
    set('metrics', reportPath);
    set('summary', JSON.stringify(values));
    set('artifact-name', artifact?.name ?? '');
  },
};
