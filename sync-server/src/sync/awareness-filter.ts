// Presence (awareness) a socket may set: only its own clients' states, at
// most a few of them, each at most a few KB. What does not pass is dropped
// before the room's Awareness stores it, so nobody receives it and new
// joiners are not sent it either.
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/** One y-websocket client speaks for one awareness id; a few allow for tabs sharing a socket. */
export const AWARENESS_CLIENTS_PER_SOCKET = 4;

export interface AwarenessRules {
  /** Largest state (its JSON, in bytes) kept for one client. */
  maxStateBytes: number;
  /** The awareness ids this socket already speaks for. */
  own: ReadonlySet<number>;
  /** Whether another socket speaks for this id. */
  takenByOther(clientId: number): boolean;
}

/**
 * The entries of an awareness update that may be applied, re-encoded, or null
 * when none may. Throws on bytes that do not decode.
 */
export function admitAwareness(update: Uint8Array, rules: AwarenessRules): Uint8Array | null {
  const decoder = decoding.createDecoder(update);
  const count = decoding.readVarUint(decoder);
  const kept: { clientId: number; clock: number; state: Uint8Array }[] = [];
  const claimed = new Set(rules.own);
  for (let i = 0; i < count; i += 1) {
    const clientId = decoding.readVarUint(decoder);
    const clock = decoding.readVarUint(decoder);
    // A state is a JSON string: its bytes are measured before anything parses them.
    const state = decoding.readVarUint8Array(decoder);
    if (state.byteLength > rules.maxStateBytes) continue;
    if (rules.takenByOther(clientId)) continue;
    if (!claimed.has(clientId)) {
      if (claimed.size >= AWARENESS_CLIENTS_PER_SOCKET) continue;
      claimed.add(clientId);
    }
    kept.push({ clientId, clock, state });
  }
  if (!kept.length) return null;
  if (kept.length === count) return update;
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, kept.length);
  for (const { clientId, clock, state } of kept) {
    encoding.writeVarUint(e, clientId);
    encoding.writeVarUint(e, clock);
    encoding.writeVarUint8Array(e, state);
  }
  return encoding.toUint8Array(e);
}
