/** `mlops-actions registry`: every model and the version in each environment, from GitHub's deployments. */
import { createCliRunner } from '../../../shared/action/cli-runner.js';
import { UserError } from '../../../shared/action/errors.js';
import { parseRepository } from '../../../shared/github/client.js';
import { createOctokitPort } from '../../../shared/github/octokit-port.js';
import { readRegistry, renderRegistry } from '../../../shared/registry/overview.js';
import { gitHubToken, parseFlags, UsageError, type Command } from '../usage.js';

export const registry: Command = {
  name: 'registry',
  summary: 'lists every model and the version in each environment',
  help: `Usage: mlops-actions registry --repo <owner/name> [--model <name>] [--token <token>]

Lists every model, the version in each environment, when and by whom it was promoted, read
from the repository's GitHub deployments (the registry promote-model writes).

Options:
  --repo <owner/name>   the repository (required)
  --model <name>        only this model
  --token <token>       a token that can read deployments (default: GITHUB_TOKEN or GH_TOKEN,
                        e.g. GITHUB_TOKEN=$(gh auth token))
  -h, --help            this help

GITHUB_API_URL names another API (GitHub Enterprise Server). Exit status 3 when it cannot be
reached.
`,
  async run(args) {
    const { values } = parseFlags(args, {
      repo: { type: 'string' },
      model: { type: 'string' },
      token: { type: 'string' },
    });
    const repository = parseRepository(values.repo);
    if (!repository) throw new UsageError('--repo is required, as owner/name.');
    const token = gitHubToken(values.token);
    if (!token)
      throw new UserError(
        'Reading the registry needs a GitHub token with read access to deployments: set GITHUB_TOKEN (or GH_TOKEN), e.g. GITHUB_TOKEN=$(gh auth token), or pass --token.',
      );
    // Octokit's notices (rate-limit waits) go to standard error; the table alone to standard output.
    const log = createCliRunner({ inputs: {}, write: (line) => process.stderr.write(`${line}\n`) });
    const port = await createOctokitPort(token, repository, log);
    process.stdout.write(renderRegistry(await readRegistry(port, { model: values.model })));
    return 0;
  },
};
