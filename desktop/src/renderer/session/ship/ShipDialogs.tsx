// The dialogs behind Commit…, Push branch and Open pull request…: each is
// prefilled from the server's draft, keeps what is typed (ship-drafts.ts),
// checks it with the server's own schema, and shows the server's sentence
// and what to do next when the action fails.
import {
  BranchName,
  type CommitResponse,
  type PullRequestResponse,
  type PushResponse,
  type ShipDraft,
} from '@orrery/shared';
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { useServices } from '../../app/services-context.js';
import { displayName } from '../../common/display-name.js';
import { Field } from '../../settings/common/Field.js';
import { ModalDialog } from '../SessionDialogs.js';
import { shipDrafts, type ShipDraftInput } from './ship-drafts.js';
import { shipFailure, type ShipFailure } from './ship-errors.js';
import { ShipFailureText } from './ShipFailureText.js';

interface DialogProps<R> {
  sessionId: string;
  repo: string;
  /** Null when it could not be read: the fields start empty and `draftFailure` says why. */
  draft: ShipDraft | null;
  draftFailure?: ShipFailure | null;
  onClose: () => void;
  onDone: (result: R) => void;
}

/** One field's text: what was typed before, else the server's proposal; typing keeps it. */
function useDraftField(sessionId: string, repo: string, key: keyof ShipDraftInput, proposed: string) {
  const [value, setValue] = useState(() => shipDrafts.get(sessionId, repo)[key] ?? proposed);
  const change = (next: string) => {
    setValue(next);
    shipDrafts.set(sessionId, repo, { [key]: next });
  };
  return [value, change] as const;
}

function branchProblem(branch: string): string | undefined {
  if (!branch.trim()) return 'Name the branch.';
  return BranchName.safeParse(branch).success
    ? undefined
    : 'Not a branch name git accepts: use letters, digits, “.”, “_”, “-” and “/”, with no “..” or spaces.';
}

/** Sends, and keeps the dialog (and what was typed) when it fails. */
function useSend<R>(onDone: (r: R) => void, forget: () => void) {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<ShipFailure | null>(null);
  const send = async (request: () => Promise<R>) => {
    setBusy(true);
    setFailure(null);
    try {
      const result = await request();
      forget();
      onDone(result);
    } catch (error) {
      setFailure(shipFailure(error));
      setBusy(false);
    }
  };
  return { busy, failure, send };
}

function DialogShell({
  title,
  repo,
  onClose,
  onSubmit,
  draftFailure,
  failure,
  submit,
  children,
}: {
  title: string;
  repo: string;
  onClose: () => void;
  onSubmit: () => void;
  draftFailure: ShipFailure | null | undefined;
  failure: ShipFailure | null;
  submit: ReactNode;
  children: ReactNode;
}) {
  const titleId = useId();
  return (
    <ModalDialog titleId={titleId} title={title} onClose={onClose}>
      <form
        className="ship-dialog"
        noValidate
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          onSubmit();
        }}
      >
        <p className="muted ship-dialog-repo">
          Repository: <code>{repo ? displayName(repo) : '/workspace'}</code>
        </p>
        {draftFailure && (
          <p className="field-hint" role="note">
            No proposal could be read ({draftFailure.message}); write your own.
          </p>
        )}
        {children}
        {failure && <ShipFailureText failure={failure} />}
        <div className="dialog-actions">
          {submit}
          <button type="button" className="secondary" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}

export function CommitDialog(props: DialogProps<CommitResponse>) {
  const { sessionId, repo, draft } = props;
  const { api } = useServices();
  const [message, setMessage] = useDraftField(sessionId, repo, 'commitMessage', draft?.commitMessage ?? '');
  const [problem, setProblem] = useState<string | undefined>();
  const { busy, failure, send } = useSend(props.onDone, () =>
    shipDrafts.forget(sessionId, repo, ['commitMessage']),
  );
  const submit = () => {
    const missing = message.trim() ? undefined : 'Write a commit message.';
    setProblem(missing);
    if (!missing) void send(() => api.commitChanges(sessionId, { repo, message }));
  };
  return (
    <DialogShell
      title="Commit changes"
      repo={repo}
      onClose={props.onClose}
      onSubmit={submit}
      draftFailure={props.draftFailure}
      failure={failure}
      submit={
        <button type="submit" disabled={busy}>
          {busy ? 'Committing…' : 'Commit'}
        </button>
      }
    >
      <Field
        label="Commit message"
        error={problem}
        hint="Proposed from the conversation. Every change is committed: new, changed and deleted files."
      >
        <textarea
          className="ship-message"
          rows={8}
          spellCheck
          value={message}
          data-autofocus
          onChange={(e) => {
            setMessage(e.target.value);
            if (problem && e.target.value.trim()) setProblem(undefined);
          }}
        />
      </Field>
    </DialogShell>
  );
}

