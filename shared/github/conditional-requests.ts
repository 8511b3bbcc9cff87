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
import { gunzipSync, gzipSync } from 'node:zlib';
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

const CACHE_FORMAT = 'mlops-actions/http-cache@1';
const cacheFileSchema = z.object({
  format: z.literal(CACHE_FORMAT),
  /** The token's account the answers were read with: another token may see other things. */
  account: z.string(),
  entries: z.record(z.string(), cachedAnswerSchema),
});

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
   * Takes in a saved cache; one that is missing, unreadable, of another format or of another
   * account is ignored (the run then asks everything afresh), never an error. Answers this run
   * already has are kept.
   */
  absorb(bytes: Buffer | undefined, account: string): this {
    if (!bytes) return this;
    try {
      const parsed = cacheFileSchema.safeParse(JSON.parse(gunzipSync(bytes).toString('utf8')));
      if (parsed.success && parsed.data.account === account)
        for (const [key, entry] of Object.entries(parsed.data.entries))
          if (!this.entries.has(key)) this.entries.set(key, entry);
    } catch {
      // A damaged cache costs requests, not correctness.
    }
    return this;
  }

  /** The answers used in this run, gzipped. */
  save(account: string): Buffer {
    const entries = Object.fromEntries(
      [...this.used].flatMap((key) => {
        const entry = this.entries.get(key);
        return entry ? [[key, entry]] : [];
      }),
    );
    return gzipSync(JSON.stringify({ format: CACHE_FORMAT, account, entries }));
  }
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
          data: response.data,
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
