// Mounts the app with the platform its host provides. The web entry
// (main.tsx) passes the browser platform; the desktop shell's entry will pass
// one backed by its preload bridge.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { Platform } from '../platform/common/platform.js';
import { App } from './app/App.js';
import { startTheme } from './app/theme.js';
import './styles.css';

export function bootstrap(platform: Platform, options: { defaultServerUrl?: string } = {}): void {
  const root = document.getElementById('root');
  if (!root) throw new Error('index.html has no #root element.');
  // Before the first paint, so a dark-theme user never sees a light flash.
  startTheme();
  createRoot(root).render(
    <StrictMode>
      <App platform={platform} defaultServerUrl={options.defaultServerUrl} />
    </StrictMode>,
  );
}
