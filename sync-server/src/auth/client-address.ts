// The address a request came from, for sign-in throttling. X-Forwarded-For
// is believed only when the connection comes from a proxy an administrator
// listed in ORRERY_TRUSTED_PROXIES: anyone else can write whatever they like
// in it.
import { getConnInfo } from '@hono/node-server/conninfo';
import { ConfigError } from '@orrery/shared';
import type { Context } from 'hono';
import { BlockList, isIP } from 'node:net';

export const TRUSTED_PROXIES_VARIABLE = 'ORRERY_TRUSTED_PROXIES';

/** Parses a comma-separated list of addresses and CIDR ranges (IPv4 or IPv6). */
export function parseTrustedProxies(spec: string | undefined): BlockList {
  const list = new BlockList();
  for (const entry of (spec ?? '').split(',').map((e) => e.trim())) {
    if (!entry) continue;
    const [address = '', bits, extra] = entry.split('/');
    const family = isIP(address);
    const prefix = bits === undefined ? null : Number(bits);
    const max = family === 6 ? 128 : 32;
    if (
      !family ||
      extra !== undefined ||
      (prefix !== null && (!/^\d+$/.test(bits!) || prefix < 0 || prefix > max))
    ) {
      throw new ConfigError(
        TRUSTED_PROXIES_VARIABLE,
        `"${entry}" is not an IP address or a range like 10.0.0.0/8; list your proxies' addresses, separated by commas.`,
      );
    }
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (prefix === null) list.addAddress(address, type);
    else list.addSubnet(address, prefix, type);
  }
  return list;
}

/** The client's address: the socket's peer, or what trusted proxies say is behind them. */
export function clientAddress(c: Context, proxies: BlockList): string {
  let address = socketAddress(c);
  if (!address) return 'unknown';
  const forwarded = (c.req.header('x-forwarded-for') ?? '')
    .split(',')
    .map((a) => normalise(a.trim()))
    .filter((a) => isIP(a));
  // Walk back from the nearest hop while each hop is a proxy we trust.
  while (isTrusted(proxies, address) && forwarded.length) address = forwarded.pop()!;
  return address;
}

function socketAddress(c: Context): string | null {
  try {
    const address = getConnInfo(c).remote.address;
    return address ? normalise(address) : null;
  } catch {
    // app.request() in tests has no socket.
    return null;
  }
}

/** "::ffff:10.1.2.3" is the IPv4 address 10.1.2.3 on a dual-stack socket. */
function normalise(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? mapped[1]! : address.toLowerCase();
}

function isTrusted(proxies: BlockList, address: string): boolean {
  const family = isIP(address);
  return family !== 0 && proxies.check(address, family === 6 ? 'ipv6' : 'ipv4');
}
