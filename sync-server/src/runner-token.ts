// The token of the runner beside this sync server, in <dataDir>/runner.token.
// Each start makes a fresh one and revokes only this server's previous one
// (the token in the file, and any named after this host and data folder), so
// several sync servers on one database never revoke each other's runners.
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import type { Accounts } from './records/accounts.js';

/** What this needs of the accounts records. */
type RunnerTokenAccounts = Pick<
  Accounts,
  'resolve' | 'revokeToken' | 'revokeServiceTokensNamed' | 'issueServiceToken'
>;

/** The name of this server's runner token, as admins see it in the list of service tokens. */
function localRunnerName(dataDir: string): string {
  return `local runner (${hostname()}:${path.resolve(dataDir)})`;
}

/**
 * Writes a fresh token for the local runner and returns it; `closeToken`
 * closes the sockets of each token revoked.
 */
export async function renewLocalRunnerToken(options: {
  accounts: RunnerTokenAccounts;
  orgId: string;
  dataDir: string;
  closeToken: (tokenId: string) => void;
}): Promise<string> {
  const { accounts, orgId, dataDir, closeToken } = options;
  const file = path.join(dataDir, 'runner.token');
  const previous = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
  // Also the token of a release that named every server's runner token alike.
  const owned = previous ? await accounts.resolve(previous) : null;
  if (owned?.kind === 'service' && owned.orgId === orgId) {
    if (await accounts.revokeToken(orgId, owned.tokenId, 'service')) closeToken(owned.tokenId);
  }
  const name = localRunnerName(dataDir);
  for (const id of await accounts.revokeServiceTokensNamed(orgId, name)) closeToken(id);
  const { token } = await accounts.issueServiceToken(orgId, name);
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return token;
}
