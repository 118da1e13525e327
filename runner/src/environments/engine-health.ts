// How each engine is doing, as the event followers see it: up, down (an
// outage, retried) or refused (certificates or login; retrying does not help).
// The daemon reports it to the server, where admins read it.
import type { EngineHealth } from '@orrery/shared';
import type { Engine } from './engines.js';
import { engineAccessProblem, engineErrorText } from './errors.js';
import { text } from './status-text.js';

export class EngineHealthBoard {
  private readonly health = new Map<string, EngineHealth>();
  private readonly listeners = new Set<() => void>();

  constructor(
    engines: Engine[],
    private readonly clock: () => number,
  ) {
    // Until its first answer an engine counts as down: nothing has reached it yet.
    for (const engine of engines) {
      this.health.set(engine.name, {
        name: engine.name,
        address: engine.address,
        state: 'down',
        detail: 'Not reached yet.',
        since: clock(),
      });
    }
  }

  up(engine: Engine): void {
    this.set(engine, 'up', '');
  }

  down(engine: Engine, error: unknown): void {
    const refused = engineAccessProblem(error, engine);
    if (refused) this.set(engine, 'refused', refused);
    else this.set(engine, 'down', text.engineDown(engine.name, engineErrorText(error, engine)));
  }

  list(): EngineHealth[] {
    return [...this.health.values()];
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private set(engine: Engine, state: EngineHealth['state'], detail: string): void {
    const current = this.health.get(engine.name);
    if (current?.state === state && current.detail === detail) return;
    const since = current?.state === state ? current.since : this.clock();
    this.health.set(engine.name, { name: engine.name, address: engine.address, state, detail, since });
    for (const listener of this.listeners) listener();
  }
}
