// Enforces who writes which part of a session document (shared writers.ts)
// on an update that has already passed the structural checks: every new
// struct is traced to the root part (and turn key) it lands in, through the
// document or through the update itself, and every deletion to the part of
// what it deletes. Cost: one lookup per struct and per deleted struct, never
// a pass over the document.
//
// A refused update is dropped whole (a transaction's changes go together),
// but not forgotten: a client's clock runs on, so its next change would build
// on the refused one and be refused with it. Its structs are kept as
// placeholders without content instead (a tombstone in a list, keeping the
// place later items attach to; garbage elsewhere, which replaces no map
// value), and its deletions are left out.
import {
  refuseSessionValue,
  refuseSessionWrite,
  sessionPartOf,
  type SessionPart,
  type Writer,
} from '@orrery/shared';
import * as Y from 'yjs';
import { encodeUpdate } from './update-encoding.js';

/** Where content lands: its part, and whether it is inside a nested type (an agent message's text). */
interface Place {
  part: SessionPart;
  nested: boolean;
}

type Struct = Y.Item | Y.GC | Y.Skip;
type Decoded = ReturnType<typeof Y.decodeUpdate>;

export interface WriterVerdict {
  /** Why the update was refused, for the permission-denied answer. */
  reason: string;
  /** What to apply instead: the update's structs without content, and no deletions. */
  update: Uint8Array;
}

/** Null when the writer may make every change in the update; otherwise why not and what to apply instead. */
export function judgeWriter(doc: Y.Doc, { structs, ds }: Decoded, writer: Writer): WriterVerdict | null {
  const places = new Places(doc, structs);
  const placed = new Map<Y.Item, Place | 'gone' | null>();
  let reason: string | null = null;
  for (const struct of structs) {
    if (!(struct instanceof Y.Item)) continue;
    const place = places.ofNew(struct);
    placed.set(struct, place);
    // Lands on garbage-collected content: Yjs turns it into nothing.
    if (place === 'gone' || reason) continue;
    reason = !place
      ? 'the update puts content where the server cannot place it'
      : (refuseSessionWrite(place.part, writer, 'add') ?? refuseContent(place, struct, writer));
  }
  reason ??= refuseDeletions(doc, ds, writer);
  if (reason === null) return null;
  const placeholders = structs.map((s) => (s instanceof Y.Item ? placeholder(s, placed.get(s) ?? null) : s));
  return { reason, update: encodeUpdate(placeholders, new Map()) };
}

/** A list keeps a tombstone in the refused item's place; anywhere else it becomes garbage. */
function placeholder(item: Y.Item, place: Place | 'gone' | null): Struct {
  const inList =
    place !== null &&
    place !== 'gone' &&
    !place.nested &&
    (place.part === 'transcript' || place.part === 'queue');
  if (!inList) return new Y.GC(item.id, item.length);
  const content = new Y.ContentDeleted(item.length);
  return new Y.Item(item.id, null, item.origin, null, item.rightOrigin, item.parent, item.parentSub, content);
}

/** Why the writer may not delete what the update deletes, or null when they may. */
function refuseDeletions(doc: Y.Doc, ds: Decoded['ds'], writer: Writer): string | null {
  for (const [client, ranges] of ds.clients) {
    const list = doc.store.clients.get(client);
    if (!list) continue;
    const known = Y.getState(doc.store, client);
    for (const { clock, len } of ranges) {
      // Deletions of structs this update brings are judged with those structs.
      const end = Math.min(clock + len, known);
      if (len === 0 || clock >= end) continue;
      for (let i = Y.findIndexSS(list, clock); i < list.length; i += 1) {
        const s = list[i]!;
        if (s.id.clock >= end) break;
        if (!(s instanceof Y.Item) || s.deleted) continue;
        const place = placeOfIntegrated(s);
        if (place === 'gone') continue;
        if (!place) return 'the update deletes content the server cannot place';
        const refusal = refuseSessionWrite(place.part, writer, 'remove');
        if (refusal) return refusal;
      }
    }
  }
  return null;
}

/** People write only plain values at the top of their parts; the runner writes any content. */
function refuseContent(place: Place, item: Y.Item, writer: Writer): string | null {
  if (writer.kind === 'runner') return null;
  const content = item.content;
  if (content instanceof Y.ContentDeleted) return null;
  if (place.nested || !(content instanceof Y.ContentAny)) {
    return place.part === 'queue'
      ? 'a queued message is a plain object'
      : 'the update writes a kind of content this part does not hold';
  }
  for (const value of content.getContent()) {
    const refusal = refuseSessionValue(place.part, writer, value);
    if (refusal) return refusal;
  }
  return null;
}

