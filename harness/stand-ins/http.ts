/** A minimal HTTP server on a random loopback port, for the stand-ins. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export function send(response: ServerResponse, reply: Reply): void {
  const isBytes = Buffer.isBuffer(reply.body);
  const payload =
    reply.body === undefined ? '' : isBytes ? (reply.body as Buffer) : JSON.stringify(reply.body);
  const headers: Record<string, string> = {
    ...(reply.body !== undefined && !isBytes
      ? { 'content-type': 'application/json; charset=utf-8' }
      : {}),
    ...reply.headers,
  };
  response.writeHead(reply.status, headers);
  response.end(payload);
}

async function listen(
  handler: (request: IncomingMessage, response: ServerResponse) => Promise<void>,
): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    handler(request, response).catch((error: unknown) => {
      send(response, {
        status: 500,
        body: { message: `stand-in error: ${(error as Error).stack ?? String(error)}` },
      });
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}` };
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve, reject) =>
    server.close((error) => (error ? reject(error) : resolve())),
  );
}

/** A stand-in service on a random loopback port: subclasses answer requests. */
export abstract class LoopbackService {
  url = '';
  private server: Server | undefined;

  protected abstract handle(request: IncomingMessage, response: ServerResponse): Promise<void>;

  async start(): Promise<this> {
    const { server, url } = await listen((request, response) => this.handle(request, response));
    this.server = server;
    this.url = url;
    return this;
  }

  async stop(): Promise<void> {
    if (this.server) await close(this.server);
    this.server = undefined;
  }
}
