import { DDPSDK } from '@rocket.chat/ddp-client';
import WebSocket from 'ws';
import { definition } from '../../connectors/rocketchat/index.js';
import { startRocketChatSimulator } from '../../simulators/rocketchat/index.js';
import { runContractSuite } from './suite.js';
import type { ContractTarget, RemoteMessageView } from './target.js';

// @rocket.chat/ddp-client (whose `rest` is Rocket.Chat's own REST client) needs a global WebSocket.
(globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;

const SEND = /\/api\/v1\/chat\.sendMessage$/;

type Msg = {
  _id: string;
  msg: string;
  alias?: string;
  u: { username: string };
  tmid?: string;
  files?: Array<{ name: string }>;
  reactions?: Record<string, unknown>;
};

const target: ContractTarget = {
  name: 'rocketchat',
  definition: definition as ContractTarget['definition'],
  emoji: { name: 'thumbsup', unicode: '👍' },
  bold: (word) => `*${word}*`,
  async setup() {
    const sim = await startRocketChatSimulator();
    const bot = sim.createUser({ username: 'bridgebot', name: 'Bridge Bot', bot: true });
    const alice = sim.createUser({ username: 'alice', name: 'Alice Andersson' });
    const room = sim.createRoom('contract', { fname: 'Contract Channel' });
    for (const u of [bot, alice]) sim.addToRoom(room._id, u._id);

    // Alice uses Rocket.Chat's SDK: DDP login with her token, then its REST client.
    const sdk = DDPSDK.create(sim.url);
    await sdk.connection.connect();
    await sdk.account.loginWithToken(alice.token);
    const rest = sdk.rest as unknown as {
      post(endpoint: string, params: unknown): Promise<{ message: Msg }>;
    };
    const block = (userId: string, token: string) => ({
      workspaces: { main: { url: sim.url, user_id: userId, token, identity: 'auto' } },
    });

    return {
      config: block(bot._id, bot.token),
      badCredentialsConfig: block(bot._id, 'not-the-token'),
      channel: { workspace: 'main', channel: room._id },
      channelName: 'Contract Channel',
      user: { id: alice._id, displayName: 'Alice Andersson' },
      async post(text, opts) {
        const res = await rest.post('/v1/chat.sendMessage', {
          message: { rid: room._id, msg: text, ...(opts?.threadRoot && { tmid: opts.threadRoot }) },
        });
        return res.message._id;
      },
      async postFile(name, data, mimetype, caption) {
        const form = new FormData();
        form.append('file', new Blob([new Uint8Array(data)], { type: mimetype }), name);
        const up = (await rest.post(`/v1/rooms.media/${room._id}`, form)) as unknown as {
          file: { _id: string };
        };
        const res = await rest.post(`/v1/rooms.mediaConfirm/${room._id}/${up.file._id}`, {
          msg: caption ?? '',
        });
        return res.message._id;
      },
      edit: async (id, text) =>
        void (await rest.post('/v1/chat.update', { roomId: room._id, msgId: id, text })),
      remove: async (id) =>
        void (await rest.post('/v1/chat.delete', { roomId: room._id, msgId: id })),
      react: async (id, name) =>
        void (await rest.post('/v1/chat.react', { messageId: id, emoji: name, shouldReact: true })),
      unreact: async (id, name) =>
        void (await rest.post('/v1/chat.react', {
          messageId: id,
          emoji: name,
          shouldReact: false,
        })),
      async messages(): Promise<RemoteMessageView[]> {
        return (sim.messages(room._id) as unknown as Msg[]).map((m) => ({
          id: m._id,
          text: m.msg,
          authorName: m.alias ?? m.u.username,
          threadRoot: m.tmid,
          files: (m.files ?? []).map((f) => f.name),
          reactions: Object.keys(m.reactions ?? {}).map((k) => k.replace(/^:|:$/g, '')),
        }));
      },
      dropConnection: async () => sim.dropWebSockets(),
      rateLimitSends: (count, retryAfterSec) =>
        sim.injectFailures({
          status: 429,
          count,
          retryAfterMs: retryAfterSec * 1000,
          pathPattern: SEND,
        }),
      failSends: (count, status) => sim.injectFailures({ status, count, pathPattern: SEND }),
      close: async () => {
        sdk.connection.close();
        await sim.close();
      },
    };
  },
};

runContractSuite(target);
