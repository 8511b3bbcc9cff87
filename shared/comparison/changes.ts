/**
 * What the pull request changed in what the model is built from, against the model in
 * production: the config's values (as `dvc params diff` shows them), the training data files
 * and the environment (interpreters, runner image, OS and package versions), from the two
 * lineage manifests. Production's manifest is the one published with it (the Release of a
 * production promotion, checked against the deployment's fingerprint) or the file given as
 * `baseline-manifest`.
 *
 * Both manifests may be hostile (a pull request's run wrote the candidate's; anyone who can
 * create deployments could have published the other): values are masked again (config-diff.ts),
 * every list is capped here and every text is escaped where it is rendered.
 */
import { z } from 'zod';
import type { Logger } from '../action/runner.js';
import { MANIFEST_FILE } from '../artifacts/model-artifact.js';
import { parseStructured, validateStructured } from '../files/structured.js';
import { statusOf } from '../github/client.js';
import { releaseTag } from '../identifiers.js';
import { diffConfigValues } from '../lineage/config-diff.js';
import { manifestSchema, type Manifest } from '../lineage/manifest.js';
import type { DeployedModel, Registry } from '../registry/github-registry.js';

/** Entries kept per list in the comparison document; the comment shows fewer (render.ts). */
const MAX_LISTED = 50;
/** A manifest records at most 2,000 config values and 20,000 packages: a few MB at most. */
const MAX_MANIFEST_BYTES = 32 * 1024 * 1024;
const text = z.string().max(400);
const count = z.number().int().nonnegative();

const valueChange = z.object({ key: text, from: text, to: text });
const keyValue = z.object({ key: text, value: text });
const listed = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item).max(MAX_LISTED), total: count });

export const changesSchema = z.object({
  /** The production model the candidate is compared with, and where its manifest came from. */
  against: z.object({ version: text, source: z.enum(['release', 'file']) }),
  /** Absent when either manifest records no config values (one written before they were). */
  config: z
    .object({
      changed: listed(valueChange),
      added: listed(keyValue),
      removed: listed(keyValue),
      hidden: count,
      unchanged: count,
      /** Either manifest recorded only part of its config (a very large one). */
      partial: z.boolean(),
    })
    .optional(),
  data: z.object({
    changed: listed(text),
    added: listed(text),
    removed: listed(text),
    unchanged: count,
  }),
  environment: z.object({
    /** Python, R, runner image and OS, each when it differs. */
    changed: z.array(valueChange).max(8),
    packages: z
      .object({ changed: listed(valueChange), added: listed(keyValue), removed: listed(keyValue) })
      .optional(),
  }),
});
export type Changes = z.output<typeof changesSchema>;

function list<T>(items: readonly T[]): { items: T[]; total: number } {
  return { items: items.slice(0, MAX_LISTED), total: items.length };
}

const clip = (value: string) => (value.length <= 400 ? value : `${value.slice(0, 399)}…`);

/** The changes from production's manifest to the candidate's. */
export function describeChanges(
  candidate: Manifest,
  production: Manifest,
  source: 'release' | 'file',
): Changes {
  return {
    against: { version: production.model.version, source },
    ...configChanges(candidate, production),
    data: dataChanges(candidate, production),
    environment: environmentChanges(candidate, production),
  };
}

function configChanges(candidate: Manifest, production: Manifest): Pick<Changes, 'config'> {
  const [before, after] = [production.config.values, candidate.config.values];
  if (!before || !after) return {};
  const diff = diffConfigValues(before, after);
  const pair = (entry: { key: string; value: string }) => ({
    key: clip(entry.key),
    value: clip(entry.value),
  });
  return {
    config: {
      changed: list(
        diff.changed.map((c) => ({ key: clip(c.key), from: clip(c.from), to: clip(c.to) })),
      ),
      added: list(diff.added.map(pair)),
      removed: list(diff.removed.map(pair)),
      hidden: diff.hidden,
      unchanged: diff.unchanged,
      partial: Boolean(production.config.valuesOmitted || candidate.config.valuesOmitted),
    },
  };
}

/** Data files by path: a path whose sha256 differs changed; the others were added or removed. */
function dataChanges(candidate: Manifest, production: Manifest): Changes['data'] {
  const before = new Map(production.data.map((file) => [file.path, file.sha256]));
  const after = new Map(candidate.data.map((file) => [file.path, file.sha256]));
  const changed = [...after].filter(([path, sha]) => before.has(path) && before.get(path) !== sha);
  return {
    changed: list(changed.map(([path]) => clip(path))),
    added: list([...after.keys()].filter((path) => !before.has(path)).map(clip)),
    removed: list([...before.keys()].filter((path) => !after.has(path)).map(clip)),
    unchanged: [...after].filter(([path, sha]) => before.get(path) === sha).length,
  };
}

