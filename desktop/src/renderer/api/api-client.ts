// The REST client: one method per route of shared/api.ts, responses parsed
// with the shared schemas so a server that answers something else is caught
// here with a clear message instead of deep inside a component.
import {
  ApiErrorBody,
  AttachmentResponse,
  CatchUpResponse,
  EnhanceResponse,
  GrantsResponse,
  TeammatesResponse,
  ChangesResponse,
  ExpertsResponse,
  LoginResponse,
  MeResponse,
  SendMessageResponse,
  SessionResponse,
  CreateSessionResponse,
  SessionsResponse,
  SecretResponse,
  SecretsResponse,
  type CatchUpRequest,
  type AttachmentRef,
  type CreateSessionRequest,
  type EnhanceRequest,
  type SendMessageRequest,
  type SecretScope,
  type SessionFilter,
  type Visibility,
} from '@orrery/shared';
import type { z } from 'zod';
import { ApiError } from './api-error.js';

export type Fetch = typeof fetch;

/** "localhost:8787" → "http://localhost:8787"; throws a readable error for what is not an address. */
export function normaliseServerUrl(input: string): string {
  const trimmed = input.trim();
  if (!trimmed)
    throw new ApiError('bad_request', 'Enter the server address, e.g. http://localhost:8787.', null);
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new ApiError(
      'bad_request',
      `"${trimmed}" is not a server address, e.g. http://localhost:8787.`,
      null,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ApiError('bad_request', 'The server address must start with http:// or https://.', null);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** The y-websocket endpoint of a server: ws(s)://host/sync. */
export function syncUrlOf(serverUrl: string): string {
  return `${serverUrl.replace(/^http/, 'ws')}/sync`;
}

export class ApiClient {
  constructor(
    readonly serverUrl: string,
    private readonly token: string | null,
    private readonly fetchImpl: Fetch = (...args) => fetch(...args),
  ) {}

  static async login(serverUrl: string, email: string, password: string, fetchImpl?: Fetch) {
    const client = new ApiClient(serverUrl, null, fetchImpl);
    return client.call('POST', '/api/auth/login', LoginResponse, { email, password });
  }

  logout = () => this.call('POST', '/api/auth/logout', null);
  me = () => this.call('GET', '/api/me', MeResponse);
  experts = () => this.call('GET', '/api/experts', ExpertsResponse);

  listSessions(query: { filter?: SessionFilter; q?: string; limit?: number; offset?: number } = {}) {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
    return this.call('GET', `/api/sessions?${params.toString()}`, SessionsResponse);
  }

  changes = (since: number) => this.call('GET', `/api/sessions/changes?since=${since}`, ChangesResponse);
  createSession = (body: CreateSessionRequest) =>
    this.call('POST', '/api/sessions', CreateSessionResponse, body);
  getSession = (id: string) => this.call('GET', `/api/sessions/${encodeURIComponent(id)}`, SessionResponse);
  archive = (id: string) =>
    this.call('POST', `/api/sessions/${encodeURIComponent(id)}/archive`, SessionResponse);
  unarchive = (id: string) =>
    this.call('POST', `/api/sessions/${encodeURIComponent(id)}/unarchive`, SessionResponse);
  setVisibility = (id: string, visibility: Visibility) =>
    this.call('PUT', `/api/sessions/${encodeURIComponent(id)}/visibility`, SessionResponse, { visibility });
  sendMessage = (id: string, body: SendMessageRequest) =>
    this.call('POST', `/api/sessions/${encodeURIComponent(id)}/messages`, SendMessageResponse, body);
  environmentAction = (id: string, action: 'pause' | 'restart') =>
    this.call('POST', `/api/sessions/${encodeURIComponent(id)}/environment`, null, { action });
  catchUp = (body: CatchUpRequest) => this.call('POST', '/api/sync/catch-up', CatchUpResponse, body);
  enhance = (body: EnhanceRequest) => this.call('POST', '/api/enhance', EnhanceResponse, body);
  searchTeammates = (q: string) =>
    this.call('GET', `/api/users?q=${encodeURIComponent(q)}`, TeammatesResponse);
  grants = (id: string) => this.call('GET', `/api/sessions/${encodeURIComponent(id)}/grants`, GrantsResponse);
  grant = (id: string, userId: string) =>
    this.call('PUT', `/api/sessions/${encodeURIComponent(id)}/grants/${encodeURIComponent(userId)}`, null);
  revoke = (id: string, userId: string) =>
    this.call('DELETE', `/api/sessions/${encodeURIComponent(id)}/grants/${encodeURIComponent(userId)}`, null);

  // Secrets are write-only: the value goes up in a body and never comes back.
  listSecrets = () => this.call('GET', '/api/secrets', SecretsResponse);
  putSecret = (scope: SecretScope, name: string, value: string) =>
    this.call('PUT', secretPath(scope, name), SecretResponse, { value });
  deleteSecret = (scope: SecretScope, name: string) => this.call('DELETE', secretPath(scope, name), null);

  /**
   * Uploads one attachment's bytes. XMLHttpRequest rather than fetch, because
   * only it reports upload progress in browsers.
   */
  uploadAttachment(
    file: Blob,
    name: string,
    options: {
      sessionId?: string | null;
      onProgress?: (sent: number, total: number) => void;
      signal?: AbortSignal;
    },
  ): Promise<AttachmentRef> {
    const query = options.sessionId ? `?session=${encodeURIComponent(options.sessionId)}` : '';
    const path = `/api/attachments${query}`;
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', `${this.serverUrl}${path}`);
      if (this.token) xhr.setRequestHeader('authorization', `Bearer ${this.token}`);
      xhr.setRequestHeader('x-file-name', encodeURIComponent(name));
      xhr.setRequestHeader('content-type', file.type || 'application/octet-stream');
      xhr.upload.onprogress = (e) => options.onProgress?.(e.loaded, e.lengthComputable ? e.total : file.size);
      xhr.onerror = () =>
        reject(new ApiError('offline', `Cannot reach the server at ${this.serverUrl}.`, null));
      xhr.onabort = () => reject(new ApiError('bad_request', `The upload of ${name} was cancelled.`, null));
      xhr.onload = () => {
        const res = new Response(xhr.responseText, { status: xhr.status, statusText: xhr.statusText });
        if (xhr.status < 200 || xhr.status >= 300) return void errorFrom(res).then(reject);
        const parsed = AttachmentResponse.safeParse(safeJson(xhr.responseText));
        if (parsed.success) resolve(parsed.data.attachment);
        else
          reject(
            new ApiError(
              'bad_response',
              `The server's answer for POST ${path} was not an attachment.`,
              xhr.status,
            ),
          );
      };
      options.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
      xhr.send(file);
    });
  }

  /** Downloads an attachment's content (the token travels in a header, so links cannot be used). */
  async attachment(sha256: string, sessionId: string): Promise<Blob> {
    const res = await this.send('GET', `/api/attachments/${sha256}?session=${encodeURIComponent(sessionId)}`);
    if (!res.ok) throw await errorFrom(res);
    return res.blob();
  }

  private async send(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = {};
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    try {
      return await this.fetchImpl(`${this.serverUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (cause) {
      throw new ApiError('offline', `Cannot reach the server at ${this.serverUrl}.`, null, {}, { cause });
    }
  }

  private async call<S extends z.ZodType>(
    method: string,
    path: string,
    schema: S,
    body?: unknown,
  ): Promise<z.infer<S>>;
  private async call(method: string, path: string, schema: null, body?: unknown): Promise<void>;
  private async call(
    method: string,
    path: string,
    schema: z.ZodType | null,
    body?: unknown,
  ): Promise<unknown> {
    const res = await this.send(method, path, body);
    if (!res.ok) throw await errorFrom(res);
    if (schema === null) return undefined;
    let json: unknown;
    try {
      json = await res.json();
    } catch (cause) {
      throw new ApiError(
        'bad_response',
        `The server sent something that is not JSON for ${path}.`,
        res.status,
        {},
        {
          cause,
        },
      );
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new ApiError(
        'bad_response',
        `The server's answer for ${method} ${path.split('?')[0]} did not match what this app expects; the server and the app may be different versions.`,
        res.status,
        {},
        { cause: parsed.error },
      );
    }
    return parsed.data;
  }
}

function secretPath(scope: SecretScope, name: string): string {
  return `/api/secrets/${encodeURIComponent(scope)}/${encodeURIComponent(name)}`;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

async function errorFrom(res: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    // not JSON: described from the status below
  }
  const parsed = ApiErrorBody.safeParse(body);
  if (parsed.success) {
    const { code, message, fields } = parsed.data.error;
    return new ApiError(code, message, res.status, fields ?? {});
  }
  const code =
    res.status === 401
      ? 'unauthenticated'
      : res.status === 403
        ? 'forbidden'
        : res.status === 404
          ? 'not_found'
          : 'internal';
  return new ApiError(
    code,
    `The server answered ${res.status} ${res.statusText || ''}`.trim() + '.',
    res.status,
  );
}
