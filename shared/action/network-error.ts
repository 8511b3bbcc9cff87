/**
 * A request that never got an answer: the host refused the connection, has no address, or did
 * not answer in time. Not a bug and not GitHub's verdict, so it gets one line naming the host
 * and what to check, in a workflow step and on the command line alike.
 */
const REASONS: Record<string, string> = {
  ECONNREFUSED: 'the connection was refused',
  ECONNRESET: 'the connection was reset',
  ENOTFOUND: 'the host name has no address',
  EAI_AGAIN: 'the host name could not be looked up',
  ETIMEDOUT: 'it did not answer in time',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  UND_ERR_CONNECT_TIMEOUT: 'it did not answer in time',
  UND_ERR_HEADERS_TIMEOUT: 'it did not answer in time',
  UND_ERR_SOCKET: 'the connection broke',
};

export interface NetworkFailure {
  host: string;
  reason: string;
}

/** The host and reason of a network failure anywhere in the error's `cause` chain, if it is one. */
export function networkFailure(error: unknown): NetworkFailure | undefined {
  let host: string | undefined;
  for (let at: unknown = error, depth = 0; at instanceof Object && depth < 8; depth++) {
    const fields = at as {
      code?: unknown;
      hostname?: unknown;
      address?: unknown;
      port?: unknown;
      request?: { url?: unknown };
      cause?: unknown;
    };
    if (!host && typeof fields.request?.url === 'string') host = hostOf(fields.request.url);
    const code = typeof fields.code === 'string' ? fields.code : undefined;
    if (code && REASONS[code]) {
      const named =
        typeof fields.hostname === 'string'
          ? fields.hostname
          : typeof fields.address === 'string'
            ? `${fields.address}${typeof fields.port === 'number' ? `:${fields.port}` : ''}`
            : undefined;
      return { host: host ?? named ?? 'the server', reason: REASONS[code] };
    }
    at = fields.cause;
  }
  return undefined;
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}

/** The one line for a network failure: what failed, and what to check. */
export function describeNetworkFailure({ host, reason }: NetworkFailure): string {
  return `Could not reach ${host}: ${reason}. Check the network connection (and a proxy, if one is needed), and GITHUB_API_URL if it is set (it names the GitHub API to use).`;
}