function environmentChanges(candidate: Manifest, production: Manifest): Changes['environment'] {
  const [a, b] = [production.runtime, candidate.runtime];
  const image = (side: typeof a) =>
    [side?.image?.os, side?.image?.version].filter(Boolean).join(' ') || undefined;
  const os = (side: typeof a) =>
    side?.osRelease?.prettyName ??
    ([side?.osRelease?.id, side?.osRelease?.versionId].filter(Boolean).join(' ') || undefined);
  const facts: [string, string | undefined, string | undefined][] = [
    ['Python', a?.python?.version, b?.python?.version],
    ['R', a?.r?.version, b?.r?.version],
    ['Runner image', image(a), image(b)],
    ['OS', os(a), os(b)],
  ];
  const changed = facts
    .filter(([, from, to]) => from !== undefined && to !== undefined && from !== to)
    .map(([key, from, to]) => ({ key, from: clip(from!), to: clip(to!) }));
  const [oldPackages, newPackages] = [a?.python?.packages, b?.python?.packages];
  if (!oldPackages || !newPackages) return { changed };
  // Distribution names compare as pip compares them (PEP 503: case and -_. runs alike).
  const normal = (name: string) => name.toLowerCase().replace(/[-_.]+/g, '-');
  const before = new Map(oldPackages.map((p) => [normal(p.name), p]));
  const after = new Map(newPackages.map((p) => [normal(p.name), p]));
  const versionChanges = [...after]
    .filter(([name, p]) => before.has(name) && before.get(name)!.version !== p.version)
    .map(([name, p]) => ({
      key: clip(p.name),
      from: clip(before.get(name)!.version),
      to: clip(p.version),
    }));
  const only = (mine: typeof after, other: typeof after) =>
    [...mine]
      .filter(([name]) => !other.has(name))
      .map(([, p]) => ({ key: clip(p.name), value: clip(p.version) }));
  return {
    changed,
    packages: {
      changed: list(versionChanges),
      added: list(only(after, before)),
      removed: list(only(before, after)),
    },
  };
}

/**
 * The manifest published with the model in production: the `model-manifest.json` asset of its
 * Release, used only when it is the manifest of that deployment (same model and fingerprint).
 * Without a Release (an environment other than production) or when it cannot be read, undefined
 * and a line in the log: the comment then has no "Config changes".
 */
export async function publishedManifest(
  registry: Registry,
  deployed: DeployedModel,
  log: Logger,
): Promise<Manifest | undefined> {
  const { payload } = deployed;
  const tag = payload.release ?? releaseTag(payload.model, payload.version);
  const where = `release ${tag}`;
  try {
    const release = await registry.getReleaseByTag(tag);
    const asset = release?.assets.find((a) => a.name === MANIFEST_FILE);
    if (!asset) {
      log.info(
        `${payload.model} ${payload.version} has no published ${MANIFEST_FILE} (${where}), so the comment cannot say what changed since it.`,
      );
      return undefined;
    }
    const bytes = await registry.downloadReleaseAsset(asset.id);
    if (bytes.length > MAX_MANIFEST_BYTES) {
      log.warning(
        `The ${MANIFEST_FILE} of ${where} holds ${bytes.length} bytes, more than a manifest does (${MAX_MANIFEST_BYTES}); the comment leaves out what changed since it.`,
      );
      return undefined;
    }
    const path = `${where}: ${MANIFEST_FILE}`;
    // parseStructured: the nesting budget, as for every file a pull request could write.
    const manifest = await validateStructured(
      await parseStructured(
        bytes.toString('utf8'),
        MANIFEST_FILE,
        'manifest of the production model',
      ),
      manifestSchema,
      { path, what: 'manifest of the production model' },
    );
    if (manifest.model.name !== payload.model || manifest.fingerprint !== payload.fingerprint) {
      log.warning(
        `The ${MANIFEST_FILE} of ${where} is not the manifest of deployment ${deployed.deploymentId} (model or fingerprint differ); the comment leaves out what changed since it.`,
      );
      return undefined;
    }
    return manifest;
  } catch (error) {
    log.warning(
      `Could not read the manifest of ${where} (${statusOf(error) ?? (error as Error).message}); the comment leaves out what changed since it.`,
    );
    return undefined;
  }
}
