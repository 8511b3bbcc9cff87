/**
 * What reviewers and approvers read, rendered as GitHub renders it: the golden comments, and the
 * job summaries of every step of the example pipeline (run from source, in process), drawn in
 * Debian's Chromium with GitHub's Markdown stylesheet and mermaid (harness/render-markdown/),
 * in the light and the dark theme. A document fails on Markdown left as text, a table row with
 * another cell count than its header, a chart that did not draw, a link encoded twice, or an
 * error on the console.
 *
 * Chromium is required, not optional: without it the test fails and says what to install.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateData } from '../../actions/validate-data/src/run.js';
import { DEMO_FILES, reportRun, stepLine } from '../../examples/demo-report.js';
import { runExamplePipeline, type PipelineRun } from '../../examples/pipeline.js';
import {
  MarkdownRenderer,
  WIDTHS,
  type ColourMode,
} from '../../harness/render-markdown/browser.js';
import { REPOSITORY_ROOT } from '../../harness/runner/run-bundle.js';
import { StandIns } from '../../harness/stand-ins/index.js';
import { exampleWorkspace } from '../actions/workspace.js';
import { FakeGitHub } from '../fakes/github-port.js';
import { runInProcess } from '../helpers/in-process.js';
import { tempDir } from '../helpers/temp-dir.js';
import { inProcessSteps } from './in-process-step.js';

const MODES: ColourMode[] = ['light', 'dark'];
const GOLDEN = join(REPOSITORY_ROOT, 'examples', 'comments');

/**
 * Chromium, started once. Each test awaits it, so that a machine without Chromium fails every
 * test with what to install (a failing beforeAll would only mark them skipped).
 */
let browser: Promise<MarkdownRenderer>;
const render = async (...args: Parameters<MarkdownRenderer['render']>) =>
  (await browser).render(...args);
let standIns: StandIns;
/** The in-memory GitHub the steps write to (the monitor issue is there). */
let github: FakeGitHub;
let pipeline: Promise<PipelineRun>;
/** The action each step of the pipeline ran, in order. */
const actions: string[] = [];

beforeAll(async () => {
  browser = MarkdownRenderer.start();
  browser.catch(() => undefined);
  standIns = await StandIns.start();
  github = new FakeGitHub(standIns.github.url);
  const step = inProcessSteps(standIns, github);
  pipeline = runExamplePipeline({
    root: join(await tempDir('mlops-render-'), 'run'),
    standIns,
    runStep: (action, options) => {
      actions.push(action);
      return step(action, options);
    },
  });
  // Reported by the tests that use it.
  pipeline.catch(() => undefined);
});
afterAll(async () => {
  await (await browser.catch(() => undefined))?.close();
  await standIns?.stop();
});

/** Every problem of a document in both colour modes, each line prefixed with where it was seen. */
async function problemsOf(markdown: string, width: number = WIDTHS.comment): Promise<string[]> {
  const rendered = await Promise.all(MODES.map((mode) => render(markdown, { mode, width })));
  return rendered.flatMap((r, i) => r.problems.map((p) => `${MODES[i]}: ${p}`));
}

