// The attachment policy of reference/using-sessions.md, "Attach files and
// images": up to 10 files and up to 10 images a message; files of any type,
// 4 MB each and 4 MB combined; images up to 10 MB each in PNG, JPEG, GIF,
// WEBP, HEIC, HEIF or AVIF. Images are recognised from their content. One bad
// item is skipped with a reason; it never rejects the rest of the message.

export const MB = 1024 * 1024;
export const ATTACHMENT_LIMITS = {
  maxFiles: 10,
  maxImages: 10,
  maxFileBytes: 4 * MB,
  maxFilesCombinedBytes: 4 * MB,
  maxImageBytes: 10 * MB,
} as const;

/** How many leading bytes the policy needs to recognise a format. */
export const SNIFF_BYTES = 32;

export type ImageFormat = 'png' | 'jpeg' | 'gif' | 'webp' | 'heic' | 'heif' | 'avif';
export const SUPPORTED_IMAGE_FORMATS: readonly ImageFormat[] = [
  'png',
  'jpeg',
  'gif',
  'webp',
  'heic',
  'heif',
  'avif',
];
const MEDIA_TYPES: Record<ImageFormat, string> = {
  png: 'image/png',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  heic: 'image/heic',
  heif: 'image/heif',
  avif: 'image/avif',
};
const UNSUPPORTED_IMAGE_NAMES = {
  bmp: 'BMP',
  tiff: 'TIFF',
  ico: 'ICO',
  svg: 'SVG',
  psd: 'PSD',
  jxl: 'JPEG XL',
} as const;
type UnsupportedImageFormat = keyof typeof UNSUPPORTED_IMAGE_NAMES;

const IMAGE_EXTENSIONS: Record<string, ImageFormat | UnsupportedImageFormat> = {
  png: 'png',
  jpg: 'jpeg',
  jpeg: 'jpeg',
  jpe: 'jpeg',
  gif: 'gif',
  webp: 'webp',
  heic: 'heic',
  heif: 'heif',
  avif: 'avif',
  bmp: 'bmp',
  dib: 'bmp',
  tif: 'tiff',
  tiff: 'tiff',
  ico: 'ico',
  svg: 'svg',
  psd: 'psd',
  jxl: 'jxl',
};

export interface AttachmentCandidate {
  name: string;
  /** Size of the whole content in bytes. */
  size: number;
  /** The first bytes of the content (at least SNIFF_BYTES when the content is that long). */
  head: Uint8Array;
  /** What the sender claimed, e.g. File.type in a browser; only a hint. */
  declaredType?: string | undefined;
}

export type AttachmentVerdict =
  | { accepted: true; kind: 'image'; mediaType: string; format: ImageFormat }
  | { accepted: true; kind: 'file'; mediaType: string }
  | { accepted: false; code: AttachmentRejection; reason: string };

export type AttachmentRejection =
  | 'too_many_files'
  | 'too_many_images'
  | 'file_too_large'
  | 'files_combined_too_large'
  | 'image_too_large'
  | 'unsupported_image'
  | 'not_an_image'
  | 'empty_name';

/** Judges every item of one message, in order; the answer has one verdict per item. */
export function checkAttachments(items: readonly AttachmentCandidate[]): AttachmentVerdict[] {
  let files = 0;
  let images = 0;
  let filesBytes = 0;
  return items.map((item): AttachmentVerdict => {
    const name = item.name.trim();
    if (!name) return reject('empty_name', 'This attachment has no name.');
    const sniffed = sniffImageFormat(item.head);
    if (sniffed && isSupported(sniffed)) {
      if (item.size > ATTACHMENT_LIMITS.maxImageBytes) {
        return reject(
          'image_too_large',
          `${name} is ${formatBytes(item.size)}; images can be up to 10 MB each.`,
        );
      }
      if (images >= ATTACHMENT_LIMITS.maxImages) {
        return reject('too_many_images', `${name} was skipped: you can attach up to 10 images per message.`);
      }
      images += 1;
      return { accepted: true, kind: 'image', format: sniffed, mediaType: MEDIA_TYPES[sniffed] };
    }
    if (sniffed) {
      return reject(
        'unsupported_image',
        `${name} is a ${UNSUPPORTED_IMAGE_NAMES[sniffed]} image; images must be PNG, JPEG, GIF, WEBP, HEIC, HEIF or AVIF.`,
      );
    }
    const claimed = claimedImageFormat(name, item.declaredType);
    if (claimed && !isSupported(claimed)) {
      return reject(
        'unsupported_image',
        `${name} is a ${UNSUPPORTED_IMAGE_NAMES[claimed]} image; images must be PNG, JPEG, GIF, WEBP, HEIC, HEIF or AVIF.`,
      );
    }
    if (claimed) {
      return reject(
        'not_an_image',
        `${name} is named like a ${claimed.toUpperCase()} image, but its content is not an image.`,
      );
    }
    if (item.size > ATTACHMENT_LIMITS.maxFileBytes) {
      return reject('file_too_large', `${name} is ${formatBytes(item.size)}; files can be up to 4 MB each.`);
    }
    if (files >= ATTACHMENT_LIMITS.maxFiles) {
      return reject('too_many_files', `${name} was skipped: you can attach up to 10 files per message.`);
    }
    if (filesBytes + item.size > ATTACHMENT_LIMITS.maxFilesCombinedBytes) {
      return reject(
        'files_combined_too_large',
        `${name} was skipped: files in one message can be up to 4 MB combined, and this one would bring them to ${formatBytes(filesBytes + item.size)}.`,
      );
    }
    files += 1;
    filesBytes += item.size;
    return { accepted: true, kind: 'file', mediaType: fileMediaType(item.declaredType) };
  });
}

