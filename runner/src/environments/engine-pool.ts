// The engines a manager places sessions on, with a placement rule, and each
// engine's network mode once "auto" is resolved against what it offers.
import type { Engine } from './engines.js';
import { engineAccessProblem, engineErrorText, EnvironmentError } from './errors.js';
import { LABEL, ownedBy } from './naming.js';

export interface EngineLoad {
  engine: Engine;
  /** Session containers of this runner scope on the engine. */
  sessions: number;
}

/**
 * 'spread': the engine with the fewest session containers (ties: config order);
 * 'fill': the first engine in config order with room. Or a function of the loads.
 */
export type PlacementRule = 'spread' | 'fill' | ((loads: EngineLoad[]) => Engine);

export class EnginePool {
  private readonly networks = new Map<string, Promise<string>>();

  constructor(
    readonly engines: Engine[],
    private readonly placement: PlacementRule,
    private readonly scope: string,
    private readonly installation?: string,
  ) {
    if (engines.length === 0)
      throw new EnvironmentError('bad_request', 'The Environment manager needs at least one engine');
    const names = new Set(engines.map((e) => e.name));
    if (names.size !== engines.length)
      throw new EnvironmentError('bad_request', 'Two engines have the same name');
  }

  get(name: string | undefined): Engine | undefined {
    return this.engines.find((e) => e.name === name);
  }

  /** The engine's network mode; "auto" becomes "bridge" when the engine has one, else "none". */
  networkFor(engine: Engine): Promise<string> {
    if (engine.networkMode !== 'auto') return Promise.resolve(engine.networkMode);
    let known = this.networks.get(engine.name);
    if (!known) {
      known = engine.docker
        .listNetworks()
        .then((list) => (list.some((n) => n.Name === 'bridge') ? 'bridge' : 'none'));
      known.catch(() => this.networks.delete(engine.name));
      this.networks.set(engine.name, known);
    }
    return known;
  }

  /** Chooses an engine for a new session container among those that answer and have room. */
  async place(): Promise<Engine> {
    const loads: EngineLoad[] = [];
    const problems: string[] = [];
    let refusals = 0;
    for (const engine of this.engines) {
      try {
        const containers = await engine.docker.listContainers({
          all: true,
          filters: { label: ownedBy(this.scope, this.installation, `${LABEL.role}=session`) },
        });
        if (engine.maxContainers !== undefined && containers.length >= engine.maxContainers) {
          problems.push(`${engine.name} is full (${containers.length} of ${engine.maxContainers})`);
          continue;
        }
        loads.push({ engine, sessions: containers.length });
      } catch (error) {
        const refused = engineAccessProblem(error, engine);
        if (refused) refusals += 1;
        problems.push(refused ?? `${engine.name} at ${engine.address}: ${engineErrorText(error, engine)}`);
      }
    }
    if (loads.length === 0) {
      const allRefused = refusals === this.engines.length;
      throw new EnvironmentError(
        allRefused ? 'engine_refused' : 'engine_unavailable',
        allRefused && problems.length === 1
          ? problems[0]!
          : `No Docker engine can take the Environment: ${problems.join('; ')}`,
      );
    }
    if (typeof this.placement === 'function') return this.placement(loads);
    if (this.placement === 'fill') return loads[0]!.engine;
    return loads.reduce((best, load) => (load.sessions < best.sessions ? load : best)).engine;
  }
}
