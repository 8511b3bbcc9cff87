/**
 * `npm run screenshots`: the demo's pull-request comment (light and dark, and its history charts
 * opened) and each job summary, rendered as GitHub renders them (harness/render-markdown), as
 * PNGs in docs/screenshots/, which the README shows. Reads what `npm run demo` wrote to
 * .tmp/demo/ (the npm script runs the demo first). Stops on anything that renders wrong.
 */
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { DEMO_FILES } from './demo-report.js';
import {
  MarkdownRenderer,
  WIDTHS,
  type RenderOptions,
} from '../harness/render-markdown/browser.js';
import { REPOSITORY_ROOT } from '../harness/runner/run-bundle.js';

const demo = join(REPOSITORY_ROOT, '.tmp', 'demo');
const out = join(REPOSITORY_ROOT, 'docs', 'screenshots');

/** The section of the comment that holds the charts (render.ts names it "History: …"). */
const HISTORY = 'History';

const comment = await readFile(join(demo, DEMO_FILES.comment), 'utf8').catch(() => {
  throw new Error(
    `No ${relative(process.cwd(), demo)}/${DEMO_FILES.comment}: run npm run demo first.`,
  );
});
// The re-run's summaries repeat the first run's: one of each is enough.
const summaries = (await readdir(join(demo, DEMO_FILES.summaries)))
  .filter((name) => name.endsWith('.md') && !name.includes('re-run'))
  .sort();

const shots: [name: string, markdown: string, options: RenderOptions][] = [
  ['comment-light.png', comment, { mode: 'light' }],
  ['comment-dark.png', comment, { mode: 'dark' }],
  ['history-light.png', comment, { mode: 'light', open: HISTORY }],
  ['history-dark.png', comment, { mode: 'dark', open: HISTORY }],
];
for (const name of summaries)
  shots.push([
    `summary-${name.replace(/^\d+-/, '').replace(/\.md$/, '.png')}`,
    await readFile(join(demo, DEMO_FILES.summaries, name), 'utf8'),
    { width: WIDTHS.summary },
  ]);

// Old shots of the demo go; the fleet site's (fleet-*.png, written by its Chromium test with
// FLEET_SCREENSHOTS=1) are not this script's to remove.
await mkdir(out, { recursive: true });
for (const file of await readdir(out))
  if (!file.startsWith('fleet-')) await rm(join(out, file), { recursive: true, force: true });
const renderer = await MarkdownRenderer.start();
let failed = false;
try {
  for (const [name, markdown, options] of shots) {
    const rendered = await renderer.render(markdown, { ...options, screenshot: join(out, name) });
    console.log(
      `${relative(process.cwd(), join(out, name))}${rendered.charts ? ` (${rendered.charts} charts)` : ''}`,
    );
    for (const problem of rendered.problems) console.error(`  ✘ ${problem}`);
    failed ||= rendered.problems.length > 0;
  }
} finally {
  await renderer.close();
}
if (failed) {
  console.error('Some documents render wrong on GitHub (above).');
  process.exitCode = 1;
}
