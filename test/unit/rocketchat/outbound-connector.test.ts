import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OutboundMessage } from '../../../src/connector/contract.js';
import { ReactionUnavailableError } from '../../../src/connector/index.js';
import type { FormattedText } from '../../../src/model/message.js';
import { plainText } from '../../../src/model/message.js';
import { ATTRIBUTION_WARNING } from '../../../connectors/rocketchat/identity.js';
import { connectorWorld, waitFor, type Running } from './world.js';

let t: Awaited<ReturnType<typeof connectorWorld>>;
let r: Running;
let n = 0;

const ref = () => ({ workspace: 'main', channel: t.w.room._id });
const out = (
  text: FormattedText | string,
  extra: Partial<OutboundMessage> = {},
): OutboundMessage => ({
  sender: {
    userId: '@maria:example.org',
    displayName: 'Maria Matrix',
    avatarUrl: 'https://bridge.example/media/maria.png',
  },
  content: { text: typeof text === 'string' ? plainText(text) : text, attachments: [] },
  idempotencyKey: `outbound-test-${++n}`,
  ...extra,
});
type Msg = {
  _id: string;
  msg: string;
  alias?: string;
  avatar?: string;
  tmid?: string;
  attachments?: Array<Record<string, unknown>>;
  file?: { name: string };
};
const find = (id: string) =>
  (t.w.sim.messages(t.w.room._id) as unknown as Msg[]).find((m) => m._id === id);

beforeAll(async () => {
  t = await connectorWorld();
  r = await t.start();
  await t.connected(r);
});
afterAll(async () => {
  await t?.close();
});

