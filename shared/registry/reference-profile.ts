/**
 * The drift reference of an environment: the training data profile promote-model published
 * with the model in that environment now (promotion-profile.ts), read back from where the
 * deployment says it is (the Release asset, or the promoting run's artifact) and checked
 * against the sha256 the deployment recorded. Every way it can be missing is a UserError that
 * says what is missing and how to provide it: monitor-model's `reference` input, or a
 * promotion with `profile`.
 */
import { UserError } from '../action/errors.js';
import { PROFILE_FILE, type RunArtifacts } from '../artifacts/model-artifact.js';
import { statusOf } from '../github/client.js';
import { sha256Text } from '../files/hash.js';
import { profileArtifactName, releaseTag } from '../identifiers.js';
import { parseProfile, type DataProfile } from '../profile/profile.js';
import {
  currentAndPrevious,
  modelTask,
  type DeployedModel,
  type ProfileReference,
  type Registry,
} from './github-registry.js';
import { PROFILE_ASSET, releaseAssetId } from './model-release.js';

/** How to do without the recorded profile, the end of every refusal here. */
const GIVE_REFERENCE =
  'or give "reference": the profile of the training data (the profile output of validate-data)';

/**
 * The profile the model in `environment` was promoted with, and that deployment (version,
 * metrics, ...). Throws a UserError when there is no model there, the promotion recorded no
 * profile, the profile is gone (an expired or deleted artifact, a deleted release) or is not
 * the one recorded (another digest, another model's release or artifact).
 */
export async function referenceProfile(args: {
  registry: Registry;
  artifacts: RunArtifacts;
  model: string;
  environment: string;
}): Promise<{ profile: DataProfile; deployed: DeployedModel }> {
  const { registry, model, environment } = args;
  const { current: deployed } = await currentAndPrevious(registry, model, environment);
  if (!deployed)
    throw new UserError(
      `No model ${model} is in ${environment} (no successful deployment of task ${modelTask(model)} to it), so there is no reference profile to measure drift against. Promote one first with promote-model and "profile", ${GIVE_REFERENCE}.`,
    );
  const what = `${model} ${deployed.payload.version}, the model in ${environment} (deployment ${deployed.deploymentId})`;
  const recorded = deployed.payload.profile;
  if (!recorded || (!recorded.asset && !recorded.artifact))
    throw new UserError(
      `${what}, was promoted without a data profile, so there is no reference profile to measure drift against. Promote it with "profile:" (the profile output of validate-data on its training data), ${GIVE_REFERENCE}.`,
    );
  const { bytes, source } = recorded.asset
    ? await fromRelease(registry, deployed, recorded.asset, what)
    : await fromArtifact(args.artifacts, deployed, recorded.artifact!, what);
  const sha256 = sha256Text(bytes);
  if (sha256 !== recorded.sha256)
    throw new UserError(
      `The profile in ${source} has sha256 ${sha256.slice(0, 16)}…, but ${what}, recorded ${recorded.sha256.slice(0, 16)}…: it is not the profile the model was promoted with. Promote the model again with "profile", ${GIVE_REFERENCE}.`,
    );
  return {
    profile: await parseProfile(bytes.toString('utf8'), `${source}: ${PROFILE_FILE}`),
    deployed,
  };
}

type Found = { bytes: Buffer; source: string };

/** The Release asset, which must belong to the Release of this very model and version. */
async function fromRelease(
  registry: Registry,
  deployed: DeployedModel,
  url: string,
  what: string,
): Promise<Found> {
  const { owner, repo } = registry.repository;
  const id = releaseAssetId(url, registry.repository);
  if (id === undefined)
    throw new UserError(
      `${what}, records its profile at ${url}, which is not a release asset of ${owner}/${repo}; it is not read. Promote the model again with "profile", ${GIVE_REFERENCE}.`,
    );
  const tag = releaseTag(deployed.payload.model, deployed.payload.version);
  const release = await registry.getReleaseByTag(tag);
  if (!release)
    throw new UserError(
      `${what}, keeps its profile in Release ${tag}, which is no longer published (deleted, or turned back into a draft). Publish it again, or promote the model again with "profile", ${GIVE_REFERENCE}.`,
    );
  const asset = release.assets.find((candidate) => candidate.id === id);
  if (!asset)
    throw new UserError(
      `${what}, records release asset ${id} as its profile, which is not an asset of Release ${tag}: it is another model's or version's, or was deleted. Promote the model again with "profile", ${GIVE_REFERENCE}.`,
    );
  const source = `release asset ${asset.name} of ${tag}`;
  if (asset.name !== PROFILE_ASSET)
    throw new UserError(
      `${what}, records the ${source} as its profile, which is not the Release's ${PROFILE_ASSET}. Promote the model again with "profile", ${GIVE_REFERENCE}.`,
    );
  try {
    return { bytes: await registry.downloadReleaseAsset(id), source };
  } catch (error) {
    if (statusOf(error) !== 404) throw error;
    throw new UserError(
      `The ${source}, where ${what}, keeps its profile, is gone (GitHub answered 404). Promote the model again with "profile", ${GIVE_REFERENCE}.`,
    );
  }
}

/** The promoting run's artifact, named after this model and version; gone after the artifact retention. */
async function fromArtifact(
  artifacts: RunArtifacts,
  deployed: DeployedModel,
  artifact: NonNullable<ProfileReference['artifact']>,
  what: string,
): Promise<Found> {
  const expected = profileArtifactName(deployed.payload.model, deployed.payload.version);
  if (artifact.name !== expected)
    throw new UserError(
      `${what}, records artifact "${artifact.name}" as its profile, not ${expected}: it is not the profile of this model and version. Promote the model again with "profile", ${GIVE_REFERENCE}.`,
    );
  const source = `artifact ${artifact.name} (id ${artifact.id}) of workflow run ${artifact.runId}`;
  const bytes = await artifacts.readFile(artifact, PROFILE_FILE);
  if (!bytes)
    throw new UserError(
      `The ${source}, where ${what}, keeps its profile, is gone: workflow artifacts are kept only for the repository's artifact retention (90 days by default), and this one expired or was deleted. Promote the model again with "profile" (to production to keep the profile in its Release for good), ${GIVE_REFERENCE}.`,
    );
  return { bytes, source };
}
