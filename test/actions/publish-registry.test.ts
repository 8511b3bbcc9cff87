/**
 * The fleet view through the built publish-registry bundle, against the OpenAPI-checked GitHub
 * stand-in seeded with an organisation's and a user's repositories: promotions, a rollback with
 * its reason, an override, a failed promotion, a stale model whose owner left, monitor issues,
 * production Releases with their lineage, an archived repository. The site it writes is then
 * read in Chromium as a reader reads it: the facts on the fleet, model and version pages, not only
 * that they load. A second run with the Actions cache asks with conditional requests and
 * downloads no Release file again.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../harness/chromium/launch.js';
import { StandIns } from '../../harness/stand-ins/index.js';
import { fleetDocumentSchema, type FleetDocument } from '../../shared/fleet/fleet-document.js';
import { modelPage, versionPage } from '../../shared/fleet/site/index.js';
import { daysBefore, seedMonitorIssue, seedPromotion, seedRelease } from '../helpers/fleet-seed.js';
import { tempDir } from '../helpers/temp-dir.js';
import { expectUserError, run } from './workspace.js';

const standIns = await StandIns.start();
const github = standIns.github;
const now = new Date();
const ago = (days: number) => daysBefore(now, days);
let browser: Browser | undefined;

async function seed(): Promise<void> {
  github.addOrganization('octo-org', { members: ['alice', 'bob'] });
  github.addTeam('octo-org', 'risk', { members: ['bob'] });
  github.addUser('carol');

  const churn = github.addRepository('octo-org/churn');
  const owner = { owner: ['@alice'] };
  seedPromotion(churn, {
    model: 'churn',
    environment: 'staging',
    version: 'v3',
    at: ago(2),
    extra: owner,
  });
  seedPromotion(churn, {
    model: 'churn',
    environment: 'production',
    version: 'v1',
    at: ago(60),
    creator: 'alice',
    extra: {
      ...owner,
      release: 'churn@v1',
      verdict: 'pass',
      approvals: [{ login: 'bob', state: 'approved' }],
      approval: { digest: 'sha256:approved-comparison', by: ['bob'], at: ago(60).toISOString() },
    },
  });
  seedRelease(churn, 'churn', 'v1', ago(60), { configValues: { 'model.max_depth': '6' } });
  seedPromotion(churn, {
    model: 'churn',
    environment: 'production',
    version: 'v2',
    at: ago(30),
    extra: { ...owner, release: 'churn@v2', overrideReason: 'hotfix for the holiday campaign' },
  });
  seedRelease(churn, 'churn', 'v2', ago(30));
  seedPromotion(churn, {
    model: 'churn',
    environment: 'production',
    version: 'v1',
    at: ago(10),
    extra: {
      ...owner,
      release: 'churn@v1',
      rollback: { from: 'v2', reason: 'v2 mislabels new customers' },
    },
  });
  seedPromotion(churn, {
    model: 'churn',
    environment: 'production',
    version: 'v4',
    at: ago(3),
    outcome: 'failure',
    extra: owner,
  });
  await seedMonitorIssue(churn, 'churn', 'production', 'drifting', ago(1));

  const pricing = github.addRepository('octo-org/pricing');
  seedPromotion(pricing, {
    model: 'pricing',
    environment: 'production',
    version: 'p1',
    at: ago(200),
    extra: { owner: ['@dave'] },
  });

  const fraud = github.addRepository('carol/fraud');
  seedPromotion(fraud, {
    model: 'fraud',
    environment: 'production',
    version: 'f1',
    at: ago(5),
    extra: { owner: ['@octo-org/risk'], overrideReason: 'fraud wave: ship now, review Monday' },
  });
  await seedMonitorIssue(fraud, 'fraud', 'production', 'healthy', ago(1));

  const archived = github.addRepository('octo-org/old', { archived: true });
  seedPromotion(archived, {
    model: 'legacy',
    environment: 'production',
    version: 'x1',
    at: ago(900),
  });
}

interface Published {
  result: Awaited<ReturnType<typeof run>>;
  fleet: FleetDocument;
  site: string;
}

let job: { workspace: string; runnerTemp: string };
const publish = async (runId: string): Promise<Published> => {
  const result = await run(
    'publish-registry',
    job,
    { repositories: 'octo-org/*\ncarol/fraud', 'stale-after': '90d' },
    { standIns, token: 'app', env: { GITHUB_RUN_ID: runId } },
  );
  expect(result.exitCode, result.stdout + result.stderr).toBe(0);
  const site = result.outputs.site!;
  const fleet = fleetDocumentSchema.parse(
    JSON.parse(await readFile(result.outputs.fleet!, 'utf8')),
  );
  return { result, fleet, site };
};

let first: Published;

beforeAll(async () => {
  await seed();
  const root = await tempDir('mlops-publish-registry-');
  job = { workspace: join(root, 'workspace'), runnerTemp: join(root, 'temp') };
  await mkdir(job.workspace, { recursive: true });
  await mkdir(job.runnerTemp, { recursive: true });
  first = await publish('1001');
  browser = await launchChromium('the fleet site is read as a reader reads it');
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await standIns.stop();
});

async function open(path: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser!.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(String(e)));
  await page.goto(pathToFileURL(join(first.site, path)).href, { waitUntil: 'load' });
  return { page, problems };
}

/** The fleet table's rows as a reader sees them: each row's cells' visible text. */
async function fleetRows(page: Page): Promise<string[][]> {
  return page.$$eval('table tbody tr', (rows) =>
    rows.map((row) =>
      [...row.querySelectorAll('th, td')].map((cell) =>
        (cell as HTMLElement).innerText.replace(/\s+/g, ' ').trim(),
      ),
    ),
  );
}

