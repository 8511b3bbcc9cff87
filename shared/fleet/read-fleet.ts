/**
 * Reads the fleet from GitHub: for each repository, one listing of its deployments (every model
 * and environment at once), one GraphQL status query per 100 model deployments, one listing of
 * its monitor issues, the Release of each model's newest production versions with its files
 * (read once: they are kept in the cache), and one membership check per owner handle. No
 * listing of all Releases: a busy repository has thousands, and only a few are shown in full. Listings
 * go out as conditional requests when a cache is given, so an unchanged repository costs 304s,
 * which do not count against the rate limit.
 */
import type { Logger } from '../action/runner.js';
import { UserError } from '../action/errors.js';
import { parseRepository, statusOf, type Repository } from '../github/client.js';
import type {
  Deployment,
  DeploymentStatusSummary,
  GitHubAccounts,
  GitHubPort,
} from '../github/port.js';
import {
  monitorStatusKey,
  readMonitorStatuses,
  type MonitorStatusEntry,
} from '../monitor/monitor-status.js';
import { quoteValue } from '../identifiers.js';
import {
  FLEET_FORMAT,
  fleetDocumentSchema,
  type FleetDocument,
  type FleetModel,
  type FleetVersion,
} from './fleet-document.js';
import { flagEnvironment, type FlagRules } from './flags.js';
import {
  environmentsOf,
  modelDeployments,
  versionsOf,
  type ModelDeployment,
} from './model-history.js';
import { OwnerCheck } from './owners.js';
import { MODEL_CARD_ASSET } from '../registry/model-release.js';
import { releaseLineage, type LineageStore } from './release-lineage.js';

/** How many repositories are read at once: enough to hide latency, few enough for secondary rate limits. */
const REPOSITORIES_AT_ONCE = 4;
/** GraphQL's `nodes` takes at most 100 ids. */
const STATUS_BATCH = 100;

export interface FleetSources {
  /** `owner/name` of each repository read whatever it holds. */
  repositories: Repository[];
  /** Organisations or users whose every repository with model deployments is read. */
  owners: string[];
}

const OWNER_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const REPOSITORY_NAME = /^[A-Za-z0-9._-]{1,100}$/;

/**
 * The `repositories` input: one per line (or comma-separated), `owner/name` for one repository,
 * `owner/*` or `owner` for every repository of an organisation or user that has models.
 * Empty: `fallback` (the repository the workflow runs in).
 */
