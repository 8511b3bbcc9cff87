/**
 * A pull request that tries to grade itself: it loosens or deletes the gate policy, points
 * `gates` out of the repository or at a URL-like path, or fills the policy's metric names and
 * the base branch's name with markup. compare-metrics judges by the base branch's policy, read
 * through the GitHub API at the base commit, and shows the pull request's changes escaped.
 *
 * The base commits these cases need are recorded in the GitHub API stand-in that the corpus's
 * steps talk to (the one shared by this process), each case under a commit sha of its own, so
 * nothing here touches what other cases or tests see.
 */
import { createHash } from 'node:crypto';
import { pullRequestEvent } from '../../../harness/runner/events.js';
import { sharedStandIns } from '../../../harness/stand-ins/index.js';
import type { HostileCase } from '../case.js';

const STRICT = 'metrics:\n  accuracy:\n    direction: higher\n    max-regression: 0.01\n';
const LOOSE = 'metrics:\n  accuracy:\n    direction: higher\n    max-regression: 0.5\n';
const candidate = '{"accuracy": 0.7}';
const baseline = '{"accuracy": 0.8}';
const github = (await sharedStandIns()).github;

/** A pull_request event whose base commit holds `files` (paths relative to the repository's root, `{dir}` filled in). */
function onBase(
  id: string,
  files: Record<string, string>,
  overrides: { baseRef?: string } = {},
): NonNullable<HostileCase['event']> {
  const sha = createHash('sha1').update(`hostile policy case ${id}`).digest('hex');
  github.commitFiles(
    sha,
    Object.fromEntries(
      Object.entries(files).map(([path, text]) => [
        path.replaceAll('{dir}', `hostile/${id}`),
        text,
      ]),
    ),
  );
  const payload = pullRequestEvent({ number: 900 }) as {
    pull_request: { base: { sha: string; ref: string } };
  };
  payload.pull_request.base.sha = sha;
  if (overrides.baseRef !== undefined) payload.pull_request.base.ref = overrides.baseRef;
  return { name: 'pull_request', payload };
}

const compare = (extra: Record<string, string>) => ({
  'model-name': 'churn',
  metrics: '{dir}/metrics.json',
  baseline: '{dir}/baseline.json',
  ...extra,
});
const metricFiles = { 'metrics.json': candidate, 'baseline.json': baseline };
const pathRefused = (path: string, why: RegExp) =>
  new RegExp(
    `Input "gates" is ${JSON.stringify(path).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: ${why.source}\\. It must be a path inside the repository, relative to its root`,
  );

