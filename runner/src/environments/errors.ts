// The one error type the Environment manager throws: a code callers can
// branch on, a sentence a person can act on, and the underlying cause.

export type EnvironmentErrorCode =
  /** The Docker engine cannot be reached (down, restarting, wrong address). Retried. */
  | 'engine_unavailable'
  /** The engine answered but refused this runner's certificates or login: retrying never fixes that. */
  | 'engine_refused'
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
  /** The container kept being lost (removed, dying); it is not started again until the next message. */
  | 'restart_loop'
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

/** True when the engine itself could not be reached (as opposed to an API error it answered with, or a refusal). */
export function isEngineUnreachable(error: unknown): boolean {
  if (error instanceof EnvironmentError) return error.code === 'engine_unavailable';
  if (dockerStatusOf(error) !== undefined) return false;
  if (accessProblemKind(error) !== null) return false;
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

/** What the runner needs to name the files an engine's TLS uses. */
export interface EngineIdentity {
  name: string;
  address: string;
  certPath?: string | undefined;
}

type AccessProblem =
  'unknown_authority' | 'wrong_host' | 'expired' | 'client_refused' | 'expects_tls' | 'not_tls' | 'ssh_login';

// Node's codes for a server certificate the runner cannot trust, and for the alerts an engine sends when it refuses ours.
const UNKNOWN_AUTHORITY =
  /^(UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|CERT_SIGNATURE_FAILURE|CERT_UNTRUSTED|CERT_REJECTED)$/;
const CLIENT_REFUSED =
  /^ERR_SSL_(SSLV3|TLSV1|TLSV13)_ALERT_(BAD_CERTIFICATE|UNKNOWN_CA|CERTIFICATE_REQUIRED|CERTIFICATE_UNKNOWN|CERTIFICATE_EXPIRED|CERTIFICATE_REVOKED|UNSUPPORTED_CERTIFICATE|ACCESS_DENIED|DECRYPT_ERROR)$/;

function accessProblemKind(error: unknown): AccessProblem | null {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof code === 'string') {
    if (UNKNOWN_AUTHORITY.test(code)) return 'unknown_authority';
    if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return 'wrong_host';
    if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') return 'expired';
    if (CLIENT_REFUSED.test(code)) return 'client_refused';
    if (code === 'EPROTO' && /wrong version number|packet length too long/i.test(message)) return 'not_tls';
  }
  if (dockerStatusOf(error) === 400 && /HTTP request to an HTTPS server/i.test(message)) return 'expects_tls';
  if (/All configured authentication methods failed/i.test(message)) return 'ssh_login';
  return null;
}

/**
 * A sentence saying which certificate or login an engine refused and what to
 * change, as the docker CLI says it; null when the error is no such refusal.
 */
export function engineAccessProblem(error: unknown, engine: EngineIdentity): string | null {
  const kind = accessProblemKind(error);
  if (kind === null) return null;
  const where = `The Docker engine “${engine.name}” (${engine.address})`;
  const file = (name: string) => (engine.certPath ? `${engine.certPath.replace(/\/+$/, '')}/${name}` : name);
  switch (kind) {
    case 'unknown_authority':
      return `${where} presented a certificate signed by unknown authority: ${file('ca.pem')} is not the CA that signed the engine's certificate. Put that CA's certificate in ${file('ca.pem')} (DOCKER_CERT_PATH), then restart the runner.`;
    case 'wrong_host':
      return `${where} presented a certificate that is not valid for this address. Use the host name the engine's certificate was made for in DOCKER_HOST, or make the engine a certificate for this address.`;
    case 'expired':
      return `${where} presented a certificate that has expired or is not valid yet. Renew the engine's certificate (check both clocks).`;
    case 'client_refused':
      return `${where} refused this runner's client certificate (${file('cert.pem')}): check your TLS client certification settings. The engine must trust the CA that signed ${file('cert.pem')} (its --tlscacert), and ${file('key.pem')} must be that certificate's key.`;
    case 'expects_tls':
      return `${where} expects TLS, and this runner spoke plain HTTP. Set DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH to a folder with ca.pem, cert.pem and key.pem.`;
    case 'not_tls':
      return `${where} does not speak TLS on that port. Use the engine's TLS port (usually 2376), or unset DOCKER_TLS_VERIFY and DOCKER_CERT_PATH for a plain TCP engine.`;
    case 'ssh_login':
      return `${where} refused the SSH login. Check ORRERY_DOCKER_SSH_KEY (or the SSH agent) and that the key is in the remote user's authorized_keys.`;
  }
}

/**
 * One line about an engine failure for people to read: the refusal's sentence,
 * or the error's message without OpenSSL's internal codes, source paths and newlines.
 */
export function engineErrorText(error: unknown, engine?: EngineIdentity): string {
  const refused = engine ? engineAccessProblem(error, engine) : null;
  if (refused) return refused;
  const reason = (error as { reason?: unknown } | null)?.reason;
  const message = messageOf(error);
  if (typeof reason === 'string' && /^[0-9A-F]+:error:/.test(message)) return reason;
  return message.replace(/\s+/g, ' ').trim();
}
