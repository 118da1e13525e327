// The hub's line to the other instances: document updates through the fan-out
// stream (sync/fanout.ts), and control events and presence through the bus
// (cluster/bus.ts). The bus delivers to the sender too; what this instance
// sent is dropped here, since the hub did its own part before sending.
import { randomUUID } from 'node:crypto';
import type { Bus } from '../cluster/bus.js';
import type { Logger } from '../log.js';
import type { DocEntry, Fanout } from './fanout.js';

/** What one instance tells the others to do to their own sockets and rooms. */
export type Control =
  | { kind: 'recheck'; name: string }
  | { kind: 'close-token'; tokenId: string }
  | { kind: 'remove'; name: string }
  | { kind: 'owners-changed' };

export interface ClusterHandlers {
  /** An update another instance committed. */
  entry(entry: DocEntry): void;
  /** Updates may have been missed: every loaded document catches up from the database. */
  resync(): void;
  control(control: Control): void;
  awareness(name: string, update: Uint8Array): void;
  /** Another instance loaded the document: it wants the presence of this instance's sockets on it. */
  awarenessWanted(name: string): void;
}

const CONTROL = 'sync:control';
const AWARENESS = 'sync:awareness';

export class ClusterLink {
  private readonly instance = randomUUID();
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    private readonly deps: { bus?: Bus; fanout?: Fanout; log: Logger },
    handlers: ClusterHandlers,
  ) {
    deps.fanout?.listen({ entry: (e) => handlers.entry(e), resync: () => handlers.resync() });
    const { bus } = deps;
    if (!bus) return;
    this.unsubscribe.push(
      bus.subscribe(CONTROL, (message) => {
        const { from, control } = JSON.parse(message) as { from: string; control: Control };
        if (from !== this.instance) handlers.control(control);
      }),
      bus.subscribe(AWARENESS, (message) => {
        const { from, name, update } = JSON.parse(message) as { from: string; name: string; update?: string };
        if (from === this.instance) return;
        if (update === undefined) handlers.awarenessWanted(name);
        else handlers.awareness(name, new Uint8Array(Buffer.from(update, 'base64')));
      }),
    );
  }

  /** Whether there are other instances: documents and presence travel only then (one process has none to tell). */
  get fansOut(): boolean {
    return this.deps.fanout !== undefined;
  }

  /** Once the update is committed. */
  publishUpdate(name: string, seq: number, update: Uint8Array): void {
    this.deps.fanout?.publish({ name, seq, update });
  }

  /** Presence is ephemeral: a lost message is made good by the client's next renewal. */
  publishAwareness(name: string, update: Uint8Array): void {
    const message = JSON.stringify({
      from: this.instance,
      name,
      update: Buffer.from(update).toString('base64'),
    });
    this.deps.bus?.publish(AWARENESS, message).catch(() => {});
  }

  /** Asks the others for their sockets' presence on a document just loaded here (else it shows at their next renewal). */
  askAwareness(name: string): void {
    this.deps.bus?.publish(AWARENESS, JSON.stringify({ from: this.instance, name })).catch(() => {});
  }

  tell(control: Control): void {
    this.deps.bus
      ?.publish(CONTROL, JSON.stringify({ from: this.instance, control }))
      .catch((err: unknown) =>
        this.deps.log.error(`sync: could not tell the other instances: ${String(err)}`),
      );
  }

  close(): void {
    for (const unsubscribe of this.unsubscribe.splice(0)) unsubscribe();
  }
}
