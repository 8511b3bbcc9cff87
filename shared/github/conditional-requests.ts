/**
 * Conditional requests: every GET answered with an ETag is remembered, and asked again with
 * `If-None-Match`; GitHub answers `304 Not Modified` when nothing changed, which does not count
 * against the primary rate limit for an authorised request ("Use conditional requests if
 * appropriate", REST API best practices). The remembered answers can be saved to a file and
 * loaded by the next run (publish-registry keeps them in the Actions cache), so that a nightly
 * fleet build of unchanged repositories costs almost nothing of the token's hourly budget.
 *
 * Also counts what a client asked, for the page's "read with N requests" and the benchmark.
 */
import { once } from 'node:events';
import { createGzip, gunzipSync } from 'node:zlib';
import type { Octokit } from '@octokit/core';
import { z } from 'zod';
import { statusOf } from './client.js';

/** What one GET answered: the ETag, the headers pagination reads, and the body. */
const cachedAnswerSchema = z.object({
  etag: z.string(),
  link: z.string().optional(),
  data: z.unknown(),
});
type CachedAnswer = z.output<typeof cachedAnswerSchema>;

const CACHE_FORMAT = 'mlops-actions/http-cache@2';
const cacheHeaderSchema = z.object({
  format: z.literal(CACHE_FORMAT),
  /** The token's account the answers were read with: another token may see other things. */
  account: z.string(),
});
const cacheLineSchema = z.tuple([z.string(), cachedAnswerSchema]);

export interface RequestCounts {
  /** REST requests sent, 304s included. */
  rest: number;
  graphql: number;
  /** REST requests answered 304 from the remembered copy. */
  notModified: number;
}

/** The remembered answers, by method and URL, and values kept by the caller (recall/keep). */
export class ResponseCache {
  private readonly entries = new Map<string, CachedAnswer>();
  /** Keys used in this run: only these are saved, so answers nobody asks for again age out. */
  private readonly used = new Set<string>();

  get(key: string): CachedAnswer | undefined {
    const entry = this.entries.get(key);
    if (entry) this.used.add(key);
    return entry;
  }

  set(key: string, entry: CachedAnswer): void {
    this.entries.set(key, entry);
    this.used.add(key);
  }

  /** A value kept under `key` by keep(), for what never changes (a release asset's contents, by its id). */
  recall(key: string): unknown {
    return this.get(key)?.data;
  }

  keep(key: string, value: unknown): void {
    this.set(key, { etag: '', data: value });
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * Takes in a saved cache (save()'s gzipped JSON lines: a header, then one entry a line); one
   * that is missing, unreadable, of another format or of another account is ignored (the run
   * then asks everything afresh), never an error. Answers this run already has are kept. Read
   * line by line: a fleet's cache can be larger than the longest string V8 can hold.
   */
  absorb(bytes: Buffer | undefined, account: string): this {
    if (!bytes) return this;
    try {
      const text = gunzipSync(bytes);
      let start = 0;
      let header = true;
      while (start < text.length) {
        let end = text.indexOf(0x0a, start);
        if (end < 0) end = text.length;
        const line = JSON.parse(text.toString('utf8', start, end)) as unknown;
        start = end + 1;
        if (header) {
          const parsed = cacheHeaderSchema.safeParse(line);
          if (!parsed.success || parsed.data.account !== account) return this;
          header = false;
          continue;
        }
        const entry = cacheLineSchema.safeParse(line);
        if (entry.success && !this.entries.has(entry.data[0]))
          this.entries.set(entry.data[0], entry.data[1]);
      }
    } catch {
      // A damaged cache costs requests, not correctness.
    }
    return this;
  }

  /** The answers used in this run, as gzipped JSON lines (see absorb). */
  async save(account: string): Promise<Buffer> {
    const gzip = createGzip();
    const chunks: Buffer[] = [];
    gzip.on('data', (chunk: Buffer) => chunks.push(chunk));
    const done = new Promise<void>((resolve, reject) => {
      gzip.on('end', resolve);
      gzip.on('error', reject);
    });
    const write = async (value: unknown) => {
      if (!gzip.write(`${JSON.stringify(value)}\n`)) await once(gzip, 'drain');
    };
    await write({ format: CACHE_FORMAT, account });
    for (const key of this.used) {
      const entry = this.entries.get(key);
      if (entry) await write([key, entry]);
    }
    gzip.end();
    await done;
    return Buffer.concat(chunks);
  }
}

/** Keys of GitHub's objects that name a user or app account: only who it is is kept. */
const ACCOUNT_KEYS = new Set(['creator', 'user', 'uploader', 'author', 'owner', 'actor']);
/** The URLs of GitHub's objects that the suite reads; the other `*_url` keys are API hypermedia. */
const KEPT_URLS = new Set(['html_url', 'upload_url', 'browser_download_url']);

/**
 * A remembered answer without what the suite never reads: each account reduced to its login,
 * id and type, and the API's hypermedia links (`statuses_url`, `followers_url`, …) left out.
 * A page of 100 deployments shrinks to a third, which is what lets a fleet of 100,000 be cached.
 */
function slim(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(slim);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if (key.endsWith('_url') && !KEPT_URLS.has(key)) continue;
    if (ACCOUNT_KEYS.has(key) && child && typeof child === 'object' && 'login' in child) {
      const account = child as { login: unknown; id?: unknown; type?: unknown };
      out[key] = { login: account.login, id: account.id, type: account.type };
      continue;
    }
    out[key] = slim(child);
  }
  return out;
}

type HookableClient = Pick<Octokit, 'hook' | 'request'>;

/**
 * Wraps the client's requests: GETs go out with the remembered ETag and a 304 is answered from
 * the remembered copy; everything is counted. `cache` undefined: only counting. Binary GETs
 * (release asset downloads) are not remembered: their bytes are kept by whoever reads them.
 */
export function watchRequests(
  client: HookableClient,
  cache?: ResponseCache,
  { readOnly = false } = {},
): RequestCounts {
  const counts: RequestCounts = { rest: 0, graphql: 0, notModified: 0 };
  client.hook.wrap('request', async (request, options) => {
    const { method, url } = client.request.endpoint.parse(options);
    if (/\/graphql$/.test(new URL(url).pathname)) {
      counts.graphql++;
      return request(options);
    }
    // A read-only client's GraphQL queries are spaced for reads (client.ts): a write must not slip through.
    if (readOnly && method !== 'GET' && method !== 'HEAD')
      throw new Error(`A read-only GitHub client was asked to ${method} ${new URL(url).pathname}.`);
    counts.rest++;
    const accept = String(options.headers.accept);
    if (!cache || method !== 'GET' || accept.includes('octet-stream')) return request(options);
    const key = `${method} ${url} ${accept}`;
    const remembered = cache.get(key);
    // Set on the options object itself: Octokit's hooks (before-after-hook) each get the one
    // options object of the call, and a wrapper's argument to the next hook is ignored.
    if (remembered) options.headers['if-none-match'] = remembered.etag;
    try {
      const response = await request(options);
      const etag = response.headers.etag;
      if (typeof etag === 'string')
        cache.set(key, {
          etag,
          ...(typeof response.headers.link === 'string' ? { link: response.headers.link } : {}),
          data: slim(response.data),
        });
      return response;
    } catch (error) {
      if (statusOf(error) !== 304 || !remembered) throw error;
      counts.notModified++;
      return {
        status: 200,
        url,
        headers: { etag: remembered.etag, ...(remembered.link ? { link: remembered.link } : {}) },
        data: remembered.data,
      };
    }
  });
  return counts;
}
