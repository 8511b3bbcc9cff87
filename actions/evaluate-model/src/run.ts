import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createStepDir, type StepEnvironment } from '../../../shared/action/context.js';
import {
  artifactServiceAvailable,
  uploadMetricsArtifact,
} from '../../../shared/artifacts/model-artifact.js';
import { UserError } from '../../../shared/action/errors.js';
import type { ActionDefinition } from '../../../shared/action/run-action.js';
import type { Runner } from '../../../shared/action/runner.js';
import { confineFileInputs, stepConfinement } from '../../../shared/files/confine.js';
import { readStructuredFile } from '../../../shared/files/structured.js';
import { manifestSchema } from '../../../shared/lineage/manifest.js';
import {
  reportFromMetricsFile,
  reportFromPredictions,
} from '../../../shared/metrics/candidate-report.js';
import { METRICS_REPORT_FORMAT, metricValues } from '../../../shared/metrics/report.js';
import { renderEvaluationSummary } from '../../../shared/metrics/summary.js';
import { evaluationSource, inputs, type Inputs } from './inputs.js';
import type { OUTPUTS } from './outputs.js';

export const evaluateModel: ActionDefinition<typeof inputs> = {
  name: 'evaluate-model',
  inputs,
  async run(input: Inputs, runner: Runner, step: StepEnvironment) {
    const model = input['model-name'];
    await confineFileInputs(
      input,
      ['predictions', 'metrics', 'manifest'],
      await stepConfinement(step.workspace, step.tempDir),
    );
    const manifest = input.manifest
      ? await readStructuredFile(input.manifest, manifestSchema, 'manifest')
      : undefined;
    if (manifest && manifest.model.name !== model) {
      throw new UserError(
        `The manifest "${input.manifest}" is for model "${manifest.model.name}", but "model-name" is "${model}". Pass the manifest of the model you evaluate.`,
      );
    }
    const identity = {
      format: METRICS_REPORT_FORMAT,
      model,
      version: manifest?.model.version,
      fingerprint: manifest?.fingerprint,
    } as const;
    const source = evaluationSource(input);
    const report =
      'metrics' in source
        ? await reportFromMetricsFile(source.metrics, identity)
        : await reportFromPredictions(source, identity, runner);
    const dir = await createStepDir(step.tempDir, 'evaluate-model', model);
    const reportPath = join(dir, 'metrics.json');
    await writeFile(reportPath, JSON.stringify(report, null, 2) + '\n');

    const values = metricValues({ source: reportPath, metrics: report.metrics });
    runner.info(
      `Evaluated ${model}${report.evaluation ? ` on ${report.evaluation.rows} rows` : ''}: ${Object.entries(
        values,
      )
        .filter(([name]) => !/^(precision|recall|f1)\./.test(name))
        .map(([name, value]) => `${name}=${value.toPrecision(6)}`)
        .join(', ')}`,
    );
    for (const [name, why] of Object.entries(report.skipped ?? {}))
      runner.info(`Not computed: ${name}: ${why}`);
    runner.appendSummary(renderEvaluationSummary(report));
    const artifact =
      report.version && artifactServiceAvailable(step.env)
        ? await uploadMetricsArtifact({
            model,
            version: report.version,
            reportPath,
            stagingDir: join(dir, 'artifact'),
            log: runner,
          })
        : undefined;
    const set = (name: (typeof OUTPUTS)[number], value: string) => runner.setOutput(name, value);
    set('metrics', reportPath);
    set('summary', JSON.stringify(values));
    set('artifact-name', artifact?.name ?? '');
  },
};
