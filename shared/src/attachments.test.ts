import { describe, expect, it } from 'vitest';
import {
  ATTACHMENT_LIMITS,
  MB,
  checkAttachments,
  sniffImageFormat,
  type AttachmentCandidate,
} from './attachments.js';

const bytes = (...values: number[]) => Uint8Array.from(values);
const ascii = (s: string) => Uint8Array.from([...s].map((c) => c.charCodeAt(0)));
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};
const ftyp = (brand: string, ...compatible: string[]) =>
  concat(bytes(0, 0, 0, 0x18), ascii('ftyp'), ascii(brand), bytes(0, 0, 0, 0), ...compatible.map(ascii));

const HEADS = {
  png: bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13),
  jpeg: bytes(0xff, 0xd8, 0xff, 0xe0, 0, 0x10),
  gif: ascii('GIF89a\x01\x00'),
  webp: concat(ascii('RIFF'), bytes(1, 2, 3, 4), ascii('WEBPVP8 ')),
  heic: ftyp('heic', 'mif1', 'heic'),
  heif: ftyp('mif1', 'mif1'),
  avif: ftyp('avif', 'mif1', 'avif'),
  bmp: concat(ascii('BM'), new Uint8Array(20)),
  text: ascii('hello, this is plain text\n'),
};

const image = (name: string, size = 1000, head = HEADS.png): AttachmentCandidate => ({ name, size, head });
const file = (name: string, size = 1000): AttachmentCandidate => ({ name, size, head: HEADS.text });

describe('recognising images from their content', () => {
  it.each([
    ['png', HEADS.png],
    ['jpeg', HEADS.jpeg],
    ['gif', HEADS.gif],
    ['webp', HEADS.webp],
    ['heic', HEADS.heic],
    ['heif', HEADS.heif],
    ['avif', HEADS.avif],
    ['bmp', HEADS.bmp],
  ])('recognises %s', (format, head) => {
    expect(sniffImageFormat(head)).toBe(format);
  });

  it('finds nothing in plain text', () => {
    expect(sniffImageFormat(HEADS.text)).toBeNull();
  });

  it('accepts every supported format as an image with its media type', () => {
    const verdicts = checkAttachments(
      (['png', 'jpeg', 'gif', 'webp', 'heic', 'heif', 'avif'] as const).map((f) =>
        image(`x.${f}`, 10, HEADS[f]),
      ),
    );
    expect(verdicts.map((v) => (v.accepted ? v.mediaType : v.reason))).toEqual([
      'image/png',
      'image/jpeg',
      'image/gif',
      'image/webp',
      'image/heic',
      'image/heif',
      'image/avif',
    ]);
  });
});

describe('renamed files', () => {
  it('refuses a .png that is really a text file, naming it', () => {
    const [v] = checkAttachments([{ name: 'screenshot.png', size: 26, head: HEADS.text }]);
    expect(v).toMatchObject({ accepted: false, code: 'not_an_image' });
    expect(v?.accepted === false && v.reason).toContain('screenshot.png');
  });

  it('treats a real PNG named .txt as an image', () => {
    const [v] = checkAttachments([{ name: 'notes.txt', size: 100, head: HEADS.png }]);
    expect(v).toMatchObject({ accepted: true, kind: 'image', mediaType: 'image/png' });
  });

  it('refuses a BMP whatever its name, saying which formats work', () => {
    const [v] = checkAttachments([{ name: 'diagram.jpg', size: 100, head: HEADS.bmp }]);
    expect(v).toMatchObject({ accepted: false, code: 'unsupported_image' });
    expect(v?.accepted === false && v.reason).toMatch(/BMP.*PNG, JPEG, GIF, WEBP, HEIC, HEIF or AVIF/);
  });

  it('does not trust a declared image type for text content', () => {
    const [v] = checkAttachments([{ name: 'blob', size: 10, head: HEADS.text, declaredType: 'image/png' }]);
    expect(v).toMatchObject({ accepted: false, code: 'not_an_image' });
  });
});

