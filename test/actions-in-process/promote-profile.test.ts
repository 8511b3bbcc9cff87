/**
 * The training data profile published with every promotion, and read back as monitor-model's
 * drift reference (shared/registry/reference-profile.ts): production keeps it in the Release,
 * other environments as the artifact profile-<model>-<version>, a rollback carries its
 * Release's forward, and every way the reference can be missing is a UserError that says how
 * to provide one. In process on the in-memory GitHub, with the artifact stand-in; the bundle's
 * smoke test is in test/actions/promote-registry.test.ts.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { promoteModel } from '../../actions/promote-model/src/run.js';
import { validateData } from '../../actions/validate-data/src/run.js';
import { StandIns } from '../../harness/stand-ins/index.js';
import { UserError } from '../../shared/action/errors.js';
import { runArtifacts, type RunArtifacts } from '../../shared/artifacts/model-artifact.js';
import type { DeploymentPayload } from '../../shared/registry/github-registry.js';
import { referenceProfile } from '../../shared/registry/reference-profile.js';
import { exampleWorkspace } from '../actions/workspace.js';
import { FakeGitHub } from '../fakes/github-port.js';
import { expectUserError, runInProcess } from '../helpers/in-process.js';
import { tempDir } from '../helpers/temp-dir.js';
import { trainedCandidate } from '../helpers/trained-candidate.js';

const standIns = await StandIns.start();
afterAll(() => standIns.stop());
const github = new FakeGitHub(standIns.github.url);
const job = await exampleWorkspace();
/** The workflow run the steps run in (GITHUB_RUN_ID), whose artifacts the REST API serves. */
const RUN_ID = 8675309;
standIns.publishRun(RUN_ID);

const registry = github.port();
/** The artifacts as monitor-model reads them: through the REST stand-in, from another run. */
const artifacts = runArtifacts({
  token: StandIns.token('read-write'),
  repository: github.repository,
  tempDir: await tempDir('mlops-reference-'),
});
/** @actions/artifact reads GITHUB_API_URL from the process, as on a runner. */
async function reference(environment: string, reader: RunArtifacts = artifacts) {
  const saved = process.env.GITHUB_API_URL;
  process.env.GITHUB_API_URL = standIns.github.url;
  try {
    return await referenceProfile({ registry, artifacts: reader, model: 'churn', environment });
  } finally {
    if (saved === undefined) delete process.env.GITHUB_API_URL;
    else process.env.GITHUB_API_URL = saved;
  }
}
/** A reader for the tests that must not touch an artifact. */
const noArtifacts: RunArtifacts = {
  readFile: () => Promise.reject(new Error('no artifact should be read here')),
};

async function expectRefusal(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(UserError);
  expect((error as Error).message).toMatch(pattern);
  expect((error as Error).message).not.toContain('\n');
}

const promote = (
  model: { version: string; metrics: string },
  environment: string,
  inputs: Record<string, string> = {},
) =>
  runInProcess(promoteModel, {
    ...job,
    standIns,
    github,
    inputs: {
      'model-name': 'churn',
      environment,
      // The artifact train-model uploaded: the workspace's model files are the last trained.
      artifact: `model-churn-${model.version}`,
      metrics: model.metrics,
      gates: 'examples/churn/gates.yaml',
      ...inputs,
    },
  });
const payloadIn = (environment: string) =>
  github.deployments.filter((d) => d.environment === environment).at(-1)!
    .payload as DeploymentPayload;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** The profile of a data file, by validate-data in process. */
async function profileOf(data: string, out: string): Promise<Buffer> {
  const validated = await runInProcess(validateData, {
    ...job,
    standIns,
    inputs: { data, schema: 'examples/churn/schema.yaml', profile: out, 'fail-on': 'never' },
  });
  expect(validated.exitCode, validated.errors.join()).toBe(0);
  return readFile(join(job.workspace, out));
}

// Trained and profiled once, in the first test (training runs in the shared workspace).
let setup: Promise<{
  v1: Awaited<ReturnType<typeof trainedCandidate>>;
  v2: Awaited<ReturnType<typeof trainedCandidate>>;
  train: Buffer;
  evaluation: Buffer;
}>;
const ready = () => {
  setup ??= (async () => ({
    v1: await trainedCandidate(job, standIns, '1', 0.8),
    v2: await trainedCandidate(job, standIns, '2', 0.81),
    train: await profileOf('data/train.csv', 'train-profile.json'),
    evaluation: await profileOf('data/eval.csv', 'eval-profile.json'),
  }))();
  return setup;
};

