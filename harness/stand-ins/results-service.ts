/**
 * Stand-ins for the Actions results service that @actions/artifact and @actions/cache (v2)
 * speak: twirp JSON methods for artifacts and cache entries, plus the Azure-style blob storage
 * their signed URLs point at (block uploads, block lists, single-shot puts, plain downloads).
 * Protocol: actions/toolkit packages/artifact/src/internal and packages/cache/src/internal.
 *
 * State lives as long as the stand-in, so an artifact uploaded by one job's step can be
 * downloaded by a later job's step, and a cache saved by one run restored by another. Cache
 * scoping by branch is not modelled: every entry is visible to every run.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoopbackService, readBody, send, type Reply } from './http.js';

const ARTIFACT_SERVICE = '/twirp/github.actions.results.api.v1.ArtifactService/';
const CACHE_SERVICE = '/twirp/github.actions.results.api.v1.CacheService/';

export interface ArtifactEntry {
  id: number;
  runId: string;
  jobId: string;
  name: string;
  blob: string;
  size?: number;
  digest?: string;
  finalized: boolean;
  createdAt: string;
}

export interface CacheEntry {
  id: number;
  key: string;
  version: string;
  blob: string;
  size?: number;
  finalized: boolean;
  createdAt: number;
}

export interface ServiceFault {
  /** Twirp method name (e.g. CreateCacheEntry) or "blob". */
  method: string;
  status: number;
  times?: number;
}

export interface LoggedCall {
  service: 'artifact' | 'cache' | 'blob';
  method: string;
  status: number;
}

export class ResultsServiceStandIn extends LoopbackService {
  readonly artifacts: ArtifactEntry[] = [];
  readonly caches: CacheEntry[] = [];
  readonly log: LoggedCall[] = [];
  readonly violations: string[] = [];
  private readonly blobs = new Map<string, Buffer>();
  private readonly blocks = new Map<string, Map<string, Buffer>>();
  private readonly faults: ServiceFault[] = [];
  private nextId = 1;

  inject(fault: ServiceFault): void {
    this.faults.push({ times: 1, ...fault });
  }

  /** The runtime token the runner gives a job: a JWT whose scp claim names the run and job. */
  static runtimeToken(runId: string, jobId: string): string {
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    return `${part({ typ: 'JWT', alg: 'none' })}.${part({ scp: `Actions.GenericRead:00000000-0000-0000-0000-000000000000 Actions.Results:${runId}:${jobId}`, iss: 'stand-in' })}.stand-in`;
  }

  blobBytes(name: string): Buffer | undefined {
    return this.blobs.get(name);
  }

  /** Changes one byte of a stored blob, as damage in storage would. */
  tamper(name: string): void {
    const bytes = this.blobs.get(name);
    if (!bytes?.length) throw new Error(`no blob ${name}`);
    const copy = Buffer.from(bytes);
    copy[copy.length - 30] = (copy[copy.length - 30]! + 1) % 256;
    this.blobs.set(name, copy);
  }

