// The names MCP tools are offered under. Both providers accept tool names of
// 1–64 characters from [A-Za-z0-9_-]; MCP allows more (dots, slashes, longer
// names), so the server's prefix and the tool's own name are made to fit,
// and two that would come out the same are told apart by a counter.

const MAX_NAME = 64;

export function offeredName(server: string, tool: string, taken: ReadonlySet<string>): string {
  const base = `${clean(server)}__${clean(tool) || 'tool'}`.slice(0, MAX_NAME);
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const suffix = `_${n}`;
    const name = `${base.slice(0, MAX_NAME - suffix.length)}${suffix}`;
    if (!taken.has(name)) return name;
  }
}

function clean(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, '_');
}