describe('promote-model publishes the training data profile with every promotion', () => {
  it('keeps it as the artifact profile-<model>-<version> for staging, and referenceProfile reads it back', async () => {
    const { v1, train } = await ready();
    const result = await promote(v1, 'staging', { profile: 'train-profile.json' });
    expect(result.exitCode, result.errors.join()).toBe(0);
    const name = `profile-churn-${v1.version}`;
    const held = standIns.results.artifacts.filter((a) => a.name === name && a.finalized);
    expect(held).toHaveLength(1);
    expect(payloadIn('staging').profile).toEqual({
      sha256: sha256(train),
      artifact: { name, id: held[0]!.id, runId: RUN_ID },
    });
    expect(result.summary).toMatch(
      /\| Data profile \| artifact `profile-churn-\w+` of this run, kept for the repository's artifact retention/,
    );
    expect(
      result.annotations
        .filter((a) => a.level === 'notice')
        .map((a) => a.message)
        .join(),
    ).not.toMatch(/No data profile/);

    const { profile, deployed } = await reference('staging');
    expect(profile).toEqual(JSON.parse(train.toString('utf8')));
    expect(deployed.payload).toMatchObject({ version: v1.version, metrics: { accuracy: 0.8 } });
  });

  it('records the same artifact for another environment of the same run, and refuses another profile under its name', async () => {
    const { v1, train } = await ready();
    const again = await promote(v1, 'qa', { profile: 'train-profile.json' });
    expect(again.exitCode, again.errors.join()).toBe(0);
    expect(payloadIn('qa').profile).toEqual(payloadIn('staging').profile);
    expect(sha256(train)).toBe(payloadIn('qa').profile!.sha256);

    const before = github.deployments.length;
    const other = await promote(v1, 'qa-eu', { profile: 'eval-profile.json' });
    expectUserError(
      other,
      /already has artifact profile-churn-\w+, and it does not hold the "profile" given/,
    );
    expect(github.deployments).toHaveLength(before);
  });

  it('keeps it in the production Release as data-profile.json, and referenceProfile reads it from there', async () => {
    const { v1, train } = await ready();
    const result = await promote(v1, 'production', { profile: 'train-profile.json' });
    expect(result.exitCode, result.errors.join()).toBe(0);
    const release = github.releases.find((r) => r.tag === `churn@${v1.version}`)!;
    const asset = release.assets.find((a) => a.name === 'data-profile.json')!;
    expect(release.bytes.get(asset.id)).toEqual(train);
    expect(payloadIn('production').profile).toEqual({ sha256: sha256(train), asset: asset.url });
    expect(result.summary).toMatch(
      /\| Data profile \| the Release's `data-profile.json`, kept with the Release/,
    );

    const { profile, deployed } = await reference('production', noArtifacts);
    expect(profile).toEqual(JSON.parse(train.toString('utf8')));
    expect(deployed.payload.version).toBe(v1.version);
  });

  it('says so when a promotion has no profile, records none, and referenceProfile then names both ways to give one', async () => {
    const { v2, train } = await ready();
    const result = await promote(v2, 'production');
    expect(result.exitCode, result.errors.join()).toBe(0);
    expect(payloadIn('production')).toMatchObject({ version: v2.version });
    expect(payloadIn('production').profile).toBeUndefined();
    expect(
      github.releases.find((r) => r.tag === `churn@${v2.version}`)!.assets.map((a) => a.name),
    ).not.toContain('data-profile.json');
    const notices = result.annotations.filter((a) => a.level === 'notice').map((a) => a.message);
    expect(notices).toContainEqual(
      expect.stringMatching(/^No data profile: monitor-model will need `reference` for churn \w+/),
    );
    expect(result.summary).toMatch(
      /\| Data profile \| \*\*none\*\*: no data profile, so monitor-model will need `reference`/,
    );

    await expectRefusal(
      reference('production', noArtifacts),
      new RegExp(
        `^churn ${v2.version}, the model in production \\(deployment \\d+\\), was promoted without a data profile.*Promote it with "profile:".*or give "reference"`,
      ),
    );

    // Which is done so: promoted again with "profile", the model in place is recorded again.
    // Its Release is published without one and is not changed: the artifact keeps it.
    const deployments = github.deployments.length;
    const again = await promote(v2, 'production', { profile: 'train-profile.json' });
    expect(again.exitCode, again.errors.join()).toBe(0);
    expect(github.deployments).toHaveLength(deployments + 1);
    expect(again.outputs['previous-version']).toBe(v2.version);
    expect(payloadIn('production').profile).toMatchObject({
      sha256: sha256(train),
      artifact: { name: `profile-churn-${v2.version}` },
    });
    expect((await reference('production')).profile).toEqual(JSON.parse(train.toString('utf8')));
    // And only once: the next re-run records nothing.
    const rerun = await promote(v2, 'production', { profile: 'train-profile.json' });
    expect(rerun.exitCode, rerun.errors.join()).toBe(0);
    expect(github.deployments).toHaveLength(deployments + 1);
  });

  it("a rollback carries its Release's profile forward", async () => {
    const { v1, train } = await ready();
    const result = await runInProcess(promoteModel, {
      ...job,
      standIns,
      github,
      inputs: {
        'model-name': 'churn',
        environment: 'production',
        version: v1.version,
        'override-reason': 'v2 misbehaves',
      },
    });
    expect(result.exitCode, result.errors.join()).toBe(0);
    const payload = payloadIn('production');
    expect(payload).toMatchObject({ version: v1.version, rollback: { reason: 'v2 misbehaves' } });
    const release = github.releases.find((r) => r.tag === `churn@${v1.version}`)!;
    const asset = release.assets.find((a) => a.name === 'data-profile.json')!;
    expect(payload.profile).toEqual({ sha256: sha256(train), asset: asset.url });
    // Into another environment too: the Release's profile, not an artifact.
    const staging = await runInProcess(promoteModel, {
      ...job,
      standIns,
      github,
      inputs: {
        'model-name': 'churn',
        environment: 'canary',
        version: v1.version,
        'override-reason': 'test',
      },
    });
    expect(staging.exitCode, staging.errors.join()).toBe(0);
    expect(payloadIn('canary').profile).toEqual({ sha256: sha256(train), asset: asset.url });
    expect((await reference('canary', noArtifacts)).profile).toEqual(
      JSON.parse(train.toString('utf8')),
    );
  });
});