export const cases: HostileCase[] = [
  // Judged by the base branch's policy: loosening or deleting the file in the pull request changes nothing.
  {
    id: 'pol-loosens',
    action: 'compare-metrics',
    files: { ...metricFiles, 'gates.yaml': LOOSE },
    inputs: compare({ gates: '{dir}/gates.yaml' }),
    event: onBase('pol-loosens', { '{dir}/gates.yaml': STRICT }),
    expect: { error: /churn: accuracy it got worse by 0\.1, more than the tolerated 0\.01/ },
  },
  {
    id: 'pol-deletes',
    action: 'compare-metrics',
    files: metricFiles,
    inputs: compare({ gates: '{dir}/gates.yaml' }),
    event: onBase('pol-deletes', { '{dir}/gates.yaml': STRICT }),
    expect: { error: /churn: accuracy it got worse by 0\.1, more than the tolerated 0\.01/ },
  },
  {
    id: 'pol-bomb',
    action: 'compare-metrics',
    files: {
      ...metricFiles,
      'gates.yaml': `a: &a ["x","x","x","x","x","x","x","x","x"]\n${Array.from(
        { length: 12 },
        (_, i) =>
          `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9)
            .fill(`*${String.fromCharCode(97 + i)}`)
            .join(',')}]`,
      ).join('\n')}\nmetrics: {}\n`,
    },
    inputs: compare({ gates: '{dir}/gates.yaml' }),
    event: onBase('pol-bomb', { '{dir}/gates.yaml': STRICT }),
    expect: {
      error:
        /gate policy "hostile\/pol-bomb\/gates\.yaml" has (more than \d+ YAML aliases|YAML aliases that expand to more than)/,
    },
  },

  // The path read through the API: a plain path inside the repository, nothing else.
  {
    id: 'pol-dotdot',
    action: 'compare-metrics',
    files: metricFiles,
    inputs: compare({ gates: '{dir}/../pol-dotdot/gates.yaml' }),
    expect: {
      error: pathRefused('hostile/pol-dotdot/../pol-dotdot/gates.yaml', /"\.\." is not allowed/),
    },
  },
  {
    id: 'pol-outside',
    action: 'compare-metrics',
    files: metricFiles,
    inputs: compare({ gates: '{outside}/secret.txt' }),
    expect: {
      error: /Input "gates": the gate policy ".*\/outside\/secret\.txt" is outside the workspace/,
    },
  },
  {
    id: 'pol-git',
    action: 'compare-metrics',
    files: metricFiles,
    inputs: compare({ gates: '.git/config' }),
    expect: { error: /Input "gates": the gate policy "\.git\/config" is inside a \.git folder/ },
  },
  {
    id: 'pol-git-case',
    action: 'compare-metrics',
    files: metricFiles,
    inputs: compare({ gates: '.GIT/config' }),
    expect: { error: pathRefused('.GIT/config', /files under "\.git" are not the repository's/) },
  },
  {
    id: 'pol-query',
    action: 'compare-metrics',
    files: metricFiles,
    inputs: compare({ gates: 'gates.yaml?ref=main' }),
    expect: {
      error: pathRefused(
        'gates.yaml?ref=main',
        /it contains "\?" or "#", which a URL would read as a query or a fragment/,
      ),
    },
  },
  {
    id: 'pol-backslash',
    action: 'compare-metrics',
    files: metricFiles,
    inputs: compare({ gates: '{dir}\\..\\..\\.git\\config' }),
    expect: {
      error:
        /Input "gates" is "hostile\/pol-backslash\\\\\.\.\\\\.*": it contains "\\"; use "\/" between folders/,
    },
  },
  {
    id: 'pol-newline',
    action: 'compare-metrics',
    files: metricFiles,
    inputs: compare({ gates: '{dir}/gates.yaml\nx' }),
    expect: {
      error:
        /Input "gates" is "hostile\/pol-newline\/gates\.yaml\\nx": it contains a control character/,
    },
  },
  {
    id: 'pol-folder',
    action: 'compare-metrics',
    files: { ...metricFiles, 'policy/gates.yaml': STRICT },
    inputs: compare({ gates: '{dir}/policy' }),
    event: onBase('pol-folder', { '{dir}/policy/gates.yaml': STRICT }),
    expect: {
      error:
        /gate policy "hostile\/pol-folder\/policy" is a folder|file "hostile\/pol-folder\/policy" at [0-9a-f]{12} of .* is a folder in the repository/,
    },
  },

  // Names that are data: shown, never as markup.
  {
    id: 'pol-metric-markup',
    action: 'compare-metrics',
    files: {
      ...metricFiles,
      'gates.yaml': `${STRICT}  "x\\n> [!CAUTION]\\n@octocat <img src=x onerror=alert(1)> | [a](javascript:alert(1))":\n    direction: higher\n    min: 0.5\n`,
    },
    inputs: compare({ gates: '{dir}/gates.yaml', 'fail-on-regression': 'false' }),
    event: onBase('pol-metric-markup', { '{dir}/gates.yaml': STRICT }),
    expect: {
      rendered: {
        raw: /@octocat|\n> \[!CAUTION\]|(?<!`[^`\n]*)<img src/,
        shown:
          /this PR adds a gate on `x > \[!CAUTION\] @\u200Boctocat <img src=x onerror=alert\(1\)> \| \[a\]\(javascript:alert\(1\)\)`/,
      },
    },
  },
  {
    // The PR's title is not shown, and the metric names of its metrics file are escaped.
    id: 'pol-title-markup',
    action: 'compare-metrics',
    files: {
      'metrics.json': '{"<img src=x onerror=alert(1)> @octocat": 0.9, "accuracy": 0.85}',
      'baseline.json': baseline,
      'gates.yaml': STRICT,
    },
    inputs: compare({ gates: '{dir}/gates.yaml' }),
    event: (() => {
      const event = onBase('pol-title-markup', { '{dir}/gates.yaml': STRICT });
      (event.payload as { pull_request: { title: string } }).pull_request.title =
        '<script>alert(1)</script> @octocat [x](javascript:alert(1))';
      return event;
    })(),
    expect: {
      rendered: {
        raw: /@octocat|<script>|(?<!`[^`\n]*)<img src/,
        shown: /`<img src=x onerror=alert\(1\)> @\u200Boctocat`/,
      },
    },
  },
  {
    id: 'pol-base-ref-markup',
    action: 'compare-metrics',
    files: { ...metricFiles, 'gates.yaml': LOOSE },
    inputs: compare({ gates: '{dir}/gates.yaml', 'fail-on-regression': 'false' }),
    event: onBase(
      'pol-base-ref-markup',
      { '{dir}/gates.yaml': STRICT },
      { baseRef: 'main\n\n<script>alert(1)</script> @octocat' },
    ),
    expect: {
      rendered: {
        raw: /@octocat|\n<script>/,
        shown:
          /judged by the base branch's policy \(`main {2}<script>alert\(1\)<\/script> @\u200Boctocat` at `[0-9a-f]{12}`\)/i,
      },
    },
  },
];
