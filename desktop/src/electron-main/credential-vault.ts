// Keeps the signed-in account (server, token, user) encrypted on disk. In the
// app the cipher is Electron's safeStorage (the OS keychain); tests pass their own.
import { StoredAccount } from '@orrery/shared';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

export interface Cipher {
  isAvailable(): boolean;
  encrypt(plain: string): Buffer;
  decrypt(sealed: Buffer): string;
}

export class CredentialVault {
  constructor(
    private readonly file: string,
    private readonly cipher: Cipher,
  ) {}

  load(): StoredAccount | null {
    if (!existsSync(this.file)) return null;
    try {
      const parsed = StoredAccount.safeParse(JSON.parse(this.cipher.decrypt(readFileSync(this.file))));
      return parsed.success ? parsed.data : null;
    } catch {
      // Unreadable (another OS user, a reset keychain): the user signs in again.
      return null;
    }
  }

  save(account: StoredAccount): void {
    if (!this.cipher.isAvailable()) {
      throw new Error(
        'This system offers no secure storage for your sign-in (no keychain or secret service is running), so it is kept for this session only.',
      );
    }
    writeFileSync(this.file, this.cipher.encrypt(JSON.stringify(account)), { mode: 0o600 });
  }

  clear(): void {
    rmSync(this.file, { force: true });
  }
}
