/**
 * Models and their metrics as workflow artifacts, so that a later job of the same run (the
 * production promotion after staging) gets exactly the bytes that were trained and checked.
 * @actions/artifact is loaded only here, and only when a step uploads or downloads.
 */
import { copyFile, link, mkdir, mkdtemp, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { UserError } from '../action/errors.js';
import type { Logger } from '../action/runner.js';
import { statusOf } from '../github/client.js';
import { metricsArtifactName, modelArtifactName, profileArtifactName } from '../identifiers.js';
import type { Manifest } from '../lineage/manifest.js';
import { manifestFilePath } from '../lineage/manifest-files.js';

export const MANIFEST_FILE = 'model-manifest.json';
export const METRICS_FILE = 'metrics.json';
export const PROFILE_FILE = 'data-profile.json';

/**
 * Artifact names are unique per run; same model and version, same names. They are built from
 * identifiers and checked to be one (see identifiers.ts): they become outputs.
 */
export { metricsArtifactName, modelArtifactName };

/** The runner gives JavaScript actions a runtime token and results URL; elsewhere (a laptop) there is no artifact service. */
export function artifactServiceAvailable(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.ACTIONS_RUNTIME_TOKEN && env.ACTIONS_RESULTS_URL);
}

export interface UploadedArtifact {
  id: number;
  name: string;
  /** False when this run already had the artifact (a re-run step): nothing was uploaded twice. */
  uploaded: boolean;
}

interface StagedFile {
  from: string;
  /** Path inside the artifact. */
  as: string;
}

/**
 * Uploads files under the paths they should have inside the artifact. They are staged with
 * hard links (a copy when linking fails), so large model files are not copied.
 */
export async function uploadArtifact(
  name: string,
  files: readonly StagedFile[],
  stagingDir: string,
  log: Logger,
): Promise<UploadedArtifact> {
  const { DefaultArtifactClient } = await import('@actions/artifact');
  const client = new DefaultArtifactClient();
  const existing = await client.getArtifact(name).catch(() => undefined);
  if (existing) {
    log.info(
      `This run already has artifact ${name} (id ${existing.artifact.id}); it is not uploaded again.`,
    );
    return { id: existing.artifact.id, name, uploaded: false };
  }
  const staged: string[] = [];
  for (const file of files) {
    const to = join(stagingDir, file.as);
    await mkdir(dirname(to), { recursive: true });
    await link(file.from, to).catch(() => copyFile(file.from, to));
    staged.push(to);
  }
  const { id } = await client.uploadArtifact(name, staged, stagingDir);
  if (id === undefined) throw new Error(`Uploading artifact ${name} returned no id`);
  log.info(`Uploaded artifact ${name} (id ${id}).`);
  return { id, name, uploaded: true };
}

/** The manifest at the artifact's root, each output at its manifest path, read inside `baseDir` (see manifest-files.ts). */
export async function uploadModelArtifact(args: {
  manifest: Manifest;
  manifestPath: string;
  baseDir: string;
  stagingDir: string;
  log: Logger;
}): Promise<UploadedArtifact> {
  const name = modelArtifactName(args.manifest.model.name, args.manifest.model.version);
  const model = { manifest: `manifest of artifact ${name}`, baseDir: args.baseDir };
  const files = [{ from: args.manifestPath, as: MANIFEST_FILE }];
  for (const [index, output] of args.manifest.outputs.entries())
    files.push({
      from: await manifestFilePath(model, `outputs[${index}].path`, output.path),
      as: output.path,
    });
  return uploadArtifact(name, files, args.stagingDir, args.log);
}

export function uploadMetricsArtifact(args: {
  model: string;
  version: string;
  reportPath: string;
  stagingDir: string;
  log: Logger;
}): Promise<UploadedArtifact> {
  return uploadArtifact(
    metricsArtifactName(args.model, args.version),
    [{ from: args.reportPath, as: METRICS_FILE }],
    args.stagingDir,
    args.log,
  );
}

/** The training data profile of a promotion to an environment without a Release (see reference-profile.ts). */
export function uploadProfileArtifact(args: {
  model: string;
  version: string;
  profilePath: string;
  stagingDir: string;
  log: Logger;
}): Promise<UploadedArtifact> {
  return uploadArtifact(
    profileArtifactName(args.model, args.version),
    [{ from: args.profilePath, as: PROFILE_FILE }],
    args.stagingDir,
    args.log,
  );
}

/** Another workflow run of this repository, whose artifacts are read through the REST API (needs `actions: read`). */
export interface OtherRun {
  runId: number;
  token: string;
  repository: { owner: string; repo: string };
}

/** How @actions/artifact finds another run's artifacts through the REST API. */
function findByOf(run: OtherRun) {
  return {
    token: run.token,
    workflowRunId: run.runId,
    repositoryOwner: run.repository.owner,
    repositoryName: run.repository.repo,
  };
}

/**
 * Downloads an artifact of this run, or of `fromRun`, checking its digest; returns the folder it
 * is in, or undefined when there is no artifact of that name. Any other failure is a UserError.
 */
