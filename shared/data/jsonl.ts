/**
 * JSON Lines read line by line from a stream (gzip handled by openText), one object per line.
 * A line that is not a JSON object is reported with its line number, not thrown: the rest of
 * the file is still worth checking. So is a line that nests deeper than STRUCTURED_LIMITS.maxDepth:
 * JSON.parse takes any depth, but later walks of the value (casts, keys, hashes) are recursive.
 */
import { jsonDepthExceeded, STRUCTURED_LIMITS } from '../files/structured.js';
import { MAX_RECORD_LENGTH, openText, recordTooLong, streamError } from './delimited.js';
import type { RawValue } from './raw-value.js';

export type JsonLine =
  | { line: number; value: Record<string, RawValue> }
  | { line: number; blank: true }
  | { line: number; problem: string };

export async function readJsonLines(
  path: string,
  onLine: (entry: JsonLine) => void,
): Promise<void> {
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
      return onLine({ line, problem: `not valid JSON (${jsonReason(error as Error)})` });
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return onLine({
        line,
        problem: `a JSON ${value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value}, not an object`,
      });
    }
    // Only a line with a nested value is scanned: most records are flat.
    if (trimmed.indexOf('[') !== -1 || trimmed.indexOf('{', 1) !== -1) {
      const at = jsonDepthExceeded(trimmed, STRUCTURED_LIMITS.maxDepth);
      if (at !== undefined)
        return onLine({
          line,
          problem: `an object whose values nest more than ${STRUCTURED_LIMITS.maxDepth} levels deep (from character ${at + 1}); flatten the record`,
        });
    }
    onLine({ line, value: value as Record<string, RawValue> });
  };
  // The text after the last newline, in parts: joined only once its line is complete, so that a
  // long line costs its length, not its length times the chunks it spans.
  let pendingParts: string[] = [];
  let pendingLength = 0;
  await new Promise<void>((resolve, reject) => {
    source.on('data', (chunk: string) => {
      try {
        const firstNewline = chunk.indexOf('\n');
        if (firstNewline === -1 || pendingLength + firstNewline > MAX_RECORD_LENGTH) {
          pendingParts.push(chunk);
          pendingLength += chunk.length;
          if (pendingLength > MAX_RECORD_LENGTH) throw recordTooLong(path, line + 1, 'line');
          return;
        }
        pendingParts.push(chunk);
        const parts = pendingParts.join('').split('\n');
        pending = parts.pop()!;
        pendingParts = [pending];
        pendingLength = pending.length;
        for (const part of parts) {
          if (part.length > MAX_RECORD_LENGTH) throw recordTooLong(path, line + 1, 'line');
          handle(part);
        }
      } catch (error) {
        source.destroy();
        reject(error);
      }
    });
    source.on('error', (error) => reject(streamError(error, path)));
    source.on('end', () => {
      try {
        pending = pendingParts.join('');
        if (pending.length > MAX_RECORD_LENGTH) throw recordTooLong(path, line + 1, 'line');
        if (pending !== '') handle(pending);
        resolve();
      } catch (error) {
        reject(error);
      }
    });
  });
}

/**
 * JSON.parse's reason without the text it quotes (newer Node versions quote part of the line,
 * which is the file's content, control characters and all), with "position" as the character
 * of the line people count from 1.
 */
function jsonReason(error: Error): string {
  return error.message
    .replace(/, (?:\.\.\.)?".*" is not valid JSON$/s, '')
    .replace(
      / (?:in JSON )?at position (\d+).*$/s,
      (_match, position: string) => ` at character ${Number(position) + 1}`,
    )
    .replace(/\s+/g, ' ')
    .slice(0, 120);
}
