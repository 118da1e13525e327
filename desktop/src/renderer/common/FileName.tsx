// A file name on one line: cleaned of invisible characters, cut with an
// ellipsis in its middle when it is too long, so its real extension always
// shows; the whole name is on hover.
import { displayName, splitExtension } from './display-name.js';

export function FileName({ name }: { name: string }) {
  const shown = displayName(name);
  const { stem, extension } = splitExtension(shown);
  return (
    <span className="file-name" title={shown}>
      <span className="file-name-stem">{stem}</span>
      {extension && <span className="file-name-ext">{extension}</span>}
    </span>
  );
}
