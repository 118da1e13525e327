// Builds what the journeys need and starts one shared stack (server + runner);
// journeys that stop the server start a stack of their own. Returns the teardown.
import { execFileSync } from 'node:child_process';
import { ROOT, startStack } from './stack.js';

export default async function globalSetup(): Promise<() => Promise<void>> {
  if (!process.env.ORRERY_E2E_SKIP_BUILD) {
    execFileSync('npx', ['tsc', '-b'], { cwd: ROOT, stdio: 'inherit' });
    execFileSync('npm', ['run', 'build', '-w', 'desktop'], { cwd: ROOT, stdio: 'inherit' });
  }
  const stack = await startStack({ name: 'shared', runner: true });
  process.env.ORRERY_E2E_URL = stack.url;
  return () => stack.stop();
}