/** Recognises image formats from their leading bytes; null for anything else. */
export function sniffImageFormat(head: Uint8Array): ImageFormat | UnsupportedImageFormat | null {
  const b = (i: number) => head[i] ?? -1;
  const ascii = (from: number, to: number) => String.fromCharCode(...head.subarray(from, to));
  if (b(0) === 0x89 && ascii(1, 8) === 'PNG\r\n\x1a\n') return 'png';
  if (b(0) === 0xff && b(1) === 0xd8 && b(2) === 0xff) return 'jpeg';
  if (ascii(0, 6) === 'GIF87a' || ascii(0, 6) === 'GIF89a') return 'gif';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'webp';
  if (ascii(4, 8) === 'ftyp') return isoBrand(head);
  if (ascii(0, 2) === 'BM' && head.length >= 14) return 'bmp';
  if (ascii(0, 4) === 'II*\0' || ascii(0, 4) === 'MM\0*') return 'tiff';
  if (b(0) === 0 && b(1) === 0 && b(2) === 1 && b(3) === 0) return 'ico';
  if (ascii(0, 4) === '8BPS') return 'psd';
  if (b(0) === 0xff && b(1) === 0x0a) return 'jxl';
  if (ascii(4, 12) === 'JXL \r\n\x87\n') return 'jxl';
  return null;
}

// ISO base media files (HEIC, HEIF, AVIF) name their brand after "ftyp".
function isoBrand(head: Uint8Array): ImageFormat | null {
  const ascii = (from: number, to: number) => String.fromCharCode(...head.subarray(from, to));
  const brands = [ascii(8, 12)];
  for (let at = 16; at + 4 <= Math.min(head.length, 64); at += 4) brands.push(ascii(at, at + 4));
  if (brands.some((b) => b === 'avif' || b === 'avis')) return 'avif';
  if (brands.some((b) => ['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis'].includes(b))) return 'heic';
  if (brands.some((b) => b === 'mif1' || b === 'msf1')) return 'heif';
  return null;
}

function claimedImageFormat(
  name: string,
  declaredType: string | undefined,
): ImageFormat | UnsupportedImageFormat | null {
  const ext = name.includes('.') ? name.slice(name.lastIndexOf('.') + 1).toLowerCase() : '';
  const byName = IMAGE_EXTENSIONS[ext];
  if (byName) return byName;
  const type = declaredType?.toLowerCase() ?? '';
  if (!type.startsWith('image/')) return null;
  const subtype = type
    .slice('image/'.length)
    .replace(/^x-/, '')
    .replace(/\+xml$/, '');
  return IMAGE_EXTENSIONS[subtype] ?? (subtype === 'x-ms-bmp' ? 'bmp' : null);
}

function isSupported(format: ImageFormat | UnsupportedImageFormat): format is ImageFormat {
  return (SUPPORTED_IMAGE_FORMATS as readonly string[]).includes(format);
}

function fileMediaType(declared: string | undefined): string {
  const type = declared?.trim().toLowerCase();
  // Only a plain type/subtype travels on; anything else is opaque bytes.
  return type && /^[a-z0-9.+-]+\/[a-z0-9.+-]+$/.test(type) && !type.startsWith('image/')
    ? type
    : 'application/octet-stream';
}

function reject(code: AttachmentRejection, reason: string): AttachmentVerdict {
  return { accepted: false, code, reason };
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  // Rounded up, so a size just over a limit never reads as the limit itself.
  if (bytes < MB) return `${(Math.ceil((bytes / 1024) * 10) / 10).toFixed(1)} KB`;
  return `${(Math.ceil((bytes / MB) * 10) / 10).toFixed(1)} MB`;
}
