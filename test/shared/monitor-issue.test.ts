import { describe, expect, it } from 'vitest';
import { UserError } from '../../shared/action/errors.js';
import type { GitHubPort } from '../../shared/github/port.js';
import {
  HISTORY_LIMIT,
  ISSUE_BODY_LIMIT,
  monitorIssueMarker,
  readMonitorHistory,
  syncMonitorIssue,
  type MonitorHistoryEntry,
  type MonitorIssueRequest,
} from '../../shared/monitor/monitor-issue.js';
import { FakeGitHub, GitHubError, READ_ONLY_TOKEN } from '../fakes/github-port.js';
import { recordingRunner } from '../helpers/recording-runner.js';

const MARKER = '<!-- mlops-actions:monitor model=churn environment=production -->';
const LABELS = ['monitoring', 'model:churn'];

/** A request as the action makes one; renderBody records every history it is given. */
function request(
  overrides: Partial<MonitorIssueRequest> = {},
  rendered: (readonly MonitorHistoryEntry[])[] = [],
): MonitorIssueRequest {
  return {
    model: 'churn',
    environment: 'production',
    unhealthy: true,
    mode: 'on-failure',
    title: 'Model churn in production: drifting',
    entry: { status: 'drifting', driftShare: 0.5, metric: { name: 'roc_auc', value: 0.81 } },
    renderBody: (history) => {
      rendered.push(history);
      return `## churn\n\n${history.length} runs, last ${history.at(-1)?.status}\n`;
    },
    labels: LABELS,
    closingComment: 'The model is healthy again.',
    now: new Date('2026-03-01T06:00:00Z'),
    log: recordingRunner(),
    ...overrides,
  };
}

const day = (n: number) => new Date(Date.parse('2026-03-01T06:00:00Z') + n * 86_400_000);
const encode = (value: unknown) =>
  `<!-- mlops-actions:monitor-history ${Buffer.from(JSON.stringify(value)).toString('base64')} -->`;

