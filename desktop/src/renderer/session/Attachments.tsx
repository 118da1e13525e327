// Attachments of a user message: images as thumbnails, files as chips. The
// content is fetched with the account's token and shown from a local URL.
import type { AttachmentRef } from '@orrery/shared';
import { useEffect, useState } from 'react';
import { describeError } from '../api/api-error.js';
import { useServices } from '../app/services-context.js';
import { useUi } from '../state/store.js';

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

export function Attachments({ sessionId, attachments }: { sessionId: string; attachments: AttachmentRef[] }) {
  if (!attachments.length) return null;
  return (
    <ul className="attachments" aria-label="Attachments">
      {attachments.map((a) =>
        a.kind === 'image' ? (
          <ImageThumb key={a.id} sessionId={sessionId} attachment={a} />
        ) : (
          <FileChip key={a.id} sessionId={sessionId} attachment={a} />
        ),
      )}
    </ul>
  );
}

function useOpen(sessionId: string, attachment: AttachmentRef) {
  const { api } = useServices();
  const showToast = useUi((s) => s.showToast);
  return async () => {
    try {
      const blob = await api.attachment(attachment.id, sessionId);
      const url = URL.createObjectURL(blob);
      window.open(url, '_blank', 'noopener');
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (error) {
      showToast('error', `${attachment.name} could not be opened: ${describeError(error)}`);
    }
  };
}

function FileChip({ sessionId, attachment }: { sessionId: string; attachment: AttachmentRef }) {
  const open = useOpen(sessionId, attachment);
  return (
    <li>
      <button
        type="button"
        className="file-chip"
        onClick={() => void open()}
        title={`Open ${attachment.name}`}
      >
        <span aria-hidden="true">📄</span> {attachment.name}{' '}
        <span className="muted">{formatSize(attachment.size)}</span>
      </button>
    </li>
  );
}

function ImageThumb({ sessionId, attachment }: { sessionId: string; attachment: AttachmentRef }) {
  const { api } = useServices();
  const open = useOpen(sessionId, attachment);
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    let created: string | null = null;
    let cancelled = false;
    api.attachment(attachment.id, sessionId).then(
      (blob) => {
        if (cancelled) return;
        created = URL.createObjectURL(blob);
        setUrl(created);
      },
      () => {},
    );
    return () => {
      cancelled = true;
      if (created) URL.revokeObjectURL(created);
    };
  }, [api, attachment.id, sessionId]);
  return (
    <li>
      <button
        type="button"
        className="image-thumb"
        onClick={() => void open()}
        title={`Open ${attachment.name}`}
      >
        {url ? <img src={url} alt={attachment.name} /> : <span className="muted">{attachment.name}</span>}
      </button>
    </li>
  );
}
