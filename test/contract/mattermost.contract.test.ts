import { Client4 } from '@mattermost/client';
import type { Post } from '@mattermost/types/posts';
import { definition } from '../../connectors/mattermost/index.js';
import { startMattermostSimulator } from '../../simulators/mattermost/index.js';
import { PATIENT_MATTERMOST } from '../simulators/mattermost/helpers.js';
import { runContractSuite } from './suite.js';
import type { ContractTarget } from './target.js';

const SEND = /^\/api\/v4\/posts$/;

const target: ContractTarget = {
  name: 'mattermost',
  definition: definition as ContractTarget['definition'],
  emoji: { name: '+1', unicode: '👍' },
  bold: (word) => `**${word}**`,
  async setup() {
    const sim = await startMattermostSimulator(PATIENT_MATTERMOST);
    sim.setSettings({ enablePostUsernameOverride: true, enablePostIconOverride: true });
    const team = sim.createTeam('agency');
    const channel = sim.createChannel(team.id, 'contract', { displayName: 'Contract Channel' });
    const bot = sim.createUser({ username: 'bridgebot', isBot: true });
    const alice = sim.createUser({ username: 'alice', firstName: 'Alice', lastName: 'Andersson' });
    for (const u of [bot, alice]) {
      sim.addToTeam(team.id, u.id);
      sim.addToChannel(channel.id, u.id);
    }
    const client = new Client4();
    client.setUrl(sim.url);
    client.setToken(alice.token);
    const block = (token: string) => ({
      workspaces: { main: { url: sim.url, token, identity: 'auto' } },
    });

    return {
      config: block(bot.token),
      badCredentialsConfig: block('x'.repeat(26)),
      channel: { workspace: 'main', channel: channel.id },
      channelName: 'Contract Channel',
      user: { id: alice.id, displayName: 'Alice Andersson' },
      async post(text, opts) {
        const p = await client.createPost({
          channel_id: channel.id,
          message: text,
          root_id: opts?.threadRoot ?? '',
        } as Post);
        return p.id;
      },
      async postFile(name, data, mimetype, caption) {
        const fd = new FormData();
        fd.append('channel_id', channel.id);
        fd.append('files', new Blob([new Uint8Array(data)], { type: mimetype }), name);
        const up = await client.uploadFile(fd);
        const p = await client.createPost({
          channel_id: channel.id,
          message: caption ?? '',
          file_ids: [up.file_infos[0]!.id],
        } as Post);
        return p.id;
      },
      edit: async (id, text) => void (await client.patchPost({ id, message: text })),
      remove: async (id) => void (await client.deletePost(id)),
      react: async (id, name) => void (await client.addReaction(alice.id, id, name)),
      unreact: async (id, name) => void (await client.removeReaction(alice.id, id, name)),
      async messages() {
        return sim.posts(channel.id).map((p) => ({
          id: p.id,
          text: p.message,
          authorName: String(
            p.props?.override_username ?? (p.user_id === bot.id ? 'bridgebot' : 'alice'),
          ),
          threadRoot: p.root_id || undefined,
          files: (p.metadata?.files ?? []).map((f) => f.name),
          reactions: (p.metadata?.reactions ?? []).map((r) => r.emoji_name),
        }));
      },
      dropConnection: async () => sim.dropWebSockets(),
      rateLimitSends: (count, retryAfterSec) =>
        sim.injectFailures({ status: 429, count, retryAfterSec, pathPattern: SEND }),
      failSends: (count, status) => sim.injectFailures({ status, count, pathPattern: SEND }),
      close: () => sim.close(),
    };
  },
};

runContractSuite(target);
