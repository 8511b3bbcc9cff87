/**
 * `npm run bench -- --only api`: the REST and GraphQL calls of a default compare-metrics run on a
 * busy pull request against a long production history, counted at the GitHub stand-in (the
 * budget the README states; its test is test/actions/registry-on-github.test.ts).
 */
import { StandIns } from '../../harness/stand-ins/index.js';
import { exampleWorkspace } from '../actions/workspace.js';
import { compareOnBusyPullRequest } from '../helpers/api-budget.js';

export async function benchApiBudget(): Promise<string> {
  const lines = [
    'GitHub API calls of a default compare-metrics run (the sticky comment updated), target ≤ 6',
    '',
    '| comments on the PR | production promotions (newest failed) | calls | time |',
    '| ---: | ---: | ---: | ---: |',
  ];
  const scenarios = [
    { comments: 10, promotions: 2, failed: 0 },
    { comments: 150, promotions: 50, failed: 10 },
    { comments: 150, promotions: 120, failed: 60 },
  ];
  let detail: string[] = [];
  for (const [index, scenario] of scenarios.entries()) {
    const standIns = await StandIns.start();
    try {
      const job = await exampleWorkspace();
      const measured = await compareOnBusyPullRequest(standIns, job, {
        ...scenario,
        pullRequest: 700 + index,
      });
      if (measured.result.exitCode !== 0)
        throw new Error(`compare-metrics failed:\n${measured.result.stdout}`);
      lines.push(
        `| ${scenario.comments} | ${scenario.promotions} (${scenario.failed}) | ${measured.calls.length} | ${measured.elapsedMs.toFixed(0)} ms |`,
      );
      if (scenario.promotions === 50) detail = measured.calls;
    } finally {
      await standIns.stop();
    }
  }
  return [
    ...lines,
    '',
    'The calls with 150 comments and 50 promotions:',
    ...detail.map((c) => `- ${c}`),
  ].join('\n');
}
