import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rest, startWorld, type World } from './helpers.js';
import { loadSpec } from './spec.js';

let w: World;
const spec = loadSpec();

beforeAll(async () => {
  w = await startWorld();
});
afterAll(async () => {
  await w?.sim.close();
});

function check(path: string, method: 'get' | 'post', status: number, body: unknown): void {
  spec.check(
    spec.response(`/api/v1/${path}`, method, String(status)),
    body,
    `${method} ${path} ${status}`,
  );
}

describe('simulator answers match the published Rocket.Chat API description', () => {
  it('the loader rejects wrong shapes (so the checks below can fail)', () => {
    expect(() =>
      check('chat.sendMessage', 'post', 200, { message: { msg: 5 }, success: 'yes' }),
    ).toThrow(/msg|success/);
    expect(() => check('channels.info', 'get', 200, { channel: { msgs: 'many' } })).toThrow(/msgs/);
    expect(() => check('chat.sendMessage', 'post', 401, { status: 1 })).toThrow(/status/);
  });

  it('messages: send, post, update, react, get, thread, sync, delete', async () => {
    const alice = rest(w.sim, w.alice);
    const sent = await alice.post('chat.sendMessage', {
      message: { rid: w.room._id, msg: 'spec **check** @bob' },
    });
    check('chat.sendMessage', 'post', 200, sent.body);
    const id = (sent.body.message as { _id: string })._id;
    check(
      'chat.postMessage',
      'post',
      200,
      (await alice.post('chat.postMessage', { roomId: w.room._id, text: 'p' })).body,
    );
    check(
      'chat.update',
      'post',
      200,
      (await alice.post('chat.update', { roomId: w.room._id, msgId: id, text: 'x' })).body,
    );
    check(
      'chat.react',
      'post',
      200,
      (await alice.post('chat.react', { messageId: id, emoji: 'smile' })).body,
    );
    check('chat.getMessage', 'get', 200, (await alice.get('chat.getMessage', { msgId: id })).body);
    await alice.post('chat.sendMessage', {
      message: { rid: w.room._id, msg: 'in thread', tmid: id },
    });
    check(
      'chat.getThreadMessages',
      'get',
      200,
      (await alice.get('chat.getThreadMessages', { tmid: id })).body,
    );
    check(
      'chat.syncMessages',
      'get',
      200,
      (
        await alice.get('chat.syncMessages', {
          roomId: w.room._id,
          lastUpdate: new Date(0).toISOString(),
        })
      ).body,
    );
    check(
      'chat.syncMessages',
      'get',
      200,
      (await alice.get('chat.syncMessages', { roomId: w.room._id, type: 'UPDATED', next: '0' }))
        .body,
    );
    check(
      'chat.delete',
      'post',
      200,
      (await alice.post('chat.delete', { roomId: w.room._id, msgId: id })).body,
    );
  });

  it('rooms, users and files', async () => {
    const alice = rest(w.sim, w.alice);
    check('me', 'get', 200, (await alice.get('me')).body);
    check('users.info', 'get', 200, (await alice.get('users.info', { userId: w.bob._id })).body);
    check(
      'channels.info',
      'get',
      200,
      (await alice.get('channels.info', { roomId: w.room._id })).body,
    );
    check(
      'groups.info',
      'get',
      200,
      (await alice.get('groups.info', { roomId: w.secret._id })).body,
    );
    check(
      'channels.history',
      'get',
      200,
      (await alice.get('channels.history', { roomId: w.room._id })).body,
    );
    check('channels.list', 'get', 200, (await alice.get('channels.list')).body);
    const up = await alice.upload(w.room._id, 'a.txt', Buffer.from('abc'), 'text/plain');
    spec.check(spec.response('/api/v1/rooms.media/{rid}', 'post', '200'), up.body);
    const fileId = (up.body.file as { _id: string })._id;
    const confirmed = await alice.post(`rooms.mediaConfirm/${w.room._id}/${fileId}`, {
      msg: 'file',
    });
    spec.check(
      spec.response('/api/v1/rooms.mediaConfirm/{rid}/{fileId}', 'post', '200'),
      confirmed.body,
    );
  });

  it('error envelopes: 401 and 400', async () => {
    check('chat.sendMessage', 'post', 401, (await rest(w.sim).post('chat.sendMessage', {})).body);
    const bad = await rest(w.sim, w.alice).post('chat.sendMessage', { nothing: true });
    expect(bad.status).toBe(400);
    check('chat.sendMessage', 'post', 400, bad.body);
    const invalidFile = await rest(w.sim, w.alice).post(
      `rooms.mediaConfirm/${w.room._id}/nofile`,
      {},
    );
    spec.check(
      spec.response('/api/v1/rooms.mediaConfirm/{rid}/{fileId}', 'post', '400'),
      invalidFile.body,
    );
  });
});
