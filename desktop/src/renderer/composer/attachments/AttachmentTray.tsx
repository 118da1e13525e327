// Below the text: image thumbnails and file chips of the message being
// written, each with upload progress and a remove control shown on hover
// (and on keyboard focus).
import type { PendingAttachment } from './use-attachments.js';
import { displayName } from '../../common/display-name.js';
import { FileName } from '../../common/FileName.js';

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
      {items.map((it) => {
        const name = displayName(it.file.name);
        return (
          <li
            key={it.key}
            className={`pending-attachment ${it.kind}${it.status === 'failed' ? ' failed' : ''}`}
            aria-label={name}
          >
            {it.previewUrl ? (
              <img src={it.previewUrl} alt={name} title={name} />
            ) : (
              <span className="chip-name">
                <FileName name={name} />
              </span>
            )}
            {it.status === 'uploading' && (
              <progress
                className="upload-progress"
                max={1}
                value={it.progress}
                aria-label={`Uploading ${name}`}
              />
            )}
            {it.error && <span className="chip-error">{displayName(it.error)}</span>}
            <button
              type="button"
              className="remove-attachment"
              aria-label={`Remove ${name}`}
              onClick={() => onRemove(it.key)}
            >
              ×
            </button>
          </li>
        );
      })}
    </ul>
  );
}