describe('bridge → Rocket.Chat', () => {
  it('posts with the Matrix sender’s name and avatar, native @mentions and @all', async () => {
    const text: FormattedText = {
      blocks: [
        {
          type: 'paragraph',
          children: [
            { type: 'text', text: 'hi ' },
            {
              type: 'mention',
              target: {
                kind: 'remote',
                connector: 'rocketchat',
                workspace: 'main',
                userId: t.w.bob._id,
              },
              text: 'Bob Berg',
            },
            { type: 'text', text: ' and ' },
            {
              type: 'mention',
              target: { kind: 'matrix', userId: '@someone:example.org' },
              text: 'Someone',
            },
            { type: 'text', text: ' ' },
            { type: 'room_mention' },
          ],
        },
      ],
    };
    const [id] = (await r.connector.sendMessage(ref(), out(text))).messageIds;
    const m = find(id!)!;
    expect(m).toMatchObject({
      msg: 'hi @bob and Someone @all',
      alias: 'Maria Matrix',
      avatar: 'https://bridge.example/media/maria.png',
    });
  });

  it('sends replies as quotes and thread messages with tmid', async () => {
    const root = await t.post(t.w.alice, 'question');
    await t.message(r, root);
    const [reply] = (await r.connector.sendMessage(ref(), out('answer', { replyTo: root })))
      .messageIds;
    const m = find(reply!)!;
    expect(m.msg).toBe(`[ ](${t.w.sim.url}/channel/general?msg=${root}) answer`);
    expect(m.attachments?.[0]).toMatchObject({ text: 'question' });
    const [threaded] = (
      await r.connector.sendMessage(ref(), out('in thread', { threadRoot: root, replyTo: root }))
    ).messageIds;
    expect(find(threaded!)).toMatchObject({ msg: 'in thread', tmid: root });
  });

  it('does not send a retried message twice', async () => {
    const msg = out('exactly once');
    const first = await r.connector.sendMessage(ref(), msg);
    const again = await r.connector.sendMessage(ref(), msg);
    expect(again.messageIds).toEqual(first.messageIds);
    expect(
      (t.w.sim.messages(t.w.room._id) as unknown as Msg[]).filter((m) => m.msg === 'exactly once'),
    ).toHaveLength(1);
  });

  it('splits long text and sends files with the caption', async () => {
    const long = `${'word '.repeat(1200)}end`;
    const ids = (await r.connector.sendMessage(ref(), out(long))).messageIds;
    expect(ids.length).toBe(2);
    const msg = out('the caption');
    msg.content.attachments.push({
      kind: 'file',
      name: 'notes.txt',
      mimetype: 'text/plain',
      data: Buffer.from('notes'),
    });
    const [fileMsg] = (await r.connector.sendMessage(ref(), msg)).messageIds;
    expect(find(fileMsg!)).toMatchObject({
      msg: 'the caption',
      alias: 'Maria Matrix',
      file: { name: 'notes.txt' },
    });
  });

  it('falls back to attribution, and says so in the state, without message-impersonate', async () => {
    t.w.sim.revokePermission('message-impersonate', 'bot');
    try {
      const [id] = (await r.connector.sendMessage(ref(), out('no alias now'))).messageIds;
      const m = find(id!)!;
      expect(m.msg).toBe('*Maria Matrix*: no alias now');
      expect(m.alias).toBeUndefined();
      expect(r.ctx.lastState('main')).toMatchObject({
        status: 'connected',
        error: ATTRIBUTION_WARNING,
      });
      // A restarted bridge sees the missing permission up front.
      const fresh = await t.start();
      await t.connected(fresh);
      expect(fresh.ctx.lastState('main')?.error).toBe(ATTRIBUTION_WARNING);
      const [id2] = (await fresh.connector.sendMessage(ref(), out('second'))).messageIds;
      expect(find(id2!)?.msg).toBe('*Maria Matrix*: second');
    } finally {
      t.w.sim.grantPermission('message-impersonate', 'bot');
    }
  });

  it('attribution mode never sets alias; edits keep the attribution', async () => {
    const a = await t.start({ identity: 'attribution' });
    await t.connected(a);
    expect(a.ctx.lastState('main')).toMatchObject({ status: 'connected' });
    expect(a.ctx.lastState('main')?.error).toBeUndefined();
    const [id] = (await a.connector.sendMessage(ref(), out('attributed'))).messageIds;
    expect(find(id!)).toMatchObject({ msg: '*Maria Matrix*: attributed' });
    expect(find(id!)?.alias).toBeUndefined();
    await a.connector.editMessage!(ref(), id!, out('edited'));
    expect(find(id!)?.msg).toBe('*Maria Matrix*: edited');
  });

  it('reacts, unreacts and deletes without echoes; a repeated delete is not an error', async () => {
    const target = await t.post(t.w.alice, 'target');
    await t.message(r, target);
    await r.connector.addReaction!(ref(), target, '🎉');
    await waitFor(
      'reaction',
      () => (find(target) as { reactions?: object } | undefined)?.reactions,
    );
    await r.connector.removeReaction!(ref(), target, '🎉');
    // No emoji of that name (free text; a custom emoji this server lacks): the sender is told,
    // and removing it is nothing to do.
    for (const key of ['lol', ':company_logo:']) {
      await expect(r.connector.addReaction!(ref(), target, key)).rejects.toBeInstanceOf(
        ReactionUnavailableError,
      );
      await r.connector.removeReaction!(ref(), target, key);
    }
    const [mine] = (await r.connector.sendMessage(ref(), out('delete me'))).messageIds;
    await r.connector.deleteMessage!(ref(), mine!);
    expect(find(mine!)).toBeUndefined();
    await t.settled(r);
    // A reconnect catches up on the room again: the bridge's own deletion stays its own.
    const states = r.ctx.states.length;
    t.w.sim.dropWebSockets();
    await waitFor('the reconnect', () =>
      r.ctx.states.slice(states).some((s) => s.status === 'connected'),
    );
    await r.connector.deleteMessage!(ref(), mine!); // already gone: not an error
    expect(
      r.ctx.events.filter(
        (e) =>
          'messageId' in e &&
          (e.messageId === mine || (e.messageId === target && e.kind !== 'message')),
      ),
    ).toEqual([]);
  });

  it('lists the rooms the bot is in, public and private', async () => {
    const rooms = await (
      r.connector as unknown as {
        listChannels(ws: string): Promise<Array<{ channel: string; name: string }>>;
      }
    ).listChannels('main');
    expect(rooms).toEqual([
      { workspace: 'main', channel: t.w.room._id, name: 'General', visibility: 'public' },
      { workspace: 'main', channel: t.w.secret._id, name: 'Secret', visibility: 'private' },
    ]);
  });
});
