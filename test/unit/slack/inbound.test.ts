import { afterEach, describe, expect, it } from 'vitest';
import { WebClient } from '@slack/web-api';
import type { EditEvent, MessageEvent } from '../../../src/connector/events.js';
import { toPlainText } from '../../../src/format/plain.js';
import { solidPng } from '../../../simulators/mattermost/images.js';
import { waitFor } from '../../contract/fake-context.js';
import { eventsUpToMarker, startRig, type Rig } from './helpers.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

async function ready() {
  rig = await startRig('socket');
  await waitFor('connected', () => rig!.ctx.lastState('main')?.status === 'connected');
  return { r: rig, alice: new WebClient(rig.alice.token, { slackApiUrl: rig.sim.apiUrl }) };
}

const messageFor = (r: Rig, ts: string) =>
  waitFor(`the message ${ts}`, () =>
    r.ctx.events.find((e): e is MessageEvent => e.kind === 'message' && e.messageId === ts),
  );

describe('receiving from Slack', () => {
  it('reads rich_text blocks, with mentions as remote targets named from users.info', async () => {
    const { r, alice } = await ready();
    const bob = r.sim.createUser(r.teamId, {
      name: 'bob',
      realName: 'Bob Berg',
      displayName: 'bobby',
    });
    const { ts } = await alice.chat.postMessage({
      channel: r.channel,
      text: `hi <@${bob.id}> *all*`,
      blocks: [
        {
          type: 'rich_text',
          elements: [
            {
              type: 'rich_text_section',
              elements: [
                { type: 'text', text: 'hi ' },
                { type: 'user', user_id: bob.id },
                { type: 'text', text: ' ' },
                { type: 'text', text: 'all', style: { bold: true } },
                { type: 'broadcast', range: 'here' },
              ],
            },
          ],
        },
      ],
    });
    const e = await messageFor(r, ts!);
    expect(e.content.text.blocks).toEqual([
      {
        type: 'paragraph',
        children: [
          { type: 'text', text: 'hi ' },
          {
            type: 'mention',
            target: {
              kind: 'remote',
              connector: 'slack',
              workspace: 'main',
              userId: bob.id.toLowerCase(),
            },
            text: 'bobby',
          },
          { type: 'text', text: ' ' },
          { type: 'bold', children: [{ type: 'text', text: 'all' }] },
          { type: 'room_mention' },
        ],
      },
    ]);
    expect(e.sender).toEqual({ userId: r.alice.id.toLowerCase() });
  });

  it('bridges other integrations’ bot messages as notices, never its own', async () => {
    const { r } = await ready();
    const github = r.sim.createApp(r.teamId, { name: 'GitHub' });
    r.sim.addToChannel(r.channel, github.botUserId);
    const gh = new WebClient(github.botToken, { slackApiUrl: r.sim.apiUrl });
    const { ts } = await gh.chat.postMessage({
      channel: r.channel,
      text: 'PR merged',
      username: 'GitHub CI',
    });
    const e = await messageFor(r, ts!);
    expect(e.sender).toEqual({ userId: github.botUserId.toLowerCase(), displayName: 'GitHub CI' });
    expect(e.content.notice).toBe(true);
    const own = new WebClient(r.app.botToken, { slackApiUrl: r.sim.apiUrl });
    const mine = await own.chat.postMessage({
      channel: r.channel,
      text: 'from the bridge',
      username: 'Someone',
    });
    await own.reactions.add({ channel: r.channel, timestamp: ts!, name: 'eyes' });
    const seen = await eventsUpToMarker(r);
    expect(seen.some((x) => 'messageId' in x && x.messageId === mine.ts)).toBe(false);
    expect(seen.some((x) => x.kind === 'reaction')).toBe(false);
  });

  it('carries edits with a key per edit, thread broadcasts with their root, deletions', async () => {
    const { r, alice } = await ready();
    const root = await alice.chat.postMessage({ channel: r.channel, text: 'root' });
    const shout = await alice.chat.postMessage({
      channel: r.channel,
      text: 'shout',
      thread_ts: root.ts!,
      reply_broadcast: true,
    });
    expect((await messageFor(r, shout.ts!)).threadRoot).toBe(root.ts);
    await alice.chat.update({ channel: r.channel, ts: root.ts!, text: 'root v2' });
    await alice.chat.update({ channel: r.channel, ts: root.ts!, text: 'root v3' });
    const edits = await waitFor('two edits', () => {
      const list = r.ctx.events.filter((e): e is EditEvent => e.kind === 'edit');
      return list.length >= 2 && list;
    });
    expect(edits.map((e) => toPlainText(e.content.text))).toEqual(['root v2', 'root v3']);
    expect(new Set(edits.map((e) => e.eventKey)).size).toBe(2);
    await alice.chat.delete({ channel: r.channel, ts: shout.ts! });
    await waitFor('the delete', () =>
      r.ctx.events.some((e) => e.kind === 'delete' && e.messageId === shout.ts),
    );
  });

  it('reads a deleted thread root (left as a tombstone) as a deletion', async () => {
    const { r, alice } = await ready();
    const root = await alice.chat.postMessage({ channel: r.channel, text: 'root to go' });
    await alice.chat.postMessage({ channel: r.channel, text: 'reply stays', thread_ts: root.ts! });
    await alice.chat.delete({ channel: r.channel, ts: root.ts! });
    await waitFor('the delete', () =>
      r.ctx.events.some((e) => e.kind === 'delete' && e.messageId === root.ts),
    );
    expect(r.sim.messages(r.channel)[0]).toMatchObject({ ts: root.ts, subtype: 'tombstone' });
    expect(r.ctx.events.filter((e) => e.kind === 'edit')).toHaveLength(0);
  });

  it('turns files into attachments it can download with the bot token', async () => {
    const { r, alice } = await ready();
    const png = solidPng(4, 4, [10, 20, 30]);
    const up = await alice.filesUploadV2({
      channel_id: r.channel,
      file: png,
      filename: 'dot.png',
      initial_comment: 'a dot',
    });
    const file = (
      up.files as Array<{
        files: Array<{ id: string; shares: { public: Record<string, Array<{ ts: string }>> } }>;
      }>
    )[0]!.files[0]!;
    const e = await messageFor(r, file.shares.public[r.channel]![0]!.ts);
    expect(toPlainText(e.content.text)).toBe('a dot');
    expect(e.content.attachments).toEqual([
      expect.objectContaining({
        fileId: file.id,
        name: 'dot.png',
        kind: 'image',
        mimetype: 'image/png',
        size: png.length,
      }),
    ]);
    const got = await r.connector.downloadFile!({ workspace: 'main', channel: r.channel }, file.id);
    expect(got.data.equals(png)).toBe(true);
    expect(got.mimetype).toBe('image/png');
  });

  it('describes people and bots, with avatars whose handle follows the image', async () => {
    const { r } = await ready();
    const info = await r.connector.getUserInfo('main', r.alice.id.toLowerCase());
    expect(info.displayName).toBe('Alice Andersson');
    const avatar = await r.connector.downloadAvatar(
      'main',
      r.alice.id.toLowerCase(),
      info.avatarId!,
    );
    expect(avatar.mimetype).toBe('image/png');
    expect(avatar.data.subarray(1, 4).toString()).toBe('PNG');
    r.sim.updateUser(r.alice.id, { displayName: 'Ali', avatarPng: solidPng(8, 8, [1, 2, 3]) });
    const changed = await r.connector.getUserInfo('main', r.alice.id.toLowerCase());
    expect(changed.displayName).toBe('Ali');
    expect(changed.avatarId).not.toBe(info.avatarId);
    const bot = await r.connector.getUserInfo('main', r.app.botId.toLowerCase());
    expect(bot.displayName).toBe('Matrix Bridge');
    expect(await r.connector.getUserHandle!('main', r.alice.id.toLowerCase())).toBe('alice');
    expect((await r.connector.getChatInfo({ workspace: 'main', channel: r.channel })).name).toBe(
      'general',
    );
  });

  it('joins a linked public channel it is not in, and reads what was posted since the link', async () => {
    rig = await startRig('socket', { botOutside: true });
    const r = rig;
    await waitFor('connected', () => r.ctx.lastState('main')?.status === 'connected');
    expect(r.sim.messages(r.channel).at(-1)).toMatchObject({
      subtype: 'channel_join',
      user: r.app.botUserId,
    });
    const alice = new WebClient(r.alice.token, { slackApiUrl: r.sim.apiUrl });
    const { ts } = await alice.chat.postMessage({ channel: r.channel, text: 'now you hear me' });
    await messageFor(r, ts!);
    expect(r.ctx.events.filter((e) => e.kind === 'message')).toHaveLength(1);
  });

  it('ignores unlinked channels and housekeeping messages', async () => {
    const { r, alice } = await ready();
    const other = r.sim.createChannel(r.teamId, 'other', {
      members: [r.alice.id, r.app.botUserId],
    });
    await alice.chat.postMessage({ channel: other.id, text: 'not linked' });
    const bob = r.sim.createUser(r.teamId, { name: 'bob' });
    r.sim.addToChannel(r.channel, bob.id, true);
    const { ts } = await alice.chat.postMessage({ channel: r.channel, text: 'after' });
    await messageFor(r, ts!);
    expect(r.ctx.events.map((e) => e.kind === 'message' && toPlainText(e.content.text))).toEqual([
      'after',
    ]);
  });
});