describe('the monitor issue', () => {
  it('is opened when the model is unhealthy, updated in place, closed when healthy, and reopened', async () => {
    const github = new FakeGitHub();
    const port = github.port();
    const rendered: (readonly MonitorHistoryEntry[])[] = [];

    const opened = await syncMonitorIssue(port, request({}, rendered));
    expect(opened).toMatchObject({ action: 'opened', reopened: false });
    const [issue] = github.issues;
    expect(github.issues).toHaveLength(1);
    expect(issue!.body.split('\n')[0]).toBe(MARKER);
    expect(issue!.labels).toEqual(LABELS);
    expect(issue!.title).toBe('Model churn in production: drifting');
    expect(opened).toMatchObject({ number: issue!.number, url: issue!.htmlUrl });
    expect(rendered[0]).toEqual([
      {
        at: '2026-03-01T06:00:00.000Z',
        status: 'drifting',
        driftShare: 0.5,
        metric: { name: 'roc_auc', value: 0.81 },
      },
    ]);
    expect(readMonitorHistory(issue!.body)).toEqual(rendered[0]);
    expect(issue!.body).toContain('1 runs, last drifting');

    const updated = await syncMonitorIssue(
      port,
      request({ now: day(1), entry: { status: 'degraded', driftShare: 0.75 } }, rendered),
    );
    expect(updated).toEqual({ action: 'updated', number: issue!.number, url: issue!.htmlUrl });
    expect(github.issues).toHaveLength(1);
    expect(rendered[1]!.map((h) => [h.at.slice(0, 10), h.status])).toEqual([
      ['2026-03-01', 'drifting'],
      ['2026-03-02', 'degraded'],
    ]);
    expect(github.issues[0]!.body).toContain('2 runs, last degraded');

    const closed = await syncMonitorIssue(
      port,
      request({ now: day(2), unhealthy: false, entry: { status: 'healthy', driftShare: 0 } }),
    );
    expect(closed).toEqual({ action: 'closed', number: issue!.number, url: issue!.htmlUrl });
    expect(github.issues[0]).toMatchObject({ state: 'closed', stateReason: 'completed' });
    expect(github.comments.filter((c) => c.issueNumber === issue!.number)).toMatchObject([
      { body: 'The model is healthy again.' },
    ]);
    expect(readMonitorHistory(github.issues[0]!.body).map((h) => h.status)).toEqual([
      'drifting',
      'degraded',
      'healthy',
    ]);

    // Healthy again with the issue closed: its body records the run, and it stays closed.
    const writes = github.writes().length;
    expect(
      await syncMonitorIssue(
        port,
        request({ now: day(3), unhealthy: false, entry: { status: 'healthy', driftShare: 0 } }),
      ),
    ).toEqual({ action: 'updated', number: issue!.number, url: issue!.htmlUrl });
    expect(github.writes()).toEqual([...github.writes().slice(0, writes), 'updateIssue']);
    expect(github.issues[0]).toMatchObject({ state: 'closed', stateReason: 'completed' });
    expect(readMonitorHistory(github.issues[0]!.body)).toHaveLength(4);

    // Unhealthy again: the same issue is reopened with its history, not duplicated.
    const reopened = await syncMonitorIssue(port, request({ now: day(4) }));
    expect(reopened).toEqual({
      action: 'opened',
      reopened: true,
      number: issue!.number,
      url: issue!.htmlUrl,
    });
    expect(github.issues).toHaveLength(1);
    expect(github.issues[0]).toMatchObject({ state: 'open', stateReason: 'reopened' });
    expect(readMonitorHistory(github.issues[0]!.body)).toHaveLength(5);
  });

  it('records a healthy model without notifying anyone: opened and closed once, then edited in place while closed', async () => {
    const github = new FakeGitHub();
    const port = github.port();
    // What each write asks of GitHub: a healthy run must never reopen or comment.
    const changes: object[] = [];
    const watched: GitHubPort = {
      ...port,
      updateIssue: async (number, change) => {
        changes.push(change);
        return port.updateIssue(number, change);
      },
    };
    const healthy = (now: Date, runUrl?: string) =>
      request({
        now,
        unhealthy: false,
        title: 'Model churn in production: healthy',
        entry: { status: 'healthy', driftShare: 0.1, ...(runUrl ? { runUrl } : {}) },
      });

    const first = await syncMonitorIssue(watched, healthy(day(0)));
    expect(github.issues).toHaveLength(1);
    const issue = github.issues[0]!;
    expect(first).toEqual({ action: 'recorded', number: issue.number, url: issue.htmlUrl });
    expect(issue).toMatchObject({
      state: 'closed',
      stateReason: 'completed',
      labels: LABELS,
      title: 'Model churn in production: healthy',
    });
    expect(github.writes()).toEqual(['createIssue', 'updateIssue']);
    expect(changes).toEqual([{ state: 'closed', stateReason: 'completed' }]);
    expect(github.comments).toEqual([]);
    const [marker, intro, blank, heading] = issue.body.split('\n');
    expect(marker).toBe(MARKER);
    // The first visible line says what the issue is, for whoever finds it closed in the list.
    expect(intro).toBe(
      "_This issue records the monitor's runs of `churn` in `production`: it is closed while the model is healthy and reopens when it drifts or degrades._",
    );
    expect([blank, heading]).toEqual(['', '## churn']);
    expect(readMonitorHistory(issue.body)).toEqual([
      { at: day(0).toISOString(), status: 'healthy', driftShare: 0.1 },
    ]);

    // The next healthy run edits the closed issue's body in place: no state, no comment.
    const run = 'https://github.com/o/r/actions/runs/2';
    expect(await syncMonitorIssue(watched, healthy(day(1), run))).toEqual({
      action: 'updated',
      number: issue.number,
      url: issue.htmlUrl,
    });
    expect(github.issues).toHaveLength(1);
    expect(github.issues[0]).toMatchObject({ state: 'closed', stateReason: 'completed' });
    expect(changes.at(-1)).toEqual({
      title: 'Model churn in production: healthy',
      body: github.issues[0]!.body,
    });
    expect(github.comments).toEqual([]);
    expect(readMonitorHistory(github.issues[0]!.body).map((h) => h.at)).toEqual([
      day(0).toISOString(),
      day(1).toISOString(),
    ]);
    expect(github.issues[0]!.body).toContain('2 runs, last healthy');

    // The same run synced again says nothing new: nothing is written.
    const writes = github.writes().length;
    expect(await syncMonitorIssue(watched, healthy(day(1), run))).toMatchObject({
      action: 'left',
      number: issue.number,
    });
    expect(github.writes()).toHaveLength(writes);

    // Drifting: the record is reopened, the intro still true, the history whole.
    expect(await syncMonitorIssue(watched, request({ now: day(2) }))).toMatchObject({
      action: 'opened',
      reopened: true,
      number: issue.number,
    });
    expect(github.issues[0]!.body.split('\n')[1]).toBe(intro);
    expect(readMonitorHistory(github.issues[0]!.body).map((h) => h.status)).toEqual([
      'healthy',
      'healthy',
      'drifting',
    ]);
    expect(github.issues).toHaveLength(1);
  });

  it('closes its open issue whose labels someone took off when the model is healthy, rather than opening a record beside it', async () => {
    const github = new FakeGitHub();
    const ours = github.seedIssue({
      title: 'ours',
      labels: ['triaged'],
      login: 'github-actions[bot]',
      body: `${MARKER}\n`,
    });
    const result = await syncMonitorIssue(
      github.port(),
      request({ unhealthy: false, entry: { status: 'healthy', driftShare: 0 } }),
    );
    expect(result).toMatchObject({ action: 'closed', number: ours.number });
    expect(github.issues).toHaveLength(1);
    expect(github.issues[0]).toMatchObject({
      state: 'closed',
      labels: ['triaged', ...LABELS],
    });
    expect(github.comments.map((c) => c.body)).toEqual(['The model is healthy again.']);
  });

  it('writes no record for a healthy model with mode always or never beyond their meaning', async () => {
    const github = new FakeGitHub();
    const port = github.port();
    const healthy = { unhealthy: false, entry: { status: 'healthy' as const, driftShare: 0 } };
    expect(await syncMonitorIssue(port, request({ ...healthy, mode: 'never' }))).toMatchObject({
      action: 'none',
    });
    expect(github.calls).toEqual([]);
    // `always`: one open issue with the latest status, and no on-failure intro.
    expect(await syncMonitorIssue(port, request({ ...healthy, mode: 'always' }))).toMatchObject({
      action: 'opened',
    });
    expect(github.issues).toMatchObject([{ state: 'open' }]);
    expect(github.issues[0]!.body.split('\n')[1]).toBe('## churn');
  });

  it('makes no call with mode never, and keeps the issue open and current with mode always', async () => {
    const github = new FakeGitHub();
    const port = github.port();
    expect(await syncMonitorIssue(port, request({ mode: 'never' }))).toMatchObject({
      action: 'none',
    });
    expect(github.calls).toEqual([]);

    const healthy = {
      unhealthy: false,
      mode: 'always' as const,
      entry: { status: 'healthy' as const, driftShare: 0 },
    };
    expect(await syncMonitorIssue(port, request(healthy))).toMatchObject({
      action: 'opened',
      reopened: false,
    });
    expect(await syncMonitorIssue(port, request({ ...healthy, now: day(1) }))).toMatchObject({
      action: 'updated',
    });
    expect(github.issues).toMatchObject([{ state: 'open' }]);
    expect(github.comments).toEqual([]);
    // The same run again writes nothing: the issue already says it.
    const writes = github.writes().length;
    expect(readMonitorHistory(github.issues[0]!.body)).toHaveLength(2);
    expect(await syncMonitorIssue(port, request({ ...healthy, now: day(1) }))).toMatchObject({
      action: 'left',
    });
    expect(github.writes()).toHaveLength(writes);
    // A re-run of the same run (its URL) replaces its entry rather than adding one.
    const runUrl = 'https://github.com/o/r/actions/runs/5';
    for (const now of [day(2), day(2.01)])
      await syncMonitorIssue(
        port,
        request({ ...healthy, now, entry: { ...healthy.entry, runUrl } }),
      );
    expect(readMonitorHistory(github.issues[0]!.body).map((h) => h.at)).toEqual([
      day(0).toISOString(),
      day(1).toISOString(),
      day(2.01).toISOString(),
    ]);
  });

  it("never touches another account's issue with the same marker, and asks who the token is only once a marker matches", async () => {
    const github = new FakeGitHub();
    const port = github.port();
    github.seedIssue({ title: 'unrelated', labels: LABELS, body: 'no marker here' });
    // Ours only with the marker on the first line.
    github.seedIssue({
      title: 'quoting',
      labels: LABELS,
      login: 'github-actions[bot]',
      body: `Someone quoted it:\n${MARKER}`,
    });
    // Healthy: its record is opened and closed, without asking who the token is.
    const recorded = await syncMonitorIssue(
      port,
      request({ unhealthy: false, entry: { status: 'healthy', driftShare: 0 } }),
    );
    expect(recorded).toMatchObject({ action: 'recorded' });
    expect(github.calls).not.toContain('getAuthenticatedUser');

    const theirs = github.seedIssue({
      title: 'copied',
      labels: LABELS,
      login: 'mallory',
      body: `${MARKER}\nhijacked ${encode([{ at: '2026-01-01T00:00:00Z', status: 'healthy', driftShare: 0 }])}`,
    });
    const theirsClosed = github.seedIssue({
      title: 'copied, closed',
      labels: LABELS,
      login: 'mallory',
      state: 'closed',
      body: `${MARKER}\n`,
    });
    const result = await syncMonitorIssue(port, request({ now: day(1) }));
    // Our record is reopened, not theirs, newer as they are.
    expect(result).toMatchObject({
      action: 'opened',
      reopened: true,
      number: (recorded as { number: number }).number,
    });
    expect(github.calls.filter((c) => c === 'getAuthenticatedUser')).toHaveLength(1);
    const mine = github.issues.find((i) => i.number === (result as { number: number }).number)!;
    expect(mine.author).toBe('github-actions[bot]');
    // The copied issue's block was not read: the history is our record's and this run's.
    expect(readMonitorHistory(mine.body).map((h) => h.status)).toEqual(['healthy', 'drifting']);
    const after = (n: number) => github.issues.find((i) => i.number === n)!;
    expect(after(theirs.number)).toMatchObject({ body: theirs.body, state: 'open' });
    expect(after(theirsClosed.number)).toMatchObject({ state: 'closed' });
  });

  it('finds its open issue after someone took its labels off, and puts them back', async () => {
    const github = new FakeGitHub();
    const ours = github.seedIssue({
      title: 'ours',
      labels: ['triaged', 'Monitoring'],
      login: 'github-actions[bot]',
      body: `${MARKER}\n`,
    });
    const result = await syncMonitorIssue(github.port(), request());
    expect(result).toMatchObject({ action: 'updated', number: ours.number });
    expect(github.issues).toHaveLength(1);
    expect(github.issues[0]!.labels).toEqual(['triaged', 'Monitoring', 'model:churn']);
    // Healthy: it is found by its labels again, and closed.
    expect(
      await syncMonitorIssue(
        github.port(),
        request({ now: day(1), unhealthy: false, entry: { status: 'healthy', driftShare: 0 } }),
      ),
    ).toMatchObject({ action: 'closed', number: ours.number });
  });

  it('finds its issue after a web edit turned its line ends into CRLF', async () => {
    const github = new FakeGitHub();
    const ours = github.seedIssue({
      title: 'edited',
      labels: LABELS,
      login: 'github-actions[bot]',
      body: `${MARKER}\r\nedited on the web\r\n${encode([{ at: '2026-02-01T00:00:00Z', status: 'drifting', driftShare: 0.25 }])}\r\n`,
    });
    const result = await syncMonitorIssue(github.port(), request());
    expect(result).toMatchObject({ action: 'updated', number: ours.number });
    expect(readMonitorHistory(github.issues[0]!.body).map((h) => h.at)).toEqual([
      '2026-02-01T00:00:00Z',
      '2026-03-01T06:00:00.000Z',
    ]);
  });

  it('reads the history back as hostile text: only entries of the right shape, the last 30, nothing from an oversized block', () => {
    const good = (i: number) => ({
      at: new Date(Date.UTC(2026, 0, 1, i)).toISOString(),
      status: 'drifting',
      driftShare: 0.1,
    });
    const mixed = [
      good(0),
      { ...good(1), status: 'pwned' },
      { ...good(2), driftShare: 2 },
      { ...good(3), runUrl: 'javascript:alert(1)' },
      { ...good(4), runUrl: 'http://example.com/run' },
      { ...good(5), metric: { name: 'f1\u202e', value: 1 } },
      { ...good(5), metric: { name: 'f1', value: null } },
      { ...good(5), metric: { name: 'precision@10 (segment=eu)', value: 1 } },
      { ...good(6), at: 'yesterday' },
      'a string',
      null,
      {
        ...good(7),
        runUrl: 'https://github.com/o/r/actions/runs/7',
        metric: { name: 'f1', value: 0.5 },
      },
    ];
    expect(readMonitorHistory(`${MARKER}\n${encode(mixed)}`)).toEqual([
      good(0),
      // A bad run URL or metric is left out of its entry; the entry stays.
      good(3),
      good(4),
      good(5),
      good(5),
      { ...good(5), metric: { name: 'precision@10 (segment=eu)', value: 1 } },
      {
        ...good(7),
        runUrl: 'https://github.com/o/r/actions/runs/7',
        metric: { name: 'f1', value: 0.5 },
      },
    ]);
    const many = Array.from({ length: 45 }, (_, i) => good(i));
    expect(readMonitorHistory(encode(many))).toEqual(many.slice(-HISTORY_LIMIT));
    // The last block counts (ours is written at the end).
    expect(readMonitorHistory(`${encode([good(1)])}\n${encode([good(2)])}`)).toEqual([good(2)]);
    for (const broken of [
      '<!-- mlops-actions:monitor-history !!! -->',
      `<!-- mlops-actions:monitor-history ${Buffer.from('{"not":"an array"}').toString('base64')} -->`,
      `<!-- mlops-actions:monitor-history ${Buffer.from('[[[[[[1]]]]]]').toString('base64')} -->`,
      `<!-- mlops-actions:monitor-history ${Buffer.from('[{"at": ').toString('base64')} -->`,
      encode(
        Array.from({ length: 2000 }, (_, i) => ({
          ...good(i % 24),
          runUrl: `https://x.test/${'a'.repeat(20)}`,
        })),
      ),
      'no block at all',
    ])
      expect(readMonitorHistory(broken)).toEqual([]);
  });

  it("keeps the body within GitHub's limit: the history shrinks first, then the text is cut at a line break", async () => {
    const github = new FakeGitHub();
    const history = Array.from({ length: 29 }, (_, i) => ({
      at: new Date(Date.UTC(2026, 1, 1, i)).toISOString(),
      status: 'drifting',
      driftShare: 0.5,
      runUrl: `https://github.com/o/r/actions/runs/${'9'.repeat(400)}${i}`,
    }));
    github.seedIssue({
      title: 'ours',
      labels: LABELS,
      login: 'github-actions[bot]',
      body: `${MARKER}\nold\n${encode(history)}\n`,
    });
    const line = `${'x'.repeat(99)}\n`;
    const long = request({ renderBody: () => line.repeat(700) });
    expect(await syncMonitorIssue(github.port(), long)).toMatchObject({ action: 'updated' });
    const body = github.issues[0]!.body;
    expect(body.length).toBeLessThanOrEqual(ISSUE_BODY_LIMIT);
    expect(body.split('\n')[0]).toBe(MARKER);
    expect(body).toMatch(/cut to GitHub's limit of 65536 characters/);
    // Cut at a line break: every kept line of the text is whole.
    expect(
      body
        .split('\n')
        .filter((l) => l.startsWith('x'))
        .every((l) => l.length === 99),
    ).toBe(true);
    const kept = readMonitorHistory(body);
    expect(kept.length).toBeGreaterThanOrEqual(1);
    expect(kept.length).toBeLessThan(30);
    expect(kept.at(-1)?.at).toBe('2026-03-01T06:00:00.000Z');

    // A text that fits keeps the whole history.
    const fits = request({ now: day(1), renderBody: () => line.repeat(100) });
    await syncMonitorIssue(github.port(), fits);
    expect(github.issues[0]!.body).not.toMatch(/cut to GitHub's limit/);
    expect(readMonitorHistory(github.issues[0]!.body)).toHaveLength(kept.length + 1);
  });

  it('says a read-only token (or one without issues: write) may not write the issue, without failing', async () => {
    const github = new FakeGitHub();
    const log = recordingRunner();
    const result = await syncMonitorIssue(github.port(READ_ONLY_TOKEN), request({ log }));
    expect(result).toMatchObject({ action: 'none', denied: true });
    expect((result as { reason: string }).reason).toMatch(/permissions: issues: write/);
    expect(log.log.some((l) => l.level === 'warning' && /issues: write/.test(l.message))).toBe(
      true,
    );
    expect(github.issues).toEqual([]);
  });

  it('does not open a second issue when GitHub opened one and then answered 502', async () => {
    const github = new FakeGitHub();
    const port = github.port();
    let failed = false;
    const flaky: GitHubPort = {
      ...port,
      createIssue: async (issue, options) => {
        const created = await port.createIssue(issue, options);
        if (failed) return created;
        failed = true;
        throw new GitHubError(502, 'Bad Gateway');
      },
    };
    const log = recordingRunner();
    const result = await syncMonitorIssue(flaky, request({ log }));
    expect(result).toMatchObject({ action: 'opened', number: github.issues[0]!.number });
    expect(github.issues).toHaveLength(1);
    expect(log.log.some((l) => /502/.test(l.message))).toBe(true);
  });

  it('refuses labels it could not search by, and names that are not identifiers', async () => {
    const port = new FakeGitHub().port();
    await expect(syncMonitorIssue(port, request({ labels: ['a,b'] }))).rejects.toThrow(UserError);
    await expect(syncMonitorIssue(port, request({ labels: ['x'.repeat(51)] }))).rejects.toThrow(
      /1 to 50 characters/,
    );
    await expect(syncMonitorIssue(port, request({ model: 'churn -->' }))).rejects.toThrow(
      /model name/,
    );
    // This run's numbers are checked as they will be read back.
    await expect(
      syncMonitorIssue(port, request({ entry: { status: 'drifting', driftShare: Number.NaN } })),
    ).rejects.toThrow(/driftShare/);
    expect(() => monitorIssueMarker('churn', 'prod uction')).toThrow(/environment name/);
    expect(monitorIssueMarker('churn', 'production')).toBe(MARKER);
  });
});
