/**
 * The training data profile published with every promotion: the reference monitor-model
 * measures drift against (reference-profile.ts reads it back). Production keeps it in the
 * model's Release as `data-profile.json`, as long as the Release; any other environment as the
 * workflow artifact `profile-<model>-<version>` of the promoting run, as long as the
 * repository's artifact retention (90 days by default). The deployment records where it is and
 * the sha256 of its bytes, so that what is read back is what was promoted.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../action/errors.js';
import type { Logger } from '../action/runner.js';
import {
  artifactServiceAvailable,
  downloadArtifactIfPresent,
  PROFILE_FILE,
  uploadProfileArtifact,
} from '../artifacts/model-artifact.js';
import { sha256Text } from '../files/hash.js';
import { readUserFile } from '../files/read-file.js';
import { parseProfile, type DataProfile } from '../profile/profile.js';
import type { ProfileReference, Registry } from './github-registry.js';
import { PROFILE_ASSET, releaseAssetId, type StagedRelease } from './model-release.js';

/** The profile input, checked, and the copy in the step's folder that is published (the bytes checked). */
export interface StagedProfile {
  profile: DataProfile;
  path: string;
  sha256: string;
}

/** Reads the profile input once: it must be a profile, and its bytes are the ones published. */
export async function stageProfile(profilePath: string, stepDir: string): Promise<StagedProfile> {
  const text = await readUserFile(profilePath, 'profile file');
  const profile = await parseProfile(text, profilePath);
  const path = join(stepDir, PROFILE_FILE);
  const bytes = Buffer.from(text, 'utf8');
  await writeFile(path, bytes);
  return { profile, path, sha256: sha256Text(bytes) };
}

export interface ProfilePublication {
  registry: Registry;
  model: string;
  version: string;
  /** The production release, staged (with the profile among its files when one was given). */
  release?: StagedRelease;
  /** The API URL of the profile in the Release a rollback restored the model from. */
  restoredUrl?: string;
  profile?: StagedProfile;
  /** The workflow run (GITHUB_RUN_ID) whose artifact keeps the profile. */
  runId?: string;
  stepDir: string;
  env: Readonly<NodeJS.ProcessEnv>;
  log: Logger;
}

/**
 * Where the deployment's profile is: the Release's `data-profile.json` when the Release of this
 * version has one (production; a rollback carries its Release's forward), else the profile
 * input kept as an artifact; undefined without either.
 */
export async function publishProfile(
  publication: ProfilePublication,
): Promise<ProfileReference | undefined> {
  const { release, profile } = publication;
  const assetUrl = release?.assetUrls.get(PROFILE_ASSET) ?? publication.restoredUrl;
  if (assetUrl) {
    if (profile && release?.uploaded.has(PROFILE_ASSET))
      return { sha256: profile.sha256, asset: assetUrl };
    return releaseProfile(publication, assetUrl);
  }
  if (!profile) return undefined;
  return { sha256: profile.sha256, artifact: await keepAsArtifact(publication, profile) };
}

/** A profile the Release held before this step: its bytes are hashed as they are there. */
async function releaseProfile(
  publication: ProfilePublication,
  url: string,
): Promise<ProfileReference> {
  const { registry, model, version, profile, log } = publication;
  const id = releaseAssetId(url, registry.repository);
  if (id === undefined)
    throw new Error(`The release asset URL ${url} is not one of this repository's`);
  const sha256 = sha256Text(await registry.downloadReleaseAsset(id));
  if (profile && profile.sha256 !== sha256)
    log.warning(
      `The Release of ${model} ${version} already keeps a ${PROFILE_ASSET} (sha256 ${sha256.slice(0, 16)}…) that differs from the "profile" given (sha256 ${profile.sha256.slice(0, 16)}…); the Release's is recorded as the drift reference, since a published release is not changed.`,
      { title: 'promote-model' },
    );
  log.info(
    `The training data profile recorded for monitor-model is the Release's ${PROFILE_ASSET} (sha256 ${sha256.slice(0, 16)}…), kept as long as the Release.`,
  );
  return { sha256, asset: url };
}

async function keepAsArtifact(
  publication: ProfilePublication,
  profile: StagedProfile,
): Promise<NonNullable<ProfileReference['artifact']>> {
  const { model, version, log } = publication;
  if (!artifactServiceAvailable(publication.env))
    throw new UserError(
      `Input "profile" is kept as a workflow artifact for a promotion without a Release, which needs the GitHub artifact service that only a GitHub runner offers. Promote in a workflow run, or leave "profile" empty. Nothing was recorded.`,
    );
  const runId = Number(publication.runId);
  if (!Number.isSafeInteger(runId) || runId <= 0)
    throw new UserError(
      `Input "profile" is kept as an artifact of this workflow run, but GITHUB_RUN_ID is ${JSON.stringify(publication.runId ?? null)}, not a run id. Nothing was recorded.`,
    );
  const artifact = await uploadProfileArtifact({
    model,
    version,
    profilePath: profile.path,
    stagingDir: await mkdtemp(join(publication.stepDir, 'profile-')),
    log,
  });
  // An artifact of that name from earlier in this run (a promotion to another environment, a
  // re-run) is what the deployment names: it must hold this profile.
  if (!artifact.uploaded) await requireSameProfile(publication, artifact.name, profile.sha256);
  log.info(
    `The training data profile recorded for monitor-model is artifact ${artifact.name} (id ${artifact.id}) of workflow run ${runId}: it is kept as long as the repository's artifact retention (90 days by default).`,
  );
  return { name: artifact.name, id: artifact.id, runId };
}

async function requireSameProfile(
  publication: ProfilePublication,
  name: string,
  sha256: string,
): Promise<void> {
  const into = await mkdtemp(join(publication.stepDir, 'profile-check-'));
  const folder = await downloadArtifactIfPresent({ name, into, log: publication.log });
  const held = folder && sha256Text(await readFile(join(folder, PROFILE_FILE)).catch(() => ''));
  if (held !== sha256)
    throw new UserError(
      `This workflow run already has artifact ${name}, and it does not hold the "profile" given (sha256 ${sha256.slice(0, 16)}…): an earlier step promoted ${publication.model} ${publication.version} with another profile. Give every promotion of a version the same profile. Nothing was recorded.`,
    );
}