/** Finds where new structs land, following origins and parents through the update and the document. */
class Places {
  private readonly byClient = new Map<number, Struct[]>();
  private readonly known = new Map<Struct, Place | 'gone' | null>();

  constructor(
    private readonly doc: Y.Doc,
    structs: Struct[],
  ) {
    // Y.decodeUpdate lists each client's structs in clock order.
    for (const s of structs) {
      const list = this.byClient.get(s.id.client);
      if (list) list.push(s);
      else this.byClient.set(s.id.client, [s]);
    }
  }

  ofNew(start: Y.Item): Place | 'gone' | null {
    // Iterative: a long run of typed text is a chain of origins thousands deep.
    const chain: { item: Y.Item; viaParent: boolean }[] = [];
    const visiting = new Set<Y.Item>();
    let item = start;
    let result: Place | 'gone' | null = null;
    for (;;) {
      const seen = this.known.get(item);
      if (seen !== undefined) {
        result = seen;
        break;
      }
      // A crafted update can make items refer to each other in a circle: such content has no place.
      if (visiting.has(item)) break;
      visiting.add(item);
      const next = this.step(item);
      if (next.kind === 'done') {
        chain.push({ item, viaParent: false });
        result = next.place;
        break;
      }
      chain.push({ item, viaParent: next.viaParent });
      item = next.item;
    }
    for (let i = chain.length - 1; i >= 0; i -= 1) {
      const { item: link, viaParent } = chain[i]!;
      if (viaParent && result && result !== 'gone') result = { part: result.part, nested: true };
      this.known.set(link, result);
    }
    return result;
  }

  /** One step towards the root: the place itself, or the next new item to ask (a sibling or the container). */
  private step(
    item: Y.Item,
  ): { kind: 'done'; place: Place | 'gone' | null } | { kind: 'next'; item: Y.Item; viaParent: boolean } {
    const parent: unknown = item.parent;
    if (typeof parent === 'string') {
      const part = sessionPartOf(parent, item.parentSub);
      return { kind: 'done', place: part ? { part, nested: false } : null };
    }
    const viaParent = parent instanceof Y.ID;
    const ref = viaParent ? parent : (item.origin ?? item.rightOrigin);
    if (!ref) return { kind: 'done', place: null };
    const inUpdate = this.findNew(ref);
    if (inUpdate) {
      if (!(inUpdate instanceof Y.Item)) return { kind: 'done', place: 'gone' };
      if (viaParent && !(inUpdate.content instanceof Y.ContentType)) return { kind: 'done', place: null };
      return { kind: 'next', item: inUpdate, viaParent };
    }
    const existing = this.findExisting(ref);
    if (!existing) return { kind: 'done', place: null };
    if (!(existing instanceof Y.Item)) return { kind: 'done', place: 'gone' };
    if (!viaParent) return { kind: 'done', place: placeOfIntegrated(existing) };
    if (!(existing.content instanceof Y.ContentType)) return { kind: 'done', place: null };
    const container = placeOfIntegrated(existing);
    return {
      kind: 'done',
      place: container && container !== 'gone' ? { ...container, nested: true } : container,
    };
  }

  private findNew(id: Y.ID): Struct | null {
    const list = this.byClient.get(id.client);
    if (!list?.length || id.clock < list[0]!.id.clock) return null;
    let lo = 0;
    let hi = list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = list[mid]!;
      if (id.clock < s.id.clock) hi = mid - 1;
      else if (id.clock >= s.id.clock + s.length) lo = mid + 1;
      else return s;
    }
    return null;
  }

  private findExisting(id: Y.ID): Y.Item | Y.GC | null {
    const list = this.doc.store.clients.get(id.client);
    if (!list || id.clock >= Y.getState(this.doc.store, id.client)) return null;
    return list[Y.findIndexSS(list, id.clock)] as Y.Item | Y.GC;
  }
}

/** The place of an item already in the document: up through its containers to a root type. */
function placeOfIntegrated(item: Y.Item): Place | 'gone' | null {
  let nested = false;
  for (let current = item; ; nested = true) {
    const type = current.parent;
    if (!(type instanceof Y.AbstractType)) return 'gone';
    const container = type._item;
    if (container) {
      current = container;
      continue;
    }
    let root: string;
    try {
      root = Y.findRootTypeKey(type);
    } catch {
      return null;
    }
    // `current` is the top-level item: its key in the root map names the part.
    const part = sessionPartOf(root, current.parentSub);
    return part ? { part, nested } : null;
  }
}
