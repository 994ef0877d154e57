import { DDPSDK } from '@rocket.chat/ddp-client';
import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startRocketChatSimulator } from '../../../simulators/rocketchat/index.js';
import { rest, startWorld, until, type World } from './helpers.js';

let w: World;
const sdks: DDPSDK[] = [];

beforeAll(async () => {
  w = await startWorld();
});
afterEach(() => {
  for (const sdk of sdks.splice(0)) sdk.connection.close();
});
afterAll(async () => {
  await w?.sim.close();
});

async function connectAs(token: string): Promise<DDPSDK> {
  const sdk = DDPSDK.create(w.sim.url);
  sdks.push(sdk);
  await sdk.connection.connect();
  await sdk.account.loginWithToken(token);
  return sdk;
}

type Msg = Record<string, unknown>;

describe('DDP with @rocket.chat/ddp-client', () => {
  it('connects, logs in with a resume token and refuses a bad one', async () => {
    const sdk = await connectAs(w.alice.token);
    expect(sdk.connection.status).toBe('connected');
    expect(sdk.account.uid).toBe(w.alice._id);

    const other = DDPSDK.create(w.sim.url);
    sdks.push(other);
    await other.connection.connect();
    await expect(other.account.loginWithToken('not-a-token')).rejects.toMatchObject({ error: 403 });
  });

  it('streams new messages, edits and reactions as message updates with EJSON dates', async () => {
    const sdk = await connectAs(w.bot.token);
    const got: Msg[] = [];
    const sub = sdk.stream('room-messages', w.room._id, (m: unknown) => got.push(m as Msg));
    await sub.ready();
    const api = rest(w.sim, w.alice);
    const sent = (await api.post('chat.sendMessage', { message: { rid: w.room._id, msg: 'live' } }))
      .body.message as { _id: string };
    await api.post('chat.update', { roomId: w.room._id, msgId: sent._id, text: 'live (edited)' });
    await rest(w.sim, w.bob).post('chat.react', { messageId: sent._id, emoji: ':smile:' });
    const [created, edited, reacted] = await until(
      'three stream events',
      () => got.length >= 3 && got,
    );
    expect(created).toMatchObject({ _id: sent._id, msg: 'live', u: { username: 'alice' } });
    expect(created!.ts).toEqual({ $date: expect.any(Number) });
    expect(edited).toMatchObject({ msg: 'live (edited)', editedAt: { $date: expect.any(Number) } });
    expect(reacted).toMatchObject({ reactions: { ':smile:': { usernames: ['bob'] } } });
  });

  it('announces deletions on stream-notify-room <rid>/deleteMessage', async () => {
    const sdk = await connectAs(w.bot.token);
    const deleted: Msg[] = [];
    const sub = sdk.stream('notify-room', `${w.room._id}/deleteMessage`, (d: unknown) =>
      deleted.push(d as Msg),
    );
    await sub.ready();
    const api = rest(w.sim, w.alice);
    const m = (await api.post('chat.sendMessage', { message: { rid: w.room._id, msg: 'doomed' } }))
      .body.message as { _id: string };
    await api.post('chat.delete', { roomId: w.room._id, msgId: m._id });
    expect(await until('the deletion', () => deleted[0])).toEqual({ _id: m._id });
  });

  it('drops every socket on request; the client sees the disconnect', async () => {
    const sdk = await connectAs(w.alice.token);
    const states: string[] = [];
    sdk.connection.on('connection', (s: string) => states.push(s));
    w.sim.dropWebSockets();
    await until('the disconnect', () => states.includes('disconnected'));
    expect(w.sim.webSocketCount()).toBe(0);
  });
});

