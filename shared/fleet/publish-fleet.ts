/**
 * The fleet view end to end, for publish-registry and `mlops-actions registry`: connect to
 * GitHub across repositories, take in what earlier runs remembered, read the fleet, remember
 * what this run read. Rendering and writing are the caller's: the action writes a site and a
 * summary, the CLI prints a table, JSON or Markdown, or writes the site too.
 */
import type { AccountsConnector } from '../action/context.js';
import type { Logger } from '../action/runner.js';
import { ResponseCache } from '../github/conditional-requests.js';
import type { FleetDocument } from './fleet-document.js';
import { restoreFleetCache, saveFleetCache, type FleetCacheLocation } from './fleet-cache.js';
import { readFleet, type FleetReadOptions, type FleetSources } from './read-fleet.js';

export interface FleetRequest extends Omit<FleetReadOptions, 'github' | 'store' | 'log'> {
  sources: FleetSources;
  token: string;
  /** Where remembered answers are kept between runs; undefined: nowhere (every run reads afresh). */
  cache?: FleetCacheLocation;
}

export async function buildFleet(
  request: FleetRequest,
  connect: AccountsConnector,
  log: Logger,
): Promise<FleetDocument> {
  const cache = new ResponseCache();
  const github = await connect(request.token, log, request.cache ? cache : undefined);
  const { sources, token: _token, cache: location, ...options } = request;
  // The cache is per account: another token may see other repositories and other answers.
  const account = location ? await github.viewer() : '';
  const scope = JSON.stringify(sources);
  if (location) await restoreFleetCache(cache, location, scope, account, log);
  const fleet = await readFleet(sources, {
    ...options,
    github,
    ...(location ? { store: cache } : {}),
    log,
  });
  if (location) await saveFleetCache(location, cache, scope, account, log);
  return fleet;
}
