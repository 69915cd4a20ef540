/**
 * The one place that talks HTTP. Every call is same-origin with the session cookie; errors
 * arrive as `{ error: { code, message, details? } }` and become ApiError. A 401 on anything but
 * the login call means the session ended: the registered handler sends the person to sign in.
 */

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details?: unknown;
  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
  /** The server has no such route (an API another team has not shipped yet). */
  get isMissingRoute(): boolean {
    return this.status === 404 && this.message.startsWith('no route');
  }
}

let onUnauthenticated: (() => void) | null = null;

/** Called once by the session provider. */
export function setUnauthenticatedHandler(fn: (() => void) | null): void {
  onUnauthenticated = fn;
}

type Query = Record<string, string | number | boolean | null | undefined | (string | number)[]>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) for (const x of v) qs.append(k, String(x));
    else qs.append(k, String(v));
  }
  const s = qs.toString();
  return s ? `${path}${path.includes('?') ? '&' : '?'}${s}` : path;
}

async function toError(res: Response): Promise<ApiError> {
  let code = `HTTP_${res.status}`;
  let message = res.statusText || `HTTP ${res.status}`;
  let details: unknown;
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string; details?: unknown } };
    if (body?.error) {
      code = body.error.code ?? code;
      message = body.error.message ?? message;
      details = body.error.details;
    }
  } catch {
    // Not JSON (a proxy error page): keep the status text.
  }
  return new ApiError(res.status, code, message, details);
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
  /** Do not treat 401 as "session ended" (the login form). */
  allow401?: boolean;
}

export async function api<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  let body: BodyInit | undefined;
  if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  let res: Response;
  try {
    res = await fetch(withQuery(path, opts.query), {
      method: opts.method ?? 'GET',
      headers,
      body,
      credentials: 'same-origin',
      signal: opts.signal,
    });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, 'NETWORK', 'network error: the server did not answer');
  }
  if (!res.ok) {
    const err = await toError(res);
    if (res.status === 401 && !opts.allow401) onUnauthenticated?.();
    throw err;
  }
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('content-type') ?? '';
  return (type.includes('json') ? await res.json() : await res.text()) as T;
}

export interface UploadProgress {
  loaded: number;
  total: number;
  /** true once every byte is sent and the server is working on it. */
  processing: boolean;
  /** While processing with progress lines: bytes of the file imported so far, its size, and data rows read. */
  imported?: { bytes: number; totalBytes: number; rows: number };
}

/**
 * multipart/form-data upload with progress (fetch cannot report upload progress; XHR can).
 */
export function upload<T>(
  path: string,
  form: FormData,
  onProgress: (p: UploadProgress) => void,
  opts: { progressLines?: boolean } = {},
): { promise: Promise<T>; abort: () => void } {
  const xhr = new XMLHttpRequest();
  // With progressLines the server answers application/x-ndjson: progress lines while it works,
  // then {"type":"done","summary"} or {"type":"error","error"} (see POST /api/imports/orders).
  let seen = 0;
  const lines = (): Record<string, unknown>[] => {
    const text = xhr.responseText;
    const end = text.lastIndexOf('\n') + 1;
    const out = text.slice(seen, end).split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
    seen = end;
    return out;
  };
  let last: Record<string, unknown> | null = null;
  const promise = new Promise<T>((resolve, reject) => {
    xhr.open('POST', opts.progressLines ? `${path}${path.includes('?') ? '&' : '?'}progress=ndjson` : path);
    xhr.withCredentials = true;
    xhr.setRequestHeader('accept', opts.progressLines ? 'application/x-ndjson, application/json' : 'application/json');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress({ loaded: e.loaded, total: e.total, processing: false });
    };
    xhr.upload.onload = () => onProgress({ loaded: 1, total: 1, processing: true });
    xhr.onprogress = () => {
      if (!opts.progressLines || xhr.status < 200 || xhr.status >= 300) return;
      for (const l of lines()) {
        last = l;
        if (l.type === 'progress') {
          const p = l as { bytes: number; totalBytes: number | null; rows: number };
          onProgress({ loaded: 1, total: 1, processing: true, imported: { bytes: p.bytes, totalBytes: p.totalBytes ?? 0, rows: p.rows } });
        }
      }
    };
    xhr.onerror = () => reject(new ApiError(0, 'NETWORK', 'network error: the upload did not reach the server'));
    xhr.onabort = () => reject(new ApiError(0, 'ABORTED', 'upload cancelled'));
    xhr.onload = () => {
      const streamed = opts.progressLines && xhr.status >= 200 && xhr.status < 300 && (xhr.getResponseHeader('content-type') ?? '').startsWith('application/x-ndjson');
      if (streamed) {
        try {
          for (const l of lines()) last = l;
        } catch {
          return reject(new ApiError(xhr.status, 'BAD_RESPONSE', 'the server sent an unreadable answer'));
        }
        const end = last as { type?: string; summary?: T; error?: { code?: string; message?: string } } | null;
        if (end?.type === 'done') return resolve(end.summary as T);
        return reject(new ApiError(end?.error?.code === 'INTERNAL' ? 500 : 400, end?.error?.code ?? 'INCOMPLETE', end?.error?.message ?? 'the import ended without a result'));
      }
      let parsed: unknown = null;
      try {
        parsed = JSON.parse(xhr.responseText);
      } catch {
        parsed = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) return resolve(parsed as T);
      const e = (parsed as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
      if (xhr.status === 401) onUnauthenticated?.();
      reject(new ApiError(xhr.status, e?.code ?? `HTTP_${xhr.status}`, e?.message ?? xhr.statusText, e?.details));
    };
    xhr.send(form);
  });
  return { promise, abort: () => xhr.abort() };
}