describe('DDP protocol edges (raw frames)', () => {
  function open(): Promise<{ ws: WebSocket; frames: Msg[] }> {
    const ws = new WebSocket(`${w.sim.url.replace('http', 'ws')}/websocket`);
    const frames: Msg[] = [];
    ws.on('message', (d) => frames.push(JSON.parse(d.toString()) as Msg));
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve({ ws, frames }));
      ws.once('error', reject);
    });
  }
  const send = (ws: WebSocket, f: unknown) =>
    ws.send(typeof f === 'string' ? f : JSON.stringify(f));

  it('needs connect first, discards non-JSON, answers unknown messages with an error frame', async () => {
    const { ws, frames } = await open();
    send(ws, { msg: 'ping' });
    await until('must-connect error', () => frames.find((f) => f.reason === 'Must connect first'));
    send(ws, { msg: 'connect', version: '1', support: ['1'] });
    await until('connected', () => frames.find((f) => f.msg === 'connected'));
    send(ws, '{ not json');
    send(ws, { msg: 'bogus' });
    send(ws, { msg: 'ping', id: 'p1' });
    await until('pong', () => frames.find((f) => f.msg === 'pong' && f.id === 'p1'));
    expect(frames.find((f) => f.msg === 'error')).toBeDefined();
    expect(frames.filter((f) => f.msg === 'error' && f.reason === 'Bad request')).toHaveLength(1);
    expect(frames[0]).toEqual({ server_id: '0' });
    ws.close();
  });

  it('refuses an unsupported DDP version with failed', async () => {
    const { ws, frames } = await open();
    send(ws, { msg: 'connect', version: '9', support: ['9'] });
    await until('failed', () => frames.find((f) => f.msg === 'failed'));
    expect(frames.find((f) => f.msg === 'failed')).toEqual({ msg: 'failed', version: '1' });
    ws.close();
  });

  it('answers nosub for rooms the user cannot read, unknown streams and bad event names', async () => {
    const { ws, frames } = await open();
    send(ws, { msg: 'connect', version: '1', support: ['1'] });
    send(ws, { msg: 'method', method: 'login', id: 'l1', params: [{ resume: w.bob.token }] });
    await until('login result', () => frames.find((f) => f.msg === 'result' && f.id === 'l1'));
    expect(frames.find((f) => f.msg === 'updated')).toEqual({ msg: 'updated', methods: ['l1'] });
    send(ws, {
      msg: 'sub',
      id: 's1',
      name: 'stream-room-messages',
      params: [w.secret._id, { useCollection: false, args: [] }],
    });
    send(ws, { msg: 'sub', id: 's2', name: 'stream-nothing', params: ['x'] });
    send(ws, { msg: 'sub', id: 's3', name: 'stream-room-messages', params: [42] });
    send(ws, {
      msg: 'sub',
      id: 's4',
      name: 'stream-room-messages',
      params: [w.room._id, { useCollection: false, args: [] }],
    });
    await until(
      'four answers',
      () => frames.filter((f) => f.msg === 'nosub' || f.msg === 'ready').length >= 4,
    );
    expect(frames.find((f) => f.id === 's1')).toEqual({ msg: 'nosub', id: 's1' });
    expect(frames.find((f) => f.id === 's2')).toMatchObject({
      msg: 'nosub',
      error: { error: 404 },
    });
    expect(frames.find((f) => f.id === 's3')).toMatchObject({
      msg: 'nosub',
      error: { error: 'invalid-event-name' },
    });
    expect(frames.find((f) => f.msg === 'ready')).toEqual({ msg: 'ready', subs: ['s4'] });
    send(ws, { msg: 'method', method: 'nope', id: 'm2', params: [] });
    await until('method error', () => frames.find((f) => f.id === 'm2'));
    expect(frames.find((f) => f.id === 'm2')).toMatchObject({
      msg: 'result',
      error: { error: 404 },
    });
    ws.close();
  });

  it('pings idle clients and drops those that never answer', async () => {
    const sim = await startRocketChatSimulator({ ddpPingIntervalMs: 100 });
    try {
      const ws = new WebSocket(`${sim.url.replace('http', 'ws')}/websocket`);
      const frames: Msg[] = [];
      ws.on('message', (d) => frames.push(JSON.parse(d.toString()) as Msg));
      await new Promise((r) => ws.once('open', r));
      ws.send(JSON.stringify({ msg: 'connect', version: '1', support: ['1'] }));
      const closed = new Promise((r) => ws.once('close', r));
      await until('a server ping', () => frames.find((f) => f.msg === 'ping'));
      await closed; // never answered
      await until('the simulator to forget the socket', () => sim.webSocketCount() === 0);
    } finally {
      await sim.close();
    }
  });
});
