/**
 * One command timed by /usr/bin/time, for every bench that sets a process beside a peer: wall
 * and CPU seconds (user + system, every thread) and peak resident memory of the whole process,
 * with its standard output. A command that fails throws with the end of what it printed.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { REPOSITORY_ROOT } from '../../harness/runner/run-bundle.js';

export interface Timed {
  stdout: string;
  wallSeconds: number;
  cpuSeconds: number;
  peakRssBytes: number;
}

export async function timed(
  command: string,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<Timed> {
  const timeFile = join(REPOSITORY_ROOT, '.tmp', 'bench', `time-${process.pid}.txt`);
  const child = spawn('/usr/bin/time', ['-f', '%e %M %U %S', '-o', timeFile, command, ...args], {
    cwd: options.cwd ?? REPOSITORY_ROOT,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
  const [code] = (await once(child, 'close')) as [number];
  if (code !== 0)
    throw new Error(
      `${command} ${args.join(' ')} exited with ${code}:\n${stdout.slice(-2000)}\n${stderr.slice(-3000)}`,
    );
  // time writes its line last (after a note when the command was killed).
  const [seconds, kb, user, system] = (await readFile(timeFile, 'utf8'))
    .trim()
    .split('\n')
    .at(-1)!
    .split(' ')
    .map(Number) as [number, number, number, number];
  return { stdout, wallSeconds: seconds, cpuSeconds: user + system, peakRssBytes: kb * 1024 };
}