describe('size limits', () => {
  it('takes an image of exactly 10 MB and refuses one byte more', () => {
    const [at, over] = checkAttachments([image('a.png', 10 * MB), image('b.png', 10 * MB + 1)]);
    expect(at).toMatchObject({ accepted: true, kind: 'image' });
    expect(over).toMatchObject({ accepted: false, code: 'image_too_large' });
    expect(over?.accepted === false && over.reason).toBe('b.png is 10.1 MB; images can be up to 10 MB each.');
  });

  it('takes a file of exactly 4 MB and refuses one byte more', () => {
    expect(checkAttachments([file('a.log', 4 * MB)])[0]).toMatchObject({ accepted: true, kind: 'file' });
    expect(checkAttachments([file('a.log', 4 * MB - 1)])[0]).toMatchObject({ accepted: true });
    const [over] = checkAttachments([file('big.log', 4 * MB + 1)]);
    expect(over).toMatchObject({ accepted: false, code: 'file_too_large' });
    expect(over?.accepted === false && over.reason).toBe('big.log is 4.1 MB; files can be up to 4 MB each.');
  });

  it('refuses a 5 MB file alone and keeps the rest of the message', () => {
    const verdicts = checkAttachments([file('a.txt'), file('huge.bin', 5 * MB), image('c.png')]);
    expect(verdicts.map((v) => v.accepted)).toEqual([true, false, true]);
  });

  it('holds files to 4 MB combined: exactly 4 MB passes, one byte more skips the item that overflows', () => {
    const exact = checkAttachments([file('a', 2 * MB), file('b', 2 * MB)]);
    expect(exact.every((v) => v.accepted)).toBe(true);
    const over = checkAttachments([file('a', 2 * MB), file('b', 2 * MB + 1), file('c', 100)]);
    expect(over.map((v) => (v.accepted ? 'ok' : v.code))).toEqual(['ok', 'files_combined_too_large', 'ok']);
  });

  it('does not count images against the files’ combined limit', () => {
    const verdicts = checkAttachments([file('a', 4 * MB), image('b.png', 9 * MB)]);
    expect(verdicts.every((v) => v.accepted)).toBe(true);
  });
});

describe('count limits', () => {
  it('takes 10 images and skips the 11th with a reason naming it', () => {
    const items = Array.from({ length: 11 }, (_, i) => image(`shot-${i + 1}.png`));
    const verdicts = checkAttachments(items);
    expect(verdicts.slice(0, ATTACHMENT_LIMITS.maxImages).every((v) => v.accepted)).toBe(true);
    expect(verdicts[10]).toMatchObject({ accepted: false, code: 'too_many_images' });
    expect(verdicts[10]?.accepted === false && verdicts[10].reason).toContain('shot-11.png');
  });

  it('takes 9 files, 10 files, and skips the 11th', () => {
    expect(
      checkAttachments(Array.from({ length: 9 }, (_, i) => file(`f${i}`))).every((v) => v.accepted),
    ).toBe(true);
    const eleven = checkAttachments(Array.from({ length: 11 }, (_, i) => file(`f${i}`)));
    expect(eleven.filter((v) => v.accepted)).toHaveLength(10);
    expect(eleven[10]).toMatchObject({ accepted: false, code: 'too_many_files' });
  });

  it('counts files and images separately: 10 of each in one message', () => {
    const items = [
      ...Array.from({ length: 10 }, (_, i) => file(`f${i}`, 10)),
      ...Array.from({ length: 10 }, (_, i) => image(`i${i}.png`)),
    ];
    expect(checkAttachments(items).every((v) => v.accepted)).toBe(true);
  });

  it('does not count a rejected image towards the limit', () => {
    const items = [
      image('bad.bmp', 10, HEADS.bmp),
      ...Array.from({ length: 10 }, (_, i) => image(`i${i}.png`)),
    ];
    expect(checkAttachments(items).filter((v) => v.accepted)).toHaveLength(10);
  });
});
