import { describe, expect, it } from 'vitest';
import { UserError } from '../../shared/action/errors.js';
import type { GitHubPort } from '../../shared/github/port.js';
import {
  monitorIssueMarker,
  syncMonitorIssue,
  type MonitorIssueRequest,
} from '../../shared/monitor/monitor-issue.js';
import {
  monitorStatusKey,
  readMonitorStatuses,
  type SkippedMonitorIssue,
} from '../../shared/monitor/monitor-status.js';
import { FakeGitHub } from '../fakes/github-port.js';
import { recordingRunner } from '../helpers/recording-runner.js';

const LABELS = ['model-monitoring'];
const day = (n: number) => new Date(Date.parse('2026-03-01T06:00:00Z') + n * 86_400_000);
const encode = (value: unknown) =>
  `<!-- mlops-actions:monitor-history ${Buffer.from(JSON.stringify(value)).toString('base64')} -->`;
const run = (n: number, status = 'healthy') => ({
  at: day(n).toISOString(),
  status,
  driftShare: 0.25,
});

/** A monitor run as the action syncs it, in the default `on-failure` mode. */
function monitorRun(
  model: string,
  now: Date,
  status: 'healthy' | 'drifting',
  runId: number,
): MonitorIssueRequest {
  return {
    model,
    environment: 'production',
    unhealthy: status !== 'healthy',
    mode: 'on-failure',
    title: `Model ${model} in production: ${status}`,
    entry: {
      status,
      driftShare: status === 'healthy' ? 0 : 0.5,
      metric: { name: 'roc_auc', value: 0.8 },
      runUrl: `https://github.com/o/r/actions/runs/${runId}`,
    },
    renderBody: () => `## ${model}\n`,
    labels: LABELS,
    closingComment: 'Healthy again.',
    now,
    log: recordingRunner(),
  };
}

async function read(port: GitHubPort, options: { labels?: string[]; limit?: number } = {}) {
  const skipped: SkippedMonitorIssue[] = [];
  const limits: number[] = [];
  const statuses = await readMonitorStatuses(port, {
    labels: options.labels ?? LABELS,
    ...(options.limit ? { limit: options.limit } : {}),
    onSkip: (s) => skipped.push(s),
    onLimit: (limit) => limits.push(limit),
  });
  return { statuses, skipped, limits };
}

