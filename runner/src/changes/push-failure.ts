// What a failed `git ls-remote` or `git push` means for the person who asked,
// from git's own output: which code, and a sentence that says what to do.
// Never the credential: every text is redacted before it is read here.
import { messageOf } from '../environments/index.js';
import { ChangesError } from './types.js';

export interface PushContext {
  /** The remote without credentials, for messages. */
  remote: string;
  host: string;
  branch: string;
  /** The credential's name as the Environment gives it. */
  credentialName: string | undefined;
  /** Whether a credential for the host was used. */
  withCredential: boolean;
}

const UNREACHABLE =
  /Could not resolve host|Failed to connect|Connection refused|Connection timed out|Network is unreachable|Couldn't connect|Could not resolve hostname/i;
const AUTH =
  /Authentication failed|could not read (Username|Password)|returned error: 40[13]|HTTP 40[13]|Permission denied \(publickey|terminal prompts disabled|Invalid username or password/i;
const PROTECTED =
  /protected branch|GH006|pre-receive hook declined|pushes? to this branch (is|are) not allowed/i;
const MOVED = /stale info|non-fast-forward|\(fetch first\)|\[rejected\]/i;

/** The ChangesError for git's failure; `redact` removes every secret from git's output first. */
export function pushFailure(
  context: PushContext,
  cause: unknown,
  redact: (text: string) => string,
): ChangesError {
  const { stdout, stderr } = cause as { stdout?: unknown; stderr?: unknown };
  const output = redact(
    [stdout, stderr, messageOf(cause)].filter((t): t is string => typeof t === 'string' && !!t).join('\n'),
  );
  const fail = (code: ConstructorParameters<typeof ChangesError>[0], message: string) =>
    new ChangesError(code, message, { cause: new Error(output) });
  const { remote, host, branch, credentialName } = context;
  const lines = output.split('\n').map((l) => l.replace(/^(remote: )?(fatal|error|ssh): /, '').trim());
  const tail = lines.filter(Boolean).slice(-3).join(' ');
  if ((cause as { killed?: boolean }).killed) {
    return fail(
      'remote_error',
      `Pushing to ${remote} took too long and was stopped (${tail || 'no answer'}).`,
    );
  }
  if (PROTECTED.test(output)) {
    const said = lines.find((l) => /GH006|protected/i.test(l));
    return fail(
      'protected_branch',
      `${host} refused the push to the branch ${branch}: it is protected${said ? ` ("${said}")` : ''}. Push to another branch name, or ask the repository's administrators to allow pushes to it.`,
    );
  }
  if (AUTH.test(output)) {
    if (context.withCredential) {
      return fail(
        'auth_failed',
        `The remote refused the credential ${credentialName} for ${host}: check it in Settings → Secrets → Repository credentials (it must be current and allowed to push to ${remote}).`,
      );
    }
    return fail('no_credential', noCredential(host, remote, credentialName));
  }
  if (MOVED.test(output)) {
    return fail(
      'not_fast_forward',
      `The branch ${branch} on ${remote} has commits the session did not push (someone else pushed to it since). Push to a new branch name, or bring those commits into the workspace first.`,
    );
  }
  if (/Host key verification failed|No .*host key is known/i.test(output)) {
    return fail(
      'remote_error',
      `The SSH host key of ${host} is not in the runner's known hosts file; an administrator adds it (ssh-keyscan) to the file ORRERY_GIT_KNOWN_HOSTS names.`,
    );
  }
  if (/returned error: 30\d|redirect/i.test(output)) {
    return fail(
      'remote_error',
      `${host} answered the push with a redirect to another address; the runner does not follow it, so the credential goes to ${host} alone. Put the repository's current URL in the Environment.`,
    );
  }
  if (/not found|does not appear to be a git repository|returned error: 404/i.test(output)) {
    return fail(
      'remote_error',
      `${remote} was not found. Check the Environment's repository URL${context.withCredential ? ` and that ${credentialName} may push to it` : ''}.`,
    );
  }
  const unreachable = lines.find((line) => UNREACHABLE.test(line));
  if (unreachable) {
    return fail(
      'remote_error',
      `${host} cannot be reached from the runner (${unreachable}). Check the Environment's repository URL, or the runner's network.`,
    );
  }
  return fail('remote_error', `Pushing to ${remote} failed: ${tail}`);
}

/** The host asks for a login and the session has no credential for it. */
export function noCredential(host: string, remote: string, credentialName: string | undefined): string {
  const missing = credentialName
    ? ` The credential ${credentialName} the Environment names was not available to this session (it does not exist for the session's owner, or is for another host).`
    : '';
  return `${host} asks for a login to push to ${remote}: give this repository a repository credential for ${host} in the Environment (Settings → Secrets → Repository credentials).${missing}`;
}
