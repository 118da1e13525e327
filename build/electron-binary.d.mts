/** The path of the installed Electron binary, or null when it was never downloaded. */
export function electronBinary(): string | null;
/** The binary's path, downloading it first when missing; or why it cannot be had. */
export function ensureElectronBinary(options?: {
  quiet?: boolean;
}): { binary: string; missing?: undefined } | { binary?: undefined; missing: string };
