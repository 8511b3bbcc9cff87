/**
 * What a monitor run does on GitHub with its report: dispatches retraining when the status asks
 * for it (at most once per cool-down), then writes the model's one monitor issue, so that the
 * issue says whether retraining was asked for. Returns the report with both recorded, and the
 * runs the issue keeps (for the job summary's charts).
 */
import type { Logger } from '../action/runner.js';
import type { Registry } from '../registry/github-registry.js';
import {
  syncMonitorIssue,
  type MonitorHistoryEntry,
  type MonitorIssueMode,
} from './monitor-issue.js';
import type { MonitorReport } from './monitor-report.js';
import type { MonitorPolicy } from './policy.js';
import { monitorTitle, renderMonitorReport } from './render.js';
import { dispatchRetraining } from './retrain.js';

export interface GitHubReporting {
  issue: MonitorIssueMode;
  labels: readonly string[];
  retrain?: { workflow: string; ref: string };
  policy: MonitorPolicy;
  log: Logger;
  now: Date;
}

export async function reportOnGitHub(
  github: Registry | undefined,
  report: MonitorReport,
  options: GitHubReporting,
): Promise<{ report: MonitorReport; history: MonitorHistoryEntry[] }> {
  const entry = historyEntry(report);
  const alone = [{ at: options.now.toISOString(), ...entry }];
  if (!github) return { report, history: alone };
  const retrained = options.retrain
    ? { ...report, retrain: await retrain(github, report, options.retrain, options) }
    : report;
  if (options.issue === 'never') return { report: retrained, history: alone };
  let history: MonitorHistoryEntry[] = alone;
  const issue = await syncMonitorIssue(github, {
    model: report.model,
    environment: report.environment,
    unhealthy: report.status !== 'healthy',
    mode: options.issue,
    title: monitorTitle(report.model, report.environment, report.status),
    entry,
    renderBody: (kept) => {
      history = [...kept];
      return renderMonitorReport(retrained, kept);
    },
    labels: options.labels,
    closingComment: `${report.model} in ${report.environment} is healthy again: nothing drifts past the policy and the performance holds (${report.generatedAt}${report.runUrl ? `, ${report.runUrl}` : ''}). Closing.`,
    now: options.now,
    log: options.log,
  });
  if (issue.action === 'none') options.log.info(`Monitor issue: ${issue.reason}`);
  return {
    report: {
      ...retrained,
      issue:
        issue.action === 'none'
          ? { action: issue.denied ? 'denied' : 'none' }
          : {
              action: issue.action === 'opened' && issue.reopened ? 'reopened' : issue.action,
              url: issue.url,
              number: issue.number,
            },
    },
    history,
  };
}

async function retrain(
  github: Registry,
  report: MonitorReport,
  target: { workflow: string; ref: string },
  options: GitHubReporting,
): Promise<NonNullable<MonitorReport['retrain']>> {
  const asks = report.status !== 'healthy' && options.policy.retrain.on.includes(report.status);
  if (!asks)
    return {
      workflow: target.workflow,
      dispatched: false,
      reason:
        report.status === 'healthy'
          ? 'not needed, the model is healthy'
          : `the policy retrains only when ${options.policy.retrain.on.join(' or ')}`,
    };
  const reason = report.findings
    .filter((f) => f.level === 'fail')
    .map((f) => f.message)
    .join(' ');
  const result = await dispatchRetraining(github, {
    workflow: target.workflow,
    ref: target.ref,
    inputs: {
      'model-name': report.model,
      environment: report.environment,
      reason: `${report.status}: ${reason}`,
    },
    cooldownMs: options.policy.retrain.cooldown,
    now: options.now,
  });
  options.log.info(`Retraining (${target.workflow}): ${result.reason}`);
  return { workflow: target.workflow, dispatched: result.dispatched, reason: result.reason };
}

/** This run's key numbers: the share of drifting inputs, and the first gated metric (else the first). */
function historyEntry(report: MonitorReport): Omit<MonitorHistoryEntry, 'at'> {
  const measured =
    report.performance.source === 'none'
      ? []
      : report.performance.metrics.filter((m) => m.value !== undefined);
  const key = measured.find((m) => m.rule) ?? measured[0];
  return {
    status: report.status,
    driftShare: report.drift.dataset.share,
    ...(key ? { metric: { name: key.name, value: key.value! } } : {}),
    ...(report.runUrl ? { runUrl: report.runUrl } : {}),
  };
}
