import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rest, startWorld, type World } from './helpers.js';

let w: World;
beforeAll(async () => {
  w = await startWorld();
});
afterAll(async () => {
  await w?.sim.close();
});

const send = (user: World['alice'], body: Record<string, unknown>) =>
  rest(w.sim, user).post('chat.sendMessage', { message: { rid: w.room._id, ...body } });

describe('authentication and error envelopes', () => {
  it('answers 401 with the server envelope for missing or wrong credentials', async () => {
    for (const api of [rest(w.sim), rest(w.sim, { _id: w.alice._id, token: 'wrong' })]) {
      const res = await api.get('me');
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ status: 'error', message: 'You must be logged in to do this.' });
    }
  });

  it('accepts personal access tokens, and stops accepting them once revoked', async () => {
    const pat = w.sim.issueToken(w.bob._id);
    const me = await rest(w.sim, { _id: w.bob._id, token: pat }).get('me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      success: true,
      _id: w.bob._id,
      username: 'bob',
      name: 'Bob Berg',
    });
    // Another user's id with this token is refused.
    expect((await rest(w.sim, { _id: w.alice._id, token: pat }).get('me')).status).toBe(401);
  });

  it('runs the server validators: a malformed body is 400 invalid-params', async () => {
    const res = await rest(w.sim, w.alice).post('chat.sendMessage', { msg: 'no envelope' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ success: false, errorType: 'invalid-params' });
    expect(String(res.body.error)).toMatch(/\[invalid-params\]$/);
    const react = await rest(w.sim, w.alice).post('chat.react', { emoji: 'smile' });
    expect(react.status).toBe(400);
  });

  it('answers 404 for unknown endpoints and 403 when a required permission is missing', async () => {
    const missing = await rest(w.sim, w.alice).get('chat.nothing');
    expect(missing.status).toBe(404);
    expect(missing.body.success).toBe(false);
    w.sim.revokePermission('view-c-room', 'user');
    const list = await rest(w.sim, w.alice).get('channels.list');
    expect(list.status).toBe(403);
    expect(list.body).toMatchObject({ success: false });
    w.sim.grantPermission('view-c-room', 'user');
    expect((await rest(w.sim, w.alice).get('channels.list')).status).toBe(200);
  });
});

