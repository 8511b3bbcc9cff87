/**
 * `mlops-actions compare`: the compare-metrics action, with its inputs as flags. The baseline is
 * a metrics file (--baseline), or the model in an environment of a repository (--repo, with a
 * token), read from GitHub's deployments as the action reads it. Nothing is posted: the
 * comment's Markdown is printed, and written to --comment-file when asked.
 */
import { readFile } from 'node:fs/promises';
import { compareMetrics } from '../../../actions/compare-metrics/src/run.js';
import { parseRepository } from '../../../shared/github/client.js';
import { inputFlagsHelp, runActionCommand } from '../action-command.js';
import {
  confined,
  copyOut,
  gitHubToken,
  inputFlags,
  inputValues,
  parseFlags,
  stepIn,
  UsageError,
  type Command,
} from '../usage.js';

const INPUTS = [
  'model-name',
  'metrics',
  'baseline',
  'baseline-environment',
  'gates',
  'manifest',
  'baseline-manifest',
  'history',
  'fail-on-regression',
] as const;

export const compare: Command = {
  name: 'compare',
  summary: 'judges a metrics report against a baseline and the gates, as compare-metrics does',
  help: async () => `Usage: mlops-actions compare --model-name <name> --metrics <report.json>
                             (--baseline <metrics.json> | --repo <owner/name>) [options]

Compares a candidate's metrics with a baseline and judges them by the gate policy, through the
compare-metrics action's own code: the baseline is a metrics file (--baseline), or the model in
an environment (--baseline-environment, production by default) of a repository (--repo, with a
token), read from its GitHub deployments. Prints the verdict and the comment's table; posts
nothing.

Options (the compare-metrics inputs):
${await inputFlagsHelp('compare-metrics', INPUTS)}
  --repo <owner/name>   read the baseline from this repository's deployments
  --token <token>       a token that can read them (default: GITHUB_TOKEN or GH_TOKEN)
  --comment-file <md>   write the comment's Markdown there
  --report <json>       write the comparison report there
  --summary <file.md>   write the Markdown job summary there
  --workspace <dir>     the folder every file must lie in (default: the current folder)
  --verbose             print debug lines
  -h, --help            this help

Exit status 0 when the gates pass (or --fail-on-regression false), 1 when they fail, 2 for a
usage mistake, 3 when GitHub cannot be reached.
Example: mlops-actions compare --model-name churn --metrics metrics.json --baseline prod.json \\
           --gates gates.yaml
`,
  async run(args) {
    const { values } = parseFlags(args, {
      ...inputFlags(INPUTS),
      repo: { type: 'string' },
      token: { type: 'string' },
      'comment-file': { type: 'string' },
      report: { type: 'string' },
      summary: { type: 'string' },
      workspace: { type: 'string' },
      verbose: { type: 'boolean' },
    });
    const repository = values.repo === undefined ? undefined : parseRepository(values.repo);
    if (values.repo !== undefined && !repository)
      throw new UsageError(`--repo takes owner/name; got ${JSON.stringify(values.repo)}.`);
    const token = gitHubToken(values.token);
    if (repository && !token)
      throw new UsageError(
        '--repo reads the baseline from GitHub and needs a token that can read deployments: pass --token, or set GITHUB_TOKEN (e.g. GITHUB_TOKEN=$(gh auth token)).',
      );
    if (repository && values.baseline)
      throw new UsageError('Give either --baseline (a file) or --repo (an environment), not both.');
    // Outside a workflow the repository is the one --repo names, and nothing else of the run.
    const step = stepIn(values.workspace, {
      GITHUB_REPOSITORY: repository ? `${repository.owner}/${repository.repo}` : undefined,
      GITHUB_EVENT_PATH: undefined,
      GITHUB_EVENT_NAME: undefined,
    });
    if (values.summary) await confined(step, [values.summary], 'summary file', 'any');
    const log = (line: string) => process.stderr.write(`${line}\n`);
    const { status, outputs } = await runActionCommand({
      action: compareMetrics,
      inputs: {
        ...inputValues(values, INPUTS),
        comment: 'never',
        'github-token': repository ? token : 'none',
      },
      step,
      summaryPath: values.summary,
      verbose: values.verbose,
      write: log,
    });
    if (outputs['comment-file']) {
      process.stdout.write(verdictAndTable(await readFile(outputs['comment-file'], 'utf8')));
      await copyOut(step, outputs['comment-file'], values['comment-file']);
      if (!values['comment-file'])
        log(
          `The whole comment (confusion matrix, every metric, lineage): ${outputs['comment-file']}`,
        );
    }
    await copyOut(step, outputs.report ?? '', values.report);
    return status;
  },
};

/** The comment's head for a terminal: the verdict, the gates' summary and the gated metrics' table. */
function verdictAndTable(comment: string): string {
  const lines = comment.split('\n');
  const table = lines.findIndex((line) => line.startsWith('|'));
  if (table === -1) return comment;
  let end = table;
  while (end < lines.length && lines[end]!.startsWith('|')) end++;
  return `${lines.slice(0, end).join('\n')}\n`;
}
