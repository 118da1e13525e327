// What each runner last said about its Docker engines, for admins to read:
// a certificate the engine refuses or an engine that is down shows here, not
// only in the runner's log. Kept in memory; runners report on every change
// and every half minute, so a restarted server knows again within that time.
import type { EngineHealth, EnginesResponse } from '@orrery/shared';

/** A runner silent for this long may be gone; its engines are shown as stale. */
export const ENGINE_REPORT_STALE_MS = 90_000;

interface Report {
  engines: EngineHealth[];
  reportedAt: number;
}

export class EngineBoard {
  private readonly byOrg = new Map<string, Map<string, Report>>();

  constructor(private readonly clock: () => number) {}

  report(orgId: string, runnerId: string, engines: EngineHealth[]): void {
    let runners = this.byOrg.get(orgId);
    if (!runners) {
      runners = new Map();
      this.byOrg.set(orgId, runners);
    }
    runners.set(runnerId, { engines, reportedAt: this.clock() });
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

  /** Runners gone for a day are dropped, so restarts with new ids do not pile up. */
  private forgetLongGone(runners: Map<string, Report>): void {
    const cutoff = this.clock() - 24 * 60 * 60 * 1000;
    for (const [id, report] of runners) if (report.reportedAt < cutoff) runners.delete(id);
  }
}