export async function downloadArtifactIfPresent(args: {
  name: string;
  into: string;
  log: Logger;
  fromRun?: OtherRun;
}): Promise<string | undefined> {
  const { DefaultArtifactClient } = await import('@actions/artifact');
  const client = new DefaultArtifactClient();
  const findBy = args.fromRun && findByOf(args.fromRun);
  const found = await client
    .getArtifact(args.name, findBy ? { findBy } : undefined)
    .catch((error: unknown) => {
      if ((error as Error).name === 'ArtifactNotFoundError') return undefined;
      const reason = (error as Error).message.replace(/\s+/g, ' ').trim();
      const which = args.fromRun ? `workflow run ${args.fromRun.runId}` : 'this workflow run';
      const permission = args.fromRun
        ? ' Reading another run\'s artifacts needs "permissions: actions: read".'
        : '';
      throw new UserError(
        `Could not read artifact "${args.name}" of ${which} (${reason}).${permission}`,
      );
    });
  if (!found) return undefined;
  // The service reports digests as "sha256:<hex>", the form downloadArtifact compares with.
  const { downloadPath, digestMismatch } = await client.downloadArtifact(found.artifact.id, {
    path: args.into,
    expectedHash: found.artifact.digest,
    ...(findBy ? { findBy } : {}),
  });
  if (digestMismatch)
    throw new UserError(
      `Artifact "${args.name}" did not download intact: its sha256 differs from the one recorded at upload. Re-run the job; if it happens again, the artifact is damaged.`,
    );
  args.log.info(
    `Downloaded artifact ${args.name} (id ${found.artifact.id}) to ${basename(downloadPath ?? args.into)}.`,
  );
  return downloadPath ?? args.into;
}

/** As downloadArtifactIfPresent, but a missing artifact is a UserError that ends with `hint`. */
export async function downloadArtifact(args: {
  name: string;
  into: string;
  log: Logger;
  hint: string;
  fromRun?: OtherRun;
}): Promise<string> {
  const folder = await downloadArtifactIfPresent(args);
  if (folder !== undefined) return folder;
  const which = args.fromRun ? `Workflow run ${args.fromRun.runId}` : 'This workflow run';
  throw new UserError(`${which} has no artifact named "${args.name}". ${args.hint}`);
}

/** The names of the artifacts another run uploaded. */
export async function listRunArtifacts(run: OtherRun): Promise<string[]> {
  const { DefaultArtifactClient } = await import('@actions/artifact');
  const findBy = findByOf(run);
  const { artifacts } = await new DefaultArtifactClient()
    .listArtifacts({ findBy })
    .catch((error: unknown) => {
      throw new UserError(
        `Could not list the artifacts of workflow run ${run.runId} (${(error as Error).message.replace(/\s+/g, ' ').trim()}). The job needs "permissions: actions: read".`,
      );
    });
  return artifacts.map((artifact) => artifact.name);
}

/** An artifact of a workflow run of this repository, as a deployment records it. */
interface RunArtifact {
  name: string;
  id: number;
  runId: number;
}

/**
 * The artifacts of this repository's workflow runs, read later, from another run (monitor-model
 * reads the profile a promotion kept): the port the registry reads artifacts through.
 */
export interface RunArtifacts {
  /**
   * The bytes of `file` in the artifact, or undefined when GitHub no longer has the artifact
   * (it expired after the repository's artifact retention, or was deleted).
   */
  readFile(artifact: RunArtifact, file: string): Promise<Buffer | undefined>;
}

/**
 * RunArtifacts through the REST API with `token` (the job needs `actions: read`), downloading
 * into folders of their own under `tempDir`. The artifact is fetched by its id: GitHub answers
 * 410 for an expired one and 404 for a deleted one.
 */
export function runArtifacts(args: {
  token: string;
  repository: { owner: string; repo: string };
  tempDir: string;
}): RunArtifacts {
  return {
    async readFile(artifact, file) {
      const { DefaultArtifactClient } = await import('@actions/artifact');
      await mkdir(args.tempDir, { recursive: true });
      const into = await mkdtemp(join(args.tempDir, 'artifact-'));
      const which = `artifact "${artifact.name}" (id ${artifact.id}) of workflow run ${artifact.runId}`;
      try {
        await new DefaultArtifactClient().downloadArtifact(artifact.id, {
          path: into,
          findBy: findByOf({
            runId: artifact.runId,
            token: args.token,
            repository: args.repository,
          }),
        });
      } catch (error) {
        const status = statusOf(error);
        if (status === 404 || status === 410) return undefined;
        const reason = (error as Error).message.replace(/\s+/g, ' ').trim();
        throw new UserError(
          `Could not read ${which} (${reason}). Reading a workflow run's artifacts needs "permissions: actions: read".`,
        );
      }
      try {
        return await readFile(join(into, file));
      } catch {
        throw new UserError(
          `The ${which} holds no file "${file}", so it is not the artifact that was recorded.`,
        );
      }
    },
  };
}
