/**
 * Reading the fleet from source, against in-memory repositories: the timeline of each
 * environment, the version there now, the versions' lineage from their Releases, the owners, the
 * monitor statuses and the flags, each checked against what was seeded.
 */
import { describe, expect, it } from 'vitest';
import { ResponseCache } from '../../shared/github/conditional-requests.js';
import type { GitHubPort } from '../../shared/github/port.js';
import {
  DEPLOYMENT_PAYLOAD_FORMAT,
  RETIRED_BY_SUITE,
} from '../../shared/registry/github-registry.js';
import { syncMonitorIssue } from '../../shared/monitor/monitor-issue.js';
import { fleetDocumentSchema, type FleetModel } from '../../shared/fleet/fleet-document.js';
import {
  parseFleetSources,
  readFleet,
  type FleetReadOptions,
} from '../../shared/fleet/read-fleet.js';
import { biasCheckText, NEVER_CHECKED } from '../../shared/fleet/bias-check.js';
import { UserError } from '../../shared/action/errors.js';
import { FakeAccounts } from '../fakes/github-accounts.js';
import { GitHubError, type FakeGitHub } from '../fakes/github-port.js';
import { validManifest } from './manifest-template.js';
import { MINIMAL_PROFILE } from '../helpers/minimal-profile.js';
import { recordingRunner } from '../helpers/recording-runner.js';