describe('publish-registry', () => {
  it('reads every repository of the organisation and the one named, leaving the archived one out', () => {
    const { result, fleet } = first;
    expect(fleet.repositories.map((r) => r.fullName).sort()).toEqual([
      'carol/fraud',
      'octo-org/churn',
      'octo-org/pricing',
    ]);
    expect(fleet.models.map((m) => m.id).sort()).toEqual([
      'carol/fraud/fraud',
      'octo-org/churn/churn',
      'octo-org/pricing/pricing',
    ]);
    expect(result.outputs.models).toBe('3');
    expect(result.outputs.stale).toBe('1');
    expect(result.summary).toMatch(/## Model fleet/);
    expect(result.summary).toMatch(/pricing.*\*\*stale\*\*/);
    expect(standIns.violations()).toEqual([]);
  });

  it('shows on the fleet page each model with its version, owner, monitor status and the flags it earned', async () => {
    const { page, problems } = await open('index.html');
    const rows = await fleetRows(page);
    const row = (model: string, environment: string) => {
      const found = rows.find((cells) => cells.includes(model) && cells.includes(environment));
      expect(found, `${model} ${environment} in ${JSON.stringify(rows)}`).toBeDefined();
      return found!.join(' | ');
    };
    const churnProduction = row('churn', 'production');
    expect(churnProduction).toMatch(/\bv1\b/);
    expect(churnProduction).toMatch(/drifting/);
    expect(churnProduction).toMatch(/@alice/);
    expect(churnProduction).not.toMatch(/stale|orphaned|unwatched|overridden/);
    expect(row('churn', 'staging')).toMatch(/\bv3\b/);
    const pricing = row('pricing', 'production');
    expect(pricing).toMatch(/stale/);
    expect(pricing).toMatch(/orphaned/);
    expect(pricing).toMatch(/unwatched/);
    expect(pricing).toMatch(/@dave/);
    const fraud = row('fraud', 'production');
    expect(fraud).toMatch(/overridden/);
    expect(fraud).toMatch(/healthy/);
    expect(fraud).not.toMatch(/orphaned|stale/);
    expect(await page.$eval('body', (b) => b.innerText)).toMatch(/Data read from GitHub/);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("tells the model's story: the rollback with its reason, the override, the failed promotion", async () => {
    const churn = first.fleet.models.find((m) => m.name === 'churn')!;
    const { page, problems } = await open(modelPage(churn));
    const text = await page.$eval('body', (b) => b.innerText);
    expect(text).toMatch(/v2 mislabels new customers/);
    expect(text).toMatch(/hotfix for the holiday campaign/);
    expect(text).toMatch(/v4/);
    expect(text).toMatch(/fail/i);
    expect(await page.$$eval('svg', (svgs) => svgs.length)).toBeGreaterThan(0);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("shows a production version's lineage: data hash, config, approver and the digest approved", async () => {
    const churn = first.fleet.models.find((m) => m.name === 'churn')!;
    const { page, problems } = await open(versionPage(churn, 'v1'));
    const text = await page.$eval('body', (b) => b.innerText);
    expect(text).toContain('data/train.csv');
    expect(text).toContain('a'.repeat(16));
    expect(text).toMatch(/model\.max_depth/);
    expect(text).toMatch(/bob/);
    expect(text).toContain('sha256:approved-comparison');
    expect(text).toMatch(/0\.78/); // the accuracy interval from the Release's metrics report
    expect(problems).toEqual([]);
    await page.close();
  });

  it('asks again with conditional requests and downloads no Release file twice', async () => {
    expect(first.fleet.cost.downloads).toBeGreaterThan(0);
    const second = await publish('1002');
    expect(second.result.stdout).toMatch(/Restored the fleet cache/);
    expect(second.fleet.cost.downloads).toBe(0);
    expect(second.fleet.cost.notModified).toBeGreaterThan(0);
    // What the stand-in saw agrees with what the action says it asked.
    expect(second.fleet.models.map((m) => m.id).sort()).toEqual(
      first.fleet.models.map((m) => m.id).sort(),
    );
    expect(standIns.violations()).toEqual([]);
  });

  it('refuses to replace a folder that holds something else, and a malformed repository, naming the input', async () => {
    let runId = 1003;
    const refusal = async (inputs: Record<string, string>, message: RegExp) =>
      expectUserError(
        await run('publish-registry', job, inputs, {
          standIns,
          token: 'app',
          env: { GITHUB_RUN_ID: String(runId++) },
        }),
        message,
      );
    await mkdir(join(job.workspace, 'docs'), { recursive: true });
    await writeFile(join(job.workspace, 'docs', 'index.md'), '# Our docs\n');
    await refusal(
      { repositories: 'carol/fraud', out: 'docs' },
      /input "out": the folder "docs" already holds files and no fleet site/,
    );
    expect(await readFile(join(job.workspace, 'docs', 'index.md'), 'utf8')).toBe('# Our docs\n');
    await refusal(
      { repositories: 'carol/fraud', out: '../elsewhere' },
      /Input "out": the site folder "..\/elsewhere" is outside the workspace/,
    );
    await refusal(
      { repositories: 'carol/fraud\n$(curl evil)/x' },
      /Input "repositories" holds "\$\(curl evil\)\/x": expected owner\/name/,
    );
  });
});
