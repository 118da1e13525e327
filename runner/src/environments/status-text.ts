// The sentences people read about their Environment. Each says what happened
// and what happens next.

export function humanDuration(ms: number): string {
  const units: [number, string][] = [
    [24 * 60 * 60 * 1000, 'day'],
    [60 * 60 * 1000, 'hour'],
    [60 * 1000, 'minute'],
    [1000, 'second'],
  ];
  for (const [size, name] of units) {
    // "24 hours" reads better than "1 day"; days start at two.
    if (ms >= (name === 'day' ? 2 * size : size)) {
      const n = Math.round((ms / size) * 10) / 10;
      return `${n} ${name}${n === 1 ? '' : 's'}`;
    }
  }
  return `${ms} ms`;
}

/** Why a container ended without the manager asking it to (see restarts.ts). */
export type LossCause = 'external' | 'dead' | 'oom' | 'exited' | 'start_failed';

const KEEPS: Record<LossCause, string> = {
  external: 'being removed outside Orrery',
  dead: 'breaking',
  oom: 'running out of memory',
  exited: 'stopping unexpectedly',
  start_failed: 'failing to start',
};

const KEEPS_ADVICE: Record<LossCause, string> = {
  external:
    'Something else on its Docker engine removes it (another Orrery installation or a clean-up script, for example); stop that first.',
  dead: 'Check the Docker engine’s health and free disk space.',
  oom: 'Give the Environment’s commands less to do at once, or the runner more memory for containers.',
  exited: 'Check the Environment’s image and the Docker engine’s log.',
  start_failed: 'Check the Environment’s image and the Docker engine’s log.',
};

const STARTS_AGAIN = 'It starts again when you send a message.';
const CLEAN_NEXT =
  'The next message starts it again from a clean copy of the Environment; uncommitted changes are lost.';

export const text = {
  building: (name: string, step?: string) =>
    `Building the Environment “${name}”${step ? `: ${step}` : ''}. This happens once; later sessions start from the snapshot.`,
  /** A build's latest output line, shown to sessions that wait for it. */
  buildingWithOutput: (name: string, step: string | undefined, line: string) =>
    `Building the Environment “${name}”${step ? `: ${step}` : ''}. Latest output: ${line}`,
  starting: () => 'Starting the Environment.',
  resuming: () => 'Resuming the Environment.',
  running: () => 'The Environment is running.',
  runningAgainClean: () =>
    'The Environment is running again from a clean copy; changes that were not committed before it was removed are gone.',
  restartingClean: (why: string) =>
    `Starting from a clean copy of the Environment: ${why}. Uncommitted changes in its workspace are lost.`,
  idlePaused: (idleMs: number) => `Paused after ${humanDuration(idleMs)} without activity. ${STARTS_AGAIN}`,
  paused: () => `Paused. ${STARTS_AGAIN}`,
  pausedOutside: () => `Paused outside Orrery. ${STARTS_AGAIN}`,
  maxRunStopped: (maxRunMs: number) =>
    `Stopped after running ${humanDuration(maxRunMs)}, the longest an Environment runs at a time. ${STARTS_AGAIN}`,
  stopped: () => `Stopped. ${STARTS_AGAIN}`,
  stoppedUnexpectedly: (exitCode: number, oom: boolean) =>
    `The Environment stopped unexpectedly (${oom ? 'it ran out of memory' : `exit code ${exitCode}`}). ${STARTS_AGAIN}`,
  removedAfterPause: (ms: number) =>
    `Removed after ${humanDuration(ms)} without use, to free its resources. ${CLEAN_NEXT}`,
  removedOutside: () => `The Environment's container was removed outside Orrery. ${CLEAN_NEXT}`,
  removed: () => 'The Environment was removed with its session.',
  engineDown: (engine: string, reason: string) =>
    `Cannot reach the Docker engine “${engine}” (${reason}). Retrying; the Environment comes back when the engine does.`,
  noEngine: (reason: string) => `${reason}. Retrying; the Environment starts when an engine answers.`,
  failed: (message: string) => message,
  startFailed: (reason: string) =>
    `The Environment's container failed to start (${reason}). Check the Environment's image, then send your message again.`,
  /** The transcript notice for each way a container can be lost: one per loss, naming its cause. */
  notice: {
    longPause: () =>
      'This Environment had been paused for a long time, so it restarted from a clean state: uncommitted changes in its workspace were lost.',
    external: () =>
      "The Environment's container was removed outside Orrery, so uncommitted changes in its workspace were lost. It starts again from a clean copy when it is next needed.",
    dead: () =>
      "The Environment's container broke and had to be replaced, so uncommitted changes in its workspace were lost. It starts again from a clean copy.",
    oom: () =>
      'The Environment ran out of memory and stopped; whatever was running in it was stopped. It starts again when it is next needed, with its files kept.',
    exited: (exitCode: number) =>
      `The Environment stopped unexpectedly (exit code ${exitCode}); whatever was running in it was stopped. It starts again when it is next needed, with its files kept.`,
  },
  keepsFailing: (cause: LossCause, times: number, windowMs: number) =>
    `The Environment's container keeps ${KEEPS[cause]} (${times} times within ${humanDuration(windowMs)}), so Orrery stopped starting it again. ${KEEPS_ADVICE[cause]} Your next message starts it again.`,
  whyClean: {
    long_pause: (ms: number) => `it was unused for more than ${humanDuration(ms)} and was removed`,
    external: () => 'its container was removed outside Orrery',
    dead: () => 'its container was broken and had to be replaced',
  },
};
