/** The lineage manifest (`model-manifest.json`): what a model was built from and what it is. */
import { z } from 'zod';

export const MANIFEST_FORMAT = 'mlops-actions/model-manifest@1';

const hashedFile = z.object({ path: z.string().min(1), sha256: z.string().regex(/^[0-9a-f]{64}$/), bytes: z.number().int().nonnegative().optional() });

export const manifestSchema = z.object({
  format: z.literal(MANIFEST_FORMAT),
  model: z.object({ name: z.string().min(1), version: z.string().min(1) }),
  fingerprint: z.string().regex(/^[0-9a-f]{64}$/),
  config: z.object({ path: z.string(), sha256: z.string(), canonicalSha256: z.string() }),
  data: z.array(hashedFile),
  /** The code tree (see code-tree.ts): its sha256, where it came from and how many files. */
  code: z.object({ source: z.enum(['git', 'paths', 'none']), sha256: z.string(), files: z.number().int().nonnegative() }).optional(),
  /** Dependency lock files, each with its sha256. */
  lockFiles: z.array(hashedFile).optional(),
  /** Unpinned dependencies found (`strict-pins`), as `file:line: message`. */
  unpinned: z.array(z.string()).optional(),
  command: z.string(),
  /** The pins the command got in its environment (config path, seed, determinism settings). */
  environment: z.record(z.string(), z.string()).optional(),
  seed: z.number().int(),
  workingDirectory: z.string(),
  outputs: z.array(hashedFile).min(1),
  runner: z.object({ os: z.string(), arch: z.string(), node: z.string(), platform: z.string().optional() }),
  /** The mlops-actions version that trained (part of the fingerprint). */
  actionVersion: z.string().optional(),
  git: z.object({
    repository: z.string().optional(),
    sha: z.string().optional(),
    ref: z.string().optional(),
    runId: z.string().optional(),
    runUrl: z.string().optional(),
  }),
  training: z.object({
    startedAt: z.string(),
    durationSeconds: z.number().nonnegative(),
    /** Set when the outputs came from the run cache: the run that trained them. */
    restoredFrom: z.object({ runUrl: z.string().optional(), startedAt: z.string() }).optional(),
  }),
});

export type Manifest = z.output<typeof manifestSchema>;
