import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rest, startWorld, type World } from './helpers.js';

let w: World;
beforeAll(async () => {
  w = await startWorld({ maxFileSize: 1024 });
});
afterAll(async () => {
  await w?.sim.close();
});

const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000020000000308060000009de1c4a0',
  'hex',
);

describe('files: rooms.media + rooms.mediaConfirm', () => {
  it('uploads, confirms into a message and serves the bytes to room readers only', async () => {
    const api = rest(w.sim, w.alice);
    const up = await api.upload(w.room._id, 'pixel.png', PNG, 'image/png');
    expect(up.status).toBe(200);
    const file = up.body.file as { _id: string; url: string };
    expect(file.url).toBe(`/file-upload/${file._id}/pixel.png`);
    // Not in the room until confirmed.
    expect(
      w.sim
        .messages(w.room._id)
        .some((m) => (m.file as { _id?: string } | undefined)?._id === file._id),
    ).toBe(false);

    const confirmed = await api.post(`rooms.mediaConfirm/${w.room._id}/${file._id}`, {
      msg: 'a caption',
      description: 'tiny',
    });
    expect(confirmed.status).toBe(200);
    const m = confirmed.body.message as Record<string, unknown>;
    expect(m).toMatchObject({
      msg: 'a caption',
      file: { _id: file._id, name: 'pixel.png', type: 'image/png', size: PNG.length },
    });
    expect(m.attachments).toEqual([
      expect.objectContaining({
        type: 'file',
        title: 'pixel.png',
        title_link: file.url,
        image_url: file.url,
        image_type: 'image/png',
        image_dimensions: { width: 2, height: 3 },
        description: 'tiny',
      }),
    ]);

    const asBob = await rest(w.sim, w.bob).raw(file.url);
    expect(asBob.status).toBe(200);
    expect(Buffer.from(await asBob.arrayBuffer()).equals(PNG)).toBe(true);
    expect((await rest(w.sim).raw(file.url)).status).toBe(403);
    const byCookie = await fetch(`${w.sim.url}${file.url}`, {
      headers: { cookie: `rc_uid=${w.bob._id}; rc_token=${w.bob.token}` },
    });
    expect(byCookie.status).toBe(200);
    expect((await rest(w.sim, w.bob).raw('/file-upload/nope/x')).status).toBe(404);
  });

  it('confirms only once, only for the uploader and room, into threads too', async () => {
    const api = rest(w.sim, w.alice);
    const root = (
      await api.post('chat.sendMessage', { message: { rid: w.room._id, msg: 'files here' } })
    ).body.message as { _id: string };
    const up = (await api.upload(w.room._id, 'a.txt', Buffer.from('abc'), 'text/plain')).body
      .file as { _id: string };
    const other = await rest(w.sim, w.bob).post(`rooms.mediaConfirm/${w.room._id}/${up._id}`, {});
    expect(other.body).toMatchObject({ success: false, errorType: 'invalid-file' });
    const ok = await api.post(`rooms.mediaConfirm/${w.room._id}/${up._id}`, { tmid: root._id });
    expect(ok.body.message).toMatchObject({ tmid: root._id, msg: '' });
    expect((await api.post(`rooms.mediaConfirm/${w.room._id}/${up._id}`, {})).body.errorType).toBe(
      'invalid-file',
    );
    const bad = await api.post(`rooms.mediaConfirm/${w.room._id}/${up._id}`, { msg: 5 });
    expect(bad.body.errorType).toBe('invalid-params');
  });

  it('refuses uploads over the size limit and to rooms the user is not in', async () => {
    const big = await rest(w.sim, w.alice).upload(
      w.room._id,
      'big.bin',
      Buffer.alloc(4096),
      'application/octet-stream',
    );
    expect(big.status).toBe(400);
    expect(big.body.errorType).toBe('error-file-too-large');
    const outsider = await rest(w.sim, w.bob).upload(
      w.secret._id,
      'a.txt',
      Buffer.from('x'),
      'text/plain',
    );
    expect(outsider.status).toBe(400);
  });
});