describe('the rendering check', { timeout: 60_000 }, () => {
  it('catches what a reader would see wrong', async () => {
    const cases: [string, string, RegExp][] = [
      // validate-data's summary before inlineCode named empty values: GFM has no empty code span.
      [
        'empty code span',
        '| field | observed |\n| --- | --- |\n| `churned` | `` |\n',
        /raw Markdown: a backtick/,
      ],
      // promote-model's Release link before markdownLink kept GitHub's own escapes.
      [
        'double-encoded link',
        '| Release | [churn@v1](https://github.com/o/r/releases/tag/churn%2540v1) |\n| --- | --- |\n',
        /link: .*%2540v1 is percent-encoded twice/,
      ],
      // A delimiter row with fewer cells than the header: not a table, shown as text.
      ['unparsed table', '| a | b |\n| --- |\n', /a table delimiter row/],
      ['unparsed bold', '** not bold**', /a pair of asterisks/],
      ['tag as text', '&lt;details&gt; shown', /an HTML tag shown as text/],
      ['alert not at a blockquote start', '> Note: [!IMPORTANT] late', /an alert marker/],
      // The promotion summary's key-value table before it had a header: a blank row on GitHub.
      [
        'empty header row',
        '|  |  |\n| --- | --- |\n| Deployment | 1009 |\n',
        /table: line 1: the header row is empty/,
      ],
      [
        'row wider than its header',
        '| a | b |\n| --- | --- |\n| 1 | 2 | 3 |\n',
        /table: line 3: row 1 has 3 cells, its header 2/,
      ],
      [
        'row narrower than its header',
        '| a | b |\n| --- | --- |\n| 1 |\n',
        /table: line 3: row 1 has 1 cells, its header 2/,
      ],
      [
        'broken chart',
        '```mermaid\nxychart-beta\n  nonsense\n```\n',
        /mermaid: chart 1 did not draw/,
      ],
    ];
    for (const [name, markdown, expected] of cases) {
      const problems = await problemsOf(markdown);
      expect(problems.join('\n'), name).toMatch(expected);
    }
    // GitHub's sanitising: scripts and inline styles go, <details> and <sub> stay.
    const clean = await render(
      '<details><summary>More</summary>\n\n<sub>small</sub> <b style="color:red">b</b><script>alert(1)</script>\n\n</details>',
    );
    expect(clean.problems).toEqual([]);
    expect(clean.text).toContain('More');
    expect(clean.text).not.toContain('alert');
    // GitHub's alerts render as callouts, their marker gone.
    const alert = await render('> [!IMPORTANT]\n> **Read** this.\n');
    expect(alert.problems).toEqual([]);
    expect(alert.text).toMatch(/^Important\s+Read this\.$/);
  });

  it.each(['compare-metrics.md', 'compare-metrics-two-models.md'])(
    'golden comment %s renders cleanly, its charts drawn, in both themes',
    async (file) => {
      const markdown = await readFile(join(GOLDEN, file), 'utf8');
      const charts = (markdown.match(/^```mermaid$/gm) ?? []).length;
      expect(charts).toBeGreaterThan(0);
      for (const mode of MODES) {
        const rendered = await render(markdown, { mode });
        expect(rendered.problems, `${file} (${mode})`).toEqual([]);
        expect(rendered.charts).toBe(charts);
      }
    },
  );

  it('covers every golden comment', async () => {
    const files = (await readdir(GOLDEN)).filter((f) => f.endsWith('.md')).sort();
    expect(files).toEqual(['compare-metrics-two-models.md', 'compare-metrics.md']);
  });
});

describe('job summaries of the example pipeline', { timeout: 120_000 }, () => {
  it('every step writes a summary that renders cleanly', async () => {
    const run = await pipeline;
    expect(new Set(actions)).toEqual(
      new Set([
        'validate-data',
        'train-model',
        'evaluate-model',
        'promote-model',
        'compare-metrics',
        'monitor-model',
        'publish-registry',
      ]),
    );
    for (const { job, step, result } of run.steps) {
      expect(result.summary.trim(), `${job}: ${step}`).not.toBe('');
      expect(await problemsOf(result.summary, WIDTHS.summary), `${job}: ${step}`).toEqual([]);
    }
    // The pull request's comment is the compare step's comment file.
    const comment = await readFile(run.comparison.outputs['comment-file']!, 'utf8');
    expect(await problemsOf(comment)).toEqual([]);
  });

  it("monitor-model's issue and summary render with their tables, at a comment's width too", async () => {
    const run = await pipeline;
    expect(run.monitor.outputs.status).toBe('drifting');
    const issue = github.issues.find((i) => i.htmlUrl === run.monitor.outputs['issue-url']);
    expect(issue, 'the monitor issue').toBeDefined();
    expect(await problemsOf(issue!.body)).toEqual([]);
    const rendered = await render(run.monitor.summary, { width: WIDTHS.summary });
    expect(rendered.text).toMatch(/churn in production: 🟠 drifting/);
    expect(rendered.text).toMatch(/Drift of the inputs, worst first/);
  });

  it("promote-model's production summary links the release once encoded (%40, not %2540)", async () => {
    const run = await pipeline;
    const production = run.steps.find(
      (s) => s.job === 'release-production' && s.result.outputs['release-url'],
    )?.result;
    expect(production, 'a production promotion that keeps a release').toBeDefined();
    const release = production!.outputs['release-url'];
    expect(release, 'the production promotion keeps a release').toMatch(/%40/);
    expect(await problemsOf(production!.summary, WIDTHS.summary)).toEqual([]);
    expect(production!.summary).toContain(`(${release})`);
    // The bug as it was (encodeURI over GitHub's URL) is caught in this very summary.
    const encodedTwice = production!.summary.replace(`(${release})`, `(${encodeURI(release!)})`);
    expect((await problemsOf(encodedTwice, WIDTHS.summary)).join('\n')).toMatch(
      /link: .*%2540.* is percent-encoded twice/,
    );
  });

  it("validate-data's summary names an empty observed value instead of a pair of backticks", async () => {
    const job = await exampleWorkspace();
    const lines = (await readFile(join(job.workspace, 'data', 'eval.csv'), 'utf8')).split('\n');
    // An empty cell in the required `contract` column: the finding's observed value is "".
    lines[1] = lines[1]!.replace(/,(one-year|two-year|month-to-month),/, ',,');
    await job.write('data/empty.csv', lines.join('\n'));
    const result = await runInProcess(validateData, {
      ...job,
      inputs: { data: 'data/empty.csv', schema: 'examples/churn/schema.yaml' },
    });
    expect(result.outputs.valid).toBe('false');
    expect(result.summary).toContain('_(empty)_');
    expect(await problemsOf(result.summary, WIDTHS.summary)).toEqual([]);
    // The bug as it was (an empty code span) is caught in this very summary.
    const rawBackticks = result.summary.replace('_(empty)_', '``');
    expect((await problemsOf(rawBackticks, WIDTHS.summary)).join('\n')).toMatch(
      /raw Markdown: a backtick/,
    );
  });
});

describe('the demo', { timeout: 120_000 }, () => {
  it('reads in one screen: the steps and their verdicts, the head of the comment, the paths', async () => {
    const run = await pipeline;
    const comment = await readFile(run.comparison.outputs['comment-file']!, 'utf8');
    const root = await tempDir('mlops-demo-');
    const report = await reportRun(run, comment, standIns, root);
    // As examples/demo.ts prints it: two opening lines and a blank, a title per job, a line per step.
    const jobs = new Set(run.steps.map((s) => s.job)).size;
    const steps = run.steps.map(stepLine);
    const printed = 3 + jobs + steps.length + 1 + report.length;
    expect(printed, [...steps, ...report].join('\n')).toBeLessThanOrEqual(40);
    expect(steps.find((line) => line.includes('Compare with production'))).toMatch(
      /✔ .*PASS against production/,
    );
    // The comment's headline, as posted, and nothing from below its first table.
    const headline = comment.split('\n').find((line) => line.startsWith('#'))!;
    expect(report).toContain(`  │ ${headline}`);
    expect(report.join('\n')).not.toMatch(/│ \|/);
    for (const name of Object.values(DEMO_FILES)) await stat(join(root, name));
    expect(await readFile(join(root, DEMO_FILES.comment), 'utf8')).toBe(comment);
    expect(await readdir(join(root, DEMO_FILES.summaries))).toHaveLength(run.steps.length);
  });
});