describe('the monitor status the fleet view reads', () => {
  it("reads what the monitor wrote: a healthy model's closed record and a drifting model's open issue", async () => {
    const github = new FakeGitHub();
    const port = github.port();
    await syncMonitorIssue(port, monitorRun('churn', day(0), 'healthy', 1));
    await syncMonitorIssue(port, monitorRun('churn', day(1), 'healthy', 2));
    await syncMonitorIssue(port, monitorRun('fraud', day(0), 'healthy', 3));
    await syncMonitorIssue(port, monitorRun('fraud', day(1), 'drifting', 4));
    expect(github.issues).toHaveLength(2);

    const { statuses, skipped } = await read(port);
    expect(skipped).toEqual([]);
    expect([...statuses.keys()].sort()).toEqual(['churn\u0000production', 'fraud\u0000production']);
    const churn = statuses.get(monitorStatusKey('churn', 'production'))!;
    const churnIssue = github.issues.find((i) => i.body.includes('model=churn'))!;
    expect(churn).toEqual({
      model: 'churn',
      environment: 'production',
      status: 'healthy',
      checkedAt: day(1).toISOString(),
      issue: { number: churnIssue.number, url: churnIssue.htmlUrl, state: 'closed' },
      runUrl: 'https://github.com/o/r/actions/runs/2',
      driftShare: 0,
      metric: { name: 'roc_auc', value: 0.8 },
      history: [
        {
          at: day(0).toISOString(),
          status: 'healthy',
          driftShare: 0,
          metric: { name: 'roc_auc', value: 0.8 },
          runUrl: 'https://github.com/o/r/actions/runs/1',
        },
        {
          at: day(1).toISOString(),
          status: 'healthy',
          driftShare: 0,
          metric: { name: 'roc_auc', value: 0.8 },
          runUrl: 'https://github.com/o/r/actions/runs/2',
        },
      ],
    });
    const fraud = statuses.get(monitorStatusKey('fraud', 'production'))!;
    expect(fraud).toMatchObject({
      status: 'drifting',
      checkedAt: day(1).toISOString(),
      driftShare: 0.5,
      issue: { state: 'open' },
    });
    // Newest last, for the chart.
    expect(fraud.history.map((h) => h.status)).toEqual(['healthy', 'drifting']);
  });

  it('takes the newest issue per marker, skips forged and malformed ones with a reason, and needs the label', async () => {
    const github = new FakeGitHub();
    const marker = monitorIssueMarker('churn', 'production');
    const older = github.seedIssue({
      title: 'older',
      labels: LABELS,
      state: 'closed',
      createdAt: day(0),
      body: `${marker}\n${encode([run(0), run(1)])}\n`,
    });
    // Someone with triage access opened and labelled it: the label is the rule, not the author.
    const newer = github.seedIssue({
      title: 'newer',
      labels: ['triaged', ...LABELS],
      login: 'maintainer',
      createdAt: day(1),
      body: `${marker}\r\nedited\r\n${encode([run(2, 'degraded')])}\r\n`,
    });
    // Newer still, but unreadable: skipped, and the next newest with the marker counts.
    const broken = github.seedIssue({
      title: 'broken',
      labels: LABELS,
      createdAt: day(2),
      body: `${marker}\n<!-- mlops-actions:monitor-history ${Buffer.from('[{"at": ').toString('base64')} -->`,
    });
    const noRuns = github.seedIssue({
      title: 'no valid run',
      labels: LABELS,
      createdAt: day(3),
      body: `${marker}\n${encode([
        { ...run(3), status: 'pwned' },
        { ...run(3), driftShare: 7 },
      ])}`,
    });
    const noBlock = github.seedIssue({
      title: 'no block',
      labels: LABELS,
      createdAt: day(4),
      body: `${marker}\nno history`,
    });
    const forged = github.seedIssue({
      title: 'forged',
      labels: LABELS,
      createdAt: day(5),
      body: `<!-- mlops-actions:monitor model=../../etc environment=production -->\n${encode([run(5)])}`,
    });
    const badEnvironment = github.seedIssue({
      title: 'forged environment',
      labels: LABELS,
      createdAt: day(5),
      body: `<!-- mlops-actions:monitor model=churn environment=prod<b> -->\n${encode([run(5)])}`,
    });
    // Without the label, or with the marker anywhere but the first line: not read at all.
    github.seedIssue({
      title: 'unlabelled',
      labels: ['bug'],
      createdAt: day(6),
      body: `${monitorIssueMarker('spam', 'production')}\n${encode([run(6, 'degraded')])}`,
    });
    github.seedIssue({
      title: 'quoted',
      labels: LABELS,
      createdAt: day(6),
      body: `See:\n${monitorIssueMarker('quoted', 'production')}\n${encode([run(6)])}`,
    });

    const { statuses, skipped } = await read(github.port());
    expect([...statuses.keys()]).toEqual([monitorStatusKey('churn', 'production')]);
    expect(statuses.get(monitorStatusKey('churn', 'production'))).toMatchObject({
      status: 'degraded',
      checkedAt: day(2).toISOString(),
      issue: { number: newer.number, state: 'open' },
      history: [run(2, 'degraded')],
    });
    const reasons = new Map(skipped.map((s) => [s.number, s.reason]));
    expect(reasons.get(broken.number)).toMatch(/not base64-encoded JSON/);
    expect(reasons.get(noRuns.number)).toMatch(/no valid run/);
    expect(reasons.get(noBlock.number)).toMatch(/no history block/);
    expect(reasons.get(forged.number)).toMatch(/names a model that is not an identifier.*\.\./);
    expect(reasons.get(badEnvironment.number)).toMatch(/names an environment that is not/);
    expect(skipped.map((s) => s.number).sort()).toEqual(
      [broken, noRuns, noBlock, forged, badEnvironment].map((i) => i.number).sort(),
    );
    expect(skipped.every((s) => s.url.endsWith(`/issues/${s.number}`))).toBe(true);
    // The older one was never needed: the newer valid one came first.
    expect(reasons.has(older.number)).toBe(false);

    // Another label: only the issues carrying it.
    const triaged = await read(github.port(), { labels: ['triaged'] });
    expect([...triaged.statuses.values()].map((s) => s.issue.number)).toEqual([newer.number]);
    const none = await read(github.port(), { labels: ['bug', 'model-monitoring'] });
    expect(none.statuses.size).toBe(0);
  });

  it('reads at most `limit` issues, newest first, and says when it stopped', async () => {
    const github = new FakeGitHub();
    for (const [i, model] of ['a', 'b', 'c'].entries())
      github.seedIssue({
        title: model,
        labels: LABELS,
        createdAt: day(i),
        body: `${monitorIssueMarker(model, 'production')}\n${encode([run(i)])}`,
      });
    const port = github.port();
    let yielded = 0;
    const counting: GitHubPort = {
      ...port,
      listIssues: (filter) => {
        expect(filter).toEqual({ state: 'all', labels: LABELS });
        const issues = port.listIssues(filter);
        return (async function* () {
          for await (const issue of issues) {
            yielded++;
            yield issue;
          }
        })();
      },
    };
    const cut = await read(counting, { limit: 2 });
    expect([...cut.statuses.values()].map((s) => s.model)).toEqual(['c', 'b']);
    expect(cut.limits).toEqual([2]);
    expect(yielded).toBeLessThanOrEqual(3);

    const whole = await read(counting, { limit: 3 });
    expect(whole.statuses.size).toBe(3);
    expect(whole.limits).toEqual([]);
  });

  it('refuses to read without a label it can filter by', async () => {
    const port = new FakeGitHub().port();
    await expect(readMonitorStatuses(port, { labels: [] })).rejects.toThrow(UserError);
    await expect(readMonitorStatuses(port, { labels: ['a,b'] })).rejects.toThrow(/without a comma/);
  });
});
