import { z } from 'zod';
import { UserError } from '../../../shared/action/errors.js';
import {
  artifactName,
  environmentName,
  flag,
  modelName,
  modelVersion,
  text,
} from '../../../shared/action/inputs.js';
import type { CandidateSource } from '../../../shared/registry/candidate-files.js';

export const inputs = z.object({
  'model-name': modelName(),
  environment: environmentName(),
  manifest: text().optional(),
  artifact: artifactName().optional(),
  'run-id': z
    .string()
    .regex(/^[1-9][0-9]{0,18}$/, {
      error: 'must be the numeric id of a workflow run, e.g. ${{ github.event.workflow_run.id }}',
    })
    .transform(Number)
    .optional(),
  metrics: text().optional(),
  version: modelVersion().optional(),
  gates: text().optional(),
  profile: text().optional(),
  'override-reason': text().optional(),
  ref: z
    .string()
    .regex(/^[0-9a-f]{40}$/, { error: 'must be the full 40-character SHA of a commit' })
    .optional(),
  'dry-run': flag(),
  'approved-digest': z
    .string()
    .regex(/^sha256:[0-9a-f]{64}$/, {
      error:
        'must be the comparison-digest output of the promote-model check before the approval (dry-run: true), "sha256:" and 64 hex digits, e.g. ${{ needs.check.outputs.comparison-digest }}',
    })
    .optional(),
  'github-token': text(),
  'working-directory': text(),
});

export type Inputs = z.output<typeof inputs>;

/** A dry run is the check before the approval; the approved digest belongs to the promotion after it. */
export function refuseDryRunWithDigest(input: Inputs): void {
  if (input['dry-run'] && input['approved-digest'])
    throw new UserError(
      'Give "approved-digest" to the promotion after the approval, not to the check before it: with "dry-run: true" nothing is promoted, so there is nothing to bind. Remove one of the two.',
    );
}

/** Where the model comes from, by the inputs given: a manifest, an artifact (of this run or another), or a release. */
export function candidateSource(input: Inputs): CandidateSource {
  const { manifest, artifact, metrics, version } = input;
  const runId = input['run-id'];
  if (manifest && (artifact || runId))
    throw new UserError(
      'Give either "manifest" or "artifact", not both (nor "manifest" with "run-id"): the artifact carries its own manifest.',
    );
  if (manifest) {
    if (!metrics)
      throw new UserError(
        'Input "metrics" is required when the model comes from "manifest": pass the metrics output of evaluate-model.',
      );
    return { kind: 'manifest', manifest, metrics };
  }
  if (runId) return { kind: 'run', runId, artifact, metrics, version };
  if (artifact) return { kind: 'artifact', artifact, metrics, version };
  if (version) {
    if (metrics)
      throw new UserError(
        'A rollback restores the metrics report from the release; leave "metrics" empty.',
      );
    return { kind: 'release', version };
  }
  throw new UserError(
    'Give "manifest" (a path from train-model in this job), "artifact" (the artifact-name output of a train-model step in an earlier job of this run), "run-id" (the workflow run that trained the model), or only "version" to roll back to an earlier production release.',
  );
}
