/**
 * The one nesting limit for JSON and YAML a pull request controls: structured files (configs,
 * metrics, gates, manifests, schemas, profiles), JSON Lines records and JSON cells. JSON.parse
 * takes any depth, but the code that walks a parsed value (casts, keys, hashes, canonical JSON)
 * is recursive and would overflow the stack; a real file nests a few levels.
 */
export const MAX_NESTING_DEPTH = 64;

/**
 * The offset where JSON text first nests deeper than `limit` objects and arrays, or undefined.
 * Read from the text, so that the place can be named and nothing walks the value recursively.
 */
export function jsonDepthExceeded(text: string, limit: number): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return i;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return undefined;
}
