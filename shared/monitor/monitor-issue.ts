/**
 * The one monitor issue of a model in an environment. It is found again on every run by the
 * hidden marker on the first line of its body AND its author, the token's account (as the sticky
 * pull-request comment is): an issue someone else opened with the same marker is never touched.
 * It is opened when the model is unhealthy (mode `on-failure`) or on every run (`always`),
 * updated in place on later runs, and closed as completed, with a comment, once the model is
 * healthy again. In `on-failure` mode every run leaves its record, quietly: a healthy run
 * updates the closed issue's body without reopening it, and the first healthy run of a model
 * that has none opens one and closes it at once, so that the fleet view (monitor-status.ts)
 * can tell a watched, healthy model from an unwatched one, and when it was last checked. The
 * key numbers of the last runs travel in the body itself, in a hidden block, so that the
 * charts need no other storage; that block is hostile text when read back (anyone who may
 * edit the issue may edit it) and is validated entry by entry.
 */
import { z } from 'zod';
import type { Logger } from '../action/runner.js';
import { UserError } from '../action/errors.js';
import { jsonDepthExceeded } from '../files/nesting.js';
import { isPermissionDenied, statusOf } from '../github/client.js';
import type { GitHubPort, Issue } from '../github/port.js';
import { COMMENT_BODY_LIMIT, lazyLogin } from '../github/sticky-comment.js';
import { identifierProblem, quoteValue, requireIdentifier } from '../identifiers.js';
import { inlineCode } from '../markdown/escape.js';
import { MONITOR_STATUSES } from './monitor-report.js';

/** GitHub refuses longer issue bodies (422), as it does comment bodies. */
export const ISSUE_BODY_LIMIT = COMMENT_BODY_LIMIT;
/** Runs kept in the hidden history block (the charts show these). */
export const HISTORY_LIMIT = 30;
/** A history block longer than this is not decoded: ours stays far below it. */
const HISTORY_READ_LIMIT = 64 * 1024;
/** GitHub refuses longer issue titles. */
const TITLE_LIMIT = 256;
/** GitHub refuses longer label names. */
const LABEL_LIMIT = 50;
/**
 * How many issues are read when looking beyond the open ones with our labels (the closed ones
 * with them, the open ones without them): ours is among the newest, and a repository with
 * thousands of issues is not read to the end on every run.
 */
export const SCAN_LIMIT = 1000;

export type MonitorIssueMode = 'never' | 'on-failure' | 'always';

/**
 * One run's key numbers as the issue keeps them. Read back from a body anyone with write
 * access may have edited: the time, status and drift share must be right or the entry is left
 * out; a metric or run URL that is not (a non-finite value, a control character, a URL other
 * than https) is left out of its entry.
 */
const historyEntrySchema = z.object({
  at: z.iso.datetime({ offset: true }),
  status: z.enum(MONITOR_STATUSES),
  driftShare: z.number().min(0).max(1),
  metric: z
    .object({
      // Metric names are the user's (a metrics file may hold any); shown escaped by the renderer.
      name: z
        .string()
        .min(1)
        .max(200)
        .regex(/^[^\p{Cc}\p{Cf}]+$/u),
      value: z.number(),
    })
    .optional()
    .catch(undefined),
  runUrl: z
    .url({ protocol: /^https$/ })
    .max(500)
    .optional()
    .catch(undefined),
});

export type MonitorHistoryEntry = z.output<typeof historyEntrySchema>;

export interface MonitorIssueRequest {
  model: string;
  environment: string;
  /** Whether this run's status asks for the issue (drifting or degraded). */
  unhealthy: boolean;
  mode: MonitorIssueMode;
  title: string;
  /** This run's key numbers: stamped with `now` and added to the history read from the issue. */
  entry: Omit<MonitorHistoryEntry, 'at'>;
  /**
   * The visible Markdown of the issue for the history (oldest first, this run last). The marker
   * line and the hidden history block are added around it here; keep it under 60,000 characters
   * (a longer one is cut at a line break, saying so).
   */
  renderBody: (history: readonly MonitorHistoryEntry[]) => string;
  /** The issue's labels (GitHub creates missing ones); ours is looked for among issues carrying all of them. */
  labels: readonly string[];
  /** Posted on the issue when it is closed because the model is healthy again. */
  closingComment: string;
  now: Date;
  log: Logger;
}

