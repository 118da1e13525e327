// Settings → Experts: the Experts this person may use, who made each, and
// whether it can run now; #/settings/experts/<id> opens one in the editor,
// #/settings/experts/new makes one.
import { PROVIDER_LABELS, type ExpertListItem } from '@orrery/shared';
import { useRef, useState } from 'react';
import { describeError } from '../../api/api-error.js';
import { navigate, settingsHref } from '../../app/router.js';
import { useServices } from '../../app/services-context.js';
import { useModelProviders } from '../../common/use-model-providers.js';
import type { SectionProps } from '../sections.js';
import { ExpertEditor } from './ExpertEditor.js';
import { copyName, expertDrafts, formOf } from './expert-form.js';
import { canChangeExpert, useExpertCatalog } from './use-expert-catalog.js';

export function ExpertsSection({ item }: SectionProps) {
  const catalog = useExpertCatalog();
  const { account } = useServices();
  const isAdmin = account.user.role === 'admin';

  /** Opens the editor on a new Expert filled in from this one. */
  const duplicate = (expert: ExpertListItem) => {
    if (catalog.status !== 'ready') return;
    const names = catalog.experts.map((e) => e.name);
    expertDrafts.set('new', {
      ...formOf(expert),
      name: copyName(expert.name, names),
      scope: isAdmin ? expert.scope : 'personal',
    });
    navigate({ name: 'settings', section: 'experts', item: 'new' });
  };

  if (catalog.status === 'loading')
    return (
      <section className="settings-section" aria-labelledby="settings-section-heading">
        <h2 id="settings-section-heading">Experts</h2>
        <p className="muted">Loading Experts…</p>
      </section>
    );
  if (catalog.status === 'error')
    return (
      <section className="settings-section" aria-labelledby="settings-section-heading">
        <h2 id="settings-section-heading">Experts</h2>
        <div className="inline-error" role="alert">
          <p>{catalog.message}</p>
          <button type="button" className="secondary small" onClick={() => void catalog.reload()}>
            Try again
          </button>
        </div>
      </section>
    );
  if (item)
    return (
      <ExpertEditor
        key={item}
        item={item}
        experts={catalog.experts}
        environments={catalog.environments}
        onSaved={catalog.reload}
        onDuplicate={duplicate}
      />
    );
  return <ExpertList experts={catalog.experts} onDuplicate={duplicate} onDeleted={catalog.reload} />;
}

function ExpertList({
  experts,
  onDuplicate,
  onDeleted,
}: {
  experts: ExpertListItem[];
  onDuplicate: (expert: ExpertListItem) => void;
  onDeleted: () => Promise<void>;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  const [announcement, setAnnouncement] = useState<string | null>(null);
  const deleted = async (name: string) => {
    await onDeleted();
    setAnnouncement(`Deleted ${name}.`);
    // The row that had focus is gone; the heading keeps the keyboard nearby.
    heading.current?.focus();
  };
  return (
    <section className="settings-section experts-settings" aria-labelledby="settings-section-heading">
      <div className="experts-head">
        <h2 id="settings-section-heading" ref={heading} tabIndex={-1}>
          Experts
        </h2>
        <a className="button-link" href={settingsHref('experts', 'new')}>
          New Expert
        </a>
      </div>
      <p className="experts-intro">
        An Expert is what a session runs: its instructions, its model and the tools it may use. Personal
        Experts are yours alone; organisation Experts are for everyone and managed by admins.
      </p>
      {announcement && (
        <p className="muted" role="status">
          {announcement}
        </p>
      )}
      {experts.length === 0 ? (
        <p className="empty-hint">No Experts yet. Make one with New Expert.</p>
      ) : (
        <ul className="expert-list" aria-label="Experts">
          {experts.map((expert) => (
            <ExpertRow key={expert.id} expert={expert} onDuplicate={onDuplicate} onDeleted={deleted} />
          ))}
        </ul>
      )}
    </section>
  );
}

function ExpertRow({
  expert,
  onDuplicate,
  onDeleted,
}: {
  expert: ExpertListItem;
  onDuplicate: (expert: ExpertListItem) => void;
  onDeleted: (name: string) => Promise<void>;
}) {
  const { api, account } = useServices();
  const { unavailable } = useModelProviders();
  const [confirming, setConfirming] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const mayChange = canChangeExpert(expert, account.user);
  const reason = unavailable(expert.model);
  const model =
    expert.model.provider === 'shell'
      ? 'Shell'
      : `${PROVIDER_LABELS[expert.model.provider]} · ${expert.model.name}`;

  async function remove() {
    setBusy(true);
    setFailure(null);
    try {
      await api.deleteExpert(expert.id);
      expertDrafts.clear(expert.id);
      await onDeleted(expert.name);
    } catch (error) {
      setFailure(`${expert.name} was not deleted: ${describeError(error)}`);
      setBusy(false);
    }
  }

  return (
    <li
      className="expert-row"
      aria-label={expert.name}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && confirming && !busy) {
          e.stopPropagation();
          setConfirming(false);
        }
      }}
    >
      <div className="expert-row-main">
        <div className="expert-row-title">
          <a href={settingsHref('experts', expert.id)} className="expert-row-name">
            {expert.name}
          </a>
          <span className={`scope-badge ${expert.scope === 'organisation' ? 'shared' : 'private'}`}>
            {expert.builtIn ? 'Built-in' : expert.scope === 'organisation' ? 'Organisation' : 'Personal'}
          </span>
        </div>
        <p className="expert-row-meta">
          {model} · by {expert.ownerId === account.user.id ? 'you' : expert.ownerName}
        </p>
        {expert.description && <p className="expert-row-description">{expert.description}</p>}
        {reason && <p className="expert-row-unavailable">Unavailable: {reason}</p>}
      </div>
      <div className="expert-row-actions">
        <a className="button-link secondary small" href={settingsHref('experts', expert.id)}>
          {mayChange ? 'Edit' : 'View'}
        </a>
        <button type="button" className="secondary small" onClick={() => onDuplicate(expert)}>
          Duplicate
        </button>
        {mayChange && !confirming && (
          <button type="button" className="secondary small" onClick={() => setConfirming(true)}>
            Delete
          </button>
        )}
      </div>
      {confirming && (
        <div className="expert-confirm" role="group" aria-label={`Delete ${expert.name}?`}>
          <p>
            Delete {expert.name}? Sessions already started with it keep working; nobody can start new ones.
          </p>
          <button
            type="button"
            className="danger small"
            disabled={busy}
            onClick={() => void remove()}
            autoFocus
          >
            {busy ? 'Deleting…' : `Delete ${expert.name}`}
          </button>
          <button
            type="button"
            className="secondary small"
            disabled={busy}
            onClick={() => setConfirming(false)}
          >
            Cancel
          </button>
        </div>
      )}
      {failure && (
        <p className="field-error" role="alert">
          {failure}
        </p>
      )}
    </li>
  );
}
