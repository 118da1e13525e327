// The request core under every REST caller: base URL, bearer token, an
// injectable fetch, JSON or raw bodies, and answers parsed with the shared
// zod schemas. Typed only against the few parts of fetch it uses, so this
// package stays free of DOM and Node types and runs in both.
import type { z } from 'zod';
import { ApiError, errorFromAnswer, parseJson } from './api-error.js';

export interface ResponseLike {
  readonly ok: boolean;
  readonly status: number;
  readonly statusText: string;
  readonly headers: { get(name: string): string | null };
  text(): Promise<string>;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** A file's bytes as the platform holds them: a string, bytes, or a Blob. */
export type RawBody = string | Uint8Array | { readonly size: number; readonly type: string };

export interface RequestInitLike {
  method: string;
  headers: Record<string, string>;
  body?: RawBody;
  signal?: SignalLike;
}

export interface SignalLike {
  readonly aborted: boolean;
}

export type FetchLike = (url: string, init: RequestInitLike) => Promise<ResponseLike>;

export interface SendOptions {
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as it is, with `contentType`. */
  raw?: RawBody;
  contentType?: string;
  headers?: Record<string, string>;
  signal?: SignalLike | undefined;
}

export interface TransportOptions {
  /** The server's address, without a trailing slash (e.g. http://localhost:8787). */
  baseUrl: string;
  token?: string | null | undefined;
  fetch?: FetchLike | undefined;
}

export class Transport {
  readonly baseUrl: string;
  readonly token: string | null;
  private readonly fetchImpl: FetchLike;

  constructor(options: TransportOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.token = options.token ?? null;
    this.fetchImpl = options.fetch ?? globalFetch();
  }

  /** One request; the answer whatever its status. Throws only when no answer came. */
  async send(method: string, path: string, options: SendOptions = {}): Promise<ResponseLike> {
    const headers: Record<string, string> = { ...options.headers };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let body: RawBody | undefined;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    } else if (options.raw !== undefined) {
      headers['content-type'] = options.contentType ?? 'application/octet-stream';
      body = options.raw;
    }
    try {
      return await this.fetchImpl(`${this.baseUrl}${path}`, {
        method,
        headers,
        ...(body !== undefined ? { body } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (cause) {
      // A cancelled request stays what the caller asked for, not "offline".
      if (options.signal?.aborted) throw cause;
      throw new ApiError('offline', `Cannot reach the server at ${this.baseUrl}.`, null, {}, { cause });
    }
  }

  /** A request whose answer must be a success; failures become an ApiError with the server's code. */
  async ok(method: string, path: string, options: SendOptions = {}): Promise<ResponseLike> {
    const res = await this.send(method, path, options);
    if (!res.ok) {
      const text = await res.text().catch(() => '');
      throw errorFromAnswer(res.status, res.statusText, text, `${method} ${withoutQuery(path)}`);
    }
    return res;
  }

  /** A request answered with JSON that `schema` describes. */
  async json<S extends z.ZodType>(
    method: string,
    path: string,
    schema: S,
    options: SendOptions = {},
  ): Promise<z.infer<S>> {
    const res = await this.ok(method, path, options);
    return parseAnswer(schema, await res.text(), res.status, `${method} ${withoutQuery(path)}`);
  }

  /** A request whose answer has no body worth reading (204, 202). */
  async none(method: string, path: string, options: SendOptions = {}): Promise<void> {
    await (await this.ok(method, path, options)).text();
  }

  /** A request answered with bytes, their content type and the file name the server suggests, if any. */
  async bytes(
    method: string,
    path: string,
    options: SendOptions = {},
  ): Promise<{ bytes: Uint8Array<ArrayBuffer>; contentType: string; disposition: string | null }> {
    const res = await this.ok(method, path, options);
    const contentType = res.headers.get('content-type') ?? 'application/octet-stream';
    const disposition = res.headers.get('content-disposition');
    return { bytes: new Uint8Array(await res.arrayBuffer()), contentType, disposition };
  }
}

/** Parses a success answer's text with its schema; a mismatch means the server speaks another version. */
export function parseAnswer<S extends z.ZodType>(
  schema: S,
  text: string,
  status: number,
  route: string,
): z.infer<S> {
  const json = parseJson(text);
  if (json === undefined) {
    throw new ApiError('bad_response', `The server sent something that is not JSON for ${route}.`, status);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new ApiError(
      'bad_response',
      `The server's answer for ${route} did not match what this app expects; the server and the app may be different versions.`,
      status,
      {},
      { cause: parsed.error },
    );
  }
  return parsed.data;
}

function withoutQuery(path: string): string {
  return path.split('?')[0] ?? path;
}

function globalFetch(): FetchLike {
  const f = (globalThis as { fetch?: FetchLike }).fetch;
  if (!f) throw new Error('This runtime has no fetch; pass one in the client options.');
  // Called through globalThis each time, as browsers refuse a fetch detached from window.
  return (url, init) => f.call(globalThis, url, init);
}
