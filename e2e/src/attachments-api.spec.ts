// The attachment policy holds on the server when the app is bypassed.
import type { ApiError } from '@orrery/shared';
import { clientFor, createSession, createTeammate } from './api.js';
import { expect, test } from './fixtures.js';
import { bigFile, bmp, png, type SampleFile } from './sample-files.js';

test('the server refuses a 5 MB file and a BMP, and skips the 11th image of a message', async ({
  server,
  admin,
}) => {
  const ada = await createTeammate(server, admin, 'Ada');
  const api = clientFor(server, ada);
  const tag = Date.now().toString(36);
  const session = await createSession(server, ada, { prompt: 'echo ready' });
  const upload = (file: SampleFile) =>
    api.attachments.upload(new Uint8Array(file.buffer), file.name, {
      contentType: file.mimeType,
      sessionId: session.id,
    });
  const refusal = (file: SampleFile) =>
    upload(file).then(
      () => null,
      (error: ApiError) => ({ status: error.status, message: error.message }),
    );

  expect(await refusal(bigFile('big.bin', 5 * 1024 * 1024))).toEqual({
    status: 422,
    message: 'big.bin is 5.0 MB; files can be up to 4 MB each.',
  });
  expect(await refusal(bmp('old.bmp'))).toEqual({
    status: 422,
    message: 'old.bmp is a BMP image; images must be PNG, JPEG, GIF, WEBP, HEIC, HEIF or AVIF.',
  });

  const refs = [];
  for (let i = 1; i <= 11; i += 1) refs.push(await upload(png(`shot-${i}.png`, `${tag}-${i}`)));
  const sent = await api.sessions.sendMessage(session.id, { text: 'echo eleven', attachments: refs });
  expect(sent.skipped).toEqual([
    { name: 'shot-11.png', reason: 'shot-11.png was skipped: you can attach up to 10 images per message.' },
  ]);
});
