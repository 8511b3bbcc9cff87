/**
 * JSON Lines read line by line from a stream (gzip handled by openText), one object per line.
 * A line that is not a JSON object is reported with its line number, not thrown: the rest of
 * the file is still worth checking.
 */
import { openText, streamError } from './delimited.js';
import type { RawValue } from './records.js';

export type JsonLine = { line: number; value: Record<string, RawValue> } | { line: number; blank: true } | { line: number; problem: string };

export async function readJsonLines(path: string, onLine: (entry: JsonLine) => void): Promise<void> {
  const source = await openText(path);
  source.setEncoding('utf8');
  let pending = '';
  let line = 0;
  const handle = (text: string) => {
    line++;
    const trimmed = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (trimmed.trim() === '') return onLine({ line, blank: true });
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (error) {
      return onLine({ line, problem: `not valid JSON (${(error as Error).message.replace(/\s+/g, ' ').slice(0, 120)})` });
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return onLine({ line, problem: `a JSON ${value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value}, not an object` });
    }
    onLine({ line, value: value as Record<string, RawValue> });
  };
  await new Promise<void>((resolve, reject) => {
    source.on('data', (chunk: string) => {
      try {
        const parts = (pending + chunk).split('\n');
        pending = parts.pop()!;
        for (const part of parts) handle(part);
      } catch (error) {
        source.destroy();
        reject(error);
      }
    });
    source.on('error', (error) => reject(streamError(error, path)));
    source.on('end', () => {
      try {
        if (pending !== '') handle(pending);
        resolve();
      } catch (error) {
        reject(error);
      }
    });
  });
}