const NOW = new Date('2026-12-01T00:00:00Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000);
/** The log of what is read; nothing here asserts on it. */
const silent = recordingRunner();

interface Promotion {
  model: string;
  environment: string;
  version: string;
  at: Date;
  state?: 'success' | 'failure' | 'inactive';
  statusDescription?: string;
  extra?: Record<string, unknown>;
}

async function promote(fake: FakeGitHub, promotion: Promotion): Promise<number> {
  // The fake stamps what it creates a second after its clock.
  fake.setClock(new Date(promotion.at.getTime() - 1000));
  const port = fake.port();
  const deployment = await port.createDeployment({
    ref: 'c'.repeat(40),
    task: `model:${promotion.model}`,
    environment: promotion.environment,
    description: 'promote',
    productionEnvironment: true,
    payload: {
      format: DEPLOYMENT_PAYLOAD_FORMAT,
      model: promotion.model,
      version: promotion.version,
      fingerprint: `fp-${promotion.version}`,
      metricsDigest: 'd',
      metrics: { accuracy: 0.9 },
      ...promotion.extra,
    },
  });
  if (promotion.state === 'inactive') {
    await port.createDeploymentStatus(deployment.id, { state: 'success', description: 'ok' });
    await port.createDeploymentStatus(deployment.id, {
      state: 'inactive',
      description: promotion.statusDescription ?? '',
    });
  } else
    await port.createDeploymentStatus(deployment.id, {
      state: promotion.state ?? 'success',
      description: promotion.statusDescription ?? 'promoted',
    });
  return deployment.id;
}

async function publishRelease(port: GitHubPort, tag: string, files: Record<string, string>) {
  const release = await port.createRelease({
    tag,
    targetCommitish: 'c'.repeat(40),
    name: tag,
    body: '',
    draft: false,
  });
  for (const [name, text] of Object.entries(files))
    await port.uploadReleaseAsset(release, {
      name,
      contentType: 'application/json',
      bytes: Buffer.from(text),
    });
}

function metricsReport(model: string, version: string) {
  return JSON.stringify({
    format: 'mlops-actions/metrics-report@1',
    model,
    version,
    task: 'binary',
    evaluation: {
      predictions: 'p.csv',
      predictionsSha256: 'p',
      dataSha256: 'e'.repeat(64),
      rows: 500,
    },
    metrics: { accuracy: { value: 0.91, ci: [0.88, 0.94], n: 500 } },
    slices: { 'plan=basic': { accuracy: { value: 0.8, ci: [0.7, 0.9] } } },
  });
}

/** Two organisations' repositories with the situations the fleet page must tell apart. */
async function seededFleet() {
  const accounts = new FakeAccounts();
  const churn = accounts.repository('octo-org/churn');
  await promote(churn, {
    model: 'churn',
    environment: 'staging',
    version: 'v1',
    at: daysAgo(40),
    extra: { owner: ['@alice'] },
  });
  await promote(churn, {
    model: 'churn',
    environment: 'production',
    version: 'v1',
    at: daysAgo(39),
    extra: {
      owner: ['@alice'],
      release: 'churn@v1',
      verdict: 'pass',
      approvals: [{ login: 'bob', state: 'approved' }],
      approval: { digest: 'sha256:abc', by: ['bob'], at: daysAgo(39).toISOString() },
    },
  });
  await publishRelease(churn.port(), 'churn@v1', {
    'model-manifest.json': JSON.stringify({
      ...validManifest(),
      config: { ...validManifest().config, values: { 'model.depth': '6' } },
    }),
    'metrics.json': metricsReport('churn', 'v1'),
    'data-profile.json': MINIMAL_PROFILE,
  });
  await promote(churn, {
    model: 'churn',
    environment: 'production',
    version: 'v2',
    at: daysAgo(20),
    extra: { owner: ['@alice'], overrideReason: 'hotfix for the holiday campaign' },
  });
  await promote(churn, {
    model: 'churn',
    environment: 'production',
    version: 'v1',
    at: daysAgo(10),
    extra: {
      owner: ['@alice'],
      release: 'churn@v1',
      verdict: 'warn',
      rollback: { from: 'v2', reason: 'v2 mislabels new customers' },
    },
  });
  await promote(churn, {
    model: 'churn',
    environment: 'production',
    version: 'v3',
    at: daysAgo(5),
    state: 'failure',
    statusDescription: 'gates failed',
  });
  await promote(churn, {
    model: 'churn',
    environment: 'staging',
    version: 'v0',
    at: daysAgo(60),
    state: 'inactive',
    statusDescription: `${RETIRED_BY_SUITE} by hand`,
  });
  // GitHub's own deployment of a job that declares `environment:`: not a model.
  churn.environmentJob('production');
  accounts.addCollaborator('octo-org/churn', 'alice');
  // The monitor's issue, written as monitor-model writes it.
  churn.setClock(daysAgo(1));
  await syncMonitorIssue(churn.port(), {
    model: 'churn',
    environment: 'production',
    unhealthy: true,
    mode: 'on-failure',
    title: 'Model churn in production: drifting',
    entry: { status: 'drifting', driftShare: 0.25 },
    renderBody: () => 'drifting',
    labels: ['model-monitoring'],
    closingComment: 'healthy',
    now: daysAgo(1),
    log: silent,
  });

  const fraud = accounts.repository('acme/fraud');
  await promote(fraud, {
    model: 'fraud',
    environment: 'production',
    version: '2025.1',
    at: daysAgo(200),
    extra: { owner: ['@carol', '@acme/risk'] },
  });
  return accounts;
}

const byEnvironment = (model: FleetModel, name: string) =>
  model.environments.find((e) => e.name === name)!;

/** The read options every case uses, and the case's own. */
const optionsFor = (
  accounts: FakeAccounts,
  own: Partial<FleetReadOptions> = {},
): FleetReadOptions => ({
  github: accounts,
  now: NOW,
  staleAfterDays: 90,
  watchedEnvironments: ['production'],
  monitorLabels: ['model-monitoring'],
  detailedVersions: 10,
  log: silent,
  ...own,
});

describe('reading the fleet', () => {
  it('tells each environment’s story: promotion, override, rollback, failure, retirement', async () => {
    const accounts = await seededFleet();
    const fleet = await readFleet(
      { repositories: [{ owner: 'octo-org', repo: 'churn' }], owners: ['acme'] },
      optionsFor(accounts),
    );
    expect(fleetDocumentSchema.parse(fleet)).toEqual(fleet);
    expect(fleet.repositories.map((r) => [r.fullName, r.models])).toEqual([
      ['octo-org/churn', 1],
      ['acme/fraud', 1],
    ]);
    const churn = fleet.models.find((m) => m.name === 'churn')!;
    const production = byEnvironment(churn, 'production');
    expect(production.current).toMatchObject({
      version: 'v1',
      ageDays: 10,
      rollback: { from: 'v2', reason: 'v2 mislabels new customers' },
    });
    expect(production.timeline.map((e) => [e.kind, e.version])).toEqual([
      ['failed', 'v3'],
      ['rollback', 'v1'],
      ['promotion', 'v2'],
      ['promotion', 'v1'],
    ]);
    expect(production.timeline[0]!.status).toBe('gates failed');
    expect(production.timeline[2]!.overrideReason).toBe('hotfix for the holiday campaign');
    expect(production.timeline[3]!.approvedBy).toEqual(['bob']);
    const staging = byEnvironment(churn, 'staging');
    expect(staging.current?.version).toBe('v1');
    expect(staging.timeline.map((e) => e.kind)).toEqual(['promotion', 'retired']);
    // The version now in production was rolled back to, not overridden: no flag for v2's override.
    expect(production.flags).toEqual([]);
    expect(production.monitor).toMatchObject({
      status: 'drifting',
      driftShare: 0.25,
      issue: { state: 'open' },
    });
    expect(churn.owner).toEqual({ handles: ['@alice'], gone: [], checked: true });
  });

  it('reads a production version’s lineage from its Release, and keeps what it read', async () => {
    const accounts = await seededFleet();
    const store = new ResponseCache();
    const options = optionsFor(accounts, { store });
    const fleet = await readFleet(
      { repositories: [{ owner: 'octo-org', repo: 'churn' }], owners: [] },
      options,
    );
    const v1 = fleet.models[0]!.versions.find((v) => v.version === 'v1')!;
    expect(v1.environments).toEqual(['staging', 'production']);
    expect(v1.lineage).toMatchObject({
      source: 'release',
      command: 'python train.py',
      data: [{ path: 'data/train.csv', sha256: 'a'.repeat(64) }],
      config: { values: { 'model.depth': '6' } },
      evaluation: { task: 'binary', rows: 500 },
      slices: { 'plan=basic': { accuracy: { value: 0.8 } } },
      profile: { rows: 2, columns: [{ name: 'tenure', type: 'integer' }] },
    });
    expect(v1.lineage.missing).toBeUndefined();
    expect(v1.metrics.accuracy).toEqual({ value: 0.9, ci: [0.88, 0.94] });
    // The verdict of its latest promotion (the rollback), not of its first.
    expect(v1.verdict).toBe('warn');
    expect(v1.approval?.digest).toBe('sha256:abc');
    expect(v1.release?.url).toMatch(/\/releases\/tag\/churn(@|%40)v1$/);
    expect(fleet.cost.downloads).toBe(3);
    const v2 = fleet.models[0]!.versions.find((v) => v.version === 'v2')!;
    expect(v2.lineage.source).toBe('payload');
    expect(v2.lineage.missing).toMatch(/never promoted to production/);
    // v3 never held an environment: it is no version of the model.
    expect(fleet.models[0]!.versions.map((v) => v.version)).toEqual(['v1', 'v2']);

    const again = await readFleet(
      { repositories: [{ owner: 'octo-org', repo: 'churn' }], owners: [] },
      options,
    );
    expect(again.cost.downloads).toBe(0);
    expect(again.models[0]!.versions[0]!.lineage).toEqual(v1.lineage);
  });

  it('flags the stale, orphaned and unwatched model, with reasons', async () => {
    const accounts = await seededFleet();
    accounts.teams.add('acme/other');
    const fleet = await readFleet({ repositories: [], owners: ['acme'] }, optionsFor(accounts));
    const fraud = fleet.models[0]!;
    expect(fraud.owner).toEqual({
      handles: ['@carol', '@acme/risk'],
      gone: ['@carol', '@acme/risk'],
      checked: true,
    });
    const production = byEnvironment(fraud, 'production');
    expect(production.flags).toEqual(['stale', 'orphaned', 'unwatched']);
    expect(production.reasons.stale).toMatch(/for 200 days \(more than 90\).*never monitored/);
    expect(production.reasons.orphaned).toMatch(/@carol, @acme\/risk no longer belong/);

    accounts.addCollaborator('acme/fraud', 'Carol');
    const later = await readFleet(
      { repositories: [], owners: ['acme'] },
      optionsFor(accounts, { staleAfterDays: 365, watchedEnvironments: [] }),
    );
    expect(byEnvironment(later.models[0]!, 'production').flags).toEqual([]);
  });

  it('says nothing of membership it may not ask, and flags an owner nobody recorded', async () => {
    const accounts = await seededFleet();
    accounts.membershipDenied = true;
    const noOwner = accounts.repository('acme/pricing');
    await promote(noOwner, {
      model: 'pricing',
      environment: 'production',
      version: 'a1',
      at: daysAgo(1),
    });
    const fleet = await readFleet({ repositories: [], owners: ['acme'] }, optionsFor(accounts));
    const fraud = fleet.models.find((m) => m.name === 'fraud')!;
    expect(fraud.owner.checked).toBe(false);
    expect(byEnvironment(fraud, 'production').flags).not.toContain('orphaned');
    const pricing = fleet.models.find((m) => m.name === 'pricing')!;
    expect(byEnvironment(pricing, 'production').reasons.orphaned).toMatch(/No owner was recorded/);
  });

  it('skips a repository it cannot read, saying why, and reads the rest', async () => {
    const accounts = await seededFleet();
    const fleet = await readFleet(
      {
        repositories: [
          { owner: 'octo-org', repo: 'gone' },
          { owner: 'octo-org', repo: 'churn' },
        ],
        owners: [],
      },
      optionsFor(accounts),
    );
    expect(fleet.repositories[0]).toMatchObject({
      fullName: 'octo-org/gone',
      models: 0,
      skipped: expect.stringMatching(/404/),
    });
    expect(fleet.models.map((m) => m.id)).toEqual(['octo-org/churn/churn']);
  });

  it('shows the bias check a version was promoted with, and none for one promoted without', async () => {
    const accounts = new FakeAccounts();
    const repo = accounts.repository('octo-org/loans');
    const dp = {
      attribute: 'sex',
      measure: 'demographic_parity_ratio',
      value: 0.93,
      ci: [0.88, 0.97],
    };
    const eo = {
      attribute: 'sex',
      measure: 'equalized_odds_difference',
      value: 0.04,
      ci: [0.01, 0.08],
    };
    await promote(repo, {
      model: 'loans',
      environment: 'production',
      version: 'v1',
      at: daysAgo(20),
      extra: {
        fairness: {
          attributes: ['sex'],
          dataSha256: 'e'.repeat(64),
          minGroupSize: 30,
          measures: [dp, eo],
        },
      },
    });
    await promote(repo, {
      model: 'loans',
      environment: 'production',
      version: 'v2',
      at: daysAgo(5),
    });
    const fleet = await readFleet(
      { repositories: [{ owner: 'octo-org', repo: 'loans' }], owners: [] },
      optionsFor(accounts),
    );
    expect(fleetDocumentSchema.parse(fleet)).toEqual(fleet);
    const versions = fleet.models[0]!.versions;
    // The one-line check shows the four-fifths rule's measure; the payload keeps the rest.
    expect(versions.find((v) => v.version === 'v1')!.fairness).toEqual({
      attributes: ['sex'],
      measures: [dp],
    });
    expect(biasCheckText(versions.find((v) => v.version === 'v1')!)).toBe(
      'checked for bias on sex: demographic parity ratio 0.93 [0.88, 0.97]',
    );
    expect(versions.find((v) => v.version === 'v2')!.fairness).toBeUndefined();
    expect(biasCheckText(versions.find((v) => v.version === 'v2')!)).toBe(NEVER_CHECKED);
  });
});

describe('a repository whose issues are disabled', () => {
  it('reads its models, with no monitor status, and says why', async () => {
    const accounts = new FakeAccounts();
    const repo = accounts.repository('o/no-issues');
    await promote(repo, { model: 'm', environment: 'production', version: 'v1', at: daysAgo(1) });
    repo.inject('listIssues', new GitHubError(410, 'Issues are disabled for this repo'));
    const log = recordingRunner();
    const fleet = await readFleet(
      { repositories: [{ owner: 'o', repo: 'no-issues' }], owners: [] },
      { ...optionsFor(accounts), log },
    );
    expect(fleet.models[0]!.environments[0]!.flags).toContain('unwatched');
    expect(log.log.map((entry) => entry.message).join('\n')).toMatch(
      /o\/no-issues: its issues could not be read \(GitHub answered 410: issues are disabled\)/,
    );
  });
});

describe('hostile Release files', () => {
  it('names a manifest that is not one and a metrics report that is not JSON, and reads the rest', async () => {
    const accounts = new FakeAccounts();
    const repo = accounts.repository('o/hostile');
    await promote(repo, {
      model: 'm',
      environment: 'production',
      version: 'v1',
      at: daysAgo(3),
      extra: { release: 'm@v1' },
    });
    await publishRelease(repo.port(), 'm@v1', {
      'model-manifest.json': JSON.stringify({
        ...validManifest(),
        data: [{ path: '../../etc/passwd', sha256: 'x' }],
      }),
      'metrics.json': '<html>not json</html>',
      'data-profile.json': MINIMAL_PROFILE,
    });
    const store = new ResponseCache();
    const read = () =>
      readFleet(
        { repositories: [{ owner: 'o', repo: 'hostile' }], owners: [] },
        optionsFor(accounts, { watchedEnvironments: [], detailedVersions: 3, store }),
      );
    const fleet = await read();
    const lineage = fleet.models[0]!.versions[0]!.lineage;
    expect(lineage.source).toBe('release');
    expect(lineage.missing).toMatch(/model-manifest\.json is not valid \(data\.0\.(path|sha256)/);
    expect(lineage.missing).toMatch(/metrics\.json is not JSON/);
    expect(lineage.data).toEqual([]);
    expect(lineage.profile?.rows).toBe(2);
    // A Release whose files failed is read again next time, in case it is mended.
    expect((await read()).cost.downloads).toBe(3);
  });
});

describe('the repositories input', () => {
  it('reads owner/name, owner/* and owner, and falls back on this repository', () => {
    expect(parseFleetSources('octo-org/churn\nacme/*, solo', undefined)).toEqual({
      repositories: [{ owner: 'octo-org', repo: 'churn' }],
      owners: ['acme', 'solo'],
    });
    expect(parseFleetSources('  \n', 'me/here')).toEqual({
      repositories: [{ owner: 'me', repo: 'here' }],
      owners: [],
    });
  });

  it.each(['octo org/x', 'a/b/c', '../etc', 'o/$(id)', '-bad/x'])(
    'refuses %s, naming it',
    (entry) => {
      expect(() => parseFleetSources(entry, undefined)).toThrow(UserError);
      expect(() => parseFleetSources(entry, undefined)).toThrow(/repositories/);
    },
  );
});