describe('messages', () => {
  it('sends, reads, edits and deletes, with markdown, mentions and dates as ISO strings', async () => {
    const sent = await send(w.alice, { msg: 'hi *there* @bob and @all' });
    expect(sent.status).toBe(200);
    const m = sent.body.message as Record<string, unknown>;
    expect(m).toMatchObject({
      rid: w.room._id,
      msg: 'hi *there* @bob and @all',
      u: { _id: w.alice._id, username: 'alice' },
    });
    expect(typeof m.ts).toBe('string');
    expect(Array.isArray(m.md)).toBe(true);
    expect((m.mentions as Array<{ username: string }>).map((x) => x.username).sort()).toEqual([
      'all',
      'bob',
    ]);

    const got = await rest(w.sim, w.bob).get('chat.getMessage', { msgId: String(m._id) });
    expect(got.body.message).toMatchObject({ _id: m._id });

    const edited = await rest(w.sim, w.alice).post('chat.update', {
      roomId: w.room._id,
      msgId: m._id,
      text: 'changed',
    });
    expect(edited.body.message).toMatchObject({ msg: 'changed', editedBy: { username: 'alice' } });
    expect(typeof (edited.body.message as Record<string, unknown>).editedAt).toBe('string');

    const denied = await rest(w.sim, w.bob).post('chat.update', {
      roomId: w.room._id,
      msgId: m._id,
      text: 'mine now',
    });
    expect(denied.status).toBe(400);
    expect(denied.body.errorType).toBe('error-action-not-allowed');

    const wrongRoom = await rest(w.sim, w.alice).post('chat.delete', {
      roomId: w.secret._id,
      msgId: m._id,
    });
    expect(wrongRoom.body.error).toBe(
      'The room id provided does not match where the message is from.',
    );
    const deleted = await rest(w.sim, w.alice).post('chat.delete', {
      roomId: w.room._id,
      msgId: m._id,
    });
    expect(deleted.body).toMatchObject({ success: true, _id: m._id });
    expect(
      (await rest(w.sim, w.alice).get('chat.getMessage', { msgId: String(m._id) })).status,
    ).toBe(400);
  });

  it('keeps a client-chosen _id and refuses a second message with it', async () => {
    const first = await send(w.bot, { _id: 'BridgeFixedId0001', msg: 'once' });
    expect((first.body.message as { _id: string })._id).toBe('BridgeFixedId0001');
    const again = await send(w.bot, { _id: 'BridgeFixedId0001', msg: 'once' });
    expect(again.status).toBe(400);
    expect(w.sim.messages(w.room._id).filter((m) => m.msg === 'once')).toHaveLength(1);
  });

  it('applies the message-impersonate rule to alias and avatar', async () => {
    const byUser = await send(w.alice, { msg: 'as someone', alias: 'Someone' });
    expect(byUser.status).toBe(400);
    expect(byUser.body).toMatchObject({ success: false, error: 'Not enough permission' });
    const byBot = await send(w.bot, {
      msg: 'as maria',
      alias: 'Maria',
      avatar: 'https://example.org/a.png',
    });
    expect(byBot.body.message).toMatchObject({
      alias: 'Maria',
      avatar: 'https://example.org/a.png',
      groupable: false,
    });
    w.sim.revokePermission('message-impersonate', 'bot');
    expect((await send(w.bot, { msg: 'x', alias: 'Maria' })).body.error).toBe(
      'Not enough permission',
    );
    w.sim.grantPermission('message-impersonate', 'bot');
    const perms = await rest(w.sim, w.bot).get('permissions.listAll');
    const imp = (perms.body.update as Array<{ _id: string; roles: string[] }>).find(
      (p) => p._id === 'message-impersonate',
    );
    expect(imp?.roles).toContain('bot');
  });

  it('toggles reactions by name and refuses unknown emoji', async () => {
    const m = (await send(w.alice, { msg: 'react to me' })).body.message as { _id: string };
    const api = rest(w.sim, w.bob);
    expect((await api.post('chat.react', { messageId: m._id, emoji: ':thumbsup:' })).status).toBe(
      200,
    );
    expect(
      (await api.post('chat.react', { messageId: m._id, emoji: 'thumbsup', shouldReact: true }))
        .status,
    ).toBe(200);
    let got = (await api.get('chat.getMessage', { msgId: m._id })).body.message as Record<
      string,
      unknown
    >;
    expect(got.reactions).toEqual({ ':thumbsup:': { usernames: ['bob'] } });
    await api.post('chat.react', { messageId: m._id, emoji: 'thumbsup' });
    got = (await api.get('chat.getMessage', { msgId: m._id })).body.message as Record<
      string,
      unknown
    >;
    expect(got.reactions).toBeUndefined();
    const bad = await api.post('chat.react', { messageId: m._id, emoji: 'no_such_emoji_here' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('Invalid emoji provided. [error-not-allowed]');
  });

  it('keeps threads one level deep and counts replies on the root', async () => {
    const root = (await send(w.alice, { msg: 'root' })).body.message as { _id: string };
    const r1 = (await send(w.bob, { msg: 'reply 1', tmid: root._id })).body.message as {
      _id: string;
      tmid: string;
    };
    const r2 = (await send(w.alice, { msg: 'reply to reply', tmid: r1._id })).body.message as {
      tmid: string;
    };
    expect(r1.tmid).toBe(root._id);
    expect(r2.tmid).toBe(root._id);
    const rootNow = (await rest(w.sim, w.alice).get('chat.getMessage', { msgId: root._id })).body
      .message;
    expect(rootNow).toMatchObject({ tcount: 2 });
    const thread = await rest(w.sim, w.alice).get('chat.getThreadMessages', { tmid: root._id });
    expect((thread.body.messages as Array<{ msg: string }>).map((m) => m.msg)).toEqual([
      'reply 1',
      'reply to reply',
    ]);
    expect(thread.body.total).toBe(2);
  });

  it('turns a link to a message into a quote attachment', async () => {
    const quoted = (await send(w.alice, { msg: 'quote me' })).body.message as { _id: string };
    const link = `${w.sim.url}/channel/general?msg=${quoted._id}`;
    const reply = (await send(w.bob, { msg: `[ ](${link}) my answer` })).body.message as Record<
      string,
      unknown
    >;
    expect(reply.attachments).toEqual([
      expect.objectContaining({ message_link: link, text: 'quote me', author_name: 'alice' }),
    ]);
  });

  it('posts with chat.postMessage to a room id or #name', async () => {
    const byId = await rest(w.sim, w.alice).post('chat.postMessage', {
      roomId: w.room._id,
      text: 'posted',
    });
    expect(byId.body).toMatchObject({
      success: true,
      message: { msg: 'posted' },
      channel: w.room._id,
    });
    const byName = await rest(w.sim, w.alice).post('chat.postMessage', {
      channel: '#general',
      text: 'by name',
    });
    expect(byName.body.message).toMatchObject({ msg: 'by name', rid: w.room._id });
  });
});

describe('rooms, users and sync', () => {
  it('describes channels, groups and users; private groups only to members', async () => {
    expect(
      (await rest(w.sim, w.bob).get('channels.info', { roomId: w.room._id })).body.channel,
    ).toMatchObject({ name: 'general', fname: 'General', t: 'c' });
    expect(
      (await rest(w.sim, w.alice).get('groups.info', { roomId: w.secret._id })).body.group,
    ).toMatchObject({ name: 'secret', t: 'p' });
    expect(
      (await rest(w.sim, w.alice).get('rooms.info', { roomId: w.secret._id })).body.room,
    ).toMatchObject({ _id: w.secret._id });
    const hidden = await rest(w.sim, w.bob).get('groups.info', { roomId: w.secret._id });
    expect(hidden.status).toBe(400);
    expect(hidden.body.errorType).toBe('error-room-not-found');
    const user = await rest(w.sim, w.bob).get('users.info', { username: 'alice' });
    expect(user.body.user).toMatchObject({
      _id: w.alice._id,
      name: 'Alice Andersson',
      username: 'alice',
    });
    expect((await rest(w.sim, w.bob).get('users.info', { userId: 'nobody' })).status).toBe(400);
  });

  it('serves avatars: uploaded image with an ETag, or a generated initial', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
    const carol = w.sim.createUser({ username: 'carol', avatarPng: png });
    const info = await rest(w.sim, w.bob).get('users.info', { userId: carol._id });
    expect(typeof (info.body.user as { avatarETag?: string }).avatarETag).toBe('string');
    const img = await rest(w.sim).raw('/avatar/carol');
    expect(img.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await img.arrayBuffer()).equals(png)).toBe(true);
    const svg = await rest(w.sim).raw('/avatar/bob');
    expect(svg.headers.get('content-type')).toBe('image/svg+xml');
    const redirect = await rest(w.sim, w.bob).raw(`/api/v1/users.getAvatar?userId=${carol._id}`, {
      redirect: 'manual',
    });
    expect(redirect.status).toBe(307);
    expect(redirect.headers.get('location')).toBe('/avatar/carol');
  });

  it('syncs by lastUpdate and pages by cursor, including deletions', async () => {
    const api = rest(w.sim, w.alice);
    const room = w.sim.createRoom('sync', {});
    w.sim.addToRoom(room._id, w.alice._id);
    const start = Date.now() - 1;
    const ids: string[] = [];
    for (const n of [1, 2, 3, 4, 5]) {
      const r = await api.post('chat.sendMessage', { message: { rid: room._id, msg: `m${n}` } });
      ids.push((r.body.message as { _id: string })._id);
    }
    await api.post('chat.delete', { roomId: room._id, msgId: ids[4] });

    const byDate = await api.get('chat.syncMessages', {
      roomId: room._id,
      lastUpdate: new Date(start).toISOString(),
    });
    const result = byDate.body.result as {
      updated: Array<{ msg: string }>;
      deleted: Array<{ _id: string }>;
    };
    expect(result.updated.map((m) => m.msg)).toEqual(['m4', 'm3', 'm2', 'm1']);
    expect(result.deleted.map((d) => d._id)).toEqual([ids[4]]);

    const seen: string[] = [];
    let next: string | null = String(start);
    while (next) {
      const page = await api.get('chat.syncMessages', {
        roomId: room._id,
        type: 'UPDATED',
        next,
        count: 3,
      });
      const r = page.body.result as {
        updated: Array<{ msg: string }>;
        cursor: { next: string | null };
      };
      seen.push(...r.updated.map((m) => m.msg));
      next = r.cursor.next;
    }
    expect(seen).toEqual(['m1', 'm2', 'm3', 'm4']);
    const del = await api.get('chat.syncMessages', {
      roomId: room._id,
      type: 'DELETED',
      next: String(start),
    });
    expect(
      (del.body.result as { deleted: Array<{ _id: string }> }).deleted.map((d) => d._id),
    ).toEqual([ids[4]]);

    const noCursor = await api.get('chat.syncMessages', { roomId: room._id, type: 'UPDATED' });
    expect(noCursor.body.result).toEqual({ updated: [], deleted: [] });
    const neither = await api.get('chat.syncMessages', { roomId: room._id });
    expect(neither.body.errorType).toBe('error-param-required');
  });

  it('returns room history newest first within oldest/latest', async () => {
    const res = await rest(w.sim, w.alice).get('channels.history', {
      roomId: w.room._id,
      count: 2,
    });
    const messages = res.body.messages as Array<{ ts: string }>;
    expect(messages).toHaveLength(2);
    expect(Date.parse(messages[0]!.ts)).toBeGreaterThan(Date.parse(messages[1]!.ts));
    const groups = await rest(w.sim, w.alice).get('groups.history', { roomId: w.secret._id });
    expect(groups.body).toMatchObject({ success: true, messages: [] });
  });
});
