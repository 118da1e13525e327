// Writes a Yjs (v1) update from decoded structs and a delete set, the way
// Yjs itself encodes one (encoding.js, DeleteSet.js): clients with higher ids
// first, each client's structs in clock order. Used to apply a refused
// update's structs as placeholders.
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';

export interface DeleteRange {
  clock: number;
  len: number;
}

type Struct = Y.Item | Y.GC | Y.Skip;

export function encodeUpdate(
  structs: readonly Struct[],
  ds: ReadonlyMap<number, readonly DeleteRange[]>,
): Uint8Array {
  const byClient = new Map<number, Struct[]>();
  for (const s of structs) {
    const list = byClient.get(s.id.client);
    if (list) list.push(s);
    else byClient.set(s.id.client, [s]);
  }
  const encoder = new Y.UpdateEncoderV1();
  const rest = encoder.restEncoder;
  encoding.writeVarUint(rest, byClient.size);
  for (const [client, list] of [...byClient].sort((a, b) => b[0] - a[0])) {
    list.sort((a, b) => a.id.clock - b.id.clock);
    encoding.writeVarUint(rest, list.length);
    encoder.writeClient(client);
    encoding.writeVarUint(rest, list[0]!.id.clock);
    for (const s of list) s.write(encoder, 0);
  }
  const clients = [...ds].filter(([, ranges]) => ranges.length > 0).sort((a, b) => b[0] - a[0]);
  encoding.writeVarUint(rest, clients.length);
  for (const [client, ranges] of clients) {
    encoder.resetDsCurVal();
    encoding.writeVarUint(rest, client);
    encoding.writeVarUint(rest, ranges.length);
    for (const r of ranges) {
      encoder.writeDsClock(r.clock);
      encoder.writeDsLen(r.len);
    }
  }
  return encoder.toUint8Array();
}
