// The one error type the Environment manager throws: a code callers can
// branch on, a sentence a person can act on, and the underlying cause.

export type EnvironmentErrorCode =
  /** The Docker engine cannot be reached (down, restarting, wrong address or certificates). */
  | 'engine_unavailable'
  /** The Environment's image is not on the engine and cannot be pulled. */
  | 'image_missing'
  /** Cloning a repository or the setup script failed while building the snapshot. */
  | 'build_failed'
  /** The session has no Environment yet (ensureRunning was never called for it). */
  | 'not_found'
  /** A file or folder does not exist in the Environment. */
  | 'file_not_found'
  /** The non-root user may not read or write that path. */
  | 'permission_denied'
  /** A file is larger than the manager reads in one go. */
  | 'too_large'
  /** The operation cannot run now (e.g. pausing while a command runs). */
  | 'busy'
  /** Bad input from the caller (a relative path, an invalid name). */
  | 'bad_request'
  | 'internal';

export class EnvironmentError extends Error {
  constructor(
    readonly code: EnvironmentErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'EnvironmentError';
  }
}

/** The HTTP status Docker answered with, when the error came from the engine's API. */
export function dockerStatusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** True when the engine itself could not be reached (as opposed to an API error it answered with). */
export function isEngineUnreachable(error: unknown): boolean {
  if (error instanceof EnvironmentError) return error.code === 'engine_unavailable';
  if (dockerStatusOf(error) !== undefined) return false;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') {
    return /^(ECONNREFUSED|ENOENT|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|ENOTFOUND|ERR_SSL|EPROTO|CERT_|DEPTH_ZERO|UNABLE_TO|SELF_SIGNED)/.test(
      code,
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return /socket hang up|connect|timed? ?out|certificate|handshake|All configured authentication methods failed/i.test(
    message,
  );
}

/** The engine's own words for an API error, without dockerode's "(HTTP code 404) no such container -" prefix. */
export function dockerMessageOf(error: unknown): string {
  const json = (error as { json?: { message?: unknown } } | null)?.json;
  if (json && typeof json.message === 'string') return json.message;
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^\(HTTP code \d+\)\s*[^-]*-\s*/, '').trim();
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
