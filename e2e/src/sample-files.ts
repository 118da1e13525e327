// Files for the attachment journeys, made in memory: real (tiny) PNG images,
// each with different bytes so the server stores them apart, a BMP, and
// plain files of any size.
const PNG_1PX = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

export interface SampleFile {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

/** A valid 1×1 PNG; bytes after its end make each one unique and are ignored by decoders. */
export function png(name: string, salt: string): SampleFile {
  return { name, mimeType: 'image/png', buffer: Buffer.concat([PNG_1PX, Buffer.from(salt)]) };
}

/** A BMP header is enough for the policy to recognise the format. */
export function bmp(name: string): SampleFile {
  const buffer = Buffer.alloc(70);
  buffer.write('BM', 0, 'ascii');
  buffer.writeUInt32LE(70, 2);
  buffer.writeUInt32LE(54, 10);
  return { name, mimeType: 'image/bmp', buffer };
}

export function textFile(name: string, text: string): SampleFile {
  return { name, mimeType: 'text/plain', buffer: Buffer.from(text) };
}

export function bigFile(name: string, bytes: number): SampleFile {
  return { name, mimeType: 'application/octet-stream', buffer: Buffer.alloc(bytes, 0x61) };
}
