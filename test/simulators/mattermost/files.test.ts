import type { FileUploadResponse } from '@mattermost/types/files';
import type { Post } from '@mattermost/types/posts';
import { afterEach, describe, expect, it } from 'vitest';
import { solidPng } from '../../../simulators/mattermost/images.js';
import { api, ClientError, createWorld, type World } from './helpers.js';
import { loadSpec } from './spec.js';

const spec = loadSpec();
let w: World | undefined;

afterEach(async () => {
  await w?.sim.close();
  w = undefined;
});

function form(
  channelId: string,
  files: Array<[string, Buffer, string]>,
  clientIds: string[] = [],
): FormData {
  const fd = new FormData();
  fd.append('channel_id', channelId);
  for (const id of clientIds) fd.append('client_ids', id);
  for (const [name, data, type] of files)
    fd.append('files', new Blob([new Uint8Array(data)], { type }), name);
  return fd;
}

describe('files', () => {
  it('uploads multipart like Client4.uploadFile, attaches to posts and serves bytes', async () => {
    w = await createWorld();
    const png = solidPng(3, 2, [255, 0, 0]);
    const up: FileUploadResponse = await w.alice.client.uploadFile(
      form(
        w.channelId,
        [
          ['red.png', png, 'image/png'],
          ['notes.txt', Buffer.from('hello'), 'text/plain'],
        ],
        ['c1', 'c2'],
      ),
    );
    spec.check(spec.response('/api/v4/files', 'post', '201'), up);
    expect(up.client_ids).toEqual(['c1', 'c2']);
    const [img, txt] = up.file_infos as [
      FileUploadResponse['file_infos'][0],
      FileUploadResponse['file_infos'][0],
    ];
    expect(img).toMatchObject({
      name: 'red.png',
      extension: 'png',
      mime_type: 'image/png',
      size: png.length,
      width: 3,
      height: 2,
      has_preview_image: true,
      post_id: '',
    });
    expect(txt).toMatchObject({
      name: 'notes.txt',
      extension: 'txt',
      mime_type: 'text/plain; charset=utf-8',
      size: 5,
    });
    expect(w.sim.requestLog().at(-1)).toEqual({
      method: 'POST',
      path: '/api/v4/files',
      status: 201,
    });

    // Someone else's unattached upload cannot be read or attached.
    expect((await api(w.sim, w.bob.token, `/files/${img.id}`)).status).toBe(403);
    const stolen = await w.bob.client.createPost({
      channel_id: w.channelId,
      message: 'mine?',
      file_ids: [img.id],
    } as Post);
    expect(stolen.file_ids ?? []).toEqual([]);

    const p = await w.alice.client.createPost({
      channel_id: w.channelId,
      message: 'pics',
      file_ids: [img.id, txt.id],
    } as Post);
    expect(p.file_ids).toEqual([img.id, txt.id]);
    expect(p.metadata.files?.map((f) => f.post_id)).toEqual([p.id, p.id]);

    const res = await api(w.sim, w.bob.token, `/files/${img.id}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('content-disposition')).toMatch(/^inline;/);
    expect(Buffer.from(await res.arrayBuffer()).equals(png)).toBe(true);
    const text = await api(w.sim, w.bob.token, `/files/${txt.id}`);
    expect(text.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(await text.text()).toBe('hello');

    const infos = await w.bob.client.getFileInfosForPost(p.id);
    spec.check(spec.response('/api/v4/posts/{post_id}/files/info', 'get', '200'), infos);
    expect(infos.map((f) => f.id)).toEqual([img.id, txt.id]);
    const one = await (await api(w.sim, w.bob.token, `/files/${txt.id}/info`)).json();
    spec.check(spec.schema('FileInfo'), one);
    expect(one).toMatchObject({ id: txt.id, post_id: p.id });

    await w.alice.client.deletePost(p.id);
    expect((await api(w.sim, w.alice.token, `/files/${img.id}`)).status).toBe(404);
  });

  it('refuses uploads into channels the caller is not in, and oversized files (413)', async () => {
    w = await createWorld({ maxFileSize: 1024 });
    const err = await w.carol.client
      .uploadFile(form(w.channelId, [['a.bin', Buffer.alloc(10), 'application/octet-stream']]))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClientError);
    expect((err as InstanceType<typeof ClientError>).status_code).toBe(403);

    const big = await w.alice.client
      .uploadFile(form(w.channelId, [['big.bin', Buffer.alloc(2048), 'application/octet-stream']]))
      .catch((e: unknown) => e as InstanceType<typeof ClientError>);
    expect((big as InstanceType<typeof ClientError>).status_code).toBe(413);
    expect((big as InstanceType<typeof ClientError>).message).toContain('big.bin');

    const noChannel = new FormData();
    noChannel.append('files', new Blob(['x']), 'x.txt');
    const res = await api(w.sim, w.alice.token, '/files', { method: 'POST', body: noChannel });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toContain('channel_id');

    const raw = await api(
      w.sim,
      w.alice.token,
      `/files?channel_id=${w.channelId}&filename=raw.txt`,
      { method: 'POST', body: 'raw body' },
    );
    expect(raw.status).toBe(201);
    const body = (await raw.json()) as FileUploadResponse;
    expect(body.file_infos[0]).toMatchObject({ name: 'raw.txt', size: 8 });
  });
});
