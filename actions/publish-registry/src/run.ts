import type { StepEnvironment } from '../../../shared/action/context.js';
import { UserError } from '../../../shared/action/errors.js';
import type { ActionDefinition } from '../../../shared/action/run-action.js';
import type { Runner } from '../../../shared/action/runner.js';
import { stepConfinement } from '../../../shared/files/confine.js';
import { DAY_MS } from '../../../shared/fleet/flags.js';
import { renderFleetMarkdown } from '../../../shared/fleet/fleet-markdown.js';
import { buildFleet } from '../../../shared/fleet/publish-fleet.js';
import { parseFleetSources } from '../../../shared/fleet/read-fleet.js';
import { fleetCounts } from '../../../shared/fleet/site/fleet-page.js';
import { siteFiles } from '../../../shared/fleet/site/index.js';
import { FLEET_JSON } from '../../../shared/fleet/site/paths.js';
import { writeSite } from '../../../shared/fleet/write-site.js';
import { checkIssueLabels } from '../../../shared/monitor/monitor-issue.js';
import { inputs, type Inputs } from './inputs.js';
import type { OUTPUTS } from './outputs.js';

export const publishRegistry: ActionDefinition<typeof inputs> = {
  name: 'publish-registry',
  inputs,
  async run(input: Inputs, runner: Runner, step: StepEnvironment) {
    const context = step.context();
    const sources = parseFleetSources(input.repositories, context.repository);
    checkIssueLabels(input['monitor-labels']);
    if (!input['github-token'])
      throw new UserError(
        'input "github-token" is empty: reading the registry needs a token that can read deployments, releases and issues (the default, ${{ github.token }}, does for this repository).',
      );
    // Checked before GitHub is read, so a wrong folder fails in a second, not after the reading.
    const confinement = await stepConfinement(context.workspace, context.tempDir);
    const fleet = await buildFleet(
      {
        sources,
        token: input['github-token'],
        now: new Date(),
        staleAfterDays: input['stale-after'] / DAY_MS,
        watchedEnvironments: input['watched-environments'],
        monitorLabels: input['monitor-labels'],
        detailedVersions: input['detailed-versions'],
        ...(input.cache && context.runId
          ? {
              cache: {
                actions: {
                  workspace: context.workspace,
                  runId: context.runId,
                  attempt: context.runAttempt ?? '1',
                },
              },
            }
          : {}),
      },
      step.accounts,
      runner,
    );
    const site = await writeSite(input.out, siteFiles(fleet), confinement, context.workspace);
    runner.appendSummary(renderFleetMarkdown(fleet));
    const counts = fleetCounts(fleet);
    runner.info(
      `${counts.models} model(s) in ${fleet.repositories.length} repositories, ${counts.inProduction} in production; flagged: ${counts.stale} stale, ${counts.orphaned} orphaned, ${counts.unwatched} unwatched, ${counts.overridden} overridden. Read with ${fleet.cost.rest} REST requests (${fleet.cost.notModified} answered 304), ${fleet.cost.graphql} GraphQL queries and ${fleet.cost.downloads} Release downloads in ${fleet.cost.seconds.toFixed(1)} s. Site: ${site}`,
    );
    const set = (name: (typeof OUTPUTS)[number], value: string) => runner.setOutput(name, value);
    set('site', site);
    set('fleet', `${site}/${FLEET_JSON}`);
    set('models', String(fleet.models.length));
    set('stale', String(counts.stale));
  },
};
