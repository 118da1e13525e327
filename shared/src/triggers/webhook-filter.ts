// Whether a webhook's payload passes its filter: the server skips events that
// do not, and the app's test box answers with the same function.
export interface PayloadFilter {
  /** A dotted path into the JSON payload, e.g. "action" or "pull_request.state". */
  path: string;
  equals: string | number | boolean | null;
}

/** The value at a dotted path, or `missing` when the payload has nothing there. */
export function valueAt(payload: unknown, path: string): { found: true; value: unknown } | { found: false } {
  let value: unknown = payload;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return { found: false };
    value = (value as Record<string, unknown>)[key];
  }
  return { found: true, value };
}

export function passesFilter(payload: unknown, filter: PayloadFilter | null | undefined): boolean {
  if (!filter) return true;
  const at = valueAt(payload, filter.path);
  return at.found && at.value === filter.equals;
}
