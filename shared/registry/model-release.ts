/**
 * A production model as a GitHub Release `<model>@<version>`: artifacts expire, a production
 * model must not. The release is created as a draft, filled with the manifest, the metrics
 * report, the model card and every model file (staged), and published last, once the deployment
 * that names it exists, so that a failure leaves an unpublished draft (which a re-run completes)
 * and never a half-filled public release; this is also the order immutable releases require.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { UserError } from '../action/errors.js';
import type { Logger } from '../action/runner.js';
import { sha256Text } from '../files/hash.js';
import { readStructuredFile } from '../files/structured.js';
import { releaseTag } from '../identifiers.js';
import { manifestSchema, type Manifest } from '../lineage/manifest.js';
import { manifestFilePath, type ManifestFiles } from '../lineage/manifest-files.js';
import { statusOf } from '../github/client.js';
import type { NewRelease, Release } from '../github/port.js';
import type { Registry } from './github-registry.js';

/** The names of the release assets that describe the model (the model files keep their paths). */
export const MODEL_CARD_ASSET = 'MODEL_CARD.md';
export const MANIFEST_ASSET = 'model-manifest.json';
export const METRICS_ASSET = 'metrics.json';
export const PROFILE_ASSET = 'data-profile.json';

export { releaseTag };

/** A release asset name for a manifest path: assets cannot hold "/". */
function assetName(path: string): string {
  return path.replace(/\//g, '__');
}

export interface ReleaseFile {
  name: string;
  path: string;
  contentType: string;
  /** For a model file: the sha256 the manifest gives, checked again on the bytes that are uploaded. */
  sha256?: string;
}

/** The release's files; each model file at its real path inside the model's folder (see manifest-files.ts). */
export async function releaseFiles(args: {
  manifest: Manifest;
  manifestPath: string;
  model: ManifestFiles;
  metricsPath: string;
  modelCardPath: string;
}): Promise<ReleaseFile[]> {
  const outputs: ReleaseFile[] = [];
  for (const [index, output] of args.manifest.outputs.entries()) {
    const path = await manifestFilePath(args.model, `outputs[${index}].path`, output.path);
    outputs.push({
      name: assetName(output.path),
      path,
      contentType: 'application/octet-stream',
      sha256: output.sha256,
    });
  }
  return [
    { name: MODEL_CARD_ASSET, path: args.modelCardPath, contentType: 'text/markdown' },
    { name: MANIFEST_ASSET, path: args.manifestPath, contentType: 'application/json' },
    { name: METRICS_ASSET, path: args.metricsPath, contentType: 'application/json' },
    ...outputs,
  ];
}

/** A release filled with every file: a draft until published, or one published earlier. */
export interface StagedRelease {
  id: number;
  tag: string;
  url: string;
  /** True when the release was published before this run: nothing was uploaded, nothing is left to publish. */
  alreadyPublished: boolean;
  /** The API URL of each asset, by name (the metrics report's is recorded in the deployment). */
  assetUrls: Map<string, string>;
  /** The assets this call uploaded; the others were there before (an earlier attempt's draft, a published release). */
  uploaded: Set<string>;
}

/**
 * Creates the release as a draft (or finds the draft an earlier attempt left, or the release
 * published before) and uploads every file it lacks. Nothing is public until
 * `publishStagedRelease`, so the deployment can name the assets before the release is out.
 */
export async function stageModelRelease(
  registry: Registry,
  release: {
    model: string;
    version: string;
    sha: string;
    title: string;
    body: string;
    files: ReleaseFile[];
  },
  log: Logger,
): Promise<StagedRelease> {
  const tag = releaseTag(release.model, release.version);
  const published = await registry.getReleaseByTag(tag);
  if (published) {
    log.info(
      `Release ${tag} is already published (${published.htmlUrl}); nothing is uploaded again.`,
    );
    return {
      id: published.id,
      tag,
      url: published.htmlUrl,
      alreadyPublished: true,
      assetUrls: new Map(published.assets.map((a) => [a.name, a.url])),
      uploaded: new Set(),
    };
  }
  const draft = await findDraft(registry, tag);
  const target =
    draft ??
    (await createDraftOnce(
      registry,
      { tag, targetCommitish: release.sha, name: release.title, body: release.body, draft: true },
      log,
    ));
  if (draft) log.info(`Completing the draft release ${tag} left by an earlier attempt.`);
  const assetUrls = new Map(target.assets.map((asset) => [asset.name, asset.url]));
  const uploaded = new Set<string>();
  for (const file of release.files) {
    if (assetUrls.has(file.name)) continue;
    const bytes = await readFile(file.path);
    // The bytes uploaded are the bytes verified: a file swapped since the check is not published.
    if (file.sha256 !== undefined && sha256Text(bytes) !== file.sha256) {
      throw new UserError(
        `The model file for release asset "${file.name}" changed after it was checked against the manifest (sha256 ${sha256Text(bytes).slice(0, 16)}…, the manifest says ${file.sha256.slice(0, 16)}…). Nothing was published; promote only what train-model produced, unmodified.`,
      );
    }
    const asset = await registry.uploadReleaseAsset(target, {
      name: file.name,
      contentType: file.contentType,
      bytes,
    });
    assetUrls.set(file.name, asset.url);
    uploaded.add(file.name);
  }
  return { id: target.id, tag, url: target.htmlUrl, alreadyPublished: false, assetUrls, uploaded };
}

/** How often a draft is created again after GitHub answered 5xx and none was found. */
const CREATE_ATTEMPTS = 3;

async function findDraft(registry: Registry, tag: string): Promise<Release | undefined> {
  const releases = await registry.listReleases();
  return releases.find((candidate) => candidate.draft && candidate.tag === tag);
}

/**
 * Creates the draft exactly once: a 5xx may come after GitHub created it, so the drafts are
 * looked up again before another try, and no second draft of the same tag is left behind.
 */
async function createDraftOnce(
  registry: Registry,
  draft: NewRelease,
  log: Logger,
): Promise<Release> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await registry.createRelease(draft, { retries: 0 });
    } catch (error) {
      const status = statusOf(error) ?? 0;
      if (status < 500 || attempt >= CREATE_ATTEMPTS) throw error;
      log.warning(
        `GitHub answered ${status} while creating the draft release ${draft.tag}; checking whether it was created before trying again.`,
      );
      const created = await findDraft(registry, draft.tag);
      if (created) return created;
    }
  }
}

