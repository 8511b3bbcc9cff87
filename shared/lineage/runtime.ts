/**
 * What the training ran on, read after the command: the Python on the command's PATH (its
 * version and every installed distribution, as `pip freeze --all` lists them, read through
 * importlib.metadata so that pip need not be installed), R's version when Rscript is there, the
 * runner image (`ImageOS`/`ImageVersion`, set on GitHub's hosted runners) and the OS release
 * (/etc/os-release). Interpreters run with argument lists, never through a shell, with a
 * timeout and a bounded output; one that is missing or fails is left out, never fails the step.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { canonicalJson, sha256Text } from '../files/hash.js';

const LIMITS = {
  /** How long one interpreter may take to answer. */
  timeoutMs: 60_000,
  /** Bytes of its output (a large environment lists a few thousand packages, ~100 kB). */
  maxOutputBytes: 8 * 1024 * 1024,
  maxPackages: 20_000,
} as const;

const text = z.string().max(500);
const packageSchema = z.object({ name: z.string().max(200), version: z.string().max(200) });

export const runtimeSchema = z.object({
  python: z
    .object({
      version: text,
      implementation: text.optional(),
      executable: z.string().max(4096).optional(),
      /** Every installed distribution, sorted by name: the `pip freeze --all` of the run. */
      packages: z.array(packageSchema).max(LIMITS.maxPackages).optional(),
    })
    .optional(),
  r: z.object({ version: text }).optional(),
  /** GitHub's hosted-runner image: `ImageOS` (e.g. ubuntu24) and `ImageVersion`. */
  image: z.object({ os: text.optional(), version: text.optional() }).optional(),
  /** From /etc/os-release. */
  osRelease: z
    .object({ id: text.optional(), versionId: text.optional(), prettyName: text.optional() })
    .optional(),
});
export type Runtime = z.output<typeof runtimeSchema>;

/**
 * The runtime in a few fields, small enough for a deployment payload and a comparison: equal
 * summaries mean the same interpreter versions, image, OS and installed packages.
 */
export const runtimeSummarySchema = z.object({
  python: text.optional(),
  r: text.optional(),
  image: text.optional(),
  os: text.optional(),
  packages: z
    .object({ count: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/) })
    .optional(),
});
export type RuntimeSummary = z.output<typeof runtimeSummarySchema>;

export function summariseRuntime(runtime: Runtime | undefined): RuntimeSummary | undefined {
  if (!runtime) return undefined;
  const packages = runtime.python?.packages;
  const image = [runtime.image?.os, runtime.image?.version].filter(Boolean).join(' ');
  const os =
    runtime.osRelease?.prettyName ??
    ([runtime.osRelease?.id, runtime.osRelease?.versionId].filter(Boolean).join(' ') || undefined);
  const summary: RuntimeSummary = {
    ...(runtime.python ? { python: runtime.python.version } : {}),
    ...(runtime.r ? { r: runtime.r.version } : {}),
    ...(image ? { image } : {}),
    ...(os ? { os } : {}),
    ...(packages
      ? {
          packages: {
            count: packages.length,
            sha256: sha256Text(canonicalJson(packages.map((p) => `${p.name}==${p.version}`))),
          },
        }
      : {}),
  };
  return Object.keys(summary).length ? summary : undefined;
}

/** Prints the interpreter's version and its installed distributions as JSON. */
const PYTHON_SCRIPT = `
import json, platform, sys
try:
    from importlib import metadata
    found = {}
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        if name:
            found[name.lower()] = (name, dist.version or "")
    packages = [{"name": n, "version": v} for n, v in sorted(found.values(), key=lambda p: p[0].lower())]
except Exception:
    packages = None
print(json.dumps({"version": platform.python_version(), "implementation": platform.python_implementation(), "executable": sys.executable, "packages": packages}))
`;

/** The runtime the command ran with: `env` is the command's environment (its PATH finds the interpreters). */
export async function readRuntime(env: NodeJS.ProcessEnv, cwd: string): Promise<Runtime> {
  const [python, r, osRelease] = await Promise.all([
    readPython(env, cwd),
    readR(env, cwd),
    readOsRelease(),
  ]);
  const image = {
    ...(env.ImageOS ? { os: env.ImageOS } : {}),
    ...(env.ImageVersion ? { version: env.ImageVersion } : {}),
  };
  return runtimeSchema.parse({
    ...(python ? { python } : {}),
    ...(r ? { r } : {}),
    ...(Object.keys(image).length ? { image } : {}),
    ...(osRelease ? { osRelease } : {}),
  });
}

async function readPython(env: NodeJS.ProcessEnv, cwd: string): Promise<Runtime['python']> {
  for (const command of ['python3', 'python']) {
    const output = await run(command, ['-c', PYTHON_SCRIPT], env, cwd);
    if (output === undefined) continue;
    const parsed = runtimeSchema.shape.python.safeParse(
      (() => {
        try {
          const value = JSON.parse(output) as Record<string, unknown>;
          return { ...value, packages: value.packages ?? undefined };
        } catch {
          return undefined;
        }
      })(),
    );
    if (parsed.success && parsed.data) return parsed.data;
  }
  return undefined;
}

async function readR(env: NodeJS.ProcessEnv, cwd: string): Promise<Runtime['r']> {
  const output = await run('Rscript', ['-e', 'cat(as.character(getRversion()))'], env, cwd);
  const version = output?.trim();
  return version && /^\d+(\.\d+)*$/.test(version) ? { version } : undefined;
}

async function readOsRelease(): Promise<Runtime['osRelease']> {
  const content = await readFile('/etc/os-release', 'utf8').catch(() => undefined);
  if (content === undefined) return undefined;
  const fields = new Map<string, string>();
  for (const line of content.split('\n')) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (match) fields.set(match[1]!, match[2]!.replace(/^(["'])(.*)\1$/, '$2').slice(0, 500));
  }
  const release = {
    ...(fields.get('ID') ? { id: fields.get('ID') } : {}),
    ...(fields.get('VERSION_ID') ? { versionId: fields.get('VERSION_ID') } : {}),
    ...(fields.get('PRETTY_NAME') ? { prettyName: fields.get('PRETTY_NAME') } : {}),
  };
  return Object.keys(release).length ? release : undefined;
}

/** stdout of a program that exits 0 in time, else undefined (missing, failing, too slow or too talkative). */
function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      {
        env,
        cwd,
        timeout: LIMITS.timeoutMs,
        maxBuffer: LIMITS.maxOutputBytes,
        encoding: 'utf8',
        windowsHide: true,
      },
      (error, stdout) => resolve(error ? undefined : stdout),
    );
  });
}
