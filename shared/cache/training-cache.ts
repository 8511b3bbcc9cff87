/**
 * The run cache of train-model: outputs saved under a key made of the fingerprint, so that a
 * run with the same inputs restores them instead of training again. Best effort: a cache
 * service that fails costs a training run and a warning, never the step. @actions/cache is
 * loaded only here.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import type { Logger } from '../action/runner.js';
import { manifestSchema, type Manifest } from '../lineage/manifest.js';

export function trainingCacheKey(model: string, fingerprint: string): string {
  return `mlops-actions-train-${model}-${fingerprint}`;
}

/**
 * Paths as @actions/cache takes them: relative to the workspace, so the key's version is the
 * same on every runner, and sorted, since that version hashes the list in order and listing
 * `outputs` in another order must find the same entry.
 */
export function cachePaths(
  outputs: readonly string[],
  manifestSidecar: string,
  workspace: string,
): string[] {
  return [...outputs, manifestSidecar].map((path) => relative(workspace, path)).sort();
}

/** Where the manifest of a cached run travels with its outputs, for the length of a save or restore. */
function sidecarPath(baseDir: string, model: string): string {
  return resolve(baseDir, '.mlops-actions', `train-${model}.manifest.json`);
}

export interface CacheArgs {
  model: string;
  fingerprint: string;
  /** Absolute paths of the outputs. */
  outputs: string[];
  baseDir: string;
  workspace: string;
  log: Logger;
}

/** The manifest of the run whose outputs were restored, or undefined on a miss or a failure. */
export async function restoreTrainingOutputs(args: CacheArgs): Promise<Manifest | undefined> {
  const key = trainingCacheKey(args.model, args.fingerprint);
  const sidecar = sidecarPath(args.baseDir, args.model);
  try {
    const cache = await import('@actions/cache');
    if (!cache.isFeatureAvailable()) {
      args.log.warning(
        'cache: true, but this runner offers no cache service; training runs as usual.',
      );
      return undefined;
    }
    const matched = await cache.restoreCache(
      cachePaths(args.outputs, sidecar, args.workspace),
      key,
    );
    if (matched !== key) {
      args.log.info(
        `No cached outputs for fingerprint ${args.fingerprint.slice(0, 12)}; training.`,
      );
      return undefined;
    }
    return manifestSchema.parse(JSON.parse(await readFile(sidecar, 'utf8')));
  } catch (error) {
    args.log.warning(
      `Restoring cached outputs failed (${(error as Error).message}); training runs as usual.`,
    );
    return undefined;
  } finally {
    await rm(dirname(sidecar), { recursive: true, force: true });
  }
}

/**
 * Whether the cache holds the outputs of this fingerprint, without restoring them (lookupOnly);
 * undefined when no cache service is reachable (outside a GitHub runner) or the look-up fails.
 */
export async function cachedTrainingExists(args: CacheArgs): Promise<boolean | undefined> {
  const key = trainingCacheKey(args.model, args.fingerprint);
  try {
    const cache = await import('@actions/cache');
    if (!cache.isFeatureAvailable()) return undefined;
    const paths = cachePaths(args.outputs, sidecarPath(args.baseDir, args.model), args.workspace);
    return (await cache.restoreCache(paths, key, [], { lookupOnly: true })) === key;
  } catch (error) {
    args.log.warning(`Looking up the cache failed (${(error as Error).message}).`);
    return undefined;
  }
}

export async function saveTrainingOutputs(args: CacheArgs & { manifest: Manifest }): Promise<void> {
  const key = trainingCacheKey(args.model, args.fingerprint);
  const sidecar = sidecarPath(args.baseDir, args.model);
  try {
    const cache = await import('@actions/cache');
    if (!cache.isFeatureAvailable()) return;
    await mkdir(dirname(sidecar), { recursive: true });
    await writeFile(sidecar, JSON.stringify(args.manifest));
    const id = await cache.saveCache(cachePaths(args.outputs, sidecar, args.workspace), key);
    if (id !== -1) args.log.info(`Saved the outputs to the cache under ${key}.`);
  } catch (error) {
    args.log.warning(
      `Saving the outputs to the cache failed (${(error as Error).message}); the next run with this fingerprint will train again.`,
    );
  } finally {
    await rm(dirname(sidecar), { recursive: true, force: true });
  }
}
