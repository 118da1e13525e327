// Secrets at rest: AES-256-GCM under one key per server, kept beside the
// database (or given as ORRERY_SECRETS_KEY). Each value is sealed with the
// organisation, owner and name it belongs to as associated data, so a sealed
// value copied onto another row does not open.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const SECRETS_KEY_FILE = 'secrets.key';

export class SecretBoxError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SecretBoxError';
  }
}

export class SecretBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== KEY_BYTES) throw new SecretBoxError(`A secrets key is ${KEY_BYTES} bytes.`);
  }

  /** iv ‖ tag ‖ ciphertext */
  seal(value: string, context: string): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }

  open(sealed: Buffer, context: string): string {
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, sealed.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([
        decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    } catch (cause) {
      throw new SecretBoxError('The secret does not open with this server’s key.', { cause });
    }
  }
}

/**
 * The server's secrets key: ORRERY_SECRETS_KEY when set (32 bytes, base64),
 * else <dataDir>/secrets.key, created (readable by this user only) on first use.
 */
export function loadSecretsKey(dataDir: string, fromEnv?: string): Buffer {
  if (fromEnv?.trim()) return parseKey(fromEnv, 'ORRERY_SECRETS_KEY');
  const file = path.join(dataDir, SECRETS_KEY_FILE);
  if (existsSync(file)) return parseKey(readFileSync(file, 'utf8'), file);
  const key = randomBytes(KEY_BYTES);
  writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  return key;
}

function parseKey(text: string, where: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== KEY_BYTES) {
    throw new SecretBoxError(
      `${where} must hold ${KEY_BYTES} random bytes in base64 (for example the output of "openssl rand -base64 32"). ` +
        'Restore the key the secrets were saved with; without it they cannot be read.',
    );
  }
  return key;
}
