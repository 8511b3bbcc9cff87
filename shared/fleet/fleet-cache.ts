/**
 * Where the fleet's remembered answers (ETags of listings, Release contents read) live between
 * runs: the Actions cache on a runner, a file on a laptop. Best effort both ways: a cache that
 * cannot be restored or saved costs requests and a notice, never the step. @actions/cache is
 * loaded only here.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import type { Logger } from '../action/runner.js';
import type { ResponseCache } from '../github/conditional-requests.js';
import { sha256Text } from '../files/hash.js';

/** Where the cache file sits while @actions/cache saves or restores it (paths are workspace-relative). */
const CACHE_FILE = join('.mlops-actions', 'fleet-http-cache.json.gz');

export interface FleetCacheLocation {
  /** A file the CLI keeps (`--cache-file`): read before, written after. */
  file?: string;
  /** The Actions cache: the workspace its path is relative to, and the run that saves a new entry. */
  actions?: { workspace: string; runId: string; attempt: string };
}

/** Keys differ per set of sources and account, so two fleets never share an entry. */
function keyPrefix(scope: string, account: string): string {
  return `mlops-actions-fleet-${sha256Text(`${account}\n${scope}`).slice(0, 16)}-`;
}

/** Takes the saved answers into `into`. */
export async function restoreFleetCache(
  into: ResponseCache,
  location: FleetCacheLocation,
  scope: string,
  account: string,
  log: Logger,
): Promise<void> {
  try {
    if (location.file) {
      into.absorb(await readFile(location.file).catch(() => undefined), account);
      return;
    }
    if (!location.actions) return;
    const cache = await import('@actions/cache');
    if (!cache.isFeatureAvailable()) return;
    const path = join(location.actions.workspace, CACHE_FILE);
    const prefix = keyPrefix(scope, account);
    const matched = await cache.restoreCache([CACHE_FILE], prefix, [prefix]);
    if (!matched) {
      log.info('No earlier fleet cache: every listing and Release is read afresh.');
      return;
    }
    into.absorb(await readFile(path), account);
    await rm(path, { force: true });
    log.info(`Restored the fleet cache ${matched} (${into.size} remembered answers).`);
  } catch (error) {
    log.notice(
      `The fleet cache could not be restored (${(error as Error).message}); everything is read afresh.`,
    );
  }
}

export async function saveFleetCache(
  location: FleetCacheLocation,
  cache: ResponseCache,
  scope: string,
  account: string,
  log: Logger,
): Promise<void> {
  try {
    const bytes = await cache.save(account);
    if (location.file) {
      await mkdir(dirname(location.file), { recursive: true });
      await writeFile(location.file, bytes);
      return;
    }
    if (!location.actions) return;
    const actionsCache = await import('@actions/cache');
    if (!actionsCache.isFeatureAvailable()) return;
    const path = join(location.actions.workspace, CACHE_FILE);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, bytes);
    // A cache entry is immutable: each run saves its own, and the next run restores the newest by prefix.
    const key = `${keyPrefix(scope, account)}${location.actions.runId}-${location.actions.attempt}`;
    await actionsCache.saveCache([relative(location.actions.workspace, path)], key);
    log.info(`Saved the fleet cache as ${key} (${(bytes.length / 1024).toFixed(0)} kB).`);
  } catch (error) {
    log.notice(
      `The fleet cache could not be saved (${(error as Error).message}); the next run reads everything afresh.`,
    );
  } finally {
    if (location.actions) await rm(join(location.actions.workspace, CACHE_FILE), { force: true });
  }
}
