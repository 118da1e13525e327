// The logger the server is handed: console in production, silent or captured in tests.
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export const consoleLogger: Logger = {
  info: (m) => console.log(`[sync-server] ${m}`),
  warn: (m) => console.warn(`[sync-server] ${m}`),
  error: (m) => console.error(`[sync-server] ${m}`),
};

export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };
