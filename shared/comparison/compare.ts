/**
 * compare-metrics' comparison of a candidate, from its files to the posted comment: the
 * baseline (a file, or the model in an environment of the registry), the gate policy, the
 * comparison document with both sides' lineage, the report files and artifact, the annotation
 * policy, and the sticky comment (or, with a fork's read-only token, its hand-over as an
 * artifact for a workflow_run workflow).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createStepDir, type RunContext, type StepEnvironment } from '../action/context.js';
import { UserError } from '../action/errors.js';
import type { Logger, Runner } from '../action/runner.js';
import { artifactServiceAvailable, uploadArtifact } from '../artifacts/model-artifact.js';
import { readStructuredFile } from '../files/structured.js';
import { describeNotable, evaluateGates, fairnessName, type GateResult } from '../gates/judge.js';
import { gatePolicyFor, type GatesFrom, type PolicySource } from '../gates/policy-source.js';
import { manifestSchema, type Manifest } from '../lineage/manifest.js';
import { summariseRuntime, type RuntimeSummary } from '../lineage/runtime.js';
import { publishableGroups, type FairnessReport } from '../metrics/fairness-report.js';
import { loadMetrics, type LoadedMetrics } from '../metrics/report.js';
import { openRegistry, type Registry } from '../registry/github-registry.js';
import { resolveBaseline, summarizeBaseline, type ResolvedBaseline } from './baseline.js';
import { describeChanges, publishedManifest } from './changes.js';
import {
  COMPARISON_FORMAT,
  type ComparisonDocument,
  type Cost,
  type FairnessGroups,
  type LineageSide,
} from './document.js';
import { commentArtifactName, reportArtifactName, writeCommentRequest } from './fork-comment.js';
import { policyAnnotation } from './policy-note.js';
import { postSection, renderSection, type CommentMode } from './post.js';

export interface ComparisonRequest {
  model: string;
  /** The candidate's metrics file; the other paths are files too, all already confined. */
  metrics: string;
  baseline?: string;
  baselineEnvironment: string;
  gates?: string;
  gatesFrom: GatesFrom;
  manifest?: string;
  /** Production's manifest as a file; otherwise the one published with the model in production. */
  baselineManifest?: string;
  history: number;
  token: string;
  /** When to post the sticky comment on the pull request (post.ts). */
  comment: CommentMode;
  /** Handles to @-mention in the comment when the verdict is fail or warn, already validated. */
  mention?: readonly string[];
}

export interface ComparisonOutcome {
  document: ComparisonDocument;
  reportPath: string;
  /** The model's section as the job summary shows it. */
  commentPath: string;
  reportArtifact: string;
  commentUrl: string;
  commentArtifact: string;
}

