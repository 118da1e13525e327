// What the app does with an attachment's bytes. Nothing from an attachment is
// ever opened as a page in the app's origin, where a script in it could read
// the signed-in account: files are saved, and only content that really is a
// raster image (sniffed, whatever its name or claimed type) is shown, as an image.
import { SUPPORTED_IMAGE_FORMATS, sniffImageFormat, SNIFF_BYTES } from '@orrery/shared';
import { displayName } from '../common/display-name.js';

/** The content as an image the page can show, or null when it is not a supported raster image. */
export async function asImage(content: Blob): Promise<Blob | null> {
  const head = new Uint8Array(await content.slice(0, SNIFF_BYTES).arrayBuffer());
  const format = sniffImageFormat(head);
  if (!format || !(SUPPORTED_IMAGE_FORMATS as readonly string[]).includes(format)) return null;
  return new Blob([content], { type: `image/${format}` });
}

/** Saves the content under its (cleaned) name through the browser's download, never a navigation. */
export function saveFile(content: Blob, name: string): void {
  // Opaque bytes: even if something opened this URL, there is nothing to render.
  const url = URL.createObjectURL(new Blob([content], { type: 'application/octet-stream' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = displayName(name).trim() || 'attachment';
  link.rel = 'noopener';
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has its own copy once it starts; the URL only needs to outlive the click.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