  protected async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.url);
    const body = await readBody(request);
    const service = url.pathname.startsWith(ARTIFACT_SERVICE)
      ? 'artifact'
      : url.pathname.startsWith(CACHE_SERVICE)
        ? 'cache'
        : 'blob';
    const method =
      service === 'blob'
        ? `${request.method} ${url.searchParams.get('comp') ?? 'blob'}`
        : url.pathname.split('/').pop()!;
    const entry: LoggedCall = { service, method, status: 0 };
    this.log.push(entry);
    const reply = (r: Reply) => {
      entry.status = r.status;
      send(response, r);
    };
    const fault = this.faults.find(
      (f) =>
        (f.method === method || (f.method === 'blob' && service === 'blob')) && (f.times ?? 1) > 0,
    );
    if (fault) {
      fault.times = (fault.times ?? 1) - 1;
      return reply({ status: fault.status, body: { code: 'internal', msg: 'injected failure' } });
    }
    if (service === 'blob')
      return reply(this.blob(request.method ?? 'GET', url, request.headers, body));
    if (!/^Bearer .+/.test(request.headers.authorization ?? ''))
      return reply(twirpError(401, 'unauthenticated', 'missing bearer token'));
    let input: Record<string, any>;
    try {
      input = JSON.parse(body.toString('utf8') || '{}');
    } catch {
      return reply(twirpError(400, 'malformed', 'the body is not JSON'));
    }
    reply(
      service === 'artifact' ? this.artifactMethod(method, input) : this.cacheMethod(method, input),
    );
  }

  // --- artifacts --------------------------------------------------------------------------

  private artifactMethod(method: string, input: Record<string, any>): Reply {
    const runId = input.workflow_run_backend_id;
    const jobId = input.workflow_job_run_backend_id;
    if (!runId || !jobId)
      return this.violation(`ArtifactService/${method} without workflow run and job backend ids`);
    const inRun = this.artifacts.filter((a) => a.runId === runId && a.finalized);
    switch (method) {
      case 'CreateArtifact': {
        if (input.version !== 7)
          return this.violation(`CreateArtifact with version ${input.version}, the client sends 7`);
        if (inRun.some((a) => a.name === input.name))
          return twirpError(
            409,
            'already_exists',
            `an artifact named ${input.name} already exists in this run`,
          );
        const blob = `artifact/${randomUUID()}`;
        this.artifacts.push({
          id: this.nextId++,
          runId,
          jobId,
          name: input.name,
          blob,
          finalized: false,
          createdAt: new Date().toISOString(),
        });
        return { status: 200, body: { ok: true, signed_upload_url: this.signedUrl(blob) } };
      }
      case 'FinalizeArtifact': {
        const artifact = this.artifacts.find(
          (a) => a.runId === runId && a.jobId === jobId && a.name === input.name && !a.finalized,
        );
        if (!artifact)
          return twirpError(404, 'not_found', `no artifact ${input.name} is being uploaded`);
        const bytes = this.blobs.get(artifact.blob) ?? Buffer.alloc(0);
        if (String(bytes.length) !== String(input.size))
          return this.violation(
            `FinalizeArtifact size ${input.size} but ${bytes.length} bytes were uploaded`,
          );
        const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
        if (input.hash !== undefined && input.hash !== digest)
          return this.violation(
            `FinalizeArtifact hash ${input.hash} but the upload hashes to ${digest}`,
          );
        Object.assign(artifact, { finalized: true, size: bytes.length, digest });
        return { status: 200, body: { ok: true, artifact_id: String(artifact.id) } };
      }
      case 'ListArtifacts': {
        const listed = inRun
          .filter((a) => input.name_filter === undefined || a.name === input.name_filter)
          .filter((a) => input.id_filter === undefined || String(a.id) === String(input.id_filter));
        return {
          status: 200,
          body: {
            artifacts: listed.map((a) => ({
              workflow_run_backend_id: a.runId,
              workflow_job_run_backend_id: a.jobId,
              database_id: String(a.id),
              name: a.name,
              size: String(a.size),
              created_at: a.createdAt,
              digest: a.digest,
            })),
          },
        };
      }
      case 'GetSignedArtifactURL': {
        const artifact = inRun.find((a) => a.name === input.name);
        return artifact
          ? { status: 200, body: { signed_url: this.signedUrl(artifact.blob) } }
          : twirpError(404, 'not_found', `no artifact named ${input.name}`);
      }
      case 'DeleteArtifact': {
        const artifact = inRun.find((a) => a.name === input.name);
        if (!artifact) return twirpError(404, 'not_found', `no artifact named ${input.name}`);
        this.artifacts.splice(this.artifacts.indexOf(artifact), 1);
        return { status: 200, body: { ok: true, artifact_id: String(artifact.id) } };
      }
      default:
        return this.violation(`unknown ArtifactService method ${method}`);
    }
  }

  // --- cache ------------------------------------------------------------------------------

  private cacheMethod(method: string, input: Record<string, any>): Reply {
    const finalized = this.caches.filter((c) => c.finalized && c.version === input.version);
    switch (method) {
      case 'CreateCacheEntry': {
        if (!input.key || !input.version)
          return this.violation('CreateCacheEntry without key and version');
        if (this.caches.some((c) => c.key === input.key && c.version === input.version))
          return {
            status: 200,
            body: { ok: false, message: `cache entry ${input.key} already exists` },
          };
        const blob = `cache/${randomUUID()}`;
        this.caches.push({
          id: this.nextId++,
          key: input.key,
          version: input.version,
          blob,
          finalized: false,
          createdAt: Date.now(),
        });
        return { status: 200, body: { ok: true, signed_upload_url: this.signedUrl(blob) } };
      }
      case 'FinalizeCacheEntryUpload': {
        const entry = this.caches.find(
          (c) => c.key === input.key && c.version === input.version && !c.finalized,
        );
        if (!entry)
          return {
            status: 200,
            body: { ok: false, message: `no upload of ${input.key} is in progress` },
          };
        const bytes = this.blobs.get(entry.blob);
        if (!bytes || String(bytes.length) !== String(input.size_bytes))
          return this.violation(
            `FinalizeCacheEntryUpload size ${input.size_bytes} but ${bytes?.length ?? 0} bytes were uploaded`,
          );
        Object.assign(entry, { finalized: true, size: bytes.length });
        return { status: 200, body: { ok: true, entry_id: String(entry.id) } };
      }
      case 'GetCacheEntryDownloadURL': {
        // Exact key, then key prefix, then each restore key (exact, then prefix); newest wins.
        const newest = (list: CacheEntry[]) => list.sort((a, b) => b.createdAt - a.createdAt)[0];
        for (const candidate of [
          input.key as string,
          ...((input.restore_keys as string[] | undefined) ?? []),
        ]) {
          const match =
            newest(finalized.filter((c) => c.key === candidate)) ??
            newest(finalized.filter((c) => c.key.startsWith(candidate)));
          if (match)
            return {
              status: 200,
              body: {
                ok: true,
                signed_download_url: this.signedUrl(match.blob),
                matched_key: match.key,
              },
            };
        }
        return { status: 200, body: { ok: false } };
      }
      default:
        return this.violation(`unknown CacheService method ${method}`);
    }
  }

  // --- blob storage -----------------------------------------------------------------------

  signedUrl(blob: string): string {
    // An IP-style Azure URL: the first path segment is the account, then container and blob.
    return `${this.url}/devstoreaccount/${blob}?sv=2024-01-01&sig=stand-in-signature`;
  }

  private blob(method: string, url: URL, headers: IncomingMessage['headers'], body: Buffer): Reply {
    const name = url.pathname.replace(/^\/devstoreaccount\//, '');
    const comp = url.searchParams.get('comp');
    const ok = {
      status: 201,
      headers: {
        etag: `"${randomUUID()}"`,
        'last-modified': new Date().toUTCString(),
        'x-ms-request-id': randomUUID(),
        'x-ms-version': '2024-01-01',
      },
    };
    if (method === 'PUT' && comp === 'block') {
      const id = url.searchParams.get('blockid');
      if (!id) return this.violation('a block upload without blockid');
      const blocks = this.blocks.get(name) ?? new Map<string, Buffer>();
      blocks.set(id, body);
      this.blocks.set(name, blocks);
      return ok;
    }
    if (method === 'PUT' && comp === 'blocklist') {
      const ids = [
        ...body.toString('utf8').matchAll(/<(?:Latest|Committed|Uncommitted)>([^<]+)<\//g),
      ].map((m) => m[1]!);
      const blocks = this.blocks.get(name) ?? new Map<string, Buffer>();
      const missing = ids.filter((id) => !blocks.has(id));
      if (missing.length)
        return this.violation(`a block list names blocks never uploaded: ${missing.join(', ')}`);
      this.blobs.set(name, Buffer.concat(ids.map((id) => blocks.get(id)!)));
      this.blocks.delete(name);
      return ok;
    }
    if (method === 'PUT' && !comp) {
      if (headers['x-ms-blob-type'] !== 'BlockBlob')
        return this.violation('a blob put without x-ms-blob-type: BlockBlob');
      this.blobs.set(name, body);
      return ok;
    }
    if (method === 'GET' || method === 'HEAD') {
      const bytes = this.blobs.get(name);
      if (!bytes) return { status: 404, body: { code: 'BlobNotFound' } };
      const type = name.startsWith('artifact/') ? 'application/zip' : 'application/octet-stream';
      return {
        status: 200,
        headers: { 'content-type': type, 'content-length': String(bytes.length) },
        body: method === 'HEAD' ? undefined : bytes,
      };
    }
    return this.violation(`an unexpected blob request: ${method} comp=${comp}`);
  }

  private violation(message: string): Reply {
    this.violations.push(message);
    return twirpError(400, 'invalid_argument', message);
  }
}

function twirpError(status: number, code: string, msg: string): Reply {
  return { status, body: { code, msg } };
}