/** Compares; the summary goes to the job summary as soon as it is written. */
export async function compareCandidate(
  request: ComparisonRequest,
  step: StepEnvironment,
  log: Runner,
): Promise<ComparisonOutcome> {
  const { model } = request;
  const started = performance.now();
  const context = step.context();
  const candidate = await loadMetrics(request.metrics, 'metrics file');
  const manifest = await candidateManifest(request);
  const registry = request.baseline
    ? undefined
    : await openRegistry(request.token, context, log, step.github);
  const resolved = await resolveBaseline({
    file: request.baseline,
    model,
    environment: request.baselineEnvironment,
    registry,
    history: request.history,
    apiUrl: step.env.GITHUB_API_URL,
    log,
    loadFile: (path) => loadMetrics(path, 'baseline metrics file'),
  });
  const baseline = resolved.metrics;
  const { policy, source: policySource } = await gatePolicyFor({
    path: request.gates,
    from: request.gatesFrom,
    context,
    token: request.token,
    log,
    env: step.env,
    github: step.github,
  });
  for (const [role, loaded] of [
    ['metrics', candidate],
    ['baseline', baseline],
  ] as const) {
    if (loaded?.model && loaded.model !== model) {
      throw new UserError(
        `The ${role} file "${loaded.source}" is a report for model "${loaded.model}", but "model-name" is "${model}". Compare reports of the same model.`,
      );
    }
  }

  const result = evaluateGates(candidate.metrics, baseline?.metrics, policy, {
    candidateSlices: candidate.slices ?? {},
    baselineSlices: baseline?.slices,
    candidateSkipped: candidate.skipped,
    candidateFairness: candidate.fairness ?? {},
    ...(baseline?.fairness ? { baselineFairness: baseline.fairness } : {}),
  });
  const production = await productionManifest(request, resolved, registry, log);
  const document: ComparisonDocument = {
    ...comparisonDocument(
      request,
      candidate,
      resolved,
      result,
      policySource,
      candidateLineage(candidate, manifest, context),
    ),
    ...(manifest && production
      ? {
          changes: describeChanges(manifest, production.manifest, production.source),
        }
      : {}),
    cost: costOf(manifest, candidate.evaluationSeconds, started),
  };

  const dir = await createStepDir(context.tempDir, 'compare-metrics', model);
  const reportPath = join(dir, 'comparison.json');
  const commentPath = join(dir, 'comment.md');
  const fullPath = join(dir, 'comparison.md');
  await writeFile(reportPath, JSON.stringify(document, null, 2) + '\n');
  const links = {
    serverUrl: context.serverUrl,
    repository: context.repository,
    sha: context.sha,
    runUrl: context.runUrl,
  };
  await writeFile(fullPath, renderSection(document, links).body);

  let reportArtifact = '';
  if (artifactServiceAvailable(step.env)) {
    const name = reportArtifactName(model, context.runAttempt);
    try {
      await uploadArtifact(
        name,
        [
          { from: reportPath, as: 'comparison.json' },
          { from: fullPath, as: 'comparison.md' },
        ],
        join(dir, 'report-artifact'),
        log,
      );
      reportArtifact = name;
    } catch (error) {
      log.warning(
        `Could not upload the full comparison as artifact ${name} (${(error as Error).message}); it is in ${reportPath}.`,
      );
    }
  }
  const withArtifact = { ...links, ...(reportArtifact ? { reportArtifact } : {}) };
  // The job summary holds this model's section in full (up to GitHub's 1 MiB per step).
  const summary = renderSection(document, withArtifact, 900_000).body;
  await writeFile(commentPath, summary);
  log.appendSummary(summary);

  annotateVerdict(model, result, policySource, log);
  log.info(
    `Verdict for ${model}: ${result.verdict}. Report: ${reportPath}; comment body: ${commentPath}`,
  );

  let commentUrl = '';
  let commentArtifact = '';
  if (request.comment !== 'never') {
    const posted = await postSection({
      document,
      mode: request.comment,
      links: { ...withArtifact, ...(request.mention ? { mentions: request.mention } : {}) },
      token: request.token,
      repository: context.repository,
      pullRequestNumber: context.pullRequest?.number,
      eventName: context.eventName,
      bodyFile: commentPath,
      log,
      github: step.github,
    });
    if (posted.posted) commentUrl = posted.url;
    else if (posted.why === 'read-only' && context.pullRequest)
      commentArtifact = await handOverComment(document, step, dir, log);
  }
  return { document, reportPath, commentPath, reportArtifact, commentUrl, commentArtifact };
}

function comparisonDocument(
  request: ComparisonRequest,
  candidate: LoadedMetrics,
  resolved: ResolvedBaseline,
  result: GateResult,
  policy: PolicySource | undefined,
  candidateSide: LineageSide,
): ComparisonDocument {
  const baseline = resolved.metrics;
  return {
    format: COMPARISON_FORMAT,
    model: request.model,
    verdict: result.verdict,
    candidate: side(candidate),
    baseline: baseline ? side(baseline) : null,
    baselineSource: summarizeBaseline(resolved.source),
    notLikeForLike: Boolean(
      baseline?.evaluationSha256 &&
      candidate.evaluationSha256 &&
      baseline.evaluationSha256 !== candidate.evaluationSha256,
    ),
    gates: request.gates ?? null,
    ...(policy ? { policy } : {}),
    metrics: result.metrics,
    slices: result.slices,
    ...(result.fairness.length ? { fairness: result.fairness } : {}),
    ...(candidate.fairness && Object.keys(candidate.fairness).length
      ? { fairnessGroups: publishedGroups(candidate.fairness) }
      : {}),
    notable: result.notable,
    ...(candidate.confusion
      ? {
          confusion: {
            candidate: candidate.confusion,
            ...(baseline?.confusion ? { baseline: baseline.confusion } : {}),
          },
        }
      : {}),
    ...(candidate.residuals
      ? {
          residuals: {
            candidate: candidate.residuals,
            ...(baseline?.residuals ? { baseline: baseline.residuals } : {}),
          },
        }
      : {}),
    lineage: {
      candidate: candidateSide,
      ...(resolved.source.kind === 'registry'
        ? {
            baseline: baselineLineage(
              resolved.source.deployment.payload,
              resolved.source.deployment.sha,
            ),
          }
        : baseline
          ? {
              baseline: {
                version: baseline.version,
                fingerprint: baseline.fingerprint,
                evaluationSha256: baseline.evaluationSha256,
              },
            }
          : {}),
    },
    ...(request.history > 0 && resolved.history.length
      ? { history: resolved.history.slice(-request.history) }
      : {}),
  };
}

