/**
 * The full lineage of a production version, from the files its Release keeps: the lineage
 * manifest (data, config values, code, command, environment), the metrics report (intervals,
 * slices) and the training data profile. Release assets are written once by promote-model and
 * an asset id never changes its bytes, so what was read of a Release is kept in the fleet's cache
 * by asset ids and never downloaded again.
 *
 * The files are hostile (a release asset can be uploaded by anyone with write access): each is
 * checked with the schema its writer uses, and one that fails leaves its part of the lineage out
 * with the reason, never the page.
 */
import { z } from 'zod';
import type { GitHubPort, Release } from '../github/port.js';
import { manifestSchema, type Manifest } from '../lineage/manifest.js';
import { metricsReportSchema, type MetricsReport } from '../metrics/report.js';
import { PROFILE_FORMAT } from '../profile/profile.js';
import {
  MANIFEST_ASSET,
  METRICS_ASSET,
  MODEL_CARD_ASSET,
  PROFILE_ASSET,
} from '../registry/model-release.js';
import type { FleetLineage, FleetVersion } from './fleet-document.js';

/** A lineage file larger than this is not read (a manifest listing 20,000 packages is ~1 MB). */
const ASSET_READ_LIMIT = 16 * 1024 * 1024;

/** Where already-read Releases are kept between runs (the fleet's cache). */
export interface LineageStore {
  recall(key: string): unknown;
  keep(key: string, value: unknown): void;
}

/** The parts of a data profile the version page shows; the rest of a profile is not read. */
const profileSummarySchema = z.object({
  format: z.literal(PROFILE_FORMAT),
  rows: z.number().int().nonnegative(),
  columns: z
    .array(
      z.object({
        name: z.string(),
        type: z.string(),
        count: z.number().int().nonnegative(),
        nulls: z.number().int().nonnegative(),
        min: z.number().nullish(),
        max: z.number().nullish(),
        mean: z.number().nullish(),
        distinct: z.number().nullish(),
      }),
    )
    .max(10_000),
});

const storedLineageSchema = z.object({
  /** The ids of the manifest, metrics and profile assets it was read from. */
  assetIds: z.array(z.number()),
  htmlUrl: z.string(),
  modelCard: z.boolean(),
  lineage: z.custom<FleetLineage>((value) => typeof value === 'object' && value !== null),
  metrics: z.record(
    z.string(),
    z.object({ value: z.number(), ci: z.tuple([z.number(), z.number()]).optional() }),
  ),
});

export interface ReleaseLineage {
  /** The Release's page, and whether it keeps a model card. */
  htmlUrl: string;
  modelCard: boolean;
  lineage: FleetLineage;
  /** The metrics with their intervals, from the metrics report. */
  metrics: FleetVersion['metrics'];
  /** Asset downloads this cost (0 when it came from the store). */
  downloads: number;
}

/**
 * The lineage of a version from its Release `tag`. With `fetch`, the Release is asked for (a
 * conditional request: unchanged, it costs no rate limit) and its files are read unless the
 * store holds what was read from these very files; without, only what the store kept from an
 * earlier run. Undefined when there is nothing: not fetched and never kept, or no such Release
 * (`gone` says so).
 */
export async function releaseLineage(
  github: GitHubPort,
  tag: string,
  store: LineageStore | undefined,
  fetch: boolean,
): Promise<ReleaseLineage | { gone: true } | undefined> {
  const key = `release ${github.repository.owner}/${github.repository.repo} ${tag}`;
  const stored = storedLineageSchema.safeParse(store?.recall(key));
  if (!fetch) return stored.success ? { ...stored.data, downloads: 0 } : undefined;
  const release = await github.getReleaseByTag(tag);
  if (!release) return { gone: true };
  const assets = new Map(release.assets.map((asset) => [asset.name, asset]));
  const ids = [MANIFEST_ASSET, METRICS_ASSET, PROFILE_ASSET].map(
    (name) => assets.get(name)?.id ?? 0,
  );
  if (stored.success && stored.data.assetIds.join() === ids.join())
    return { ...stored.data, htmlUrl: release.htmlUrl, downloads: 0 };
  return readRelease(github, release, assets, ids, key, store);
}

