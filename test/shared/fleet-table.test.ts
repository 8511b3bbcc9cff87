/** The fleet as a terminal table (mlops-actions registry), read from in-memory repositories. */
import { describe, expect, it } from 'vitest';
import { readFleet, type FleetReadOptions } from '../../shared/fleet/read-fleet.js';
import { renderFleetTable } from '../../shared/fleet/fleet-table.js';
import { DEPLOYMENT_PAYLOAD_FORMAT } from '../../shared/registry/github-registry.js';
import { FakeAccounts } from '../fakes/github-accounts.js';
import { recordingRunner } from '../helpers/recording-runner.js';

/** The log of what is read; nothing here asserts on it. */
const silent = recordingRunner();

async function deploy(
  accounts: FakeAccounts,
  repository: string,
  task: string,
  environment: string,
  version: string,
  state: 'success' | 'failure',
  extra: Record<string, unknown> = {},
) {
  const port = accounts.repository(repository).port();
  const model = task.replace(/^model:/, '');
  const { id } = await port.createDeployment({
    ref: 'a'.repeat(40),
    task,
    environment,
    payload: {
      format: DEPLOYMENT_PAYLOAD_FORMAT,
      model,
      version,
      fingerprint: version.padEnd(64, '0'),
      metricsDigest: 'd',
      metrics: { accuracy: 0.8 },
      ...extra,
    },
    description: '',
    productionEnvironment: true,
  });
  await port.createDeploymentStatus(id, { state, description: '' });
}

const read = (accounts: FakeAccounts, repositories: string[]) =>
  readFleet(
    {
      repositories: repositories.map((full) => {
        const [owner, repo] = full.split('/');
        return { owner: owner!, repo: repo! };
      }),
      owners: [],
    },
    {
      github: accounts,
      now: new Date('2026-03-01T00:00:00Z'),
      staleAfterDays: 90,
      watchedEnvironments: ['production'],
      monitorLabels: ['model-monitoring'],
      detailedVersions: 10,
      log: silent,
    } satisfies FleetReadOptions,
  );

describe('the fleet table', () => {
  it('says so when nothing was promoted', async () => {
    const accounts = new FakeAccounts();
    accounts.repository('o/empty');
    expect(renderFleetTable(await read(accounts, ['o/empty']))).toMatch(
      /^No model has been promoted/,
    );
  });

  it('lists the model in each environment, skipping failures and deployments that are not models', async () => {
    const accounts = new FakeAccounts();
    const repo = 'o/r';
    await deploy(accounts, repo, 'model:churn', 'staging', 'v1', 'success');
    await deploy(accounts, repo, 'model:churn', 'production', 'v1', 'success', {
      approvals: [{ login: 'octocat', state: 'approved', comment: 'ok' }],
      owner: ['@alice'],
    });
    await deploy(accounts, repo, 'model:churn', 'staging', 'v2', 'success');
    await deploy(accounts, repo, 'model:churn', 'production', 'v2', 'failure');
    await deploy(accounts, repo, 'deploy', 'production', 'web', 'success');
    await deploy(accounts, repo, 'model:fraud', 'production', 'f7', 'success', {
      rollback: { from: 'f8', reason: 'drift\nin EU' },
    });
    accounts.addCollaborator(repo, 'alice');

    const lines = renderFleetTable(await read(accounts, [repo]))
      .trimEnd()
      .split('\n');
    expect(lines[0]).toMatch(
      /^MODEL\s+ENVIRONMENT\s+VERSION\s+PROMOTED\s+AGE\s+BY\s+APPROVED BY\s+OWNER\s+MONITOR\s+BIAS CHECK\s+FLAGS\s+NOTE$/,
    );
    // Promoted two seconds after 2026-01-01 00:00: 58 whole days before 2026-03-01.
    expect(lines[1]).toMatch(
      /^churn\s+production\s+v1\s+2026-01-01 00:00:\d\d UTC\s+58d\s+github-actions\[bot\]\s+octocat\s+@alice\s+not monitored\s+never checked for bias\s+unwatched$/,
    );
    expect(lines[2]).toMatch(/^churn\s+staging\s+v2\s/);
    // A reason with a line break stays on its row; nobody recorded as owner: orphaned.
    expect(lines[3]).toMatch(
      /^fraud\s+production\s+f7\s.*orphaned, unwatched\s+rollback from f8: drift in EU$/,
    );
    expect(lines).toHaveLength(4);
  });

  it('names the repository of each row when there are several, and the repositories it skipped', async () => {
    const accounts = new FakeAccounts();
    await deploy(accounts, 'o/a', 'model:churn', 'production', 'v1', 'success');
    await deploy(accounts, 'p/b', 'model:churn', 'production', 'v9', 'success');
    const text = renderFleetTable(await read(accounts, ['o/a', 'p/b', 'o/missing']));
    expect(text).toMatch(/^REPOSITORY\s+MODEL/);
    expect(text).toMatch(/\no\/a\s+churn\s+production\s+v1\s/);
    expect(text).toMatch(/\np\/b\s+churn\s+production\s+v9\s/);
    expect(text).toMatch(/\nskipped o\/missing: GitHub answered 404/);
  });
});