/**
 * One annotation per metric or slice that fails (an error), warns or cannot be judged (a
 * warning), and one on the gate policy when the pull request changes it.
 */
function annotateVerdict(
  model: string,
  result: GateResult,
  policySource: PolicySource | undefined,
  log: Logger,
): void {
  const entries = [
    ...result.metrics.map((m) => ({ name: m.name, status: m.status, reasons: m.reasons })),
    ...result.slices.map((s) => ({
      name: `${s.metric} by slice`,
      status: s.status,
      reasons: s.reasons,
    })),
    ...result.fairness.map((f) => ({
      name: fairnessName(f),
      status: f.status,
      reasons: f.reasons,
    })),
  ];
  for (const entry of entries) {
    if (entry.status !== 'fail' && entry.status !== 'warn' && entry.status !== 'inconclusive')
      continue;
    const message = `${model}: ${entry.name} ${entry.reasons.join('; ')}`;
    if (entry.status === 'fail') log.error(message, { title: 'compare-metrics' });
    else
      log.warning(message, {
        title:
          entry.status === 'inconclusive' ? 'compare-metrics: inconclusive' : 'compare-metrics',
      });
  }
  for (const change of result.notable) {
    if (change.gated || (change.status !== 'fail' && change.status !== 'warn')) continue;
    const message = `${model}: ${describeNotable(change)} (notable-regressions: ${change.status})`;
    if (change.status === 'fail') log.error(message, { title: 'compare-metrics' });
    else log.warning(message, { title: 'compare-metrics' });
  }
  const policyNote = policyAnnotation(policySource);
  if (policyNote) log[policyNote.level](policyNote.text, { title: 'compare-metrics: gate policy' });
}

/**
 * The candidate's groups as the comment may show them: names, counts and rates, the groups
 * under min-group-size merged into one line. The comparison document is uploaded and the
 * comment public, so the full table stays in the metrics report.
 */
function publishedGroups(fairness: FairnessReport): FairnessGroups {
  return Object.fromEntries(
    Object.entries(fairness).map(([attribute, section]) => [
      attribute,
      {
        columns: section.columns,
        minGroupSize: section.minGroupSize,
        groups: publishableGroups(section),
      },
    ]),
  );
}

function side(loaded: LoadedMetrics): ComparisonDocument['candidate'] {
  return {
    source: loaded.source,
    ...(loaded.version ? { version: loaded.version } : {}),
    ...(loaded.evaluationSha256 ? { evaluationSha256: loaded.evaluationSha256 } : {}),
  };
}

const SHA = /^[0-9a-f]{1,64}$/;
const ifSha = (value: string | undefined) => (value && SHA.test(value) ? value : undefined);

async function candidateManifest(request: ComparisonRequest): Promise<Manifest | undefined> {
  const manifest = request.manifest
    ? await readStructuredFile(request.manifest, manifestSchema, 'manifest')
    : undefined;
  if (manifest && manifest.model.name !== request.model) {
    throw new UserError(
      `The manifest "${request.manifest}" is for model "${manifest.model.name}", not "${request.model}". Pass the manifest output of the train-model step of this model.`,
    );
  }
  return manifest;
}

