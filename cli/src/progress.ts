/**
 * Progress of long reads on the command line. On a terminal (standard error is a TTY) a bar
 * drawn by cli-progress: percentage, rows, rows/s and time left, redrawn a few times a second.
 * Elsewhere (a CI log, a file) nothing here: the action's plain line every 10 s, as on a runner.
 */
import { open, stat } from 'node:fs/promises';
import type { SingleBar } from 'cli-progress';
import type { ReadProgress } from '../../shared/action/runner.js';

type Write = (line: string) => void;

export interface ProgressReporter {
  /** The action's log lines: the bar is taken down before one is written. */
  write: Write;
  /** For the runner: undefined where no bar is drawn. */
  progress?: { intervalMs: number; update(progress: ReadProgress): void };
  stop(): void;
}

const SAMPLE_BYTES = 64 * 1024;

/**
 * About how many rows a text file holds: its size over the bytes a row takes in its first
 * 64 KiB (exact for a smaller file). Undefined for compressed and Parquet files, whose size
 * says little about their rows: the bar then shows rows and rows/s only.
 */
export async function estimateRows(path: string): Promise<number | undefined> {
  if (!/\.(csv|tsv|txt|jsonl|ndjson)$/i.test(path)) return undefined;
  try {
    const { size } = await stat(path);
    const file = await open(path);
    try {
      const buffer = Buffer.alloc(Math.min(size, SAMPLE_BYTES));
      const { bytesRead } = await file.read(buffer, 0, buffer.length, 0);
      let lines = 0;
      for (let i = 0; i < bytesRead; i++) if (buffer[i] === 0x0a) lines++;
      if (lines === 0) return undefined;
      return Math.max(1, Math.round((size * lines) / bytesRead) - 1);
    } finally {
      await file.close();
    }
  } catch {
    return undefined;
  }
}

export function progressReporter(
  stream: NodeJS.WriteStream = process.stderr,
  out: Write = (line) => process.stdout.write(`${line}\n`),
): ProgressReporter {
  if (!stream.isTTY) return { write: out, stop() {} };
  let bar: SingleBar | undefined;
  let file: string | undefined;
  let stopped = false;
  const totals = new Map<string, Promise<number | undefined>>();
  const takeDown = () => {
    bar?.stop();
    bar = undefined;
  };
  const draw = async ({ file: path, rows, rowsPerSecond }: ReadProgress) => {
    if (!totals.has(path)) totals.set(path, estimateRows(path));
    const estimate = await totals.get(path);
    const { SingleBar, Presets } = (await import('cli-progress')).default;
    if (stopped) return;
    if (file !== path) takeDown();
    file = path;
    const speed = Math.round(rowsPerSecond).toLocaleString('en-US');
    const payload = { file: path, rows: rows.toLocaleString('en-US'), speed };
    if (!bar) {
      bar = new SingleBar(
        {
          stream,
          clearOnComplete: true,
          hideCursor: true,
          etaBuffer: 20,
          format:
            estimate === undefined
              ? '{file} | {rows} rows | {speed} rows/s'
              : '{file} [{bar}] {percentage}% | {rows} rows | {speed} rows/s | {eta_formatted} left',
        },
        Presets.shades_classic,
      );
      bar.start(estimate ?? 0, Math.min(rows, estimate ?? rows), payload);
      return;
    }
    // The estimate may fall short; the bar then stays just below full until the read ends.
    if (estimate !== undefined && rows >= estimate) bar.setTotal(Math.ceil(rows * 1.01));
    bar.update(rows, payload);
  };
  let drawing = Promise.resolve();
  return {
    write(line) {
      takeDown();
      out(line);
    },
    progress: {
      intervalMs: 200,
      update(progress) {
        drawing = drawing.then(() => draw(progress)).catch(() => undefined);
      },
    },
    stop() {
      stopped = true;
      takeDown();
    },
  };
}
