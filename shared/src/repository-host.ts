// The git host a repository URL talks to, as a repository credential names it
// ("github.com", "git.example.com:8443"): the server checks an Environment's
// credential against it, and the runner checks it again before sending one.
// (Parsed by hand: this package runs where there is no URL global.)

const DEFAULT_PORTS: Record<string, string> = { https: '443', http: '80', ssh: '22', git: '9418' };

/** The lower-case host[:port] of a remote git URL (https, http, ssh, git, or scp-like user@host:path); undefined for a local path. */
export function repositoryHost(url: string): string | undefined {
  // git's "transport::address" form (ext::, fd::) runs helpers: no host.
  if (/^[A-Za-z][A-Za-z0-9+.-]*::/.test(url)) return undefined;
  const scp = /^(?:[^/@:\s]+@)?([^/:\s[\]]+):(?!\/\/)/.exec(url);
  if (scp && !url.includes('://')) return scp[1]!.toLowerCase().replace(/\.$/, '');
  const parsed =
    /^(https?|ssh|git):\/\/(?:[^/@?#]*@)?(\[[0-9a-f:.]+\]|[^/:?#[\]]+)(?::(\d*))?(?:[/?#]|$)/i.exec(url);
  if (!parsed) return undefined;
  const scheme = parsed[1]!.toLowerCase();
  const name = parsed[2]!.toLowerCase().replace(/\.$/, '');
  const port = parsed[3];
  return port && port !== DEFAULT_PORTS[scheme] ? `${name}:${port}` : name;
}
