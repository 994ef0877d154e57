// The example connector of docs/connectors.md passes the same contract as the real ones, over
// its in-memory platform: the skeleton a fifth platform starts from is known to work.
import { definition } from '../../examples/skeleton-connector/index.js';
import { closePlatform, openPlatform } from '../../examples/skeleton-connector/platform.js';
import { runContractSuite } from './suite.js';
import type { ContractTarget, RemoteMessageView } from './target.js';

let platforms = 0;

const target: ContractTarget = {
  name: 'skeleton (Memo Chat)',
  definition: definition as ContractTarget['definition'],
  emoji: { name: '👍', unicode: '👍' },
  bold: (word) => word, // Memo Chat has no markup: bold arrives as its text
  async setup() {
    const name = `contract-${process.pid}-${++platforms}`;
    const platform = openPlatform(name);
    const bot = platform.addUser('bridgebot');
    const alice = platform.addUser('Alice Andersson');
    const channel = platform.addChannel('Contract Channel', [bot, alice]);
    const block = (token: string) => ({ workspaces: { main: { platform: name, token } } });
    const view = (id: string): RemoteMessageView => {
      const m = platform.message(alice.token, id);
      const reactions = [...m.reactions].filter(([, users]) => users.size > 0);
      return {
        id,
        text: m.text,
        authorName: m.shownAs,
        threadRoot: m.threadRoot,
        files: m.files.map((f) => f.name),
        reactions: reactions.map(([emoji]) => emoji),
      };
    };

    return {
      config: block(bot.token),
      badCredentialsConfig: block('not-a-token'),
      channel: { workspace: 'main', channel },
      channelName: 'Contract Channel',
      user: { id: alice.id, displayName: 'Alice Andersson' },
      post: async (text, opts) =>
        platform.post(alice.token, channel, { text, threadRoot: opts?.threadRoot }).id,
      postFile: async (fileName, data, mimetype, caption) =>
        platform.post(alice.token, channel, {
          text: caption ?? '',
          files: [{ name: fileName, data, mimetype }],
        }).id,
      edit: async (id, text) => platform.edit(alice.token, id, text),
      remove: async (id) => platform.remove(alice.token, id),
      react: async (id, emoji) => platform.react(alice.token, id, emoji, true),
      unreact: async (id, emoji) => platform.react(alice.token, id, emoji, false),
      async messages() {
        const posted = platform.changes(alice.token, channel, 0, Infinity);
        const ids = posted.filter((c) => c.kind === 'posted').map((c) => c.message);
        return ids.filter((id) => !platform.message(alice.token, id).deleted).map(view);
      },
      dropConnection: async () => platform.dropConnections(),
      rateLimitSends: (count, retryAfterSec) => platform.failPosts(count, 429, retryAfterSec),
      failSends: (count, status) => platform.failPosts(count, status),
      close: async () => closePlatform(name),
    };
  },
};

runContractSuite(target);
