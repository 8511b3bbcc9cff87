/**
 * The fleet view's static site as a reader sees it: written to a folder and opened from
 * `file://` in Debian's Chromium (harness/chromium), in the light and the dark colour scheme, at
 * a desktop width and at a phone's 390 px. Each page kind must load without a console error
 * (the pages' Content-Security-Policy reports anything it blocks there), pass axe-core with no
 * serious or critical violation, keep the body within a phone's width, and link only to files
 * that exist; the fleet page must show the flags on the right rows, sort by age and filter by
 * flag; the version page the data hash and the approver. The hostile fleet (markup, quotes,
 * `javascript:` URLs, direction overrides in every string) must render as text.
 *
 * Screenshots are taken on every run; FLEET_SCREENSHOTS=1 writes them to
 * docs/screenshots/fleet-*.png (fleet, model and version pages; desktop light, phone, dark).
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import axe from 'axe-core';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FLAGS, type FleetDocument } from '../../shared/fleet/fleet-document.js';
import { FLEET_PAGE, modelPage, siteFiles, versionPage } from '../../shared/fleet/site/index.js';
import { launchChromium } from '../../harness/chromium/launch.js';
import { REPOSITORY_ROOT } from '../../harness/runner/run-bundle.js';
import { hostileFleet, HOSTILE, sampleFleet } from '../fixtures/fleet/sample-fleet.js';
import { tempDir } from '../helpers/temp-dir.js';

const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844 };
type Scheme = 'light' | 'dark';

let browser: Promise<Browser>;
const sample = sampleFleet();
const hostile = hostileFleet();
let sampleRoot: string;
let hostileRoot: string;

/** Writes the site file by file, as publish-registry would stream it; returns the paths. */
async function writeSite(doc: FleetDocument, root: string): Promise<string[]> {
  const paths: string[] = [];
  for (const [path, content] of siteFiles(doc)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
    paths.push(path);
  }
  return paths;
}

let samplePages: string[] = [];
let hostilePages: string[] = [];

beforeAll(async () => {
  browser = launchChromium('the fleet site is checked as a reader sees it, in a real browser');
  browser.catch(() => undefined);
  sampleRoot = join(await tempDir('mlops-fleet-site-'), 'site');
  hostileRoot = join(await tempDir('mlops-fleet-hostile-'), 'site');
  samplePages = (await writeSite(sample, sampleRoot)).filter((p) => p.endsWith('.html'));
  hostilePages = (await writeSite(hostile, hostileRoot)).filter((p) => p.endsWith('.html'));
});
afterAll(async () => {
  await (await browser.catch(() => undefined))?.close();
});

interface Opened {
  page: Page;
  /** Console errors, uncaught exceptions and dialogs (an alert() that ran). */
  problems: string[];
}

async function open(
  root: string,
  path: string,
  { viewport = DESKTOP, scheme = 'light' as Scheme, javascript = true } = {},
): Promise<Opened> {
  const page = await (await browser).newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${String(e)}`));
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
  await page.setJavaScriptEnabled(javascript);
  await page.setViewport(viewport);
  await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
  await page.goto(pathToFileURL(join(root, path)).href, { waitUntil: 'load' });
  return { page, problems };
}

async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(axe.source);
  const results = await page.evaluate(() =>
    (window as unknown as { axe: typeof axe }).axe.run(document, {
      resultTypes: ['violations'],
    }),
  );
  // axe ran its rules on this page (a page it could not read would pass nothing).
  expect(results.passes.length).toBeGreaterThan(20);
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(' '))
          .join('; ')}`,
    );
}

const credit = sample.models.find((m) => m.name === 'credit-default')!;
const KINDS = {
  fleet: FLEET_PAGE,
  model: modelPage(credit),
  version: versionPage(credit, '2.3.0'),
};

describe('every page kind, light and dark, desktop and phone', () => {
  for (const [kind, path] of Object.entries(KINDS))
    for (const scheme of ['light', 'dark'] as const)
      it(`${kind} page, ${scheme}: no console error, no serious axe violation, no overflow on a phone`, async () => {
        const { page, problems } = await open(sampleRoot, path, { scheme });
        try {
          expect(problems).toEqual([]);
          expect(await axeViolations(page)).toEqual([]);
          await page.setViewport(PHONE);
          const overflow = await page.evaluate(() => ({
            scroll: document.documentElement.scrollWidth,
            client: document.documentElement.clientWidth,
          }));
          expect(overflow.scroll).toBeLessThanOrEqual(overflow.client);
          expect(await axeViolations(page)).toEqual([]);
        } finally {
          await page.close();
        }
      });
});

