/**
 * The one fetch wrapper: JSON in and out, the CSRF token on every state-changing call,
 * and every failure thrown as a ProblemError carrying the server's stable `code`.
 */

export interface FieldProblem {
  /** JSON pointer into the request, e.g. "/body/phone". */
  pointer: string;
  detail: string;
  code?: string;
}

export interface ProblemBody {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  errors?: FieldProblem[];
  [extra: string]: unknown;
}

export class ProblemError extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly errors: FieldProblem[];
  readonly body: ProblemBody;

  constructor(status: number, body: ProblemBody) {
    super(body.detail ?? body.title ?? `HTTP ${status}`);
    this.name = 'ProblemError';
    this.status = status;
    this.code = body.code ?? (status === 0 ? 'network_error' : 'http_error');
    this.detail = body.detail ?? '';
    this.errors = Array.isArray(body.errors) ? body.errors : [];
    this.body = body;
  }

  /** Field errors keyed by field name: "/body/phone" -> "phone", "/body/sellingPoints/0" -> "sellingPoints". */
  fieldErrors(): Record<string, FieldProblem> {
    const out: Record<string, FieldProblem> = {};
    for (const e of this.errors) {
      const field = fieldOfPointer(e.pointer);
      if (field && !out[field]) out[field] = e;
    }
    return out;
  }
}

export function fieldOfPointer(pointer: string): string | null {
  const m = /^\/(?:body|query)\/([^/]+)/.exec(pointer);
  return m ? decodeURIComponent(m[1]!) : null;
}

export function isProblem(err: unknown, code?: string): err is ProblemError {
  return err instanceof ProblemError && (code === undefined || err.code === code);
}

let csrfToken: string | null = null;
const unauthenticatedListeners = new Set<() => void>();

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when a signed-in call comes back 401 (the session ended elsewhere). */
export function onUnauthenticated(listener: () => void): () => void {
  unauthenticatedListeners.add(listener);
  return () => unauthenticatedListeners.delete(listener);
}

export type QueryValue = string | number | boolean | null | undefined;

export function toQueryString(query: Record<string, QueryValue> | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

export interface RequestOptions {
  query?: Record<string, QueryValue> | undefined;
  body?: unknown;
  form?: FormData;
  signal?: AbortSignal | undefined;
  /** Extra headers, e.g. Idempotency-Key. */
  headers?: Record<string, string> | undefined;
}

const API_BASE = '/api/v1';

async function send(method: string, path: string, opts: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json', ...opts.headers };
  let body: BodyInit | undefined;
  if (opts.form) {
    body = opts.form;
  } else if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  try {
    return await fetch(`${API_BASE}${path}${toQueryString(opts.query)}`, {
      method, headers, body, credentials: 'same-origin', signal: opts.signal ?? null,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ProblemError(0, { code: 'network_error', detail: err instanceof Error ? err.message : String(err) });
  }
}

async function readProblem(res: Response): Promise<ProblemError> {
  let body: ProblemBody = {};
  try {
    body = (await res.json()) as ProblemBody;
  } catch {
    body = { detail: res.statusText };
  }
  if (!body.code && res.status === 429) body.code = 'rate_limited';
  return new ProblemError(res.status, body);
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  let res = await send(method, path, opts);
  if (res.status === 403 && method !== 'GET') {
    const problem = await readProblem(res.clone());
    if (problem.code === 'csrf_failed') {
      // The token went stale (signed in again in another tab): fetch the current one, retry once.
      const me = await send('GET', '/auth/me', {});
      if (me.ok) {
        const data = (await me.json()) as { csrfToken?: string };
        if (data.csrfToken) setCsrfToken(data.csrfToken);
        res = await send(method, path, opts);
      }
    }
  }
  if (!res.ok) {
    const problem = await readProblem(res);
    if (problem.status === 401 && problem.code === 'unauthenticated') unauthenticatedListeners.forEach((l) => l());
    throw problem;
  }
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('content-type') ?? '';
  return (type.includes('json') ? await res.json() : await res.blob()) as T;
}

export interface Download {
  blob: Blob;
  filename: string;
}

/** The file name from Content-Disposition (filename* first: it carries the Chinese name). */
export function filenameOf(header: string | null, fallback: string): string {
  if (!header) return fallback;
  const star = /filename\*=UTF-8''([^;]+)/i.exec(header);
  if (star) {
    try {
      return decodeURIComponent(star[1]!);
    } catch {
      // fall through to the plain name
    }
  }
  const plain = /filename="?([^";]+)"?/i.exec(header);
  return plain ? plain[1]! : fallback;
}

/**
 * A file the server makes (XLSX exports, bank files) with the name it gives. `repeat` adds a
 * parameter once per value (?orderIds=a&orderIds=b).
 */
export async function download(path: string, query: Record<string, QueryValue>, fallback: string, repeat?: { name: string; values: readonly string[] }): Promise<Download> {
  let qs = toQueryString(query);
  for (const v of repeat?.values ?? []) qs += `${qs ? '&' : '?'}${repeat!.name}=${encodeURIComponent(v)}`;
  const res = await send('GET', `${path}${qs}`, {});
  if (!res.ok) throw await readProblem(res);
  return { blob: await res.blob(), filename: filenameOf(res.headers.get('content-disposition'), fallback) };
}

/** Hands a downloaded file to the browser as a save. */
export function saveDownload(d: Download): void {
  const url = URL.createObjectURL(d.blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = d.filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export const api = {
  get: <T>(path: string, query?: Record<string, QueryValue>, signal?: AbortSignal) => request<T>('GET', path, { query, signal }),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, { body: body ?? {} }),
  put: <T>(path: string, body?: unknown) => request<T>('PUT', path, { body: body ?? {} }),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, { body }),
  delete: <T>(path: string) => request<T>('DELETE', path),
  upload: <T>(method: 'POST' | 'PUT', path: string, file: Blob, filename?: string) => {
    const form = new FormData();
    form.append('file', file, filename ?? (file instanceof File ? file.name : 'upload'));
    return request<T>(method, path, { form });
  },
  /** Fetches a file (e.g. a licence scan, which needs the session cookie) as a Blob. */
  blob: async (url: string, signal?: AbortSignal): Promise<Blob> => {
    const res = await fetch(url, { credentials: 'same-origin', signal: signal ?? null });
    if (!res.ok) throw await readProblem(res);
    return res.blob();
  },
};
