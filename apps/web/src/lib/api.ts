/**
 * Same-origin client for the studio API (`/api`). The server sets the `bnn_token` cookie on the HTML it serves,
 * so requests carry credentials; a 401 becomes an {@link ApiError} whose message tells the user how to fix it.
 */

export interface ApiErrorBody {
  code: string;
  message: string;
  fix?: string;
  details?: Record<string, unknown>;
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fix: string | undefined;
  readonly details: Record<string, unknown> | undefined;
  constructor(status: number, body: ApiErrorBody) {
    super(body.message);
    this.name = 'ApiError';
    this.status = status;
    this.code = body.code;
    this.fix = body.fix;
    this.details = body.details;
  }
}

export const UNAUTHORIZED_MESSAGE =
  'The studio API refused the request: you are not signed in (no valid access token).';
export const UNAUTHORIZED_FIX =
  'Open the studio from the address printed by `bnn-studio serve` so the server can set your session cookie, then reload.';

async function toApiError(res: Response): Promise<ApiError> {
  if (res.status === 401)
    return new ApiError(401, { code: 'unauthorized', message: UNAUTHORIZED_MESSAGE, fix: UNAUTHORIZED_FIX });
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    // not JSON: fall through to a generic message
  }
  const err = (body as { error?: ApiErrorBody } | null)?.error;
  if (err && typeof err.message === 'string') return new ApiError(res.status, err);
  return new ApiError(res.status, {
    code: `http_${res.status}`,
    message: `The studio API answered ${res.status} ${res.statusText || ''}`.trim(),
    fix: res.status >= 500 ? 'Check the server log, then try again.' : 'Check the request and try again.',
  });
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

export async function apiFetch(path: string, opts: RequestOptions = {}): Promise<Response> {
  // The API refuses state-changing cookie requests that carry neither the studio's Origin nor this header
  // (cross-site request forgery); browsers send Origin on POST/DELETE, the header covers those that strip it.
  const headers: Record<string, string> = { 'x-bnn-studio': '1', ...(opts.headers ?? {}) };
  let body: BodyInit | undefined;
  if (opts.body instanceof Uint8Array || opts.body instanceof Blob || opts.body instanceof FormData) {
    body = opts.body as BodyInit;
  } else if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  let res: Response;
  try {
    res = await fetch(path, {
      method: opts.method ?? (body ? 'POST' : 'GET'),
      credentials: 'same-origin',
      headers,
      body,
      signal: opts.signal,
    });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, {
      code: 'network',
      message: 'Could not reach the studio API.',
      fix: 'Check that `bnn-studio serve` is running and reload the page.',
    });
  }
  if (!res.ok) throw await toApiError(res);
  return res;
}

export async function apiJson<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const res = await apiFetch(path, opts);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

export function describeError(e: unknown): { message: string; fix?: string } {
  if (e instanceof ApiError) return { message: e.message, ...(e.fix ? { fix: e.fix } : {}) };
  if (e instanceof Error) return { message: e.message };
  return { message: String(e) };
}
