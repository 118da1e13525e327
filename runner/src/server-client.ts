// The runner's side of the server's runner API (see @orrery/shared runner-api),
// through the shared client; failures are its ApiError, whose code survives.
import {
  OrreryClient,
  type AttachmentRef,
  type ChangesReport,
  type SessionActionFailure,
  type SessionActionResult,
  type BuildContext,
  type BuildReport,
  type ClaimRequest,
  type CompleteRequest,
  type EngineHealth,
  type EnhanceResult,
  type ExpertContext,
  type Job,
  type ModelProvider,
  type SessionContext,
} from '@orrery/shared';

/** What the server refused, or that it could not be reached: the shared error, with its code. */
export { ApiError as ServerError } from '@orrery/shared';

export class ServerClient {
  private readonly api: OrreryClient;

  constructor(
    readonly baseUrl: string,
    private readonly token: string,
  ) {
    this.api = new OrreryClient({ baseUrl, token });
  }

  /** The y-websocket endpoint. */
  get syncUrl(): string {
    return this.api.syncUrl;
  }

  get syncToken(): string {
    return this.token;
  }

  async claim(request: ClaimRequest, signal?: AbortSignal): Promise<Job | null> {
    return (await this.api.runner.claim(request, signal)).job;
  }

  async heartbeat(job: Job): Promise<number> {
    return (await this.api.runner.heartbeat(job.id, job.leaseToken)).leaseExpiresAt;
  }

  complete(
    job: Job,
    outcome: CompleteRequest['outcome'],
    detail = '',
    result?: EnhanceResult,
    action?: { result?: SessionActionResult; failure?: SessionActionFailure },
  ): Promise<void> {
    return this.api.runner.complete(job.id, {
      leaseToken: job.leaseToken,
      outcome,
      detail: detail.slice(0, 2000),
      ...(result ? { result } : {}),
      ...(action?.result ? { actionResult: action.result } : {}),
      ...(action?.failure ? { failure: action.failure } : {}),
    });
  }

  /** The session's changes as the runner just read them; the server keeps the last report. */
  reportChanges(sessionId: string, report: ChangesReport): Promise<void> {
    return this.api.runner.reportChanges(sessionId, report);
  }

  expertContext(expertId: string): Promise<ExpertContext> {
    return this.api.runner.expertContext(expertId);
  }

  context(sessionId: string): Promise<SessionContext> {
    return this.api.runner.sessionContext(sessionId);
  }

  /** The installation this runner serves: it labels, adopts and removes only that installation's containers. */
  async installation(signal?: AbortSignal): Promise<string> {
    return (await this.api.runner.installation(signal)).installationId;
  }

  /** What this runner sees of its Docker engines, for admins (GET /api/engines). */
  reportEngines(runnerId: string, engines: EngineHealth[], providers?: ModelProvider[]): Promise<void> {
    return this.api.runner.reportEngines({ runnerId, engines, ...(providers ? { providers } : {}) });
  }

  buildContext(buildId: string): Promise<BuildContext> {
    return this.api.runner.buildContext(buildId);
  }

  /** Progress of a build job; the lease is the job's. */
  buildReport(job: Job, report: Omit<BuildReport, 'leaseToken'>): Promise<void> {
    if (!job.buildId) throw new Error('not a build job');
    return this.api.runner.buildReport(job.buildId, { ...report, leaseToken: job.leaseToken });
  }

  finished(sessionId: string): Promise<void> {
    return this.api.runner.sessionFinished(sessionId);
  }

  async attachment(sessionId: string, attachment: AttachmentRef): Promise<Uint8Array> {
    return (await this.api.attachments.download(attachment.id, sessionId)).bytes;
  }
}
