/**
 * `mlops-actions promote --dry-run`: what promote-model would record, through its own dry-run
 * path (shared/registry/promote.ts): the gates judged again against the model in the
 * environment, the version, and the comparison digest the approval binds. A promotion itself
 * records a deployment behind the environment's required reviewers, so it runs only in a
 * workflow; without --dry-run the command says so.
 */
import { promoteModel } from '../../../actions/promote-model/src/run.js';
import { parseRepository } from '../../../shared/github/client.js';
import { inputFlagsHelp, runActionCommand } from '../action-command.js';
import {
  confined,
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
  'environment',
  'manifest',
  'metrics',
  'artifact',
  'run-id',
  'version',
  'gates',
  'profile',
  'override-reason',
  'ref',
  'working-directory',
] as const;

export const promote: Command = {
  name: 'promote',
  summary: 'with --dry-run, shows what promote-model would record',
  help: async () => `Usage: mlops-actions promote --dry-run --model-name <name> --environment <env>
                             --manifest <manifest.json> --metrics <report.json> [options]

Shows what promote-model would record, through its own dry run: the version, the gates judged
against the model in the environment now (read from --repo's deployments with a token, or
judged with no baseline without --repo), and the comparison digest an approval binds. Nothing
is recorded: a promotion runs only in a workflow, behind the environment's required reviewers,
so --dry-run is required.

Options (the promote-model inputs):
${await inputFlagsHelp('promote-model', INPUTS)}
  --dry-run             required: judge and show, record nothing
  --repo <owner/name>   read the environment's current model from this repository
  --token <token>       a token that can read deployments (default: GITHUB_TOKEN or GH_TOKEN)
  --summary <file.md>   write the Markdown job summary (the approval check) there
  --workspace <dir>     the folder every file must lie in (default: the current folder)
  --verbose             print debug lines
  -h, --help            this help

Exit status 0 when the promotion would go ahead, 1 when it would be refused (failing gates,
a wrong file), 2 for a usage mistake, 3 when GitHub cannot be reached.
`,
  async run(args) {
    const { values } = parseFlags(args, {
      ...inputFlags(INPUTS),
      'dry-run': { type: 'boolean' },
      repo: { type: 'string' },
      token: { type: 'string' },
      summary: { type: 'string' },
      workspace: { type: 'string' },
      verbose: { type: 'boolean' },
    });
    if (!values['dry-run'])
      throw new UsageError(
        "promote runs only with --dry-run here: a promotion records a deployment behind the environment's required reviewers, so it runs in a workflow (promote-model). Add --dry-run to see what it would record.",
      );
    const repository = values.repo === undefined ? undefined : parseRepository(values.repo);
    if (values.repo !== undefined && !repository)
      throw new UsageError(`--repo takes owner/name; got ${JSON.stringify(values.repo)}.`);
    const token = gitHubToken(values.token);
    if (repository && !token)
      throw new UsageError(
        '--repo reads the environment from GitHub and needs a token that can read deployments: pass --token, or set GITHUB_TOKEN (e.g. GITHUB_TOKEN=$(gh auth token)).',
      );
    const step = stepIn(values.workspace, {
      GITHUB_REPOSITORY: repository ? `${repository.owner}/${repository.repo}` : undefined,
      GITHUB_EVENT_PATH: undefined,
      GITHUB_RUN_ID: undefined,
    });
    if (values.summary) await confined(step, [values.summary], 'summary file', 'any');
    const { status } = await runActionCommand({
      action: promoteModel,
      inputs: {
        ...inputValues(values, INPUTS),
        'dry-run': 'true',
        'github-token': repository ? token : 'none',
      },
      step,
      summaryPath: values.summary,
      verbose: values.verbose,
    });
    return status;
  },
};