describe('the fleet page', () => {
  const rowsOf = (page: Page) =>
    page.$$eval('table.fleet tbody tr', (rows) =>
      rows.map((row) => ({
        model: row.querySelector('th')?.textContent?.trim() ?? '',
        environment: row.cells[2]?.textContent?.trim() ?? '',
        age: row.cells[4]?.textContent?.trim() ?? '',
        flags: [...row.querySelectorAll('.flag')].map((f) => f.textContent?.trim() ?? ''),
        reasons: [...row.querySelectorAll('.reason')].map((r) => r.textContent?.trim() ?? ''),
        visible: !(row as HTMLElement).hidden && (row as HTMLElement).offsetParent !== null,
      })),
    );

  it('shows each model in each environment with its flags and their reasons', async () => {
    const { page, problems } = await open(sampleRoot, FLEET_PAGE);
    try {
      const rows = await rowsOf(page);
      const expected = sample.models.flatMap((m) =>
        m.environments.map((e) => ({
          model: m.name,
          environment: e.name,
          flags: e.flags,
          reasons: e.flags.map((f) => e.reasons[f]),
        })),
      );
      expect(
        rows.map(({ model, environment, flags, reasons }) => ({
          model,
          environment,
          flags,
          reasons,
        })),
      ).toEqual(expected);
      // The sample's cases, by name: a reader looks for these.
      const flagsOf = (model: string, environment: string) =>
        rows.find((r) => r.model === model && r.environment === environment)?.flags;
      expect(flagsOf('churn-predictor', 'production')).toEqual(['stale', 'unwatched']);
      expect(flagsOf('ranker', 'production')).toEqual(['orphaned']);
      expect(flagsOf('fraud-score', 'production')).toEqual(['overridden']);
      expect(flagsOf('credit-default', 'production')).toEqual([]);
      const text = await page.$eval('main', (m) => (m as HTMLElement).innerText);
      expect(text).toContain('checked for bias on sex, age_band');
      expect(text).toContain('demographic parity ratio (sex) 0.93 [0.88, 0.97]');
      expect(text).toContain('never checked for bias');
      expect(text).toMatch(
        /Data read from GitHub at 2026-12-07 04:00 UTC \((less than an hour|\d+ hours?|\d+ days) ago when opened\)/,
      );
      expect(text).toContain('beta-labs/secret-sauce: no access');
      const counts = await page.$$eval('.counts .count', (items) =>
        Object.fromEntries(
          items.map((i) => [
            i.querySelector('dt')!.textContent,
            Number(i.querySelector('dd')!.textContent),
          ]),
        ),
      );
      expect(counts).toMatchObject({
        Models: 5,
        'In production': 4,
        Stale: 1,
        Orphaned: 3,
        Unwatched: 1,
        Drifting: 1,
      });
      // The monitor's status links to its issue.
      const drifting = await page.$eval('.status-drifting', (s) =>
        s.closest('a')?.getAttribute('href'),
      );
      expect(drifting).toBe('https://github.com/acme/credit-risk/issues/57');
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('sorts by age, both ways, with aria-sort on the header', async () => {
    const { page, problems } = await open(sampleRoot, FLEET_PAGE);
    try {
      const ages = async () =>
        (await rowsOf(page))
          .map((r) => r.age)
          .filter((a) => a !== '—')
          .map((a) => parseInt(a, 10));
      const header = await page.$('table.fleet thead th:nth-child(5)');
      expect(await header!.evaluate((th) => th.textContent)).toContain('Age');
      expect(await ages()).not.toEqual([...(await ages())].sort((a, b) => a - b));
      await page.click('table.fleet thead th:nth-child(5) button');
      const ascending = await ages();
      expect(ascending).toEqual([...ascending].sort((a, b) => a - b));
      expect(await header!.evaluate((th) => th.getAttribute('aria-sort'))).toBe('ascending');
      await page.click('table.fleet thead th:nth-child(5) button');
      const descending = await ages();
      expect(descending).toEqual([...ascending].reverse());
      expect(await header!.evaluate((th) => th.getAttribute('aria-sort'))).toBe('descending');
      // The row without a version stays last.
      expect((await rowsOf(page)).at(-1)!.age).toBe('—');
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('filters by flag, environment and text', async () => {
    const { page, problems } = await open(sampleRoot, FLEET_PAGE);
    try {
      await page.click('input[name="flag"][value="stale"]');
      let rows = (await rowsOf(page)).filter((r) => r.visible);
      expect(rows.length).toBe(
        sample.models.flatMap((m) => m.environments).filter((e) => e.flags.includes('stale'))
          .length,
      );
      expect(rows.every((r) => r.flags.includes('stale'))).toBe(true);
      expect(await page.$eval('[data-filter-status]', (s) => s.textContent)).toBe(
        `Showing ${rows.length} of 7 rows.`,
      );
      await page.click('input[name="flag"][value="stale"]');
      await page.select('#filter-environment', 'staging');
      rows = (await rowsOf(page)).filter((r) => r.visible);
      expect(rows.map((r) => r.model)).toEqual(['credit-default', 'ranker', 'embedder']);
      await page.select('#filter-environment', '');
      await page.type('#filter-text', 'beta-labs');
      rows = (await rowsOf(page)).filter((r) => r.visible);
      expect(rows.map((r) => r.model)).toEqual(['ranker', 'ranker', 'embedder']);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('is complete without script: every row, the filters hidden', async () => {
    const { page, problems } = await open(sampleRoot, FLEET_PAGE, { javascript: false });
    try {
      expect((await rowsOf(page)).filter((r) => r.visible)).toHaveLength(7);
      expect(await page.$eval('[data-filters]', (f) => (f as HTMLElement).hidden)).toBe(true);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });
});

describe('the model and version pages', () => {
  it('the model page shows the rollback with its reason, the failed promotion and the charts', async () => {
    const { page, problems } = await open(sampleRoot, KINDS.model);
    try {
      const text = await page.$eval('main', (m) => (m as HTMLElement).innerText);
      expect(text).toContain('Approval rate fell 8 points for applicants under 25 after 2.4.0');
      expect(text).toContain('promotion failed');
      expect(text).toContain('Gate roc_auc failed: 0.842 < 0.85');
      // One chart per metric for production, and the drift history; each with a title.
      const charts = await page.$$eval('svg.chart', (svgs) =>
        svgs.map((s) => s.querySelector('title')?.textContent),
      );
      expect(charts).toEqual(
        expect.arrayContaining([
          'roc_auc by version',
          'accuracy by version',
          'Share of features drifting, by monitor run',
        ]),
      );
      // The production chart's whiskers: one interval per version that held production.
      const production = await page.$eval(
        'section.environment',
        (s) => s.querySelectorAll('svg.chart')[1]!.querySelectorAll('.chart-whisker').length,
      );
      expect(production).toBe(3 * 3);
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('the version page shows the data hash, the approver, the commit link and the packages', async () => {
    const { page, problems } = await open(sampleRoot, KINDS.version);
    try {
      const version = credit.versions.find((v) => v.version === '2.3.0')!;
      const text = await page.$eval('main', (m) => (m as HTMLElement).innerText);
      expect(text).toContain(version.lineage.data[0]!.sha256);
      expect(text).toContain('@maria-lopez');
      expect(text).toContain(version.approval!.digest);
      const commit = await page.$eval('a[href*="/commit/"]', (a) => a.getAttribute('href'));
      expect(commit).toBe(`https://github.com/acme/credit-risk/commit/${version.commit}`);
      expect(await page.$eval('details.packages summary', (s) => s.textContent)).toBe(
        '6 packages installed',
      );
      expect(problems).toEqual([]);
    } finally {
      await page.close();
    }
    const payload = await open(sampleRoot, versionPage(credit, '2.5.0'));
    try {
      expect(await payload.page.$eval('.notice', (n) => n.textContent)).toContain(
        'Lineage from the deployment payload only',
      );
    } finally {
      await payload.page.close();
    }
  });
});

describe('links', () => {
  it('every relative link of every page leads to a file of the site (and every fragment to an id)', async () => {
    const broken: string[] = [];
    for (const [root, pages] of [
      [sampleRoot, samplePages],
      [hostileRoot, hostilePages],
    ] as const)
      for (const path of pages) {
        const { page } = await open(root, path, { javascript: false });
        try {
          const links = await page.$$eval('a[href], link[href], script[src]', (els) =>
            els.map((el) => ({
              raw: el.getAttribute('href') ?? el.getAttribute('src')!,
              url: (el as HTMLAnchorElement).href || (el as HTMLScriptElement).src,
            })),
          );
          for (const { raw, url } of links) {
            if (/^https?:/.test(raw)) continue;
            const target = new URL(url);
            expect(target.protocol, `${path}: ${raw}`).toBe('file:');
            if (!existsSync(fileURLToPath(target))) broken.push(`${path}: ${raw}`);
            if (
              target.hash &&
              (await page.$(`[id="${decodeURIComponent(target.hash.slice(1))}"]`)) === null &&
              fileURLToPath(target) === join(root, path)
            )
              broken.push(`${path}: ${raw} (no such id)`);
          }
        } finally {
          await page.close();
        }
      }
    expect(broken).toEqual([]);
    expect(samplePages).toHaveLength(
      1 + sample.models.length + sample.models.flatMap((m) => m.versions).length,
    );
  });
});

describe('hostile text', () => {
  it('renders as text on every page: no script runs, no handler, no javascript: link', async () => {
    for (const path of hostilePages) {
      const { page, problems } = await open(hostileRoot, path);
      try {
        const found = await page.evaluate(() => ({
          scripts: [...document.scripts].map((s) => s.getAttribute('src')),
          handlers: [...document.querySelectorAll('*')].flatMap((el) =>
            [...el.attributes]
              .filter((a) => a.name.startsWith('on'))
              .map((a) => `${el.tagName} ${a.name}`),
          ),
          links: [...document.querySelectorAll('a[href]')]
            .map((a) => a.getAttribute('href')!)
            .filter((h) => !/^(https?:|\.\.\/|[A-Za-z0-9~#._-])/.test(h)),
          forged: document.querySelectorAll('main h1').length,
          text: document.body.textContent ?? '',
        }));
        expect(found.scripts, path).toHaveLength(1);
        expect(found.handlers, path).toEqual([]);
        expect(found.links, path).toEqual([]);
        expect(found.forged, path).toBe(1);
        expect(problems, path).toEqual([]);
        if (path === FLEET_PAGE) {
          expect(found.text).toContain(HOSTILE.markup);
          // The direction override is shown as its code point, not obeyed.
          expect(found.text).toContain('safeU+202Egnp.exeU+200B');
        }
      } finally {
        await page.close();
      }
    }
  });
});

describe('screenshots', () => {
  // Taken on every run (into a scratch folder), so a page that cannot be shot fails here; with
  // FLEET_SCREENSHOTS=1 they go to docs/screenshots, where the docs show them.
  it('shoots each page kind: desktop light, phone, dark', async () => {
    const out = process.env.FLEET_SCREENSHOTS
      ? join(REPOSITORY_ROOT, 'docs', 'screenshots')
      : await tempDir('mlops-fleet-shots-');
    await mkdir(out, { recursive: true });
    const shots: [string, { viewport: typeof DESKTOP; scheme: Scheme }][] = [
      ['desktop-light', { viewport: DESKTOP, scheme: 'light' }],
      ['phone', { viewport: PHONE, scheme: 'light' }],
      ['dark', { viewport: DESKTOP, scheme: 'dark' }],
    ];
    for (const [kind, path] of Object.entries(KINDS))
      for (const [name, options] of shots) {
        const { page, problems } = await open(sampleRoot, path, options);
        try {
          // A phone's first screen and a half; a desktop's whole page.
          await page.screenshot({
            path: join(out, `fleet-${kind}-${name}.png`),
            ...(options.viewport === PHONE
              ? {
                  clip: { x: 0, y: 0, width: PHONE.width, height: PHONE.height * 1.5 },
                  captureBeyondViewport: true,
                }
              : { fullPage: true }),
          });
          expect(problems).toEqual([]);
          // A PNG, and not a blank one: more than a few hundred bytes of picture.
          const png = await readFile(join(out, `fleet-${kind}-${name}.png`));
          expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
          expect(png.length).toBeGreaterThan(10_000);
        } finally {
          await page.close();
        }
      }
  });
});

// FLAGS is the order the page shows flags in; the sample uses each at least once.
it('the sample fleet raises every flag', () => {
  const raised = new Set(sample.models.flatMap((m) => m.environments.flatMap((e) => e.flags)));
  expect([...raised].sort()).toEqual([...FLAGS].sort());
});
