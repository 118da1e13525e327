// What went wrong with a secret, in words a person can act on, and which field
// it belongs beside. The server's own message is kept where it is already
// specific; the codes it shares with every route get a sentence about secrets.
import type { SecretScope } from '@orrery/shared';
import { ApiError, describeError } from '../api/api-error.js';

export type SecretAction = 'load' | 'save' | 'delete';

export interface SecretErrorText {
  /** The form field the problem is about, when there is one. */
  field: 'name' | 'value' | null;
  text: string;
}

export function describeSecretError(
  error: unknown,
  action: SecretAction,
  target?: { scope: SecretScope; name: string },
): SecretErrorText {
  const plain = (text: string): SecretErrorText => ({ field: null, text });
  const name = target?.name ?? 'The secret';
  if (!(error instanceof ApiError)) return plain(describeError(error));
  switch (error.code) {
    case 'offline':
      if (action === 'load')
        return plain(
          'Secrets cannot be loaded while offline. They are never kept on this device, so this page needs the server.',
        );
      return plain(
        action === 'save'
          ? 'You are offline, so nothing was saved. Save again once the server is reachable.'
          : `You are offline, so ${name} was not deleted. Try again once the server is reachable.`,
      );
    case 'forbidden':
      if (target?.scope === 'shared')
        return plain(
          action === 'delete'
            ? 'Only admins can delete shared secrets. Ask an admin of your organisation.'
            : 'Only admins can change shared secrets. Save it as a private secret instead, or ask an admin.',
        );
      return plain(error.message);
    case 'not_found':
      return plain(
        action === 'delete' ? `${name} was already deleted.` : `${name} no longer exists: ${error.message}`,
      );
    case 'payload_too_large':
      return { field: 'value', text: 'The value is too large: a secret holds at most 64 KB.' };
    case 'unauthenticated':
      return plain('Your sign-in has expired or was revoked. Sign out and sign in again.');
    case 'validation_failed':
      return fromFields(error);
    default:
      return plain(error.message);
  }
}

/** The first field problem the server named, beside its field; the overall message otherwise. */
function fromFields(error: ApiError): SecretErrorText {
  for (const [path, message] of Object.entries(error.fields)) {
    const key = path.split('.').pop();
    if (key === 'value') return { field: 'value', text: sentence(`The value ${message}`) };
    if (key === 'name') return { field: 'name', text: sentence(`The name ${message}`) };
  }
  return { field: null, text: error.message };
}

function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}