/** Production's manifest: the `baseline-manifest` file, or the one published with the model in production. */
async function productionManifest(
  request: ComparisonRequest,
  resolved: ResolvedBaseline,
  registry: Registry | undefined,
  log: Logger,
): Promise<{ manifest: Manifest; source: 'release' | 'file' } | undefined> {
  if (!request.manifest) return undefined;
  if (request.baselineManifest) {
    const manifest = await readStructuredFile(
      request.baselineManifest,
      manifestSchema,
      'baseline manifest',
    );
    if (manifest.model.name !== request.model)
      throw new UserError(
        `The baseline manifest "${request.baselineManifest}" is for model "${manifest.model.name}", not "${request.model}". Pass the manifest of the model the candidate is compared with.`,
      );
    return { manifest, source: 'file' };
  }
  if (resolved.source.kind !== 'registry' || !registry) return undefined;
  const manifest = await publishedManifest(registry, resolved.source.deployment, log);
  return manifest ? { manifest, source: 'release' } : undefined;
}

/** Training time from the candidate's manifest, evaluation time from its report, and the comparison's own time up to now. */
function costOf(
  manifest: Manifest | undefined,
  evaluationSeconds: number | undefined,
  started: number,
): Cost {
  const training = manifest?.training;
  return {
    ...(training
      ? {
          training: {
            seconds: training.durationSeconds,
            ...(training.restoredFrom
              ? {
                  restoredFrom: prune({
                    runUrl: training.restoredFrom.runUrl,
                    restoreSeconds: training.restoredFrom.restoreSeconds,
                  }),
                }
              : {}),
          },
        }
      : {}),
    ...(evaluationSeconds !== undefined ? { evaluationSeconds } : {}),
    comparisonSeconds: (performance.now() - started) / 1000,
  };
}

function candidateLineage(
  candidate: LoadedMetrics,
  manifest: Manifest | undefined,
  context: RunContext,
): LineageSide {
  return prune({
    version: candidate.version ?? manifest?.model.version,
    fingerprint: ifSha(candidate.fingerprint ?? manifest?.fingerprint),
    evaluationSha256: ifSha(candidate.evaluationSha256),
    configSha256: ifSha(manifest?.config.sha256),
    dataFiles: manifest?.data.map((file) => ({ path: file.path, sha256: file.sha256 })),
    commit: ifSha(manifest?.git.sha ?? context.sha),
    runtime: summariseRuntime(manifest?.runtime),
  });
}

function baselineLineage(
  payload: {
    version: string;
    fingerprint: string;
    dataSha256?: string;
    configSha256?: string;
    runUrl?: string;
    runtime?: RuntimeSummary;
  },
  sha: string,
): LineageSide {
  return prune({
    version: payload.version,
    fingerprint: ifSha(payload.fingerprint),
    evaluationSha256: ifSha(payload.dataSha256),
    configSha256: ifSha(payload.configSha256),
    commit: ifSha(sha),
    runUrl: payload.runUrl,
    runtime: payload.runtime,
  });
}

function prune<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/**
 * With a read-only token (a pull request from a fork), the comparison and the pull request it
 * belongs to are uploaded for a workflow_run workflow to post; see examples/workflows/post-comment.yml.
 */
async function handOverComment(
  document: ComparisonDocument,
  step: StepEnvironment,
  dir: string,
  log: Logger,
): Promise<string> {
  const context = step.context();
  if (!artifactServiceAvailable(step.env)) {
    log.warning(
      'The comment could not be posted and there is no artifact service here to hand it to a workflow_run workflow.',
    );
    return '';
  }
  const name = commentArtifactName(document.model, context.runAttempt);
  const files = await writeCommentRequest(join(dir, 'comment-request'), document, {
    number: context.pullRequest!.number,
    headSha: context.pullRequest!.headSha,
  });
  await uploadArtifact(name, files, join(dir, 'comment-artifact'), log);
  log.notice(
    `The comment for pull request #${context.pullRequest!.number} is in artifact ${name}: a workflow triggered by workflow_run can post it with compare-metrics and "comment-from-run: \${{ github.event.workflow_run.id }}".`,
    { title: 'compare-metrics' },
  );
  return name;
}
