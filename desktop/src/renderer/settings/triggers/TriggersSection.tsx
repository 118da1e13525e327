// Settings → Triggers: the triggers of one Expert (#/settings/triggers/<expertId>),
// webhooks and schedules that start sessions on it, each with its event log.
// The server decides who sees and changes what; the page says what it shows.
import type { Expert } from '@orrery/shared';
import { settingsHref } from '../../app/router.js';
import { useServices } from '../../app/services-context.js';
import { useModelProviders } from '../../common/use-model-providers.js';
import { useExperts } from '../../home/use-experts.js';
import type { SectionProps } from '../sections.js';
import { NewTriggerForm } from './NewTriggerForm.js';
import { TriggerCard } from './TriggerCard.js';
import { useTriggers } from './use-triggers.js';

export function TriggersSection({ item }: SectionProps) {
  const experts = useExperts();
  return (
    <section className="settings-section triggers-section" aria-labelledby="settings-section-heading">
      <h2 id="settings-section-heading">Triggers</h2>
      <p className="muted">
        A trigger starts a session on an Expert by itself: when a service posts to a webhook, or on a
        schedule. Its sessions are shared with the organisation.
      </p>
      {experts.status === 'loading' && <div className="page-loading" aria-busy="true" />}
      {experts.status === 'error' && (
        <div className="inline-error" role="alert">
          <p>The Experts could not be read: {experts.message}</p>
          <button type="button" className="secondary" onClick={experts.retry}>
            Try again
          </button>
        </div>
      )}
      {experts.status === 'ready' && <ExpertTriggers experts={experts.experts} item={item} />}
    </section>
  );
}

function ExpertTriggers({ experts, item }: { experts: Expert[]; item: string | null }) {
  const { account } = useServices();
  const expert = experts.find((e) => e.id === item) ?? experts[0] ?? null;
  const triggers = useTriggers(expert?.id ?? null);
  // Marked as on every Expert picker: a trigger on an Expert that cannot run starts nothing.
  const { unavailable } = useModelProviders();
  const cannotRun = expert ? unavailable(expert.model) : null;
  if (!expert) return <p>There are no Experts yet; make one in Settings → Experts first.</p>;

  return (
    <>
      {item && item !== expert.id && (
        <p className="field-error" role="alert">
          There is no Expert “{item}” that you can use; showing {expert.name}. Pick another below.
        </p>
      )}
      <div className="field trigger-expert-picker">
        <label htmlFor="trigger-expert">Expert</label>
        <select
          id="trigger-expert"
          value={expert.id}
          onChange={(e) => (location.hash = settingsHref('triggers', e.target.value))}
        >
          {experts.map((e) => (
            <option key={e.id} value={e.id}>
              {unavailable(e.model) ? `${e.name} (unavailable)` : e.name}
            </option>
          ))}
        </select>
        {cannotRun && (
          <p className="field-error" role="status">
            {expert.name} cannot run now, so its triggers start no session. {cannotRun}
          </p>
        )}
      </div>
      {account.user.role !== 'admin' && (
        <p className="managed-note" role="note">
          You see the triggers you made on this Expert. Triggers others made are managed by them and by
          admins.
        </p>
      )}
      {triggers.state.status === 'loading' && <div className="page-loading" aria-busy="true" />}
      {triggers.state.status === 'error' && (
        <div className="inline-error" role="alert">
          <p>The triggers could not be read: {triggers.state.message}</p>
          <button type="button" className="secondary" onClick={triggers.retry}>
            Try again
          </button>
        </div>
      )}
      {triggers.state.status === 'ready' && (
        <>
          <h3 className="trigger-count">
            {triggers.state.triggers.length === 0
              ? `No triggers on ${expert.name} yet`
              : `${triggers.state.triggers.length} trigger${triggers.state.triggers.length === 1 ? '' : 's'} on ${expert.name}`}
          </h3>
          <ul className="trigger-list">
            {triggers.state.triggers.map((t) => (
              <TriggerCard key={t.id} trigger={t} onChanged={triggers.put} onDeleted={triggers.drop} />
            ))}
          </ul>
        </>
      )}
      <NewTriggerForm key={expert.id} expertId={expert.id} onCreated={triggers.put} />
    </>
  );
}