export function PushDialog(props: DialogProps<PushResponse>) {
  const { sessionId, repo, draft } = props;
  const { api } = useServices();
  const [branch, setBranch] = useDraftField(sessionId, repo, 'branch', draft?.branch ?? '');
  const [problem, setProblem] = useState<string | undefined>();
  const { busy, failure, send } = useSend(props.onDone, () => shipDrafts.forget(sessionId, repo, ['branch']));
  const submit = () => {
    const found = branchProblem(branch);
    setProblem(found);
    if (!found) void send(() => api.pushBranch(sessionId, { repo, branch: branch.trim() }));
  };
  return (
    <DialogShell
      title="Push branch"
      repo={repo}
      onClose={props.onClose}
      onSubmit={submit}
      draftFailure={props.draftFailure}
      failure={failure}
      submit={
        <button type="submit" disabled={busy} data-autofocus>
          {busy ? 'Pushing…' : 'Push'}
        </button>
      }
    >
      <p>
        Pushes the repository’s commits to <code>{branch || '…'}</code>
        {draft?.remote ? (
          <>
            {' '}
            on <span className="ship-remote">{draft.remote}</span>
          </>
        ) : null}
        . The session never force-pushes a branch it did not create.
      </p>
      <BranchField branch={branch} setBranch={setBranch} problem={problem} />
    </DialogShell>
  );
}

function BranchField({
  branch,
  setBranch,
  problem,
}: {
  branch: string;
  setBranch: (b: string) => void;
  problem: string | undefined;
}) {
  return (
    <details className="ship-advanced" open={!!problem || undefined}>
      <summary>Advanced</summary>
      <Field label="Branch" error={problem} hint="A new branch named from the session, unless you change it.">
        <input
          value={branch}
          autoComplete="off"
          autoCapitalize="off"
          spellCheck={false}
          onChange={(e) => setBranch(e.target.value)}
        />
      </Field>
    </details>
  );
}

export function PullRequestDialog(props: DialogProps<PullRequestResponse>) {
  const { sessionId, repo, draft } = props;
  const { api } = useServices();
  const [title, setTitle] = useDraftField(sessionId, repo, 'title', draft?.pullRequest.title ?? '');
  const [body, setBody] = useDraftField(sessionId, repo, 'body', draft?.pullRequest.body ?? '');
  const [base, setBase] = useDraftField(sessionId, repo, 'base', draft?.baseBranch ?? '');
  const [branch, setBranch] = useDraftField(sessionId, repo, 'branch', draft?.branch ?? '');
  const [problems, setProblems] = useState<Record<string, string | undefined>>({});
  const { busy, failure, send } = useSend(props.onDone, () =>
    shipDrafts.forget(sessionId, repo, ['title', 'body', 'base', 'branch']),
  );
  const gitlab = draft?.forge === 'gitlab';
  const submit = () => {
    const found = {
      title: title.trim() ? undefined : 'Give it a title.',
      base: base.trim() ? branchProblem(base) : undefined,
      branch: branch.trim() ? branchProblem(branch) : undefined,
    };
    setProblems(found);
    if (Object.values(found).some(Boolean)) return;
    void send(() =>
      api.openPullRequest(sessionId, {
        repo,
        title,
        body,
        ...(base.trim() ? { base: base.trim() } : {}),
        ...(branch.trim() ? { branch: branch.trim() } : {}),
      }),
    );
  };
  return (
    <DialogShell
      title={gitlab ? 'Open merge request' : 'Open pull request'}
      repo={repo}
      onClose={props.onClose}
      onSubmit={submit}
      draftFailure={props.draftFailure}
      failure={failure}
      submit={
        <button type="submit" disabled={busy}>
          {busy ? 'Opening…' : gitlab ? 'Open merge request' : 'Open pull request'}
        </button>
      }
    >
      <Field label="Title" error={problems.title}>
        <input value={title} maxLength={256} data-autofocus onChange={(e) => setTitle(e.target.value)} />
      </Field>
      <Field label="Description" hint="Markdown. Drafted from the conversation.">
        <textarea
          className="ship-body"
          rows={9}
          spellCheck
          value={body}
          onChange={(e) => setBody(e.target.value)}
        />
      </Field>
      <Field
        label="Base branch"
        error={problems.base}
        hint="The branch it merges into; empty for the one the Environment checks out."
      >
        <input
          value={base}
          autoComplete="off"
          autoCapitalize="off"
          spellCheck={false}
          onChange={(e) => setBase(e.target.value)}
        />
      </Field>
      <p className="field-hint">The branch is pushed first when the remote does not have it yet.</p>
      <BranchField branch={branch} setBranch={setBranch} problem={problems.branch} />
    </DialogShell>
  );
}