export type MonitorIssueResult =
  /** A new issue, or (`reopened`) our closed one opened again with its history. */
  | { action: 'opened'; url: string; number: number; reopened: boolean }
  /**
   * `updated`: in place, open or (a healthy run, `on-failure`) closed; `left`: our issue already
   * says exactly this; `recorded`: a healthy model had none, one was opened and closed at once.
   */
  | { action: 'updated' | 'closed' | 'left' | 'recorded'; url: string; number: number }
  /** Nothing to do, or (`denied`) GitHub refused for want of a permission. */
  | { action: 'none'; reason: string; denied?: true };

/** The hidden first line of the monitor issue of a model in an environment. */
export function monitorIssueMarker(model: string, environment: string): string {
  requireIdentifier('model name', model, 'The model name');
  requireIdentifier('environment name', environment, 'The environment name');
  return `<!-- mlops-actions:monitor model=${model} environment=${environment} -->`;
}

/** The marker line as written by monitorIssueMarker, its names not yet checked. */
const MARKER_LINE = /^<!-- mlops-actions:monitor model=(\S*) environment=(\S*) -->$/;

/**
 * The model and environment named by the marker on the first line of an issue body; undefined
 * when the first line is no monitor marker, a `problem` when it is one whose names are not
 * identifiers (monitorIssueMarker never writes such a marker: someone else did).
 */
export function readMonitorIssueMarker(
  body: string,
): { model: string; environment: string } | { problem: string } | undefined {
  const match = MARKER_LINE.exec(firstLine(body));
  if (!match) return undefined;
  const [, model, environment] = match as unknown as [string, string, string];
  const problem =
    identifierProblem('model name', model) ?? identifierProblem('environment name', environment);
  if (problem)
    return {
      problem: `its marker names ${identifierProblem('model name', model) ? 'a model' : 'an environment'} that is not an identifier (it ${problem})`,
    };
  return { model, environment };
}

const HISTORY_BLOCK = /<!-- mlops-actions:monitor-history ([A-Za-z0-9+/=]*) -->/g;

/**
 * The history kept in an issue body: the last hidden block's entries that parse, oldest first,
 * at most HISTORY_LIMIT; or, when there is no block or it cannot be read (over 64 KiB, bad
 * base64 or JSON, too deep, not an array), why not. An entry of the wrong shape is left out.
 */
export function decodeMonitorHistory(
  body: string,
): { history: MonitorHistoryEntry[] } | { problem: string } {
  const blocks = [...body.matchAll(HISTORY_BLOCK)];
  const encoded = blocks.at(-1)?.[1];
  if (!encoded) return { problem: 'it has no history block' };
  if (encoded.length > HISTORY_READ_LIMIT)
    return { problem: `its history block is longer than ${HISTORY_READ_LIMIT} characters` };
  const text = Buffer.from(encoded, 'base64').toString('utf8');
  // Entries nest two levels; anything deeper is not ours and is not walked.
  if (jsonDepthExceeded(text, 3) !== undefined)
    return { problem: 'its history block nests deeper than a history does' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { problem: 'its history block is not base64-encoded JSON' };
  }
  if (!Array.isArray(parsed)) return { problem: 'its history block is not a list of runs' };
  const history = parsed
    .flatMap((item) => {
      const entry = historyEntrySchema.safeParse(item);
      return entry.success ? [entry.data] : [];
    })
    .slice(-HISTORY_LIMIT);
  return { history };
}

/**
 * The history kept in an issue body, oldest first, at most HISTORY_LIMIT: what
 * decodeMonitorHistory reads, and nothing when it cannot, rather than failing the run.
 */
export function readMonitorHistory(body: string): MonitorHistoryEntry[] {
  const decoded = decodeMonitorHistory(body);
  return 'history' in decoded ? decoded.history : [];
}

/**
 * The history read from `previous` with this run's entry last, at most HISTORY_LIMIT. One entry
 * per run: a run synced again (a re-run of its job, the same run URL or time) replaces its entry.
 */
function withEntry(
  previous: string | undefined,
  entry: MonitorHistoryEntry,
): MonitorHistoryEntry[] {
  const history = previous === undefined ? [] : readMonitorHistory(previous);
  const last = history.at(-1);
  if (
    last &&
    (last.at === entry.at || (entry.runUrl !== undefined && last.runUrl === entry.runUrl))
  )
    history.pop();
  return [...history, entry].slice(-HISTORY_LIMIT);
}

function historyBlock(history: readonly MonitorHistoryEntry[]): string {
  const encoded = Buffer.from(JSON.stringify(history), 'utf8').toString('base64');
  return `<!-- mlops-actions:monitor-history ${encoded} -->`;
}

/**
 * The first visible line of an `on-failure` issue. A closed issue in the list says why it
 * exists: it is the record of a watched model, not a problem someone dismissed.
 */