async function readRelease(
  github: GitHubPort,
  release: Release,
  assets: ReadonlyMap<string, Release['assets'][number]>,
  ids: number[],
  key: string,
  store: LineageStore | undefined,
): Promise<ReleaseLineage> {
  const problems: string[] = [];
  let downloads = 0;
  const read = async <T>(name: string, schema: z.ZodType<T>): Promise<T | undefined> => {
    const asset = assets.get(name);
    if (!asset) {
      problems.push(`the Release has no ${name}`);
      return undefined;
    }
    downloads++;
    const bytes = await github.downloadReleaseAsset(asset.id);
    if (bytes.length > ASSET_READ_LIMIT) {
      problems.push(`${name} is larger than ${ASSET_READ_LIMIT / 1024 / 1024} MB and was not read`);
      return undefined;
    }
    try {
      const parsed = schema.safeParse(JSON.parse(bytes.toString('utf8')));
      if (parsed.success) return parsed.data;
      const issue = parsed.error.issues[0];
      problems.push(
        `${name} is not valid (${issue?.path.join('.') || 'top level'}: ${issue?.message})`,
      );
    } catch {
      problems.push(`${name} is not JSON`);
    }
    return undefined;
  };
  const manifest = await read(MANIFEST_ASSET, manifestSchema);
  const report = await read(METRICS_ASSET, metricsReportSchema);
  const profile = await read(PROFILE_ASSET, profileSummarySchema);
  const result = {
    lineage: {
      source: 'release' as const,
      ...(problems.length ? { missing: problems.join('; ') } : {}),
      data: manifest?.data ?? [],
      lockFiles: manifest?.lockFiles ?? [],
      ...manifestLineage(manifest),
      ...reportLineage(report),
      slices: report?.slices ?? {},
      ...(profile
        ? {
            profile: {
              rows: profile.rows,
              columns: profile.columns.map((column) => ({
                name: column.name,
                type: column.type,
                count: column.count,
                nulls: column.nulls,
                ...(typeof column.min === 'number' ? { min: column.min } : {}),
                ...(typeof column.max === 'number' ? { max: column.max } : {}),
                ...(typeof column.mean === 'number' ? { mean: column.mean } : {}),
                ...(typeof column.distinct === 'number' ? { distinct: column.distinct } : {}),
              })),
            },
          }
        : {}),
    },
    metrics: Object.fromEntries(
      Object.entries(report?.metrics ?? {}).map(([name, metric]) => [
        name,
        { value: metric.value, ...(metric.ci ? { ci: metric.ci } : {}) },
      ]),
    ),
  };
  // A Release whose files could not be read is asked again next time (it may be fixed).
  const kept = {
    assetIds: ids,
    htmlUrl: release.htmlUrl,
    modelCard: assets.has(MODEL_CARD_ASSET),
    ...result,
  };
  if (!problems.length) store?.keep(key, kept);
  return { ...kept, downloads };
}

function manifestLineage(
  manifest: Manifest | undefined,
): Omit<Partial<FleetLineage>, 'data' | 'lockFiles'> {
  if (!manifest) return {};
  const python = manifest.runtime?.python;
  const image = [manifest.runtime?.image?.os, manifest.runtime?.image?.version]
    .filter(Boolean)
    .join(' ');
  return {
    trainedAt: manifest.training.startedAt,
    command: manifest.command,
    seed: manifest.seed,
    config: {
      path: manifest.config.path,
      sha256: manifest.config.sha256,
      ...(manifest.config.values ? { values: manifest.config.values } : {}),
    },
    ...(manifest.code ? { code: manifest.code } : {}),
    runtime: {
      ...(python ? { python: python.version } : {}),
      ...(manifest.runtime?.r ? { r: manifest.runtime.r.version } : {}),
      ...(image ? { image } : {}),
      ...(manifest.runtime?.osRelease?.prettyName
        ? { os: manifest.runtime.osRelease.prettyName }
        : {}),
      packages: (python?.packages ?? []).map((p) => `${p.name}==${p.version}`),
      ...(python?.packages ? { packagesCount: python.packages.length } : {}),
    },
  };
}

function reportLineage(report: MetricsReport | undefined): Partial<FleetLineage> {
  if (!report) return {};
  return {
    evaluation: {
      ...(report.task ? { task: report.task } : {}),
      ...(report.evaluation
        ? { rows: report.evaluation.rows, dataSha256: report.evaluation.dataSha256 }
        : {}),
    },
  };
}
