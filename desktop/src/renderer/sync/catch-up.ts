// Brings many local documents up to date in one request each 500, without
// opening a socket per document: used when the server comes back and for the
// sessions a person keeps within reach (pinned, recent), so they can be read
// offline even if never opened on this device.
import type { CatchUpResponse } from '@orrery/shared';
import * as Y from 'yjs';
import type { DocStore } from '../../platform/common/platform.js';
import { base64ToBytes, bytesToBase64 } from './base64.js';

const BATCH = 500;

export interface CatchUpDeps {
  store: DocStore;
  catchUp: (body: { docs: { name: string; stateVector: string }[] }) => Promise<CatchUpResponse>;
}

export interface CatchUpResult {
  /** Documents that received something new. */
  updated: string[];
  /** Documents the account may no longer read; their local copies were removed. */
  denied: string[];
}

/** The state vector of what is stored for a document; empty when nothing is. */
async function storedStateVector(store: DocStore, name: string): Promise<Uint8Array> {
  const updates = await store.load(name);
  if (!updates.length) return new Uint8Array(0);
  return Y.encodeStateVectorFromUpdate(updates.length === 1 ? updates[0]! : Y.mergeUpdates(updates));
}

/** An update that carries no change is two zero bytes (no structs, no deletions). */
function isEmptyUpdate(update: Uint8Array): boolean {
  return update.length <= 2 && update.every((b) => b === 0);
}

export async function catchUpDocs(deps: CatchUpDeps, names: readonly string[]): Promise<CatchUpResult> {
  const result: CatchUpResult = { updated: [], denied: [] };
  const unique = [...new Set(names)];
  for (let i = 0; i < unique.length; i += BATCH) {
    const batch = unique.slice(i, i + BATCH);
    const docs = await Promise.all(
      batch.map(async (name) => ({
        name,
        stateVector: bytesToBase64(await storedStateVector(deps.store, name)),
      })),
    );
    const res = await deps.catchUp({ docs });
    for (const { name, update } of res.docs) {
      const bytes = base64ToBytes(update);
      if (isEmptyUpdate(bytes)) continue;
      await deps.store.append(name, bytes);
      result.updated.push(name);
    }
    for (const name of res.denied) {
      await deps.store.remove(name);
      result.denied.push(name);
    }
  }
  return result;
}
