/**
 * The fleet view's site from source, read back as HTML (parsed by parse5 through rehype-raw, the
 * parser the Markdown rendering already uses): every model and version has its page, every
 * relative link leads to a file of the site and every fragment to an id, the facts of the
 * sample fleet are on the pages, and hostile text in every string stays text. The Markdown
 * summary is checked here too. The pages as a browser shows them: test/render/fleet-site.test.ts.
 */
import { posix } from 'node:path';
import rehypeRaw from 'rehype-raw';
import { unified } from 'unified';
import { describe, expect, it } from 'vitest';
import { renderFleetMarkdown } from '../../shared/fleet/fleet-markdown.js';
import type { FleetDocument } from '../../shared/fleet/fleet-document.js';
import { metricChart } from '../../shared/fleet/site/charts.js';
import { safeUrl, escapeText } from '../../shared/fleet/site/html.js';
import { FLEET_PAGE, modelPage, renderSite, versionPage } from '../../shared/fleet/site/index.js';
import { segment } from '../../shared/fleet/site/paths.js';
import { SITE_SCRIPT } from '../../shared/fleet/site/site-script.js';
import { HOSTILE, hostileFleet, sampleFleet } from '../fixtures/fleet/sample-fleet.js';

/** The few hast shapes read here (hast's types are not a dependency of their own). */
interface Node {
  type: string;
  tagName?: string;
  value?: string;
  properties?: Record<string, unknown>;
  children?: Node[];
}

/** A whole HTML document as a hast tree: parse5 in document mode (rehype-raw, given a doctype). */
function parse(markup: string): Node {
  const tree = {
    type: 'root',
    children: [
      { type: 'doctype' },
      { type: 'raw', value: markup.replace(/^<!doctype html>/i, '') },
    ],
  };
  return unified()
    .use(rehypeRaw)
    .runSync(tree as never) as unknown as Node;
}

function* walk(node: Node): Generator<Node> {
  yield node;
  for (const child of node.children ?? []) yield* walk(child);
}
const elements = (tree: Node, tag?: string) =>
  [...walk(tree)].filter((n) => n.type === 'element' && (!tag || n.tagName === tag));
const text = (node: Node): string =>
  node.type === 'text' ? (node.value ?? '') : (node.children ?? []).map(text).join('');
/** Text with whitespace collapsed, as a reader sees it. */
const seen = (node: Node) => text(node).replace(/\s+/g, ' ');
const prop = (node: Node, name: string) => {
  const value = node.properties?.[name];
  return Array.isArray(value) ? value.join(' ') : value === undefined ? undefined : String(value);
};

function pages(doc: FleetDocument) {
  const files = renderSite(doc);
  const parsed = new Map<string, Node>();
  for (const [path, content] of files)
    if (path.endsWith('.html')) parsed.set(path, parse(String(content)));
  return { files, parsed };
}

const sample = sampleFleet();
const site = pages(sample);
const hostile = hostileFleet();
const hostileSite = pages(hostile);

