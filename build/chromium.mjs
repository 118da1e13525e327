// How every part launches Debian's Chromium (component tests, journeys,
// benchmarks, icon rendering): where it is (CHROMIUM_PATH overrides) and the
// flags that keep it headless and off the network. build/setup.sh installs it.
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const CHROMIUM_LAUNCH = { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS };
