import type { Post } from '@mattermost/types/posts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createWorld, RawSocket, type World, type WsMessage } from './helpers.js';
import { loadSpec } from './spec.js';

const spec = loadSpec();
let w: World;
const sockets: RawSocket[] = [];

beforeEach(async () => {
  w = await createWorld();
});
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  await w.sim.close();
});

async function connect(token: string): Promise<RawSocket> {
  const s = await RawSocket.authed(w.sim.url, token);
  sockets.push(s);
  return s;
}

/** A ping round trip: everything the server sent before it has arrived. */
async function settle(s: RawSocket, seq: number): Promise<WsMessage[]> {
  s.send({ action: 'ping', seq });
  const got: WsMessage[] = [];
  for (;;) {
    const m = await s.next();
    if (m.seq_reply === seq) return got;
    got.push(m);
  }
}

describe('WebSocket handshake', () => {
  it('replies OK to the challenge, then sends hello with seq 0', async () => {
    const s = new RawSocket(w.sim.url);
    sockets.push(s);
    await s.opened();
    s.send({ action: 'authentication_challenge', seq: 1, data: { token: w.alice.token } });
    expect(await s.next()).toEqual({ status: 'OK', seq_reply: 1 });
    const hello = await s.next();
    expect(hello).toMatchObject({
      event: 'hello',
      seq: 0,
      data: {
        server_version: expect.stringMatching(/^11\.9\.0\./),
        connection_id: expect.any(String),
      },
      broadcast: { omit_users: null, user_id: w.alice.id, channel_id: '', team_id: '' },
    });
    s.send({ action: 'ping', seq: 2 });
    expect(await s.next()).toMatchObject({ status: 'OK', seq_reply: 2, data: { text: 'pong' } });
  });

  it('answers a bad token with FAIL and closes', async () => {
    const s = new RawSocket(w.sim.url);
    sockets.push(s);
    await s.opened();
    s.send({ action: 'authentication_challenge', seq: 1, data: { token: 'nope' } });
    const reply = await s.next();
    expect(reply).toMatchObject({
      status: 'FAIL',
      seq_reply: 1,
      error: { id: 'api.context.session_expired.app_error', status_code: 401 },
    });
    spec.check(spec.schema('AppError'), reply.error);
    expect(await s.closed).toBe(1008);
  });

  it('closes a socket that never authenticates with 1008, after the login deadline', async () => {
    const quick = await createWorld({ wsAuthTimeoutMs: 200 });
    try {
      const s = new RawSocket(quick.sim.url);
      sockets.push(s);
      await s.opened();
      expect(await s.closed).toBe(1008); // this client deliberately stays silent
    } finally {
      await quick.sim.close();
    }
  });

  it('accepts the token in the upgrade request and refuses a bad one with 401', async () => {
    const s = new RawSocket(w.sim.url, { Authorization: `Bearer ${w.bob.token}` });
    sockets.push(s);
    await s.opened();
    expect(await s.next()).toMatchObject({
      event: 'hello',
      seq: 0,
      broadcast: { user_id: w.bob.id },
    });
    const bad = new RawSocket(w.sim.url, { Authorization: 'Bearer nope' });
    sockets.push(bad);
    await expect(bad.opened()).rejects.toThrow('HTTP 401');
    expect(
      w.sim
        .requestLog()
        .filter((e) => e.path === '/api/v4/websocket')
        .map((e) => e.status),
    ).toEqual([101, 401]);
  });

  it('refuses actions before authentication', async () => {
    const s = new RawSocket(w.sim.url);
    sockets.push(s);
    await s.opened();
    s.send({ action: 'user_typing', seq: 1, data: { channel_id: w.channelId } });
    expect(await s.next()).toMatchObject({
      status: 'FAIL',
      seq_reply: 1,
      error: { status_code: 401 },
    });
  });
});

describe('WebSocket events', () => {
  it('delivers channel events in order with consecutive seq and JSON-string payloads', async () => {
    const bob = await connect(w.bob.token);
    const carol = await connect(w.carol.token); // team member, not in the channel
    const p = await w.alice.client.createPost({
      channel_id: w.channelId,
      message: 'hi @bob',
    } as Post);
    await w.alice.client.patchPost({ id: p.id, message: 'hi again' });
    await w.alice.client.addReaction(w.alice.id, p.id, 'wave');
    await w.alice.client.removeReaction(w.alice.id, p.id, 'wave');
    await w.alice.client.deletePost(p.id);

    const events = await settle(bob, 2);
    expect(events.map((e) => [e.event, e.seq])).toEqual([
      ['posted', 1],
      ['post_edited', 2],
      ['reaction_added', 3],
      ['reaction_removed', 4],
      ['post_deleted', 5],
    ]);
    for (const e of events) {
      expect(e.broadcast).toEqual({
        omit_users: null,
        user_id: '',
        channel_id: w.channelId,
        team_id: '',
        connection_id: '',
        omit_connection_id: '',
      });
    }
    const [posted, edited, added, , deleted] = events as [
      WsMessage,
      WsMessage,
      WsMessage,
      WsMessage,
      WsMessage,
    ];
    expect(posted.data).toMatchObject({
      channel_display_name: 'Town Square',
      channel_name: 'town-square',
      channel_type: 'O',
      sender_name: '@alice',
      team_id: w.teamId,
      set_online: true,
      mentions: JSON.stringify([w.bob.id]),
    });
    expect(typeof posted.data?.post).toBe('string');
    const postedPost = JSON.parse(posted.data?.post as string) as Post;
    spec.check(spec.schema('Post'), postedPost);
    expect(postedPost).toMatchObject({ id: p.id, message: 'hi @bob' });
    expect(JSON.parse(edited.data?.post as string)).toMatchObject({
      id: p.id,
      message: 'hi again',
    });
    const reaction = JSON.parse(added.data?.reaction as string) as unknown;
    spec.check(spec.schema('Reaction'), reaction);
    expect(reaction).toMatchObject({ user_id: w.alice.id, post_id: p.id, emoji_name: 'wave' });
    expect(JSON.parse(deleted.data?.post as string)).toMatchObject({ id: p.id });

    expect(await settle(carol, 2)).toEqual([]);
  });

  it('relays typing to other members only', async () => {
    const alice = await connect(w.alice.token);
    const bob = await connect(w.bob.token);
    bob.send({ action: 'user_typing', seq: 2, data: { channel_id: w.channelId, parent_id: '' } });
    expect(await bob.next()).toEqual({ status: 'OK', seq_reply: 2 });
    const typing = await alice.nextEvent('typing');
    expect(typing).toMatchObject({
      event: 'typing',
      seq: 1,
      data: { parent_id: '', user_id: w.bob.id },
      broadcast: { channel_id: w.channelId, omit_users: { [w.bob.id]: true } },
    });
    expect(await settle(bob, 3)).toEqual([]);
    w.sim.addToChannel(w.otherChannelId, w.carol.id);
    bob.send({ action: 'user_typing', seq: 4, data: { channel_id: w.otherChannelId } });
    expect(await bob.next()).toMatchObject({ status: 'FAIL', seq_reply: 4 });
  });

  it('names the sender by override_username only when the setting is on', async () => {
    const alice = await connect(w.alice.token);
    const props = { from_webhook: 'true', override_username: 'Maria (Matrix)' };
    await w.bot.client.createPost({
      channel_id: w.channelId,
      message: 'a',
      props,
    } as unknown as Post);
    expect((await alice.nextEvent('posted')).data?.sender_name).toBe('Maria (Matrix)');
    w.sim.setSettings({ enablePostUsernameOverride: false });
    await w.bot.client.createPost({
      channel_id: w.channelId,
      message: 'b',
      props,
    } as unknown as Post);
    const second = await alice.nextEvent('posted');
    expect(second.data?.sender_name).toBe('@bridgebot');
    expect(JSON.parse(second.data?.post as string)).toMatchObject({
      props: { ...props, from_bot: 'true' },
    });
  });

  it('dropWebSockets closes every socket with 1001; reconnects start again at seq 0', async () => {
    const a = await connect(w.alice.token);
    const b = await connect(w.bob.token);
    const helloA = a.pending();
    w.sim.dropWebSockets();
    expect(await a.closed).toBe(1001);
    expect(await b.closed).toBe(1001);
    expect(helloA).toEqual([]);
    const again = new RawSocket(w.sim.url);
    sockets.push(again);
    await again.opened();
    again.send({ action: 'authentication_challenge', seq: 1, data: { token: w.alice.token } });
    await again.next();
    expect(await again.next()).toMatchObject({ event: 'hello', seq: 0 });
    expect(again.ws.readyState).toBe(WebSocket.OPEN);
  });
});