/** Publishes a staged draft (last, as immutable releases require); returns the release page. */
export async function publishStagedRelease(
  registry: Registry,
  staged: StagedRelease,
  log: Logger,
): Promise<string> {
  if (staged.alreadyPublished) return staged.url;
  const published = await registry.updateRelease(staged.id, { draft: false });
  log.info(
    `Published release ${staged.tag} with ${staged.assetUrls.size} file(s): ${published.htmlUrl}`,
  );
  return published.htmlUrl;
}

/**
 * Downloads a published model release into `into`: its manifest and metrics report at the root,
 * each model file at its manifest path, so that the same checks as for a fresh model apply.
 * This is how a rollback gets an earlier production model back after its artifacts expired.
 */
export async function downloadModelRelease(
  registry: Registry,
  release: { model: string; version: string; into: string },
  log: Logger,
): Promise<{
  manifestPath: string;
  metricsPath: string;
  url: string;
  metricsUrl?: string;
  /** The API URL of its training data profile, when the release keeps one. */
  profileUrl?: string;
}> {
  const tag = releaseTag(release.model, release.version);
  const found = await registry.getReleaseByTag(tag);
  if (!found) {
    throw new UserError(
      `There is no published release ${tag} to restore ${release.model} ${release.version} from. Only versions that were promoted to production are kept as releases; give "manifest" or "artifact" to promote a new model.`,
    );
  }
  const assets = new Map(found.assets.map((asset) => [asset.name, asset.id]));
  const fetchAsset = async (name: string, to: string) => {
    const id = assets.get(name);
    if (id === undefined)
      throw new UserError(
        `Release ${tag} has no asset "${name}", so ${release.model} ${release.version} cannot be restored from it intact. Promote it from its manifest or artifact instead.`,
      );
    const bytes = await registry.downloadReleaseAsset(id);
    await mkdir(dirname(to), { recursive: true });
    await writeFile(to, bytes);
  };
  const manifestPath = join(release.into, MANIFEST_ASSET);
  const metricsPath = join(release.into, METRICS_ASSET);
  await fetchAsset(MANIFEST_ASSET, manifestPath);
  await fetchAsset(METRICS_ASSET, metricsPath);
  const manifest = await readStructuredFile(
    manifestPath,
    manifestSchema,
    `manifest of release ${tag}`,
  );
  // Asset names come from GitHub and are only looked up; each file is written at its manifest
  // path (relative, without "..", by the manifest's schema), checked to stay in the folder.
  const files = { manifest: `manifest of release ${tag}`, baseDir: release.into };
  for (const [index, output] of manifest.outputs.entries()) {
    await fetchAsset(
      assetName(output.path),
      await manifestFilePath(files, `outputs[${index}].path`, output.path),
    );
  }
  log.info(
    `Downloaded release ${tag}: the manifest, the metrics report and ${manifest.outputs.length} model file(s).`,
  );
  return {
    manifestPath,
    metricsPath,
    url: found.htmlUrl,
    metricsUrl: found.assets.find((a) => a.name === METRICS_ASSET)?.url,
    profileUrl: found.assets.find((a) => a.name === PROFILE_ASSET)?.url,
  };
}

/**
 * The id of a release asset of `repository` from its API URL (`…/repos/<owner>/<repo>/releases/assets/<id>`),
 * or undefined for any other URL. Only the id is used, through the registry, so the token never
 * goes to a URL read from a payload.
 */
export function releaseAssetId(
  url: string,
  repository: { owner: string; repo: string },
): number | undefined {
  const suffix = `/repos/${repository.owner}/${repository.repo}/releases/assets/`.toLowerCase();
  const at = url.toLowerCase().lastIndexOf(suffix);
  if (at < 0) return undefined;
  const id = url.slice(at + suffix.length);
  return /^[1-9][0-9]{0,15}$/.test(id) ? Number(id) : undefined;
}
