// Home: choose an Expert, describe the task in the prompt box at the bottom,
// start the session.
import type { AttachmentRef } from '@orrery/shared';
import { useEffect } from 'react';
import { describeError } from '../api/api-error.js';
import { navigate } from '../app/router.js';
import { useServices } from '../app/services-context.js';
import type { Uploader } from '../composer/attachments/use-attachments.js';
import { Composer, SHELL_ENHANCE_OFF } from '../composer/Composer.js';
import type { SlashCommand } from '../composer/slash-commands.js';
import { useDraft } from '../composer/use-draft.js';
import { useUi } from '../state/store.js';
import { useExperts } from './use-experts.js';
import { useModelProviders } from '../common/use-model-providers.js';
import { displayName } from '../common/display-name.js';

const HOME_DRAFT = '_home';

export function Home() {
  const { api, sessionList, userDoc, account } = useServices();
  const experts = useExperts();
  const { unavailable } = useModelProviders();
  const selected = useUi((s) => s.homeExpertId);
  const select = useUi((s) => s.setHomeExpertId);
  const showToast = useUi((s) => s.showToast);
  const setShortcutsOpen = useUi((s) => s.setShortcutsOpen);
  const draft = useDraft(HOME_DRAFT);

  const list = experts.status === 'ready' ? experts.experts : [];
  const chosen = list.find((e) => e.id === selected) ?? list[0] ?? null;
  const chosenUnavailable = chosen ? unavailable(chosen.model) : null;
  useEffect(() => {
    if (chosen && chosen.id !== selected) select(chosen.id);
  }, [chosen, selected, select]);

  const commands: SlashCommand[] = [
    { name: 'help', description: 'Keyboard shortcuts and commands', run: () => setShortcutsOpen(true) },
    {
      name: 'sessions',
      description: 'See every session you can open',
      run: () => navigate({ name: 'sessions' }),
    },
  ];
  const upload: Uploader = (file, options) => api.uploadAttachment(file, file.name, options);
  const enhance = (text: string) => api.enhance({ text, ...(chosen ? { expertId: chosen.id } : {}) });

  async function start(prompt: string, attachments: AttachmentRef[]): Promise<boolean> {
    if (!chosen) return false;
    if (chosenUnavailable) {
      showToast('error', `${chosen.name} cannot run now. ${chosenUnavailable}`);
      return false;
    }
    try {
      const res = await api.createSession({ expertId: chosen.id, prompt, attachments });
      sessionList.upsert(res.session);
      draft.clear();
      userDoc.markOpened(res.session.id, Date.now());
      navigate({ name: 'session', id: res.session.id });
      // The server judged the attachments again; what it left out is said, with why.
      if (res.skipped.length) {
        const reasons = res.skipped.map((s) =>
          s.reason.includes(s.name) ? s.reason : `${s.name}: ${s.reason}`,
        );
        showToast(
          'info',
          `Started without ${res.skipped.length === 1 ? 'one attachment' : `${res.skipped.length} attachments`}. ${reasons.join(' ')}`,
        );
      }
      return true;
    } catch (error) {
      showToast('error', `The session could not start: ${describeError(error)}`);
      return false;
    }
  }

  return (
    <div className="home">
      <div className="home-body">
        <h1>What should we work on, {displayName(account.user.name).split(' ')[0]}?</h1>
        <h2 className="subtle-heading" id="expert-heading">
          Choose an Expert
        </h2>
        {experts.status === 'loading' && <p className="muted">Loading Experts…</p>}
        {experts.status === 'error' && (
          <div className="inline-error" role="alert">
            <p>
              {experts.offline
                ? 'Experts cannot be loaded while offline. You can still open the sessions saved on this device.'
                : experts.message}
            </p>
            <button type="button" className="secondary small" onClick={experts.retry}>
              Try again
            </button>
          </div>
        )}
        {experts.status === 'ready' && !list.length && (
          <p className="muted">There is no Expert yet. An administrator can create one.</p>
        )}
        <div className="expert-grid" role="radiogroup" aria-labelledby="expert-heading">
          {list.map((expert) => {
            const reason = unavailable(expert.model);
            const reasonId = `expert-unavailable-${expert.id}`;
            return (
              <button
                key={expert.id}
                type="button"
                role="radio"
                aria-checked={chosen?.id === expert.id}
                aria-describedby={reason ? reasonId : undefined}
                className={`expert-card${chosen?.id === expert.id ? ' selected' : ''}${reason ? ' unavailable' : ''}`}
                onClick={() => select(expert.id)}
              >
                <span className="expert-name">{displayName(expert.name)}</span>
                <span className="expert-description">
                  {displayName(expert.description) || expert.model.provider}
                </span>
                <span className="expert-scope">
                  {expert.scope === 'organisation' ? 'Shared' : 'Personal'}
                  {reason && ' · Unavailable'}
                </span>
                {reason && (
                  <span id={reasonId} className="expert-unavailable">
                    {reason}
                  </span>
                )}
              </button>
            );
          })}
        </div>
      </div>
      <div className="composer-dock">
        {chosen && chosenUnavailable && (
          // The draft stays editable; only starting is held back until the Expert can run.
          <p className="home-unavailable" role="status">
            {displayName(chosen.name)} cannot run now. {chosenUnavailable}
          </p>
        )}
        <Composer
          label={chosen ? `Describe the task for ${chosen.name}` : 'Describe the task'}
          initialText={draft.initial}
          onTextChange={draft.change}
          onSubmit={start}
          disabled={!chosen}
          disabledReason={
            experts.status === 'error' ? 'Choose an Expert once the server is reachable' : 'Choose an Expert'
          }
          submitLabel="Start session"
          autoFocus
          commands={commands}
          enhance={enhance}
          enhanceOff={chosen?.model.provider === 'shell' ? SHELL_ENHANCE_OFF : undefined}
          upload={upload}
        />
      </div>
    </div>
  );
}