function onFailureIntro(model: string, environment: string): string {
  return `_This issue records the monitor's runs of ${inlineCode(model)} in ${inlineCode(environment)}: it is closed while the model is healthy and reopens when it drifts or degrades._`;
}

/**
 * The whole body: marker, the intro line if any, the visible part, the history block. Within
 * GitHub's limit, the visible part comes first: the oldest history entries are dropped before
 * it is cut (at a line break, saying so).
 */
function composeBody(
  marker: string,
  intro: string | undefined,
  render: (history: readonly MonitorHistoryEntry[]) => string,
  history: readonly MonitorHistoryEntry[],
): string {
  const rendered = render(history).trimEnd();
  const visible = intro ? `${intro}\n\n${rendered}` : rendered;
  let kept = history;
  const length = () => marker.length + visible.length + historyBlock(kept).length + 4;
  while (kept.length > 1 && length() > ISSUE_BODY_LIMIT) kept = kept.slice(1);
  const block = historyBlock(kept);
  const room = ISSUE_BODY_LIMIT - marker.length - block.length - 4;
  return `${marker}\n${fitVisible(visible, room)}\n\n${block}\n`;
}

function fitVisible(text: string, room: number): string {
  if (text.length <= room) return text;
  const note = `\n\n_This issue was cut to GitHub's limit of ${ISSUE_BODY_LIMIT} characters. The rest is in the job summary and the report file of the run._`;
  const cut = text.lastIndexOf('\n', room - note.length);
  return text.slice(0, cut > 0 ? cut : room - note.length) + note;
}

/** Labels the issue listing can filter by: it takes them as one comma-separated parameter. */
export function checkIssueLabels(labels: readonly string[]): void {
  for (const label of labels) {
    if (!label.trim() || label.includes(',') || label.length > LABEL_LIMIT)
      throw new UserError(
        `The issue label ${quoteValue(label)} cannot be used: a label must be 1 to ${LABEL_LIMIT} characters without a comma. Change the issue labels.`,
      );
  }
}

function checkRequest(request: MonitorIssueRequest): { marker: string; title: string } {
  const marker = monitorIssueMarker(request.model, request.environment);
  checkIssueLabels(request.labels);
  const title = request.title.trim().replace(/\s+/g, ' ');
  if (!title) throw new UserError('The monitor issue needs a title; it was empty.');
  return {
    marker,
    title: title.length > TITLE_LIMIT ? `${title.slice(0, TITLE_LIMIT - 1)}…` : title,
  };
}

/**
 * Opens, updates, reopens or closes the monitor issue of `model` in `environment`, as `mode`
 * and the model's health say. A closed issue of ours is reopened rather than a new one opened:
 * one issue per model and environment keeps the whole story (the charts, the discussion, the
 * links people made to it) in one place, and a model that goes back and forth between healthy
 * and drifting does not leave a trail of duplicates. Ours is looked for among the open issues
 * carrying the labels; when the model needs an issue and none is found there, among the newest
 * open issues without them (someone took a label off: it is put back), then among the newest
 * closed ones with them, and only then is a new one opened. A healthy run in `on-failure` mode
 * looks in the same places, the closed ones first (where a healthy model's issue is), and
 * records itself without notifying anyone needlessly: the closed issue's body is edited in
 * place (GitHub sends no notification for an edit), and a model with no issue at all gets one
 * opened and closed at once, once.
 */
