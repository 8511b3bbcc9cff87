/**
 * publish-registry in process, on the in-memory GitHub: the action's wiring from source (its
 * inputs, the site it writes, its outputs and summary, the fleet cache through the Actions cache
 * stand-in, its refusals). The bundle over the REST stand-in, across repositories and read in
 * Chromium, is test/actions/publish-registry.test.ts.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { publishRegistry } from '../../actions/publish-registry/src/run.js';
import { StandIns } from '../../harness/stand-ins/index.js';
import { fleetDocumentSchema } from '../../shared/fleet/fleet-document.js';
import { DEPLOYMENT_PAYLOAD_FORMAT } from '../../shared/registry/github-registry.js';
import { exampleWorkspace } from '../actions/workspace.js';
import { FakeGitHub } from '../fakes/github-port.js';
import { expectUserError, runInProcess } from '../helpers/in-process.js';

const standIns = await StandIns.start();
afterAll(() => standIns.stop());
const github = new FakeGitHub(standIns.github.url);
const now = Date.now();
const job = await exampleWorkspace();

async function promote(environment: string, version: string, daysAgo: number, extra = {}) {
  github.setClock(new Date(now - daysAgo * 86_400_000));
  const port = github.port();
  const { id } = await port.createDeployment({
    ref: 'c'.repeat(40),
    task: 'model:churn',
    environment,
    description: '',
    productionEnvironment: true,
    payload: {
      format: DEPLOYMENT_PAYLOAD_FORMAT,
      model: 'churn',
      version,
      fingerprint: 'f'.repeat(64),
      metricsDigest: 'd',
      metrics: { accuracy: 0.8 },
      owner: ['@octo-org/ml-platform'],
      ...extra,
    },
  });
  await port.createDeploymentStatus(id, { state: 'success', description: 'promoted' });
}

await promote('staging', 'v2', 3);
await promote('production', 'v1', 120, { overrideReason: 'hotfix' });

let runId = 7000;
const publish = (inputs: Record<string, string> = {}) =>
  runInProcess(publishRegistry, {
    ...job,
    standIns,
    github,
    env: { GITHUB_RUN_ID: String(runId++) },
    event: { name: 'schedule', payload: { schedule: '43 4 * * *' } },
    inputs,
  });

describe('publish-registry in process', () => {
  it('reads this repository by default and writes the site, its outputs and the summary', async () => {
    const result = await publish();
    expect(result.exitCode, result.errors.join(' | ')).toBe(0);
    expect(result.outputs).toMatchObject({
      site: join(job.workspace, 'registry-site'),
      fleet: join(job.workspace, 'registry-site', 'fleet.json'),
      models: '1',
      stale: '1',
    });
    const fleet = fleetDocumentSchema.parse(
      JSON.parse(await readFile(result.outputs.fleet!, 'utf8')),
    );
    const production = fleet.models[0]!.environments.find((e) => e.name === 'production')!;
    expect(production.current?.version).toBe('v1');
    // The in-memory GitHub knows no team @octo-org/ml-platform: its owner is gone.
    expect(production.flags).toEqual(['stale', 'orphaned', 'unwatched', 'overridden']);
    expect(production.reasons.orphaned).toMatch(/@octo-org\/ml-platform no longer belongs/);
    expect(await readFile(join(job.workspace, 'registry-site', 'index.html'), 'utf8')).toMatch(
      /<html/,
    );
    expect(result.summary).toMatch(/## Model fleet/);
    expect(result.summary).toMatch(/1 model, 1 in production: 1 stale/);
  });

  it('replaces its own earlier site, and honours stale-after', async () => {
    const result = await publish({ 'stale-after': '200d' });
    expect(result.exitCode, result.errors.join(' | ')).toBe(0);
    expect(result.outputs.stale).toBe('0');
  });

  it.each([
    [{ 'stale-after': '90 days' }, /stale-after/],
    [{ 'watched-environments': 'prod uction' }, /watched-environments/],
    [{ 'monitor-labels': 'a,b' }, /label "a,b" cannot be used/],
    [{ repositories: 'not a repo' }, /Input "repositories" holds "not a repo"/],
  ])('refuses %j, naming the input', async (inputs, message) => {
    expectUserError(await publish(inputs), message);
  });
});
