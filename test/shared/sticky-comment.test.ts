/**
 * The sticky comment over the in-memory GitHub: found again by its marker and author, cut to
 * GitHub's limit, skipped on a read-only token, and two compare-metrics steps writing their own
 * sections of one comment at the same moment, made deterministic by another writer that moves
 * right after this one.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import {
  composeComment,
  holdsOtherSections,
  holdsSection,
  mergeSection,
  parseSections,
  type Section,
} from '../../shared/comparison/comment.js';
import {
  COMMENT_BODY_LIMIT,
  upsertStickyComment,
  type StickyContent,
} from '../../shared/github/sticky-comment.js';
import {
  APP_TOKEN,
  FakeGitHub,
  GitHubError,
  PERSONAL,
  READ_ONLY_TOKEN,
} from '../fakes/github-port.js';
import { recordingRunner } from '../helpers/recording-runner.js';

const MARKER = '<!-- mlops-actions:compare-metrics -->';
const issue = 7;
const target = { issueNumber: issue, marker: MARKER };
const section = (model: string, body: string): Section => ({
  model,
  meta: { verdict: 'pass' },
  body,
});
const writing = (own: Section): StickyContent => ({
  compose: (existing) => mergeSection(existing, own),
  holds: (body) => holdsSection(body, own),
  shared: (body) => holdsOtherSections(body, own.model),
});

let github: FakeGitHub;
let log: ReturnType<typeof recordingRunner>;
beforeEach(() => {
  github = new FakeGitHub();
  log = recordingRunner();
});
const bodies = () => github.comments.filter((c) => c.issueNumber === issue).map((c) => c.body);
const seed = (body: string) => github.port().createComment(issue, body);

describe('the sticky comment', () => {
  it('creates it once, then updates it in place, and leaves it alone when nothing changed', async () => {
    const port = github.port();
    expect(await upsertStickyComment(port, target, `${MARKER}\nv1`, log)).toMatchObject({
      status: 'created',
    });
    expect(await upsertStickyComment(port, target, `${MARKER}\nv2`, log)).toMatchObject({
      status: 'updated',
    });
    expect(await upsertStickyComment(port, target, `${MARKER}\nv2`, log)).toMatchObject({
      status: 'unchanged',
    });
    expect(bodies()).toEqual([`${MARKER}\nv2`]);
  });

  it('ignores the marker in a comment by someone else, and writes as the account of a personal token', async () => {
    await github.port(PERSONAL).createComment(issue, `${MARKER}\nforged`);
    await upsertStickyComment(github.port(), target, `${MARKER}\nours`, log);
    expect(bodies()).toEqual([`${MARKER}\nforged`, `${MARKER}\nours`]);
    expect(
      await upsertStickyComment(github.port(PERSONAL), target, `${MARKER}\nmine`, log),
    ).toMatchObject({ status: 'updated' });
    expect(bodies()).toEqual([`${MARKER}\nmine`, `${MARKER}\nours`]);
  });

  it("keeps one comment with a GitHub App installation token, and never takes the workflow bot's", async () => {
    // The workflow's token commented earlier; the App's token is another account.
    await upsertStickyComment(github.port(), target, `${MARKER}\nworkflow`, log);
    for (const run of ['app 1', 'app 2', 'app 3'])
      await upsertStickyComment(github.port(APP_TOKEN), target, `${MARKER}\n${run}`, log);
    expect(bodies()).toEqual([`${MARKER}\nworkflow`, `${MARKER}\napp 3`]);
    expect(github.comments.map((c) => c.author)).toEqual([
      'github-actions[bot]',
      'mlops-reporter[bot]',
    ]);
  });

  it('reads only the pages up to its comment on a busy pull request, and asks who it is once', async () => {
    await upsertStickyComment(github.port(), target, `${MARKER}\nv1`, log);
    for (let i = 0; i < 250; i++) await github.port(PERSONAL).createComment(issue, `comment ${i}`);
    github.calls.length = 0;
    await upsertStickyComment(github.port(), target, `${MARKER}\nv2`, log);
    expect(github.calls).toEqual(['listIssueComments', 'getAuthenticatedUser', 'updateComment']);
    expect(bodies()[0]).toBe(`${MARKER}\nv2`);
  });

  it('writes nothing when compose has nothing to write: no comment is created, an existing one stays', async () => {
    const nothing: StickyContent = { compose: () => undefined };
    expect(await upsertStickyComment(github.port(), target, nothing, log)).toEqual({
      status: 'nothing-to-write',
    });
    expect(bodies()).toEqual([]);
    await upsertStickyComment(github.port(), target, `${MARKER}\nv1`, log);
    const writes = github.writes().length;
    expect(await upsertStickyComment(github.port(), target, nothing, log)).toMatchObject({
      status: 'unchanged',
    });
    expect(github.writes()).toHaveLength(writes);
    expect(bodies()).toEqual([`${MARKER}\nv1`]);
  });

  it("cuts a body over GitHub's limit at a line break, keeping the marker", async () => {
    await upsertStickyComment(github.port(), target, `${MARKER}\n${'row\n'.repeat(20_000)}`, log);
    const [body] = bodies();
    expect(body!.length).toBeLessThanOrEqual(COMMENT_BODY_LIMIT);
    expect(body).toMatch(new RegExp(`^${MARKER}`));
    expect(body).toMatch(/cut to GitHub's limit of 65536 characters/);
  });

  it('skips, saying why, on a read-only token (a pull request from a fork)', async () => {
    const result = await upsertStickyComment(
      github.port(READ_ONLY_TOKEN),
      target,
      `${MARKER}\nv1`,
      log,
    );
    expect(result).toEqual({
      status: 'skipped',
      reason: expect.stringMatching(/token is read-only/),
    });
    expect(bodies()).toEqual([]);
  });

  it('looks again before creating once more after a 5xx, and does not write twice', async () => {
    github.inject('createComment', new GitHubError(502, 'Bad Gateway'));
    expect(await upsertStickyComment(github.port(), target, `${MARKER}\nv1`, log)).toMatchObject({
      status: 'created',
    });
    expect(bodies()).toEqual([`${MARKER}\nv1`]);
    // No comment carries the marker, so who the token is never needs asking.
    expect(github.calls).toEqual([
      'listIssueComments',
      'createComment',
      'listIssueComments',
      'createComment',
    ]);
  });
});

describe('sections written concurrently', () => {
  it('writes its section again when another writer overwrote it', async () => {
    await seed(composeComment([section('churn', 'churn v1'), section('fraud', 'fraud v1')]));
    // The fraud job read the comment before our write and writes after it: our section is lost.
    github.afterCall = (operation) => {
      if (operation !== 'updateComment') return;
      github.afterCall = undefined;
      github.comments[0]!.body = composeComment([
        section('churn', 'churn v1'),
        section('fraud', 'fraud v2'),
      ]);
    };
    github.calls.length = 0;
    const result = await upsertStickyComment(
      github.port(),
      target,
      writing(section('churn', 'churn v2')),
      log,
    );
    expect(result.status).toBe('updated');
    expect(parseSections(bodies()[0]!).map((s) => s.body)).toEqual(['churn v2', 'fraud v2']);
    expect(github.calls).toEqual([
      'listIssueComments',
      'getAuthenticatedUser',
      'updateComment',
      'getComment',
      'updateComment',
      'getComment',
    ]);
  });

  it("does not read the comment back when it holds no other writer's section", async () => {
    await seed(composeComment([section('churn', 'churn v1')]));
    github.calls.length = 0;
    await upsertStickyComment(github.port(), target, writing(section('churn', 'churn v2')), log);
    expect(github.calls).toEqual(['listIssueComments', 'getAuthenticatedUser', 'updateComment']);
    expect(parseSections(bodies()[0]!).map((s) => s.body)).toEqual(['churn v2']);
  });

  it('gives up after 3 writes against a writer that never stops, and says so', async () => {
    await seed(composeComment([section('fraud', 'fraud v1')]));
    let rewrites = 0;
    github.afterCall = (operation) => {
      if (operation === 'updateComment')
        github.comments[0]!.body = composeComment([section('fraud', `fraud ${++rewrites}`)]);
    };
    const result = await upsertStickyComment(
      github.port(),
      target,
      writing(section('churn', 'churn v1')),
      log,
    );
    expect(result.status).toBe('updated');
    expect(github.calls.filter((c) => c === 'updateComment')).toHaveLength(3);
    expect(log.log.map((e) => e.message).join('\n')).toMatch(
      /could not be confirmed after 3 writes/,
    );
  });

  it('moves its section into the older comment when both writers created one', async () => {
    // The fraud job created its comment just before ours was created.
    github.afterCall = (operation) => {
      if (operation !== 'createComment') return;
      github.afterCall = undefined;
      const ours = github.comments[0]!;
      github.comments.unshift({
        ...ours,
        id: ours.id - 500,
        htmlUrl: `${ours.htmlUrl}-older`,
        body: composeComment([section('fraud', 'fraud v1')]),
      });
    };
    const result = await upsertStickyComment(
      github.port(),
      target,
      writing(section('churn', 'churn v1')),
      log,
    );
    expect(bodies()).toHaveLength(1);
    expect(parseSections(bodies()[0]!).map((s) => s.model)).toEqual(['churn', 'fraud']);
    expect(result).toEqual({ status: 'updated', url: github.comments[0]!.htmlUrl });
  });
});
