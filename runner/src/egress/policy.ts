// The one rule for every connection the runner itself opens (model servers,
// git remotes, later remote MCP servers): it goes only to a place the
// provider publishes or an administrator lists, whoever wrote the Expert or
// Environment that names it. An Expert's author never picks where the
// runner's keys go.

/** What the runner connects to; each kind has its own administrator's list. */
export type EgressKind = 'model' | 'git' | 'mcp';

/** The variable an administrator sets for each kind: places separated by commas or spaces. */
export const EGRESS_VARIABLE: Record<EgressKind, string> = {
  model: 'ORRERY_MODEL_BASE_URLS',
  git: 'ORRERY_GIT_HOSTS',
  mcp: 'ORRERY_MCP_URLS',
};

/** Git hosts allowed when ORRERY_GIT_HOSTS is not set: the public forges. */
export const DEFAULT_GIT_HOSTS = ['github.com', 'gitlab.com', 'bitbucket.org', 'codeberg.org'];

const WHAT: Record<EgressKind, string> = {
  model: 'model server',
  git: 'git host',
  mcp: 'MCP server',
};

/** What is allowed, in words, for messages. */
const ALLOWED: Record<EgressKind, string> = {
  model: `it uses only the provider's own endpoint, the base URL the runner was configured with, and addresses an administrator lists in ${EGRESS_VARIABLE.model}`,
  git: `it fetches only from git hosts an administrator lists in ${EGRESS_VARIABLE.git} (by default ${DEFAULT_GIT_HOSTS.join(', ')})`,
  mcp: `it uses only MCP servers an administrator lists in ${EGRESS_VARIABLE.mcp}`,
};

/** The schemes the runner speaks per kind; anything else (file:, ext::, data:) is never a place to go. */
const SCHEMES: Record<EgressKind, readonly string[]> = {
  model: ['https:', 'http:'],
  mcp: ['https:', 'http:'],
  git: ['https:', 'http:', 'ssh:', 'git:'],
};

/**
 * A place: a URL prefix (scheme, host, port and path at a "/" boundary) or,
 * written without a scheme, a host name whose every port and scheme is allowed.
 */
export type Place = { kind: 'prefix'; url: URL } | { kind: 'host'; host: string };

export class EgressError extends Error {
  constructor(
    readonly kind: EgressKind,
    message: string,
  ) {
    super(message);
    this.name = 'EgressError';
  }
}

export class EgressPolicy {
  private constructor(private readonly places: Record<EgressKind, readonly Place[]>) {}

  /** Lists of places per kind; a kind left out keeps its default (none, or the public git forges). */
  static of(lists: Partial<Record<EgressKind, readonly string[] | undefined>> = {}): EgressPolicy {
    return new EgressPolicy({
      model: (lists.model ?? []).map((p) => parsePlace(p, 'model')),
      git: (lists.git ?? DEFAULT_GIT_HOSTS).map((p) => parsePlace(p, 'git')),
      mcp: (lists.mcp ?? []).map((p) => parsePlace(p, 'mcp')),
    });
  }

  /** This policy and `extra` places (a provider's official endpoint, an admin-set base URL); unusable ones add nothing. */
  with(kind: EgressKind, extra: readonly (string | undefined)[]): EgressPolicy {
    const added = extra.flatMap((p) => {
      const url = p ? parseTarget(p, kind) : undefined;
      return url ? [{ kind: 'prefix' as const, url }] : [];
    });
    return new EgressPolicy({ ...this.places, [kind]: [...this.places[kind], ...added] });
  }

  allows(kind: EgressKind, url: string): boolean {
    const target = parseTarget(url, kind);
    return !!target && this.places[kind].some((place) => matches(place, target));
  }

  /** Throws an EgressError that says what an administrator can do, unless the place is allowed. */
  check(kind: EgressKind, url: string, whose: string): void {
    if (this.allows(kind, url)) return;
    throw new EgressError(
      kind,
      `The runner does not connect to the ${WHAT[kind]} ${shown(url)} that ${whose} names: ${ALLOWED[kind]}. Use one of those, or ask an administrator to add this address to ${EGRESS_VARIABLE[kind]}.`,
    );
  }
}

/** The administrator's lists from the runner's environment; an unset variable keeps its kind's default. */
export function egressListsFromEnv(
  env: Record<string, string | undefined>,
): Record<EgressKind, string[] | undefined> {
  const list = (kind: EgressKind) => {
    const raw = env[EGRESS_VARIABLE[kind]];
    return raw === undefined ? undefined : raw.split(/[\s,]+/).filter(Boolean);
  };
  return { model: list('model'), git: list('git'), mcp: list('mcp') };
}

function parsePlace(raw: string, kind: EgressKind): Place {
  if (!raw.includes('://')) {
    const host = raw.toLowerCase().replace(/\.$/, '');
    if (!/^[a-z0-9.-]+$|^\[[0-9a-f:.]+\]$/.test(host)) {
      throw new EgressError(kind, `${EGRESS_VARIABLE[kind]}: "${raw}" is neither a host name nor a URL`);
    }
    return { kind: 'host', host };
  }
  const url = parseTarget(raw, kind);
  if (!url) {
    throw new EgressError(
      kind,
      `${EGRESS_VARIABLE[kind]}: "${shown(raw)}" is not a URL the runner can use (${SCHEMES[kind].join(' ')} without a user name or password)`,
    );
  }
  return { kind: 'prefix', url };
}

/** The URL the runner would open, or undefined when it is not one it may open at all. */
function parseTarget(raw: string, kind: EgressKind): URL | undefined {
  let url: URL;
  try {
    url = new URL(kind === 'git' ? scpToUrl(raw) : raw);
  } catch {
    return undefined;
  }
  if (!SCHEMES[kind].includes(url.protocol) || !url.hostname) return undefined;
  // Credentials in a model or MCP URL would travel with every request; a git user (git@) is ordinary.
  if (kind !== 'git' && (url.username || url.password)) return undefined;
  return url;
}

/** git's scp-like form, user@host:path, as the ssh URL it stands for. */
function scpToUrl(raw: string): string {
  // git's "transport::address" form (ext::, fd::) runs helpers rather than connecting: never a place.
  if (/^[A-Za-z][A-Za-z0-9+.-]*::/.test(raw)) return raw;
  const scp = /^([^/@:\s]+@)?([^/:\s]+):(?!\/\/)(.*)$/.exec(raw);
  if (!scp || raw.includes('://')) return raw;
  return `ssh://${scp[1] ?? ''}${scp[2]}/${scp[3]}`;
}

function matches(place: Place, target: URL): boolean {
  const host = target.hostname.toLowerCase().replace(/\.$/, '');
  if (place.kind === 'host') return host === place.host;
  const allowed = place.url;
  if (allowed.protocol !== target.protocol || allowed.host !== target.host) return false;
  const prefix = allowed.pathname.replace(/\/+$/, '');
  const path = target.pathname;
  return path === prefix || path.startsWith(`${prefix}/`);
}

/** A URL for messages: no credentials, no query. */
function shown(raw: string): string {
  return raw.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1***@').replace(/[?#].*$/, '');
}