export async function syncMonitorIssue(
  github: GitHubPort,
  request: MonitorIssueRequest,
): Promise<MonitorIssueResult> {
  if (request.mode === 'never') return { action: 'none', reason: 'the issue mode is "never"' };
  const { marker, title } = checkRequest(request);
  const wanted = request.mode === 'always' || request.unhealthy;
  // Checked as it will be read back, so that this run's numbers are not lost on the next one.
  const entry = historyEntrySchema.parse({ ...request.entry, at: request.now.toISOString() });
  const intro =
    request.mode === 'on-failure' ? onFailureIntro(request.model, request.environment) : undefined;
  const bodyFor = (previous: string | undefined) =>
    composeBody(marker, intro, request.renderBody, withEntry(previous, entry));
  const login = lazyLogin(github);
  const closeWithComment = async (issue: Issue, labels?: string[]) => {
    await github.createComment(issue.number, fitVisible(request.closingComment, ISSUE_BODY_LIMIT));
    const closed = await github.updateIssue(issue.number, {
      title,
      body: bodyFor(issue.body),
      state: 'closed',
      stateReason: 'completed',
      ...(labels ? { labels } : {}),
    });
    return { action: 'closed' as const, url: closed.htmlUrl, number: closed.number };
  };
  /** Our open issue whose labels someone took off, found without them, and its labels with ours put back. */
  const findDetached = async () => {
    if (!request.labels.length) return undefined;
    const issue = await findOurs(github, marker, [], 'open', login, SCAN_LIMIT);
    if (!issue) return undefined;
    const has = new Set(issue.labels.map((label) => label.toLowerCase()));
    const labels = [
      ...issue.labels,
      ...request.labels.filter((label) => !has.has(label.toLowerCase())),
    ];
    return { issue, labels };
  };
  const findClosed = () => findOurs(github, marker, request.labels, 'closed', login, SCAN_LIMIT);
  try {
    const open = await findOurs(github, marker, request.labels, 'open', login);
    if (open) {
      if (!wanted) return await closeWithComment(open);
      const body = bodyFor(open.body);
      if (open.body === body && open.title === title)
        return { action: 'left', url: open.htmlUrl, number: open.number };
      const updated = await github.updateIssue(open.number, { title, body });
      return { action: 'updated', url: updated.htmlUrl, number: updated.number };
    }
    if (!wanted) {
      // Healthy, `on-failure`: the record of the run, without reopening or notifying.
      const closed = await findClosed();
      if (closed) {
        const body = bodyFor(closed.body);
        if (closed.body === body && closed.title === title)
          return { action: 'left', url: closed.htmlUrl, number: closed.number };
        const updated = await github.updateIssue(closed.number, { title, body });
        return { action: 'updated', url: updated.htmlUrl, number: updated.number };
      }
      const detached = await findDetached();
      if (detached) return await closeWithComment(detached.issue, detached.labels);
      const created = await createOnce(
        github,
        request,
        { title, body: bodyFor(undefined) },
        marker,
      );
      const recorded = await github.updateIssue(created.number, {
        state: 'closed',
        stateReason: 'completed',
      });
      return { action: 'recorded', url: recorded.htmlUrl, number: recorded.number };
    }
    const detached = await findDetached();
    if (detached) {
      const updated = await github.updateIssue(detached.issue.number, {
        title,
        body: bodyFor(detached.issue.body),
        labels: detached.labels,
      });
      return { action: 'updated', url: updated.htmlUrl, number: updated.number };
    }
    const closed = await findClosed();
    if (closed) {
      const reopened = await github.updateIssue(closed.number, {
        title,
        body: bodyFor(closed.body),
        state: 'open',
      });
      return { action: 'opened', reopened: true, url: reopened.htmlUrl, number: reopened.number };
    }
    const created = await createOnce(github, request, { title, body: bodyFor(undefined) }, marker);
    return { action: 'opened', reopened: false, url: created.htmlUrl, number: created.number };
  } catch (error) {
    if (!isPermissionDenied(error)) throw error;
    const reason = `GitHub refused to write the monitor issue (403: ${(error as Error).message.split(' - ')[0]}); the job needs "permissions: issues: write"`;
    request.log.warning(`${reason}.`);
    return { action: 'none', reason, denied: true };
  }
}

/**
 * Our issue among those in `state` carrying every label, newest first: the marker on the first
 * line and the token's account as author (asked only once a marker matches).
 */
async function findOurs(
  github: GitHubPort,
  marker: string,
  labels: readonly string[],
  state: 'open' | 'closed',
  login: () => Promise<string>,
  limit = Infinity,
): Promise<Issue | undefined> {
  let seen = 0;
  for await (const issue of github.listIssues({ state, labels: [...labels] })) {
    if (firstLine(issue.body) === marker && issue.author === (await login())) return issue;
    if (++seen >= limit) return undefined;
  }
  return undefined;
}

/** GitHub keeps the line ends an editor sent: a body edited on the web has CRLF. */
const firstLine = (body: string) => body.split('\n', 1)[0]!.trimEnd();

/**
 * Opens the issue without automatic retries: a 5xx may come after GitHub opened it, so ours is
 * looked for again before one more try, and no duplicate is opened.
 */
async function createOnce(
  github: GitHubPort,
  request: MonitorIssueRequest,
  content: { title: string; body: string },
  marker: string,
): Promise<Issue> {
  const create = (retries: number) =>
    github.createIssue({ ...content, labels: [...request.labels] }, { retries });
  try {
    return await create(0);
  } catch (error) {
    if ((statusOf(error) ?? 0) < 500) throw error;
    request.log.warning(
      `GitHub answered ${statusOf(error)} while opening the monitor issue; checking whether it was opened before trying again.`,
    );
    const existing = await findOurs(github, marker, request.labels, 'open', lazyLogin(github));
    return existing ?? (await create(3));
  }
}
