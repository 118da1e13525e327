// The git host a repository URL talks to, as a repository credential names it
// ("github.com", "git.example.com:8443"): the server checks an Environment's
// credential against it, and the runner checks it again before sending one.

/** The lower-case host[:port] of a remote git URL (https, http, ssh, git, or scp-like user@host:path); undefined for a local path. */
export function repositoryHost(url: string): string | undefined {
  const scp = /^(?:[^/@:\s]+@)?([^/:\s]+):(?!\/\/)/.exec(url);
  if (scp && !url.includes('://')) return scp[1]!.toLowerCase();
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (!['https:', 'http:', 'ssh:', 'git:'].includes(parsed.protocol) || !parsed.hostname) return undefined;
  return parsed.host.toLowerCase().replace(/\.(?=:|$)/, '');
}
