/**
 * Runs the user's training command as the runner runs a `run:` step: the script is written to
 * a file and executed by `bash --noprofile --norc -e -o pipefail`, so that nothing of the
 * command is ever re-parsed or interpolated by this project.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../action/errors.js';

export interface CommandResult {
  durationSeconds: number;
}

export async function runShellCommand(
  command: string,
  options: { cwd: string; env: NodeJS.ProcessEnv; tempDir?: string },
): Promise<CommandResult> {
  const dir = await mkdtemp(join(options.tempDir ?? tmpdir(), 'mlops-run-'));
  const script = join(dir, 'command.sh');
  await writeFile(script, command + '\n', { mode: 0o700 });
  const started = performance.now();
  try {
    const status = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
      (resolve, reject) => {
        const child = spawn('bash', ['--noprofile', '--norc', '-e', '-o', 'pipefail', script], {
          cwd: options.cwd,
          env: options.env,
          stdio: 'inherit',
        });
        child.on('error', reject);
        child.on('close', (code, signal) => resolve({ code, signal }));
      },
    ).catch((error: Error) => {
      throw new UserError(
        `The training command could not be started in "${options.cwd}": ${error.message}.`,
      );
    });
    if (status.code !== 0) {
      const how = status.signal
        ? `was killed by signal ${status.signal}`
        : `exited with code ${status.code}`;
      throw new UserError(
        `The training command ${how}. Its output is in the log above this message. Command: ${oneLine(command)}`,
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return { durationSeconds: (performance.now() - started) / 1000 };
}

function oneLine(command: string): string {
  const flat = command.trim().replace(/\s*\n\s*/g, ' ⏎ ');
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}
