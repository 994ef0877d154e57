import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { FileRefusedError } from '../../../src/connector/file-url.js';
import {
  HOSTILE_FILE_IDS,
  hostileUrls,
  redirectDownloads,
  startElsewhere,
  type Elsewhere,
} from '../file-url-cases.js';
import { connectorWorld, rest, type Running } from './world.js';

let t: Awaited<ReturnType<typeof connectorWorld>>;
let r: Running;
let elsewhere: Elsewhere;
const ref = () => ({ workspace: 'main', channel: t.w.room._id });

beforeAll(async () => {
  t = await connectorWorld();
  r = await t.start();
  await t.connected(r);
  elsewhere = await startElsewhere();
});
afterAll(async () => {
  await t?.close();
  await elsewhere?.close();
});
afterEach(() => vi.restoreAllMocks());

/** Uploads into `rid` as alice; resolves to the upload id and the message id. */
async function upload(rid: string, name: string, body: string) {
  const api = rest(t.w.sim, t.w.alice);
  const up = (await api.upload(rid, name, Buffer.from(body), 'text/plain')).body.file as {
    _id: string;
  };
  const confirmed = await api.post(`rooms.mediaConfirm/${rid}/${up._id}`, { msg: '' });
  return { uploadId: up._id, messageId: (confirmed.body.message as { _id: string })._id };
}

const fileRequests = () =>
  t.w.sim.requestLog().filter((e) => e.path.startsWith('/file-upload')).length;

describe('Rocket.Chat files named by a message', () => {
  it('bridges the server’s own upload, fetched by id from /file-upload/<id>/<name>', async () => {
    const { uploadId, messageId } = await upload(t.w.room._id, 'plan v2.txt', 'real bytes');
    const ev = await t.message(r, messageId);
    const att = ev.content.attachments[0]!;
    expect(att).toMatchObject({
      fileId: `/file-upload/${uploadId}/plan_v2.txt`,
      name: 'plan v2.txt',
    });
    expect(att.refused).toBeUndefined();
    expect((await r.connector.downloadFile!(ref(), att.fileId)).data.toString()).toBe('real bytes');
  });

  it('refuses sender-written attachments that name no file of the message', async () => {
    // A real upload in a room the sender's audience cannot see: the bait of a cross-room leak.
    const secret = await upload(t.w.secret._id, 'secret.txt', 'top secret');
    const link = `/file-upload/${secret.uploadId}/secret.txt`;
    const hostile: Array<Record<string, unknown>> = [
      { title: 'other room', title_link: link, title_link_download: true },
      { title: 'absolute', title_link: `${t.w.sim.url}${link}`, title_link_download: true },
      { title: 'elsewhere', title_link: `${elsewhere.url}/x.txt`, title_link_download: true },
      { title: 'look-alike', title_link: `https://evil.example${link}` },
      { title: 'dots', title_link: '/file-upload/../../api/v1/me', title_link_download: true },
      { title: 'encoded', title_link: '/file-upload/%2e%2e/%2e%2e/api/v1/me' },
      { title: 'image only', image_url: `${elsewhere.url}/file-upload/x/y.png` },
      { title: 'slash id', title_link: '/file-upload/a/b/c.txt', title_link_download: true },
    ];
    const id = await t.post(t.w.alice, 'look', { attachments: hostile });
    const ev = await t.message(r, id);
    expect(ev.content.attachments.map((a) => [a.name, a.fileId, a.refused])).toEqual(
      hostile.map((h) => [h.title, '', 'it names no file the server attached to this message']),
    );
    expect(elsewhere.hits).toEqual([]);
  });

  it.each(HOSTILE_FILE_IDS)(
    'refuses a file id that is not an upload (%s) without a request',
    async (_n, id) => {
      const before = fileRequests();
      await expect(r.connector.downloadFile!(ref(), id)).rejects.toBeInstanceOf(FileRefusedError);
      expect(fileRequests()).toBe(before);
    },
  );

  it('never follows a redirect away from the upload, nor sends the credentials there', async () => {
    const { uploadId } = await upload(t.w.room._id, 'r.txt', 'redirected');
    const fileId = `/file-upload/${uploadId}/r.txt`;
    for (const [name, location] of hostileUrls(`${t.w.sim.url}${fileId}`, elsewhere.url)) {
      const spy = redirectDownloads(/^\/file-upload\//, location);
      const err = await r.connector.downloadFile!(ref(), fileId).catch((e: unknown) => e);
      spy.mockRestore();
      expect(err, name).toBeInstanceOf(FileRefusedError);
    }
    expect(elsewhere.hits).toEqual([]);
  });
});

describe('Rocket.Chat avatars', () => {
  const png = Buffer.from('89504e470d0a1a0a', 'hex');
  const avatarRequests = () =>
    t.w.sim.requestLog().filter((e) => e.path.startsWith('/avatar/')).length;

  it('downloads a user’s avatar from /avatar/<username>', async () => {
    const dana = t.w.sim.createUser({ username: 'dana.k', avatarPng: png });
    const got = await r.connector.downloadAvatar!('main', dana._id, 'etag');
    expect(got.data.equals(png)).toBe(true);
  });

  it('follows no redirect away from the avatar, for every hostile location', async () => {
    const erik = t.w.sim.createUser({ username: 'erik', avatarPng: png });
    const list = hostileUrls(`${t.w.sim.url}/avatar/erik`, elsewhere.url);
    for (const [name, location] of list) {
      const spy = redirectDownloads(/^\/avatar\//, location);
      const err = await r.connector.downloadAvatar!('main', erik._id, 'etag').catch((e) => e);
      spy.mockRestore();
      expect(err, name).toBeInstanceOf(FileRefusedError);
    }
    expect(elsewhere.hits).toEqual([]);
  });

  it.each(['..', '.', '...'])('never asks for a path of the server (username %j)', async (u) => {
    const { downloadAvatar } = await import('../../../connectors/rocketchat/files.js');
    const before = avatarRequests();
    await expect(downloadAvatar(t.w.sim.url, {}, u, 1000)).rejects.toBeInstanceOf(FileRefusedError);
    expect(avatarRequests()).toBe(before);
  });
});