describe('the files of the site', () => {
  it('has the fleet page, a page per model and per version, the assets and fleet.json', () => {
    const expected = [
      FLEET_PAGE,
      'assets/site.css',
      'assets/site.js',
      'fleet.json',
      ...sample.models.map((m) => modelPage(m)),
      ...sample.models.flatMap((m) => m.versions.map((v) => versionPage(m, v.version))),
    ];
    expect([...site.files.keys()].sort()).toEqual(expected.sort());
    expect(modelPage(sample.models[0]!)).toBe('models/acme/credit-risk/credit-default.html');
    expect(versionPage(sample.models[0]!, '2.3.0')).toBe(
      'models/acme/credit-risk/credit-default/2.3.0.html',
    );
    expect(JSON.parse(String(site.files.get('fleet.json')))).toEqual(sample);
  });

  it('keeps every file inside the site, whatever the names', () => {
    for (const path of hostileSite.files.keys()) {
      expect(path.split('/')).not.toContain('..');
      expect(path).toMatch(/^[A-Za-z0-9._~/-]+$/);
    }
    expect(segment('..')).toBe('~2E.');
    expect(segment('a/b c')).toBe('a~2Fb~20c');
    expect(segment('é')).toBe('~C3~A9');
    expect(segment('')).toBe('~');
  });

  it('links every relative href and src to a file of the site, and every fragment to an id', () => {
    for (const { files, parsed } of [site, hostileSite])
      for (const [path, tree] of parsed) {
        const links = [
          ...elements(tree, 'a').map((a) => prop(a, 'href')),
          ...elements(tree, 'link').map((l) => prop(l, 'href')),
          ...elements(tree, 'script').map((s) => prop(s, 'src')),
        ].filter((href): href is string => href !== undefined);
        expect(links.length).toBeGreaterThan(2);
        for (const href of links) {
          if (/^https?:\/\//.test(href)) continue;
          const [target, fragment] = href.split('#') as [string, string | undefined];
          const file =
            target === ''
              ? path
              : posix.normalize(posix.join(posix.dirname(path), decodeURIComponent(target)));
          expect(files.has(file), `${path} → ${href}`).toBe(true);
          if (fragment) {
            const ids = elements(parsed.get(file)!).map((e) => prop(e, 'id'));
            expect(ids, `${path} → ${href}`).toContain(decodeURIComponent(fragment));
          }
        }
      }
  });
});

describe('the facts on the pages', () => {
  const fleet = site.parsed.get(FLEET_PAGE)!;
  const rows = elements(elements(fleet, 'tbody')[0]!, 'tr');

  it('shows one row per model and environment, with its flags and their reasons', () => {
    const expected = sample.models.flatMap((m) => m.environments.map((e) => ({ m, e })));
    expect(rows).toHaveLength(expected.length);
    rows.forEach((row, i) => {
      const { m, e } = expected[i]!;
      const cells = elements(row).filter((c) => c.tagName === 'td' || c.tagName === 'th');
      expect(seen(cells[1]!).trim()).toBe(m.name);
      expect(seen(cells[2]!).trim()).toBe(e.name);
      expect(prop(row, 'dataFlags')).toBe(e.flags.join(' '));
      for (const flag of e.flags) expect(seen(cells[10]!)).toContain(e.reasons[flag]!);
      if (e.current) expect(seen(cells[4]!)).toContain(`${e.current.ageDays} day`);
    });
  });

  it('states the counts, the freshness, the bias checks, the owners and the skipped repositories', () => {
    const page = seen(fleet);
    expect(page).toContain('Data read from GitHub at 2026-12-07 04:00 UTC');
    const counts = Object.fromEntries(
      elements(fleet, 'div')
        .filter(
          (d) => prop(d, 'className') === 'count' || prop(d, 'className') === 'count count-warn',
        )
        .map((d) => [seen(elements(d, 'dt')[0]!), Number(seen(elements(d, 'dd')[0]!))]),
    );
    expect(counts).toEqual({
      Models: 5,
      'In production': 4,
      Stale: 1,
      Orphaned: 3,
      Unwatched: 1,
      Drifting: 1,
      Degraded: 1,
    });
    expect(page).toContain(
      'checked for bias on sex, age_band: demographic parity ratio (sex) 0.93 [0.88, 0.97]',
    );
    expect(page).toContain('never checked for bias');
    expect(page).toContain('beta-labs/secret-sauce: no access');
    const hrefs = elements(fleet, 'a').map((a) => prop(a, 'href'));
    expect(hrefs).toContain('https://github.com/maria-lopez');
    expect(hrefs).toContain('https://github.com/orgs/acme/teams/risk-ml');
    expect(hrefs).toContain('https://github.com/acme/credit-risk/issues/57');
    expect(page).toContain('@li-na (no longer a member)');
    expect(page).toContain('No owner was recorded at training');
  });

  it('the model page has the timeline with the rollback and override reasons, and charts with text alternatives', () => {
    const fraud = sample.models.find((m) => m.name === 'fraud-score')!;
    const page = site.parsed.get(modelPage(fraud))!;
    expect(seen(page)).toContain(fraud.environments[0]!.current!.overrideReason!);
    const charts = elements(page, 'svg');
    expect(charts.length).toBe(3); // drift history, roc_auc, accuracy
    for (const chart of charts) {
      expect(prop(chart, 'role')).toBe('img');
      expect(elements(chart, 'title').length).toBeGreaterThan(0);
      expect(elements(chart, 'desc')).toHaveLength(1);
    }
    const credit = site.parsed.get(modelPage(sample.models[0]!))!;
    expect(seen(credit)).toContain('Rolled back from 2.4.0: Approval rate fell 8 points');
  });

  it('the version page has the lineage: data hashes, config, commit, packages, approval, Release, model card', () => {
    const model = sample.models[0]!;
    const version = model.versions.find((v) => v.version === '2.3.0')!;
    const page = site.parsed.get(versionPage(model, '2.3.0'))!;
    const all = seen(page);
    for (const file of version.lineage.data) expect(all).toContain(file.sha256);
    expect(all).toContain('model.learning_rate');
    expect(all).toContain('numpy==2.1.3');
    expect(all).toContain(`Digest the approvers saw ${version.approval!.digest}`);
    expect(all).toContain('@maria-lopez, @chen-wei');
    const hrefs = elements(page, 'a').map((a) => prop(a, 'href'));
    expect(hrefs).toContain(`https://github.com/acme/credit-risk/commit/${version.commit}`);
    expect(hrefs).toContain(version.release!.url);
    expect(hrefs).toContain(version.release!.modelCardUrl);
    const payload = site.parsed.get(versionPage(model, '2.5.0'))!;
    expect(seen(payload)).toContain(model.versions[0]!.lineage.missing!);
  });
});

describe('hostile text', () => {
  it('stays text on every page: no element, attribute or link of its own', () => {
    for (const [path, tree] of hostileSite.parsed) {
      const scripts = elements(tree, 'script');
      expect(scripts, path).toHaveLength(1);
      expect(prop(scripts[0]!, 'src'), path).toMatch(/assets\/site\.js$/);
      expect(elements(tree, 'img'), path).toEqual([]);
      expect(elements(tree, 'b'), path).toEqual([]);
      expect(
        elements(tree, 'main')[0] && elements(elements(tree, 'main')[0]!, 'h1'),
        path,
      ).toHaveLength(1);
      for (const element of elements(tree)) {
        for (const name of Object.keys(element.properties ?? {}))
          expect(name, path).not.toMatch(/^on/i);
        const href = prop(element, 'href');
        if (href !== undefined)
          expect(href, path).toMatch(/^(https?:\/\/|[A-Za-z0-9~#._-]|\.\.\/)/);
      }
      // Direction overrides and zero-width characters are shown as code points, never obeyed.
      expect(text(tree), path).not.toMatch(/[\u202e\u200b]/);
    }
    const fleet = seen(hostileSite.parsed.get(FLEET_PAGE)!);
    expect(fleet).toContain(HOSTILE.markup);
    expect(fleet).toContain('safeU+202Egnp.exeU+200B');
  });

  it('links only to http(s)', () => {
    expect(safeUrl('javascript:alert(1)')).toBeUndefined();
    expect(safeUrl(' JavaScript:alert(1)')).toBeUndefined();
    expect(safeUrl('data:text/html,<b>')).toBeUndefined();
    expect(safeUrl('//evil.example/x')).toBeUndefined();
    expect(safeUrl('https://example.com/"><script>')).toBe(
      'https://example.com/%22%3E%3Cscript%3E',
    );
    expect(escapeText(`<a href="x">'&`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;');
  });
});

it('a metric chart draws the last 30 versions and tables them all', () => {
  const points = Array.from({ length: 40 }, (_, i) => ({
    version: `1.${i}.0`,
    value: i / 40,
    ci: [i / 40 - 0.01, i / 40 + 0.01] as [number, number],
  }));
  const chart = parse(`<!doctype html><body>${metricChart('c', 'auc', points).markup}`);
  expect(elements(chart, 'circle')).toHaveLength(30);
  expect(
    elements(chart, 'line').filter((l) => prop(l, 'className') === 'chart-whisker'),
  ).toHaveLength(90);
  expect(elements(elements(chart, 'tbody')[0]!, 'tr')).toHaveLength(40);
  expect(seen(elements(chart, 'desc')[0]!)).toContain('the last 30 of 40');
  expect(seen(elements(chart, 'desc')[0]!)).toContain('1.10.0 0.25 [0.24, 0.26]');
});

it('the site script is plain JavaScript a browser parses', () => {
  expect(() => new Function(SITE_SCRIPT)).not.toThrow();
  expect(SITE_SCRIPT).not.toMatch(/__awaiter|__generator|require\(|import /);
});

describe('the Markdown summary', () => {
  it('has the counts and a row per model and environment', () => {
    const markdown = renderFleetMarkdown(sample, { siteUrl: 'https://acme.github.io/fleet' });
    expect(markdown).toContain(
      '5 models, 4 in production: 1 stale, 3 orphaned, 1 unwatched, 1 overridden, 1 drifting, 1 degraded.',
    );
    const rows = markdown
      .split('\n')
      .filter((line) => line.startsWith('| '))
      .slice(2);
    expect(rows).toHaveLength(7);
    expect(rows[3]).toBe(
      '| [acme/churn/churn-predictor](https://acme.github.io/fleet/models/acme/churn/churn-predictor.html) | production | 0.9.3 | 212 days | @\u200Bacme/growth | not monitored | **stale**, **unwatched** |',
    );
    expect(markdown).toContain('[drifting](https://github.com/acme/credit-risk/issues/57)');
    expect(markdown).toContain('- acme/legacy-scoring: archived');
  });

  it('escapes hostile text: no HTML, no table break, no mention, no script link', () => {
    const markdown = renderFleetMarkdown(hostile);
    expect(markdown).not.toContain('<script>');
    expect(markdown).not.toContain('](javascript:');
    expect(markdown).not.toMatch(/@everyone/);
    for (const line of markdown.split('\n').filter((l) => l.startsWith('| ')))
      expect(line.split(/(?<!\\)\|/).length - 2).toBe(7);
  });

  it('stays within the budget, saying how many rows it left out', () => {
    const big = structuredClone(sample);
    const template = big.models[0]!;
    big.models = Array.from({ length: 3000 }, (_, i) => ({
      ...template,
      name: `model-${i}`,
      id: `acme/credit-risk/model-${i}`,
    }));
    const markdown = renderFleetMarkdown(big, { budget: 200_000 });
    expect(Buffer.byteLength(markdown)).toBeLessThanOrEqual(200_000);
    const kept = markdown.split('\n').filter((line) => line.startsWith('| ')).length - 2;
    expect(kept).toBeGreaterThan(100);
    expect(markdown).toContain(`_${6000 - kept} more rows left out`);
    expect(Buffer.byteLength(renderFleetMarkdown(big))).toBeLessThanOrEqual(1024 * 1024);
  });
});
