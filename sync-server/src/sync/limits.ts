// The sync server's limits, and the environment variables that set the
// storage quotas (ORRERY_DOC_MAX_BYTES, ORRERY_USER_MAX_BYTES).
import { ConfigError } from '@orrery/shared';
import type { QuotaLimits } from './quota.js';

export interface SyncLimits extends QuotaLimits {
  /** Largest frame a socket may send; larger ones close it with 1009. */
  maxMessageBytes: number;
  /** Token bucket per socket: sustained frames per second and the burst allowed. */
  ratePerSecond: number;
  burst: number;
  /** Log entries after which a document's log is folded into its snapshot. */
  compactEvery: number;
  /** How often silent sockets are probed (and dropped when they did not answer the last probe). */
  pingIntervalMs: number;
  /** Largest presence (awareness) state kept and relayed per client, in bytes of JSON. */
  awarenessMaxBytes: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_SYNC_LIMITS: SyncLimits = {
  maxMessageBytes: MiB,
  ratePerSecond: 200,
  burst: 1000,
  compactEvery: 500,
  pingIntervalMs: 30_000,
  awarenessMaxBytes: 4 * 1024,
  docMaxBytes: 32 * MiB,
  userMaxBytes: 1024 * MiB,
};

/** The limits set by the environment (unset ones keep their defaults). */
export function readSyncLimits(env: Record<string, string | undefined>): Partial<SyncLimits> {
  const limits: Partial<SyncLimits> = {};
  const doc = readBytes(env, 'ORRERY_DOC_MAX_BYTES');
  const user = readBytes(env, 'ORRERY_USER_MAX_BYTES');
  if (doc !== undefined) limits.docMaxBytes = doc;
  if (user !== undefined) limits.userMaxBytes = user;
  return limits;
}

/** A byte count: digits, optionally with a K, M or G suffix (binary: 32M = 32 MiB). */
function readBytes(env: Record<string, string | undefined>, name: string): number | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const m = /^(\d+)\s*([KMG]?)i?B?$/i.exec(raw);
  const unit = { '': 1, K: 1024, M: MiB, G: 1024 * MiB }[(m?.[2] ?? '').toUpperCase()];
  const bytes = m && unit ? Number(m[1]) * unit : NaN;
  if (!Number.isSafeInteger(bytes) || bytes < 64 * 1024) {
    throw new ConfigError(
      name,
      `"${raw}" is not a size of at least 64K (write bytes, or a number with K, M or G)`,
    );
  }
  return bytes;
}
