// One trigger: what it is (its schedule read in words, or its filter), turning
// it on and off, archiving, a new secret for a webhook, deleting after a
// confirmation, and its event log.
import { describeCron, type Trigger, type TriggerResponse } from '@orrery/shared';
import { useState } from 'react';
import { describeError } from '../../api/api-error.js';
import { useServices } from '../../app/services-context.js';
import { relativeTime } from '../../common/time.js';
import { EditTriggerForm } from './EditTriggerForm.js';
import { EventLog } from './EventLog.js';
import { filterText } from './trigger-draft.js';
import { WebhookSecret, samplePayload } from './WebhookSecret.js';

export interface TriggerCardProps {
  trigger: Trigger;
  onChanged: (trigger: Trigger) => void;
  onDeleted: (id: string) => void;
}

export function TriggerCard({ trigger, onChanged, onDeleted }: TriggerCardProps) {
  const { api } = useServices();
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [editing, setEditing] = useState(false);
  const [rotated, setRotated] = useState<TriggerResponse | null>(null);

  async function run<T>(action: () => Promise<T>, then: (value: T) => void) {
    setBusy(true);
    setFailure(null);
    try {
      then(await action());
    } catch (error) {
      setFailure(describeError(error));
    } finally {
      setBusy(false);
    }
  }
  const update = (patch: { enabled?: boolean; autoArchive?: boolean }) =>
    run(
      () => api.updateTrigger(trigger.id, patch),
      (res) => onChanged(res.trigger),
    );

  return (
    <li className="trigger-card" aria-label={trigger.name}>
      <div className="trigger-card-head">
        <h3>{trigger.name}</h3>
        <span className={`trigger-kind-badge ${trigger.kind}`}>
          {trigger.kind === 'webhook' ? 'Webhook' : 'Schedule'}
        </span>
        {!trigger.enabled && <span className="trigger-off-badge">Off</span>}
      </div>
      <p className="trigger-card-what">
        {trigger.kind === 'schedule'
          ? `Runs ${describeCron(trigger.cron) ?? trigger.cron} (${trigger.timezone}) · cron ${trigger.cron}`
          : trigger.filter
            ? `Starts a session when ${trigger.filter.path} is ${filterText(trigger.filter.equals)}`
            : 'Starts a session for every event'}
        <span className="muted" title={new Date(trigger.createdAt).toLocaleString()}>
          {' '}
          · made {relativeTime(trigger.createdAt)}
        </span>
      </p>
      <div className="trigger-card-controls">
        <label className="checkbox-row">
          <input
            type="checkbox"
            checked={trigger.enabled}
            disabled={busy}
            onChange={(e) => void update({ enabled: e.target.checked })}
          />{' '}
          On
        </label>
        <label className="checkbox-row">
          <input
            type="checkbox"
            checked={trigger.autoArchive}
            disabled={busy}
            onChange={(e) => void update({ autoArchive: e.target.checked })}
          />{' '}
          Archive sessions when done
        </label>
        <button
          type="button"
          className="secondary small"
          aria-expanded={editing}
          onClick={() => setEditing((v) => !v)}
        >
          Edit
        </button>
        {trigger.kind === 'webhook' && (
          <button
            type="button"
            className="secondary small"
            disabled={busy}
            onClick={() => void run(() => api.rotateTriggerSecret(trigger.id), setRotated)}
          >
            Replace secret
          </button>
        )}
        {confirming ? (
          <span className="trigger-confirm" role="group" aria-label={`Delete ${trigger.name}?`}>
            <span>Delete {trigger.name} and its events?</span>
            <button
              type="button"
              className="danger small"
              disabled={busy}
              onClick={() =>
                void run(
                  () => api.deleteTrigger(trigger.id),
                  () => onDeleted(trigger.id),
                )
              }
            >
              Delete
            </button>
            <button type="button" className="secondary small" onClick={() => setConfirming(false)}>
              Keep
            </button>
          </span>
        ) : (
          <button type="button" className="secondary danger small" onClick={() => setConfirming(true)}>
            Delete…
          </button>
        )}
      </div>
      {failure && (
        <p className="field-error" role="alert">
          {failure}
        </p>
      )}
      {editing && (
        <EditTriggerForm
          trigger={trigger}
          onCancel={() => setEditing(false)}
          onSaved={(saved) => {
            setEditing(false);
            onChanged(saved);
          }}
        />
      )}
      {rotated?.webhook && trigger.kind === 'webhook' && (
        <WebhookSecret
          name={trigger.name}
          url={rotated.webhook.url}
          secret={rotated.webhook.secret}
          sample={samplePayload(trigger.filter)}
          onDone={() => setRotated(null)}
        />
      )}
      <EventLog triggerId={trigger.id} triggerName={trigger.name} />
    </li>
  );
}
