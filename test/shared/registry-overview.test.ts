/** The registry overview over the in-memory GitHub: the model in each environment, by whom and when. */
import { describe, expect, it } from 'vitest';
import { DEPLOYMENT_PAYLOAD_FORMAT } from '../../shared/registry/github-registry.js';
import { readRegistry, renderRegistry } from '../../shared/registry/overview.js';
import { FakeGitHub } from '../fakes/github-port.js';

const registry = new FakeGitHub().port();

async function deploy(
  task: string,
  environment: string,
  version: string,
  state: 'success' | 'failure',
  extra: Record<string, unknown> = {},
) {
  const model = task.replace(/^model:/, '');
  const payload = {
    format: DEPLOYMENT_PAYLOAD_FORMAT,
    model,
    version,
    fingerprint: version.padEnd(64, '0'),
    metricsDigest: 'd',
    metrics: { accuracy: 0.8 },
    ...extra,
  };
  const { id } = await registry.createDeployment({
    ref: 'a'.repeat(40),
    task,
    environment,
    payload,
    description: '',
    productionEnvironment: environment === 'production',
  });
  await registry.createDeploymentStatus(id, { state, description: '' });
}

describe('the registry overview', () => {
  it('says so when nothing was promoted', async () => {
    expect(renderRegistry(await readRegistry(registry))).toMatch(/^No model has been promoted/);
  });

  it('lists the model in each environment, skipping failures and deployments that are not models', async () => {
    await deploy('model:churn', 'staging', 'v1', 'success');
    await deploy('model:churn', 'production', 'v1', 'success', {
      approvals: [{ login: 'octocat', state: 'approved', comment: 'ok' }],
    });
    await deploy('model:churn', 'staging', 'v2', 'success');
    await deploy('model:churn', 'production', 'v2', 'failure');
    await deploy('deploy', 'production', 'web', 'success');
    await deploy('model:fraud', 'production', 'f7', 'success', {
      rollback: { from: 'f8', reason: 'drift\nin EU' },
    });

    const entries = await readRegistry(registry);
    expect(entries.map((e) => [e.model, e.environment, e.deployed.payload.version])).toEqual([
      ['churn', 'production', 'v1'],
      ['churn', 'staging', 'v2'],
      ['fraud', 'production', 'f7'],
    ]);
    const text = renderRegistry(entries);
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toMatch(
      /^MODEL\s+ENVIRONMENT\s+VERSION\s+PROMOTED\s+BY\s+APPROVED BY\s+NOTE$/,
    );
    expect(lines[1]).toMatch(
      /^churn\s+production\s+v1\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\s+github-actions\[bot\]\s+octocat \(“ok”\)$/,
    );
    // A reason with a line break stays on its row.
    expect(lines[3]).toMatch(/fraud\s+production\s+f7 .*rollback from f8: drift in EU$/);
    expect(lines).toHaveLength(4);
  });

  it('reads one model when asked', async () => {
    expect((await readRegistry(registry, { model: 'fraud' })).map((e) => e.model)).toEqual([
      'fraud',
    ]);
  });
});
