import type { Post } from '@mattermost/types/posts';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { createWorld, waitFor, WebSocketClient, type World } from './helpers.js';

// On Node 20, @mattermost/client's WebSocketClient needs a global WebSocket (it reads
// WebSocket.OPEN) and a newWebSocketFn; it also builds a CloseEvent when it detects a
// sequence gap, which Node 20 lacks.
beforeAll(() => {
  const g = globalThis as Record<string, unknown>;
  g.WebSocket ??= WebSocket;
  g.CloseEvent ??= class CloseEvent extends Event {
    readonly code: number;
    constructor(type: string, init: { code?: number } = {}) {
      super(type);
      this.code = init.code ?? 0;
    }
  };
});

interface Msg {
  event: string;
  seq: number;
  data: Record<string, unknown>;
}

let w: World;
let client: InstanceType<typeof WebSocketClient> | undefined;

beforeEach(async () => {
  w = await createWorld();
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
});
afterEach(async () => {
  client?.close();
  client = undefined;
  vi.restoreAllMocks();
  await w.sim.close();
});

describe('WebSocketClient from @mattermost/client', () => {
  it('authenticates, follows seq, and recovers after dropWebSockets', async () => {
    client = new WebSocketClient({
      newWebSocketFn: (url: string) => new WebSocket(url) as unknown as globalThis.WebSocket,
      minWebSocketRetryTime: 50,
      reconnectJitterRange: 10,
      clientPingInterval: 60_000,
    });
    const msgs: Msg[] = [];
    client.addMessageListener((m) => msgs.push(m as unknown as Msg));
    const missed = vi.fn();
    client.addMissedMessageListener(missed);
    let reconnects = 0;
    client.addReconnectListener(() => reconnects++);
    client.initialize(w.sim.url.replace(/^http/, 'ws') + '/api/v4/websocket', w.bob.token);

    await waitFor(() => msgs.find((m) => m.event === 'hello'));
    const p = await w.alice.client.createPost({ channel_id: w.channelId, message: 'one' } as Post);
    const posted = await waitFor(() => msgs.find((m) => m.event === 'posted'));
    expect(JSON.parse(posted.data.post as string)).toMatchObject({ id: p.id, message: 'one' });
    expect(msgs.map((m) => m.seq)).toEqual([0, 1]);
    expect((client as unknown as { serverSequence: number }).serverSequence).toBe(2);

    w.sim.dropWebSockets();
    await waitFor(() => reconnects === 1 && msgs.filter((m) => m.event === 'hello').length === 2);
    expect(missed).toHaveBeenCalledTimes(1); // new connection id: the client knows it must resync
    await w.alice.client.createPost({ channel_id: w.channelId, message: 'two' } as Post);
    const second = await waitFor(() => msgs.filter((m) => m.event === 'posted')[1]);
    expect(JSON.parse(second.data.post as string)).toMatchObject({ message: 'two' });
    expect(msgs.map((m) => `${m.event}:${m.seq}`)).toEqual([
      'hello:0',
      'posted:1',
      'hello:0',
      'posted:1',
    ]);
    expect(reconnects).toBe(1);
  });
});