export function parseFleetSources(text: string, fallback: string | undefined): FleetSources {
  const entries = text
    .split(/[\n,]/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  if (!entries.length && fallback) entries.push(fallback);
  if (!entries.length)
    throw new UserError(
      'Name the repositories to read: input "repositories" (owner/name, or owner/* for every repository of an organisation or user), one per line.',
    );
  const sources: FleetSources = { repositories: [], owners: [] };
  for (const entry of entries) {
    const [owner, name, ...rest] = entry.split('/');
    if (
      !OWNER_NAME.test(owner ?? '') ||
      rest.length ||
      (name !== undefined && name !== '*' && !REPOSITORY_NAME.test(name))
    )
      throw new UserError(
        `Input "repositories" holds ${quoteValue(entry)}: expected owner/name (e.g. octo-org/churn-model), owner/* or owner, with GitHub's characters for account and repository names.`,
      );
    if (name === undefined || name === '*') sources.owners.push(owner!);
    else sources.repositories.push({ owner: owner!, repo: name });
  }
  return sources;
}

export interface FleetReadOptions {
  github: GitHubAccounts;
  now: Date;
  staleAfterDays: number;
  /** Environments where a model must be monitored. */
  watchedEnvironments: string[];
  /** The monitor issue's labels (monitor-model's `issue-labels`). */
  monitorLabels: string[];
  /** How many of each model's newest production versions get their full lineage read from the Release. */
  detailedVersions: number;
  /** Where Release contents read before are kept. */
  store?: LineageStore;
  log: Logger;
}

interface RepositoryReading {
  fullName: string;
  url: string;
  models: FleetModel[];
  skipped?: string;
  downloads: number;
}

export async function readFleet(
  sources: FleetSources,
  options: FleetReadOptions,
): Promise<FleetDocument> {
  const started = performance.now();
  const targets = await repositoriesToRead(sources, options);
  const owners = new OwnerCheck(options.github);
  const readings = await mapLimited(targets, REPOSITORIES_AT_ONCE, (target) =>
    readRepository(target, options, owners),
  );
  const counts = options.github.counts();
  const document: FleetDocument = {
    format: FLEET_FORMAT,
    generatedAt: options.now.toISOString(),
    staleAfterDays: options.staleAfterDays,
    repositories: readings
      .filter(
        (reading) => reading.models.length || reading.skipped || namedOnItsOwn(reading, sources),
      )
      .map(({ fullName, url, models, skipped }) => ({
        fullName,
        url,
        models: models.length,
        ...(skipped ? { skipped } : {}),
      })),
    models: readings.flatMap((reading) => reading.models),
    cost: {
      ...counts,
      downloads: readings.reduce((sum, reading) => sum + reading.downloads, 0),
      seconds: (performance.now() - started) / 1000,
    },
  };
  // Checked as any reader of fleet.json will check it: what is written is what is promised.
  return fleetDocumentSchema.parse(document);
}

/** A repository named on its own is listed even without models; one found through its owner only when it has some. */
function namedOnItsOwn(reading: RepositoryReading, sources: FleetSources): boolean {
  return sources.repositories.some(
    (repository) =>
      `${repository.owner}/${repository.repo}`.toLowerCase() === reading.fullName.toLowerCase(),
  );
}

interface Target {
  repository: Repository;
  url: string;
}

async function repositoriesToRead(
  sources: FleetSources,
  options: FleetReadOptions,
): Promise<Target[]> {
  const seen = new Set<string>();
  const targets: Target[] = [];
  const add = (repository: Repository, url: string) => {
    const key = `${repository.owner}/${repository.repo}`.toLowerCase();
    if (seen.has(key)) return;
    seen.add(key);
    targets.push({ repository, url });
  };
  for (const repository of sources.repositories)
    add(repository, `https://github.com/${repository.owner}/${repository.repo}`);
  for (const owner of sources.owners) {
    try {
      for await (const found of options.github.listRepositories(owner)) {
        const repository = parseRepository(found.fullName);
        // An archived repository is read-only: whatever it served, nobody can promote or fix it there.
        if (repository && !found.archived) add(repository, found.htmlUrl);
      }
    } catch (error) {
      const status = statusOf(error);
      if (status !== 404 && status !== 403) throw error;
      throw new UserError(
        `GitHub answered ${status} when listing the repositories of ${quoteValue(owner)}: ${status === 404 ? 'no such organisation or user' : 'the token may not list them'}. Check the name in "repositories", or name the repositories one by one.`,
      );
    }
  }
  return targets;
}

async function readRepository(
  { repository, url }: Target,
  options: FleetReadOptions,
  owners: OwnerCheck,
): Promise<RepositoryReading> {
  const fullName = `${repository.owner}/${repository.repo}`;
  const github = options.github.port(repository);
  const reading: RepositoryReading = { fullName, url, models: [], downloads: 0 };
  let byModel: Map<string, ModelDeployment[]>;
  try {
    byModel = await readModelDeployments(github);
  } catch (error) {
    const status = statusOf(error);
    if (status !== 403 && status !== 404) throw error;
    options.log.warning(
      `Skipped ${fullName}: GitHub answered ${status} to reading its deployments.`,
    );
    return {
      ...reading,
      skipped: `GitHub answered ${status} to reading its deployments: ${status === 404 ? 'no such repository, or the token cannot see it' : 'the token may not read deployments ("permissions: deployments: read", or a token with access to this repository)'}.`,
    };
  }
  if (!byModel.size) return reading;

  const monitors = await monitorStatusesOf(github, fullName, options);
  const rules: FlagRules = {
    now: options.now,
    staleAfterDays: options.staleAfterDays,
    watchedEnvironments: options.watchedEnvironments,
  };
  for (const [name, entries] of [...byModel.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const handles = entries.find((entry) => entry.payload.owner?.length)?.payload.owner ?? [];
    const owner = await owners.ownerOf(repository, handles);
    const versions = await withReleaseLineage(github, versionsOf(entries), url, options, reading);
    const environments = environmentsOf(entries, options.now).map((environment) => {
      const monitor = monitors.get(monitorStatusKey(name, environment.name));
      return flagEnvironment(
        monitor
          ? {
              ...environment,
              monitor: {
                status: monitor.status,
                checkedAt: monitor.checkedAt,
                issue: monitor.issue,
                ...(monitor.runUrl ? { runUrl: monitor.runUrl } : {}),
                driftShare: monitor.driftShare,
                ...(monitor.metric ? { metric: monitor.metric } : {}),
                history: monitor.history.map(({ at, status, driftShare }) => ({
                  at,
                  status,
                  driftShare,
                })),
              },
            }
          : environment,
        owner,
        rules,
      );
    });
    reading.models.push({
      id: `${fullName}/${name}`,
      repository: fullName,
      name,
      owner,
      environments,
      versions,
    });
  }
  return reading;
}

/**
 * The monitor statuses of a repository's models, from its monitor issues. A repository whose
 * issues are disabled (GitHub answers 410) or hidden from the token (403, 404) has none: its
 * production models show as unwatched, and the log says why.
 */
async function monitorStatusesOf(
  github: GitHubPort,
  fullName: string,
  options: FleetReadOptions,
): Promise<Map<string, MonitorStatusEntry>> {
  try {
    return await readMonitorStatuses(github, {
      labels: options.monitorLabels,
      onSkip: (skipped) =>
        options.log.info(
          `${fullName}: monitor issue #${skipped.number} not read: ${skipped.reason}`,
        ),
      onLimit: (limit) =>
        options.log.warning(
          `${fullName}: only the newest ${limit} issues were read for monitor statuses; models monitored in older issues show as unwatched.`,
        ),
    });
  } catch (error) {
    const status = statusOf(error);
    if (status !== 410 && status !== 403 && status !== 404) throw error;
    options.log.warning(
      `${fullName}: its issues could not be read (GitHub answered ${status}${status === 410 ? ': issues are disabled' : ''}), so no monitor status is known there.`,
    );
    return new Map();
  }
}

/** The repository's model deployments with their statuses: one listing, one status query per 100. */
async function readModelDeployments(github: GitHubPort): Promise<Map<string, ModelDeployment[]>> {
  const ours: Deployment[] = [];
  for await (const deployment of github.listDeployments({}))
    if (deployment.task.startsWith('model:')) ours.push(deployment);
  const statuses = new Map<number, DeploymentStatusSummary>();
  for (let start = 0; start < ours.length; start += STATUS_BATCH)
    for (const [id, summary] of await github.deploymentStatuses(
      ours.slice(start, start + STATUS_BATCH),
    ))
      statuses.set(id, summary);
  return modelDeployments(ours, statuses);
}

/**
 * Each version that was published as a Release gets its Release's files: the newest
 * `detailedVersions` are asked for (a conditional request, and the files read only when they
 * are new), older ones show what an earlier run kept, else what their deployment recorded.
 */
async function withReleaseLineage(
  github: GitHubPort,
  versions: FleetVersion[],
  repositoryUrl: string,
  options: FleetReadOptions,
  reading: RepositoryReading,
): Promise<FleetVersion[]> {
  let published = 0;
  const out: FleetVersion[] = [];
  for (const version of versions) {
    const tag = version.release?.tag;
    if (!tag) {
      out.push(version);
      continue;
    }
    const read = await releaseLineage(
      github,
      tag,
      options.store,
      published++ < options.detailedVersions,
    );
    const url =
      read && !('gone' in read)
        ? read.htmlUrl
        : `${repositoryUrl}/releases/tag/${encodeURIComponent(tag)}`;
    const release = {
      tag,
      url,
      ...(read && !('gone' in read) && read.modelCard
        ? {
            modelCardUrl: `${url.replace('/releases/tag/', '/releases/download/')}/${MODEL_CARD_ASSET}`,
          }
        : {}),
    };
    if (!read || 'gone' in read) {
      out.push({
        ...version,
        release,
        ...(read
          ? {
              lineage: {
                ...version.lineage,
                missing: `Release ${tag} was not found: it was deleted, or is a draft again`,
              },
            }
          : {}),
      });
      continue;
    }
    reading.downloads += read.downloads;
    out.push({
      ...version,
      release,
      // The payload's values are what the gates judged; the report adds their intervals.
      metrics: Object.fromEntries(
        Object.entries(version.metrics).map(([name, metric]) => [
          name,
          { ...metric, ...(read.metrics[name]?.ci ? { ci: read.metrics[name].ci } : {}) },
        ]),
      ),
      lineage: {
        ...read.lineage,
        ...(version.lineage.evaluation && !read.lineage.evaluation
          ? { evaluation: version.lineage.evaluation }
          : {}),
      },
    });
  }
  return out;
}

/**
 * Runs `work` on every item, at most `limit` at once, keeping the items' order. Written here
 * rather than taken from a library: a dozen lines, used once, with no queueing or cancelling.
 */
async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
