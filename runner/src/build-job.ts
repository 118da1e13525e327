// A 'build_environment' job: build the Environment's snapshot as the build
// record says, streaming its steps and log lines to the server in small
// batches, and end the record ready or failed (naming the step). Builds see
// no one's secrets; what they print is already redacted by the manager.
import type { BuildReport, Job } from '@orrery/shared';
import { environmentDefinition } from './agent/turn.js';
import type { EnvironmentManager, SnapshotStep } from './environments/index.js';
import type { ServerClient } from './server-client.js';

/** Lines go up at most this often, or sooner when this many wait. */
const FLUSH_MS = 200;
const FLUSH_LINES = 200;
/** A line longer than this is cut (the server keeps 8,000 characters). */
const MAX_LINE = 4_000;

type Line = BuildReport['lines'][number];

export async function runBuildJob(
  job: Job,
  deps: { server: ServerClient; environments: EnvironmentManager },
): Promise<void> {
  if (!job.buildId) throw new Error('a build job without a build');
  const context = await deps.server.buildContext(job.buildId);
  const definition = environmentDefinition(context);
  if (!definition) throw new Error('the build has no Environment');
  const outbox = new Outbox((report) => deps.server.buildReport(job, report));
  outbox.send({ started: true });
  let step: SnapshotStep = 'starting';
  try {
    await deps.environments.buildSnapshot(
      definition,
      {
        onStep: (next) => {
          step = next;
          outbox.send({ step: next });
        },
        onLog: (entry) => {
          // Output arrives in chunks; each line is one entry of the log.
          for (const text of entry.text.split('\n')) {
            if (text.trim()) outbox.line({ stream: entry.stream, text: text.slice(0, MAX_LINE) });
          }
        },
      },
      context.repositoryCredentials,
    );
    outbox.send({ step: 'done', outcome: { status: 'ready', error: null } });
  } catch (error) {
    // The manager's message names what failed and why (exit code, the last lines of stderr); the step says where.
    const message = error instanceof Error ? error.message : String(error);
    outbox.send({ step, outcome: { status: 'failed', error: message.slice(0, 4_000) } });
  }
  await outbox.drained();
}

/** Reports in order, lines batched; one request at a time. */
class Outbox {
  private pending: Line[] = [];
  private chain: Promise<void> = Promise.resolve();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private failure: Error | undefined;

  constructor(private readonly post: (report: Omit<BuildReport, 'leaseToken'>) => Promise<void>) {}

  line(line: Line): void {
    this.pending.push(line);
    if (this.pending.length >= FLUSH_LINES) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  /** Sends what waits with this report (steps and outcomes travel after the lines before them). */
  send(report: Omit<BuildReport, 'leaseToken' | 'lines'>): void {
    this.flush(report);
  }

  private flush(extra: Omit<BuildReport, 'leaseToken' | 'lines'> = {}): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const lines = this.pending.splice(0);
    if (lines.length === 0 && Object.keys(extra).length === 0) return;
    this.chain = this.chain.then(async () => {
      for (let i = 0; i < Math.max(lines.length, 1); i += 500) {
        const last = i + 500 >= lines.length;
        await this.post({ lines: lines.slice(i, i + 500), ...(last ? extra : {}) }).catch(
          (error: unknown) => {
            this.failure ??= error instanceof Error ? error : new Error(String(error));
          },
        );
      }
    });
  }

  /** Resolves once everything was sent; throws the first failure (the lease was lost, say). */
  async drained(): Promise<void> {
    this.flush();
    await this.chain;
    if (this.failure) throw this.failure;
  }
}
