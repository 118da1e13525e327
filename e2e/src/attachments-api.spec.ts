// The attachment policy holds on the server when the app is bypassed.
import { AttachmentResponse, SendMessageResponse } from '@orrery/shared';
import { createSession, createTeammate, type TestUser } from './api.js';
import { expect, test } from './fixtures.js';
import { bigFile, bmp, png, type SampleFile } from './sample-files.js';

async function upload(server: string, user: TestUser, sessionId: string, file: SampleFile) {
  const res = await fetch(`${server}/api/attachments?session=${sessionId}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${user.token}`,
      'content-type': file.mimeType,
      'x-file-name': encodeURIComponent(file.name),
    },
    body: new Uint8Array(file.buffer),
  });
  return { status: res.status, body: (await res.json()) as unknown };
}

test('the server refuses a 5 MB file and a BMP, and skips the 11th image of a message', async ({
  server,
  admin,
}) => {
  const ada = await createTeammate(server, admin, 'Ada');
  const tag = Date.now().toString(36);
  const session = await createSession(server, ada, { prompt: 'echo ready' });

  const big = await upload(server, ada, session.id, bigFile('big.bin', 5 * 1024 * 1024));
  expect(big.status).toBe(422);
  expect(big.body).toMatchObject({ error: { message: 'big.bin is 5.0 MB; files can be up to 4 MB each.' } });

  const old = await upload(server, ada, session.id, bmp('old.bmp'));
  expect(old.status).toBe(422);
  expect(old.body).toMatchObject({
    error: { message: 'old.bmp is a BMP image; images must be PNG, JPEG, GIF, WEBP, HEIC, HEIF or AVIF.' },
  });

  const refs = [];
  for (let i = 1; i <= 11; i += 1) {
    const res = await upload(server, ada, session.id, png(`shot-${i}.png`, `${tag}-${i}`));
    expect(res.status).toBe(201);
    refs.push(AttachmentResponse.parse(res.body).attachment);
  }
  const res = await fetch(`${server}/api/sessions/${session.id}/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ada.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ text: 'echo eleven', attachments: refs }),
  });
  expect(res.status).toBe(201);
  const sent = SendMessageResponse.parse(await res.json());
  expect(sent.skipped).toEqual([
    { name: 'shot-11.png', reason: 'shot-11.png was skipped: you can attach up to 10 images per message.' },
  ]);
});
