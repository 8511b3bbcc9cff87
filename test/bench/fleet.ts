/**
 * `npm run bench -- --only fleet`: the publish-registry bundle building the fleet view of an
 * organisation with 50 repositories × 10 models × 100 versions (each promoted to staging and to
 * production: 100,000 deployments, 50,000 Releases) against the GitHub stand-in, run as the
 * runner runs it, timed by /usr/bin/time. Twice: the first build reads everything; the second,
 * with the first's cache restored, asks with conditional requests (304s cost no rate limit) and
 * downloads nothing again. REST and GraphQL calls are counted at the stand-in.
 */
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { prepareStep } from '../../harness/runner/run-bundle.js';
import { StandIns } from '../../harness/stand-ins/index.js';
import { fleetDocumentSchema } from '../../shared/fleet/fleet-document.js';
import { parseFileCommands } from '../../harness/runner/file-commands.js';
import { daysBefore, seedMonitorIssue, seedPromotion, seedRelease } from '../helpers/fleet-seed.js';
import { tempDir } from '../helpers/temp-dir.js';
import { timed } from './timed.js';

const REPOSITORIES = 50;
const MODELS = 10;
const VERSIONS = 100;

async function seedOrganisation(standIns: StandIns): Promise<void> {
  const github = standIns.github;
  const now = new Date();
  github.addOrganization('fleet-org', { members: ['ml-lead'] });
  github.addTeam('fleet-org', 'ml-platform', { members: ['ml-lead'] });
  for (let r = 0; r < REPOSITORIES; r++) {
    const repository = github.addRepository(`fleet-org/service-${String(r).padStart(2, '0')}`);
    for (let m = 0; m < MODELS; m++) {
      const model = `model-${m}`;
      // Every third model's owner left; the others belong to the platform team.
      const owner = { owner: [m % 3 === 0 ? '@departed-engineer' : '@fleet-org/ml-platform'] };
      for (let v = 0; v < VERSIONS; v++) {
        const version = `v${v}`;
        // A version a week, the newest this week (some models stale: their newest is old).
        const at = daysBefore(now, (VERSIONS - v) * 7 + (m === 9 ? 400 : 0));
        seedPromotion(repository, { model, environment: 'staging', version, at, extra: owner });
        seedPromotion(repository, {
          model,
          environment: 'production',
          version,
          at: new Date(at.getTime() + 3_600_000),
          extra: { ...owner, release: `${model}@${version}` },
        });
        seedRelease(repository, model, version, at);
      }
      if (m % 2 === 0)
        await seedMonitorIssue(
          repository,
          model,
          'production',
          m % 4 === 0 ? 'drifting' : 'healthy',
          daysBefore(now, 1),
        );
    }
  }
}

interface Build {
  wallSeconds: number;
  cpuSeconds: number;
  peakRssBytes: number;
  rest: number;
  graphql: number;
  notModified: number;
  downloads: number;
  models: number;
  siteBytes: number;
}

async function build(
  standIns: StandIns,
  job: { workspace: string; runnerTemp: string },
  runId: string,
): Promise<Build> {
  const before = standIns.github.requestCounts();
  const step = await prepareStep('publish-registry', {
    ...job,
    standIns,
    token: 'app',
    inputs: { repositories: 'fleet-org/*' },
    env: { GITHUB_RUN_ID: runId },
  });
  const run = await timed(process.execPath, [step.script], { cwd: step.cwd, env: step.env });
  const after = standIns.github.requestCounts();
  const outputs = parseFileCommands(
    await readFile(step.files.GITHUB_OUTPUT, 'utf8'),
    'GITHUB_OUTPUT',
  );
  const fleet = fleetDocumentSchema.parse(JSON.parse(await readFile(outputs.fleet!, 'utf8')));
  return {
    wallSeconds: run.wallSeconds,
    cpuSeconds: run.cpuSeconds,
    peakRssBytes: run.peakRssBytes,
    rest: after.rest - before.rest,
    graphql: after.graphql - before.graphql,
    notModified: after.notModified - before.notModified,
    downloads: fleet.cost.downloads,
    models: fleet.models.length,
    siteBytes: (await stat(outputs.fleet!)).size,
  };
}

export async function benchFleet(): Promise<string> {
  const standIns = await StandIns.start();
  try {
    const seedStarted = performance.now();
    await seedOrganisation(standIns);
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    const root = await tempDir('mlops-bench-fleet-');
    const job = { workspace: join(root, 'workspace'), runnerTemp: join(root, 'temp') };
    await mkdir(job.workspace, { recursive: true });
    await mkdir(job.runnerTemp, { recursive: true });
    const baseline = await timed(process.execPath, ['-e', '0']);
    const cold = await build(standIns, job, '9001');
    const warm = await build(standIns, job, '9002');
    const row = (name: string, b: Build) =>
      `| ${name} | ${b.models} | ${b.wallSeconds.toFixed(1)} s | ${b.cpuSeconds.toFixed(1)} s | ${(b.peakRssBytes / 2 ** 20).toFixed(0)} MB | ${b.rest.toLocaleString('en-US')} | ${b.notModified.toLocaleString('en-US')} | ${b.graphql.toLocaleString('en-US')} | ${b.downloads.toLocaleString('en-US')} | ${(b.siteBytes / 2 ** 20).toFixed(1)} MB |`;
    return [
      `publish-registry, ${REPOSITORIES} repositories × ${MODELS} models × ${VERSIONS} versions (staging and production: ${(REPOSITORIES * MODELS * VERSIONS * 2).toLocaleString('en-US')} deployments, ${(REPOSITORIES * MODELS * VERSIONS).toLocaleString('en-US')} Releases), the built bundle against the GitHub stand-in (seeded in ${seedSeconds.toFixed(1)} s); node -e 0 takes ${baseline.wallSeconds.toFixed(2)} s and ${(baseline.peakRssBytes / 2 ** 20).toFixed(0)} MB here`,
      '',
      '| build | models | wall | CPU | peak memory | REST calls | of them 304 (free) | GraphQL | Release downloads | fleet.json |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      row('first (nothing cached)', cold),
      row('next (cache restored)', warm),
      '',
      `REST calls per repository: ${(cold.rest / REPOSITORIES).toFixed(0)} first, of which ${(warm.notModified / REPOSITORIES).toFixed(0)} are answered 304 the next time; rate-limited calls the next time: ${(warm.rest - warm.notModified + warm.graphql).toLocaleString('en-US')}.`,
    ].join('\n');
  } finally {
    await standIns.stop();
  }
}