describe('referenceProfile refuses, saying what is missing and how to provide it', () => {
  /** Promotes v1 to `environment` with the training profile, then lets the test change what the deployment records. */
  async function promoted(environment: string, change: (payload: DeploymentPayload) => void) {
    const { v1 } = await ready();
    const result = await promote(v1, environment, { profile: 'train-profile.json' });
    expect(result.exitCode, result.errors.join()).toBe(0);
    change(payloadIn(environment));
  }

  it('no model in the environment', async () => {
    await expectRefusal(
      reference('nowhere', noArtifacts),
      /^No model churn is in nowhere \(no successful deployment of task model:churn to it\).*Promote one first.*or give "reference"/,
    );
  });

  it('an expired or deleted artifact', async () => {
    const { v1 } = await ready();
    const name = `profile-churn-${v1.version}`;
    // The artifact is gone from the service (GitHub answers 404 for it, 410 once expired).
    const index = standIns.results.artifacts.findIndex((a) => a.name === name);
    const [removed] = standIns.results.artifacts.splice(index, 1);
    try {
      await expectRefusal(
        reference('staging'),
        new RegExp(
          `^The artifact ${name} \\(id ${removed!.id}\\) of workflow run ${RUN_ID}, where churn ${v1.version}, the model in staging \\(deployment \\d+\\), keeps its profile, is gone: workflow artifacts are kept only for the repository's artifact retention \\(90 days by default\\).*or give "reference"`,
        ),
      );
    } finally {
      standIns.results.artifacts.splice(index, 0, removed!);
    }
    expect((await reference('staging')).deployed.payload.version).toBe(v1.version);
  });

  it('a profile whose digest is not the recorded one', async () => {
    await promoted('digest', (payload) => (payload.profile!.sha256 = 'f'.repeat(64)));
    await expectRefusal(
      reference('digest'),
      /^The profile in artifact profile-churn-\w+ \(id \d+\) of workflow run \d+ has sha256 [0-9a-f]{16}…, but churn \w+, the model in digest \(deployment \d+\), recorded ffffffffffffffff…: it is not the profile the model was promoted with/,
    );
  });

  it("another model's artifact", async () => {
    await promoted(
      'other-artifact',
      (payload) => (payload.profile!.artifact!.name = 'profile-fraud-1'),
    );
    await expectRefusal(
      reference('other-artifact'),
      /records artifact "profile-fraud-1" as its profile, not profile-churn-\w+: it is not the profile of this model and version/,
    );
  });

  it("another release's asset, and a URL that is no release asset of the repository", async () => {
    const { v2 } = await ready();
    const production = payloadIn('production');
    const asset = production.profile!.asset!;
    // The v1 release's profile, recorded for v2.
    const forV2 = structuredClone(production);
    forV2.version = v2.version;
    const [latest] = github.deployments.filter((d) => d.environment === 'production').slice(-1);
    latest!.payload = forV2;
    try {
      await expectRefusal(
        reference('production', noArtifacts),
        new RegExp(
          `records release asset \\d+ as its profile, which is not an asset of Release churn@${v2.version}`,
        ),
      );
      latest!.payload = {
        ...production,
        profile: { ...production.profile!, asset: 'https://example.com/x/releases/assets/1' },
      };
      await expectRefusal(
        reference('production', noArtifacts),
        /records its profile at https:\/\/example\.com\/x\/releases\/assets\/1, which is not a release asset of Codertocat\/Hello-World/,
      );
    } finally {
      latest!.payload = production;
    }
    expect(asset).toContain('/releases/assets/');
  });

  it('a malformed profile record is dropped, not the deployment', async () => {
    await promoted(
      'malformed',
      (payload) => ((payload.profile as unknown as { sha256: number }).sha256 = 42),
    );
    await expectRefusal(
      reference('malformed', noArtifacts),
      /the model in malformed \(deployment \d+\), was promoted without a data profile/,
    );
  });
});
