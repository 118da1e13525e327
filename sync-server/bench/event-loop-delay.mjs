// Preloaded into the server under benchmark (BENCH_NODE_ARGS="--import ./bench/event-loop-delay.mjs"):
// records the event loop's delay and, when the server stops, appends its
// percentiles to the file named by ORRERY_BENCH_ELD_FILE (one JSON line).
import { appendFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const file = process.env.ORRERY_BENCH_ELD_FILE;
if (file) {
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  histogram.enable();
  const ms = (ns) => Math.round((ns / 1e6) * 100) / 100;
  process.once('exit', () => {
    histogram.disable();
    const line = {
      p50: ms(histogram.percentile(50)),
      p99: ms(histogram.percentile(99)),
      max: ms(histogram.max),
      samples: histogram.count,
    };
    appendFileSync(file, `${JSON.stringify(line)}\n`);
  });
}
