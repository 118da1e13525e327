// SSH engines: the remote host's key must be listed in a known_hosts file
// (plain or hashed entries, "[host]:port" for other ports), as OpenSSH's
// StrictHostKeyChecking=yes would require. An unknown host is refused.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';

export function hostKeyVerifier(
  knownHostsPath: string,
  host: string,
  port: number,
): (key: Buffer) => boolean {
  return (key) => knownKeysFor(readKnownHosts(knownHostsPath), host, port).includes(key.toString('base64'));
}

function readKnownHosts(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** The base64 keys known_hosts lists for host (and port), skipping revoked and CA lines. */
export function knownKeysFor(text: string, host: string, port: number): string[] {
  const name = port === 22 ? host : `[${host}]:${port}`;
  const keys: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith('@')) continue;
    const [patterns, , key] = line.split(/\s+/);
    if (!patterns || !key) continue;
    if (patterns.split(',').some((p) => matches(p, name))) keys.push(key);
  }
  return keys;
}

function matches(pattern: string, name: string): boolean {
  if (pattern.startsWith('|1|')) {
    const [, , salt, hash] = pattern.split('|');
    if (!salt || !hash) return false;
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
  }
  return pattern === name;
}
