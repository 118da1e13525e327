// The runner's side of the server's runner API (see @orrery/shared runner-api).
import {
  ClaimResponse,
  ExpertContext,
  HeartbeatResponse,
  InstallationResponse,
  SessionContext,
  type EnhanceResult,
  type AttachmentRef,
  type ClaimRequest,
  type CompleteRequest,
  type EngineHealth,
  type Job,
} from '@orrery/shared';
import type { z } from 'zod';

export class ServerError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ServerError';
  }
}

export class ServerClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
  ) {}

  /** The y-websocket endpoint. */
  get syncUrl(): string {
    return `${this.baseUrl.replace(/^http/, 'ws')}/sync`;
  }

  get syncToken(): string {
    return this.token;
  }

  async claim(request: ClaimRequest, signal?: AbortSignal): Promise<Job | null> {
    const body = await this.json('POST', '/api/runner/claim', request, ClaimResponse, signal);
    return body.job;
  }

  async heartbeat(job: Job): Promise<number> {
    const body = await this.json(
      'POST',
      `/api/runner/jobs/${job.id}/heartbeat`,
      { leaseToken: job.leaseToken },
      HeartbeatResponse,
    );
    return body.leaseExpiresAt;
  }

  async complete(
    job: Job,
    outcome: CompleteRequest['outcome'],
    detail = '',
    result?: EnhanceResult,
  ): Promise<void> {
    await this.request('POST', `/api/runner/jobs/${job.id}/complete`, {
      leaseToken: job.leaseToken,
      outcome,
      detail: detail.slice(0, 2000),
      ...(result ? { result } : {}),
    });
  }

  expertContext(expertId: string): Promise<ExpertContext> {
    return this.json('GET', `/api/runner/experts/${expertId}/context`, undefined, ExpertContext);
  }

  context(sessionId: string): Promise<SessionContext> {
    return this.json('GET', `/api/runner/sessions/${sessionId}/context`, undefined, SessionContext);
  }

  /** The installation this runner serves: it labels, adopts and removes only that installation's containers. */
  async installation(signal?: AbortSignal): Promise<string> {
    const res = await this.request('GET', '/api/runner/installation', undefined, signal);
    return InstallationResponse.parse(await res.json()).installationId;
  }

  /** What this runner sees of its Docker engines, for admins (GET /api/engines). */
  async reportEngines(runnerId: string, engines: EngineHealth[]): Promise<void> {
    await this.request('POST', '/api/runner/engines', { runnerId, engines });
  }

  async finished(sessionId: string): Promise<void> {
    await this.request('POST', `/api/runner/sessions/${sessionId}/finished`, {});
  }

  async attachment(sessionId: string, attachment: AttachmentRef): Promise<Uint8Array> {
    const res = await this.request(
      'GET',
      `/api/attachments/${attachment.id}?session=${encodeURIComponent(sessionId)}`,
    );
    return new Uint8Array(await res.arrayBuffer());
  }

  private async json<S extends z.ZodType>(
    method: string,
    path: string,
    body: unknown,
    schema: S,
    signal?: AbortSignal,
  ): Promise<z.infer<S>> {
    const res = await this.request(method, path, body, signal);
    return schema.parse(await res.json());
  }

  private async request(
    method: string,
    path: string,
    body?: unknown,
    signal?: AbortSignal,
  ): Promise<Response> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      ...(signal ? { signal } : {}),
    });
    if (!res.ok) {
      const text = await res.text().catch(() => '');
      let message = text.slice(0, 500);
      try {
        message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? message;
      } catch {
        // not JSON
      }
      throw new ServerError(res.status, `${method} ${path} → ${res.status}: ${message}`);
    }
    return res;
  }
}
