// Below the text: image thumbnails and file chips of the message being
// written, each with upload progress and a remove control shown on hover
// (and on keyboard focus).
import type { PendingAttachment } from './use-attachments.js';

export function AttachmentTray({
  items,
  onRemove,
}: {
  items: PendingAttachment[];
  onRemove: (key: string) => void;
}) {
  if (!items.length) return null;
  return (
    <ul className="attachment-tray" aria-label="Attached">
      {items.map((it) => (
        <li
          key={it.key}
          className={`pending-attachment ${it.kind}${it.status === 'failed' ? ' failed' : ''}`}
          aria-label={it.file.name}
        >
          {it.previewUrl ? (
            <img src={it.previewUrl} alt={it.file.name} />
          ) : (
            <span className="chip-name">{it.file.name}</span>
          )}
          {it.status === 'uploading' && (
            <progress
              className="upload-progress"
              max={1}
              value={it.progress}
              aria-label={`Uploading ${it.file.name}`}
            />
          )}
          {it.error && <span className="chip-error">{it.error}</span>}
          <button
            type="button"
            className="remove-attachment"
            aria-label={`Remove ${it.file.name}`}
            onClick={() => onRemove(it.key)}
          >
            ×
          </button>
        </li>
      ))}
    </ul>
  );
}
