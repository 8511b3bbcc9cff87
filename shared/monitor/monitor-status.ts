/**
 * The monitor status of every model and environment of a repository, as the fleet view shows
 * it, read from the monitor issues monitor-model keeps (monitor-issue.ts): one issue per model
 * and environment, named by the marker on its first line, its last runs in a hidden history
 * block. In `on-failure` mode a healthy model has a closed issue too, so a model with no issue
 * here is one nobody monitors (or that is monitored with `issue: never`).
 *
 * Trust: the monitor finds its own issue by the marker AND its author, the monitor's token's
 * account; the fleet view reads with another token and cannot know that account, so the author
 * cannot be checked here. The rule is the label plus the marker on the first line: on GitHub
 * only people with triage access or more can label an issue (someone who may only open issues
 * cannot), so an issue carrying the labels was opened by the monitor or labelled by a
 * maintainer. That is why at least one label is required, and why no issue form or template
 * of the repository should apply the monitor's label (GitHub applies a template's labels to
 * anyone's issue). Everything in the body is still
 * hostile text: the names in the marker must be identifiers and the history is validated as
 * the monitor validates it when reading it back.
 */
import { UserError } from '../action/errors.js';
import type { GitHubPort } from '../github/port.js';
import {
  checkIssueLabels,
  decodeMonitorHistory,
  readMonitorIssueMarker,
  SCAN_LIMIT,
  type MonitorHistoryEntry,
} from './monitor-issue.js';
import type { MonitorStatus } from './monitor-report.js';

export interface MonitorStatusEntry {
  model: string;
  environment: string;
  /** The newest run's status. */
  status: MonitorStatus;
  /** When the newest run checked the model (its ISO time, as the history keeps it). */
  checkedAt: string;
  issue: { number: number; url: string; state: 'open' | 'closed' };
  /** The newest run's URL, when the history has a valid one. */
  runUrl?: string;
  /** The newest run's share of drifting inputs. */
  driftShare: number;
  /** The newest run's key metric, when it had one. */
  metric?: { name: string; value: number };
  /** The runs the issue keeps, oldest first, the newest last (at most HISTORY_LIMIT). */
  history: MonitorHistoryEntry[];
}

/** An issue with a monitor marker that was not read, and why (for the caller to log). */
export interface SkippedMonitorIssue {
  number: number;
  url: string;
  reason: string;
}

export interface MonitorStatusOptions {
  /** The monitor's `issue-labels`: an issue counts only when it carries all of them (at least one). */
  labels: string[];
  /** How many issues are read at most, newest first (default 1000). */
  limit?: number;
  /** Called for each issue with a monitor marker that was skipped. */
  onSkip?: (skipped: SkippedMonitorIssue) => void;
  /** Called when the listing was cut at `limit`: older issues (and their models) were not read. */
  onLimit?: (limit: number) => void;
}

/** The key of a model in an environment in the map readMonitorStatuses returns. */
export const monitorStatusKey = (model: string, environment: string) =>
  `${model}\u0000${environment}`;

/**
 * The status of each model and environment with a monitor issue, keyed by monitorStatusKey:
 * from the newest issue (by creation) per marker among the issues carrying every label, open or
 * closed, reading at most `limit` issues. An issue whose marker names a model or environment
 * that is not an identifier, or whose history is missing, unreadable or empty, is skipped (the
 * next newest with the same marker may count) and never fails the read.
 */
export async function readMonitorStatuses(
  github: GitHubPort,
  options: MonitorStatusOptions,
): Promise<Map<string, MonitorStatusEntry>> {
  if (!options.labels.length)
    throw new UserError(
      'Reading the monitor status needs the labels of the monitor issues (monitor-model\'s "issue-labels", "model-monitoring" by default): without one, any issue anyone opens with a marker would count.',
    );
  checkIssueLabels(options.labels);
  const limit = options.limit ?? SCAN_LIMIT;
  const statuses = new Map<string, MonitorStatusEntry>();
  let seen = 0;
  for await (const issue of github.listIssues({ state: 'all', labels: [...options.labels] })) {
    if (seen++ >= limit) {
      options.onLimit?.(limit);
      break;
    }
    const named = readMonitorIssueMarker(issue.body);
    if (!named) continue;
    const skip = (reason: string) =>
      options.onSkip?.({ number: issue.number, url: issue.htmlUrl, reason });
    if ('problem' in named) {
      skip(named.problem);
      continue;
    }
    const key = monitorStatusKey(named.model, named.environment);
    // Newest first: a newer issue with the same marker was read already.
    if (statuses.has(key)) continue;
    const decoded = decodeMonitorHistory(issue.body);
    if ('problem' in decoded) {
      skip(decoded.problem);
      continue;
    }
    const newest = decoded.history.at(-1);
    if (!newest) {
      skip('its history block holds no valid run');
      continue;
    }
    statuses.set(key, {
      model: named.model,
      environment: named.environment,
      status: newest.status,
      checkedAt: newest.at,
      issue: { number: issue.number, url: issue.htmlUrl, state: issue.state },
      ...(newest.runUrl ? { runUrl: newest.runUrl } : {}),
      driftShare: newest.driftShare,
      ...(newest.metric ? { metric: newest.metric } : {}),
      history: decoded.history,
    });
  }
  return statuses;
}
