/** `mlops-actions registry`: the fleet view in a terminal, as JSON or Markdown, or as the static site. */
import { resolve } from 'node:path';
import { createCliRunner } from '../../../shared/action/cli-runner.js';
import { UserError } from '../../../shared/action/errors.js';
import { stepConfinement } from '../../../shared/files/confine.js';
import { DAY_MS } from '../../../shared/fleet/flags.js';
import { renderFleetMarkdown } from '../../../shared/fleet/fleet-markdown.js';
import { renderFleetTable } from '../../../shared/fleet/fleet-table.js';
import type { FleetDocument } from '../../../shared/fleet/fleet-document.js';
import { buildFleet } from '../../../shared/fleet/publish-fleet.js';
import { parseFleetSources } from '../../../shared/fleet/read-fleet.js';
import { siteFiles } from '../../../shared/fleet/site/index.js';
import { writeSite } from '../../../shared/fleet/write-site.js';
import { isIdentifier, quoteValue } from '../../../shared/identifiers.js';
import { durationSchema } from '../../../shared/monitor/policy.js';
import { gitHubToken, parseFlags, stepIn, UsageError, type Command } from '../usage.js';

const FORMATS = ['table', 'json', 'markdown', 'html'] as const;
type Format = (typeof FORMATS)[number];

export const registry: Command = {
  name: 'registry',
  summary: 'lists every model and the version in each environment, across repositories',
  help: `Usage: mlops-actions registry --repo <owner/name> [--repo ...] [--org <owner>] [options]

Lists every model, the version in each environment, its age, who promoted and approved it, its
owner, monitor status, bias check and flags (stale, orphaned, unwatched, overridden), read from
the repositories' GitHub deployments, releases and monitor issues: the fleet view that
publish-registry publishes.

Options:
  --repo <owner/name>     a repository to read (repeatable); owner/* reads every repository of
                          an organisation or user that has promoted models
  --org <owner>           every repository of this organisation or user (repeatable)
  --model <name>          only this model
  --format <format>       table (default), json (the fleet document, mlops-actions/fleet@1),
                          markdown, or html (the static site, written to --out)
  --out <folder>          where --format html writes the site (default: registry-site)
  --stale-after <time>    flag a model stale when neither promoted nor monitored for longer than
                          this: a whole number and m, h, d or w (default: 90d)
  --watched <env>         environments whose models must be monitored (repeatable; default:
                          production)
  --monitor-label <label> the monitor issues' label (repeatable; default: model-monitoring)
  --detailed-versions <n> newest production versions per model whose Release files are read
                          (default: 3)
  --cache-file <file>     remember what was read (ETags, Release contents) in this file, so the
                          next run asks with conditional requests and downloads nothing twice
  --token <token>         a token that can read deployments, releases and issues (default:
                          GITHUB_TOKEN or GH_TOKEN, e.g. GITHUB_TOKEN=$(gh auth token))
  -h, --help              this help

GITHUB_API_URL names another API (GitHub Enterprise Server). Exit status 3 when it cannot be
reached.
`,
  async run(args) {
    const { values } = parseFlags(args, {
      repo: { type: 'string', multiple: true },
      org: { type: 'string', multiple: true },
      model: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      'stale-after': { type: 'string' },
      watched: { type: 'string', multiple: true },
      'monitor-label': { type: 'string', multiple: true },
      'detailed-versions': { type: 'string' },
      'cache-file': { type: 'string' },
      token: { type: 'string' },
    });
    const entries = [...(values.repo ?? []), ...(values.org ?? []).map((org) => `${org}/*`)];
    if (!entries.length)
      throw new UsageError('--repo is required, as owner/name (or --org <owner>).');
    const sources = parseFleetSources(entries.join('\n'), undefined);
    const format = formatOf(values.format);
    if (values.out && format !== 'html') throw new UsageError('--out goes with --format html.');
    if (values.model !== undefined && !isIdentifier('model name', values.model))
      throw new UsageError(`--model ${quoteValue(values.model)} is not a model name.`);
    const token = gitHubToken(values.token);
    if (!token)
      throw new UserError(
        'Reading the registry needs a GitHub token with read access to deployments: set GITHUB_TOKEN (or GH_TOKEN), e.g. GITHUB_TOKEN=$(gh auth token), or pass --token.',
      );
    const step = stepIn(undefined);
    // Octokit's notices (rate-limit waits) go to standard error; the listing alone to standard output.
    const log = createCliRunner({ inputs: {}, write: (line) => process.stderr.write(`${line}\n`) });
    const fleet = await buildFleet(
      {
        sources,
        token,
        now: new Date(),
        staleAfterDays: staleAfter(values['stale-after']) / DAY_MS,
        watchedEnvironments: environments(values.watched ?? ['production']),
        monitorLabels: values['monitor-label'] ?? ['model-monitoring'],
        detailedVersions: whole(values['detailed-versions'] ?? '3', '--detailed-versions'),
        ...(values['cache-file'] ? { cache: { file: resolve(values['cache-file']) } } : {}),
      },
      step.accounts,
      log,
    );
    const shown = values.model ? onlyModel(fleet, values.model) : fleet;
    if (format === 'html') {
      const folder = await writeSite(
        values.out ?? 'registry-site',
        siteFiles(shown),
        await stepConfinement(step.workspace, step.tempDir),
        process.cwd(),
      );
      process.stdout.write(`${resolve(folder, 'index.html')}\n`);
      return 0;
    }
    process.stdout.write(
      format === 'json'
        ? `${JSON.stringify(shown, null, 2)}\n`
        : format === 'markdown'
          ? renderFleetMarkdown(shown)
          : renderFleetTable(shown),
    );
    return 0;
  },
};

function formatOf(value: string | undefined): Format {
  if (value === undefined) return 'table';
  if ((FORMATS as readonly string[]).includes(value)) return value as Format;
  throw new UsageError(`--format must be one of ${FORMATS.join(', ')}; got ${quoteValue(value)}.`);
}

function staleAfter(value: string | undefined): number {
  const parsed = durationSchema.safeParse(value ?? '90d');
  if (!parsed.success)
    throw new UsageError(
      `--stale-after must be a whole number and a unit (m, h, d or w), e.g. 90d; got ${quoteValue(value)}.`,
    );
  return parsed.data;
}

function environments(names: readonly string[]): string[] {
  for (const name of names)
    if (!isIdentifier('environment name', name))
      throw new UsageError(`--watched ${quoteValue(name)} is not an environment name.`);
  return [...names];
}

function whole(value: string, flag: string): number {
  if (!/^\d{1,4}$/.test(value))
    throw new UsageError(
      `${flag} must be a whole number from 0 to 9999; got ${quoteValue(value)}.`,
    );
  return Number(value);
}

function onlyModel(fleet: FleetDocument, model: string): FleetDocument {
  return { ...fleet, models: fleet.models.filter((m) => m.name === model) };
}
