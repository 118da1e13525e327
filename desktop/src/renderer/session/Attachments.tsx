// Attachments of a user message: images as thumbnails, files as chips. The
// content is fetched with the account's token (a plain link could not carry
// it). Opening either saves the file (see attachment-content.ts).
import type { AttachmentRef } from '@orrery/shared';
import { useEffect, useState } from 'react';
import { describeError } from '../api/api-error.js';
import { useServices } from '../app/services-context.js';
import { displayName } from '../common/display-name.js';
import { FileName } from '../common/FileName.js';
import { useUi } from '../state/store.js';
import { asImage, saveFile } from './attachment-content.js';

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

function useSave(sessionId: string, attachment: AttachmentRef) {
  const { api } = useServices();
  const showToast = useUi((s) => s.showToast);
  return async () => {
    try {
      saveFile(await api.attachment(attachment.id, sessionId), attachment.name);
    } catch (error) {
      showToast('error', `${displayName(attachment.name)} could not be downloaded: ${describeError(error)}`);
    }
  };
}

function FileChip({ sessionId, attachment }: { sessionId: string; attachment: AttachmentRef }) {
  const save = useSave(sessionId, attachment);
  const name = displayName(attachment.name);
  return (
    <li>
      <button
        type="button"
        className="file-chip"
        onClick={() => void save()}
        aria-label={`Download ${name}, ${formatSize(attachment.size)}`}
      >
        <span aria-hidden="true">📄</span> <FileName name={name} />{' '}
        <span className="muted">{formatSize(attachment.size)}</span>
      </button>
    </li>
  );
}

/** An image sent as one; content that turns out not to be a raster image is shown as a file. */
function ImageThumb({ sessionId, attachment }: { sessionId: string; attachment: AttachmentRef }) {
  const { api } = useServices();
  const save = useSave(sessionId, attachment);
  const [url, setUrl] = useState<string | null>(null);
  const [notImage, setNotImage] = useState(false);
  useEffect(() => {
    let created: string | null = null;
    let cancelled = false;
    api
      .attachment(attachment.id, sessionId)
      .then(asImage)
      .then(
        (image) => {
          if (cancelled) return;
          if (!image) return setNotImage(true);
          created = URL.createObjectURL(image);
          setUrl(created);
        },
        () => {},
      );
    return () => {
      cancelled = true;
      if (created) URL.revokeObjectURL(created);
    };
  }, [api, attachment.id, sessionId]);
  if (notImage) return <FileChip sessionId={sessionId} attachment={attachment} />;
  const name = displayName(attachment.name);
  return (
    <li>
      <button
        type="button"
        className="image-thumb"
        onClick={() => void save()}
        aria-label={`Download ${name}`}
        title={name}
      >
        {url ? <img src={url} alt={name} /> : <span className="muted">{name}</span>}
      </button>
    </li>
  );
}
