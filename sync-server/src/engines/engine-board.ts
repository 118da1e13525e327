// What each runner last said about its Docker engines, for admins to read:
// a certificate the engine refuses or an engine that is down shows here, not
// only in the runner's log. Kept in memory; runners report on every change
// and every half minute, so a restarted server knows again within that time.
import {
  ModelProvider,
  providerUnavailableReason,
  type EngineHealth,
  type EnginesResponse,
  type ModelProviderStatus,
} from '@orrery/shared';

/** A runner silent for this long may be gone; its engines are shown as stale. */
export const ENGINE_REPORT_STALE_MS = 90_000;

interface Report {
  engines: EngineHealth[];
  /** The providers it holds keys for; undefined from a runner too old to say. */
  providers: ModelProvider[] | undefined;
  reportedAt: number;
}

export class EngineBoard {
  private readonly byOrg = new Map<string, Map<string, Report>>();

  constructor(private readonly clock: () => number) {}

  report(orgId: string, runnerId: string, engines: EngineHealth[], providers?: ModelProvider[]): void {
    let runners = this.byOrg.get(orgId);
    if (!runners) {
      runners = new Map();
      this.byOrg.set(orgId, runners);
    }
    runners.set(runnerId, { engines, providers, reportedAt: this.clock() });
    this.forgetLongGone(runners);
  }

  list(orgId: string): EnginesResponse['engines'] {
    const now = this.clock();
    const out: EnginesResponse['engines'] = [];
    for (const [runnerId, report] of this.byOrg.get(orgId) ?? []) {
      const stale = now - report.reportedAt > ENGINE_REPORT_STALE_MS;
      for (const engine of report.engines)
        out.push({ ...engine, runnerId, reportedAt: report.reportedAt, stale });
    }
    return out.sort((a, b) => a.runnerId.localeCompare(b.runnerId) || a.name.localeCompare(b.name));
  }

  /**
   * Which model providers can run now, from the runners that reported lately.
   * Before any runner of the organisation has reported (a server just
   * started), nothing is known and nothing is refused: sessions wait for a runner.
   * A key stored in Settings reaches every runner, so it counts once one is connected.
   */
  providers(orgId: string, storedKeys: readonly ModelProvider[] = []): ModelProviderStatus[] {
    const runners = [...(this.byOrg.get(orgId)?.values() ?? [])];
    const now = this.clock();
    const live = runners.filter((r) => now - r.reportedAt <= ENGINE_REPORT_STALE_MS);
    return ModelProvider.options.map((provider) => {
      const available =
        runners.length === 0 ||
        live.some(
          (r) =>
            provider === 'shell' ||
            storedKeys.includes(provider) ||
            !r.providers ||
            r.providers.includes(provider),
        );
      return {
        provider,
        available,
        reason: available ? null : providerUnavailableReason(provider, live.length > 0),
      };
    });
  }

  /** Runners gone for a day are dropped, so restarts with new ids do not pile up. */
  private forgetLongGone(runners: Map<string, Report>): void {
    const cutoff = this.clock() - 24 * 60 * 60 * 1000;
    for (const [id, report] of runners) if (report.reportedAt < cutoff) runners.delete(id);
  }
}
