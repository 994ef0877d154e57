import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebClient } from '@slack/web-api';
import type { BridgeApp } from '../../src/app/bridge-app.js';
import { solidPng } from '../../simulators/mattermost/images.js';
import type { MatrixEvent } from '../harness/index.js';
import { createSlackWorld, waitUntil } from './slack-fixture.js';

// Every feature both ways, with Socket Mode (slack-events.test.ts covers the Events API).
let world: Awaited<ReturnType<typeof createSlackWorld>>;
let bridge: BridgeApp;

const rel = (e: MatrixEvent): Record<string, unknown> =>
  (e.content['m.relates_to'] ?? {}) as Record<string, unknown>;

function fromGhost(userId: string, predicate: (e: MatrixEvent) => boolean): Promise<MatrixEvent> {
  const ghost = world.ghostOf('slack', userId);
  return world.matrix.waitForEvent(world.roomId, (e) => e.sender === ghost && predicate(e));
}

const aliceSays = (text: string, extra: Record<string, unknown> = {}) =>
  world.slack.alice.client.chat.postMessage({ channel: world.slack.channelId, text, ...extra });

beforeAll(async () => {
  world = await createSlackWorld('socket');
  bridge = await world.startBridge();
});

afterAll(async () => {
  await bridge?.stop();
  await world?.close();
});

describe('Slack → Matrix', () => {
  it('shows rich_text formatting as the author’s ghost with name and avatar', async () => {
    await aliceSays('Hello *team*', {
      blocks: [
        {
          type: 'rich_text',
          elements: [
            {
              type: 'rich_text_section',
              elements: [
                { type: 'text', text: 'Hello ' },
                { type: 'text', text: 'team', style: { bold: true } },
                { type: 'text', text: ', ' },
                { type: 'text', text: 'see', style: { italic: true } },
                { type: 'text', text: ' ' },
                { type: 'link', url: 'https://example.org', text: 'docs' },
                { type: 'text', text: ' ' },
                { type: 'text', text: 'old', style: { strike: true } },
                { type: 'text', text: ' ' },
                { type: 'text', text: 'code', style: { code: true } },
              ],
            },
            {
              type: 'rich_text_list',
              style: 'bullet',
              elements: [
                { type: 'rich_text_section', elements: [{ type: 'text', text: 'one' }] },
                { type: 'rich_text_section', elements: [{ type: 'text', text: 'two' }] },
              ],
            },
            { type: 'rich_text_quote', elements: [{ type: 'text', text: 'quoted' }] },
            { type: 'rich_text_preformatted', elements: [{ type: 'text', text: 'let x = 1;' }] },
          ],
        },
      ],
    });
    const ev = await fromGhost(world.slack.alice.id, (e) =>
      String(e.content.body).startsWith('Hello'),
    );
    const html = String(ev.content.formatted_body);
    expect(html).toContain('<strong>team</strong>');
    expect(html).toContain('<em>see</em>');
    expect(html).toContain('<a href="https://example.org">docs</a>');
    expect(html).toMatch(/<(del|s)>old<\/(del|s)>/);
    expect(html).toContain('<code>code</code>');
    expect(html).toContain('<li>one</li>');
    expect(html).toContain('<blockquote>');
    expect(html).toContain('<pre><code>let x = 1;');
    const profile = await world.matrix.getProfile(world.ghostOf('slack', world.slack.alice.id));
    expect(profile.displayname).toBe('Alice Andersson (Slack)');
    expect(profile.avatar_url).toMatch(/^mxc:\/\//);
  });

  it('reads mrkdwn, mentions as pills, @here as @room, and escapes HTML', async () => {
    await aliceSays(`hey <@${world.slack.bob.id}> <!here> _look_ &lt;script&gt;x&lt;/script&gt;`);
    const ev = await fromGhost(world.slack.alice.id, (e) =>
      String(e.content.body).startsWith('hey'),
    );
    expect(String(ev.content.formatted_body)).toContain(
      `https://matrix.to/#/${world.ghostOf('slack', world.slack.bob.id)}`,
    );
    expect(String(ev.content.body)).toContain('@room');
    expect((ev.content['m.mentions'] as { room?: boolean }).room).toBe(true);
    expect(String(ev.content.formatted_body)).toContain('<em>look</em>');
    expect(String(ev.content.formatted_body)).not.toContain('<script>');
  });

  it('carries threads, edits, reactions and deletes', async () => {
    const root = await aliceSays('slack root');
    const rootEv = await fromGhost(world.slack.alice.id, (e) => e.content.body === 'slack root');
    await world.slack.bob.client.chat.postMessage({
      channel: world.slack.channelId,
      text: 'slack reply',
      thread_ts: root.ts!,
    });
    const replyEv = await fromGhost(world.slack.bob.id, (e) => e.content.body === 'slack reply');
    expect(rel(replyEv)).toMatchObject({ rel_type: 'm.thread', event_id: rootEv.event_id });

    await world.slack.alice.client.chat.update({
      channel: world.slack.channelId,
      ts: root.ts!,
      text: 'slack root (edited)',
    });
    const edit = await fromGhost(world.slack.alice.id, (e) => rel(e).rel_type === 'm.replace');
    expect(rel(edit).event_id).toBe(rootEv.event_id);
    expect((edit.content['m.new_content'] as { body: string }).body).toBe('slack root (edited)');

    await world.slack.bob.client.reactions.add({
      channel: world.slack.channelId,
      timestamp: root.ts!,
      name: 'thumbsup',
    });
    const reaction = await fromGhost(world.slack.bob.id, (e) => e.type === 'm.reaction');
    expect(rel(reaction)).toMatchObject({
      rel_type: 'm.annotation',
      event_id: rootEv.event_id,
      key: '👍',
    });
    await world.slack.bob.client.reactions.remove({
      channel: world.slack.channelId,
      timestamp: root.ts!,
      name: 'thumbsup',
    });
    await world.matrix.waitForEvent(
      world.roomId,
      (e) => e.type === 'm.room.redaction' && e.redacts === reaction.event_id,
    );

    const doomed = await aliceSays('slack short-lived');
    const doomedEv = await fromGhost(
      world.slack.alice.id,
      (e) => e.content.body === 'slack short-lived',
    );
    await world.slack.alice.client.chat.delete({ channel: world.slack.channelId, ts: doomed.ts! });
    await world.matrix.waitForEvent(
      world.roomId,
      (e) => e.type === 'm.room.redaction' && e.redacts === doomedEv.event_id,
    );
  });

  it('brings files into the media repository', async () => {
    const png = solidPng(3, 3, [200, 10, 10]);
    await world.slack.alice.client.filesUploadV2({
      channel_id: world.slack.channelId,
      file: png,
      filename: 'red.png',
    });
    const ev = await fromGhost(world.slack.alice.id, (e) => e.content.msgtype === 'm.image');
    expect(ev.content.body).toBe('red.png');
    expect(Buffer.compare(await world.matrix.downloadMedia(String(ev.content.url)), png)).toBe(0);
  });

  it('bridges another integration’s messages as notices from its own ghost', async () => {
    const ci = world.slack.sim.createApp(world.slack.teamId, { name: 'Deploy Bot' });
    world.slack.sim.addToChannel(world.slack.channelId, ci.botUserId);
    const client = new WebClient(ci.botToken, { slackApiUrl: world.slack.sim.apiUrl });
    await client.chat.postMessage({ channel: world.slack.channelId, text: 'deployed v2' });
    const ev = await fromGhost(ci.botUserId, (e) => e.content.body === 'deployed v2');
    expect(ev.content.msgtype).toBe('m.notice');
  });
});

describe('Matrix → Slack', () => {
  it('posts under the Matrix user’s name and avatar with mrkdwn and rich_text', async () => {
    await world.matrix.setAvatarUrl(
      await world.matrix.uploadMedia(solidPng(2, 2, [0, 0, 255]), 'image/png'),
    );
    await world.matrix.sendMessage(world.roomId, {
      msgtype: 'm.text',
      body: 'hello from matrix',
      format: 'org.matrix.custom.html',
      formatted_body:
        'hello <em>from</em> <b>matrix</b> &lt;!channel&gt; <a href="https://example.org">link</a>',
    });
    const [m] = await world.slack.waitForBridged(1, (x) => x.text.startsWith('hello'));
    expect(m!.text).toBe('hello _from_ *matrix* &lt;!channel&gt; <https://example.org|link>');
    expect(m!.username).toBe('Maria Matrix (Matrix)');
    expect((m!.icons as { image_48?: string }).image_48).toMatch(/^http/);
    expect(JSON.stringify(m!.blocks)).toContain('"style":{"italic":true}');
  });

  it('turns pills of Slack ghosts into mentions and @room into <!channel>', async () => {
    const ghost = world.ghostOf('slack', world.slack.alice.id);
    await world.matrix.sendMessage(world.roomId, {
      msgtype: 'm.text',
      body: 'Alice Andersson: ping @room',
      format: 'org.matrix.custom.html',
      formatted_body: `<a href="https://matrix.to/#/${ghost}">Alice Andersson</a>: ping @room`,
      'm.mentions': { user_ids: [ghost], room: true },
    });
    const [m] = await world.slack.waitForBridged(1, (x) => x.text.includes('ping'));
    expect(m!.text).toBe(`<@${world.slack.alice.id}>: ping <!channel>`);
  });

  it('carries threads, replies, edits, reactions and redactions', async () => {
    const rootId = await world.matrix.sendMessage(world.roomId, 'matrix root');
    const [root] = await world.slack.waitForBridged(1, (m) => m.text === 'matrix root');
    const threadId = await world.matrix.threadReply(world.roomId, rootId, 'matrix thread reply');
    const [reply] = await world.slack.waitForBridged(1, (m) => m.text === 'matrix thread reply');
    expect(reply!.thread_ts).toBe(root!.ts);
    await world.matrix.reply(world.roomId, threadId, 'matrix plain reply');
    const [plain] = await world.slack.waitForBridged(1, (m) => m.text === 'matrix plain reply');
    expect(plain!.thread_ts).toBe(root!.ts);

    await world.matrix.edit(world.roomId, rootId, 'matrix root edited');
    await world.slack.waitForBridged(
      1,
      (m) => m.ts === root!.ts && m.text === 'matrix root edited',
    );

    const reaction = await world.matrix.sendReaction(world.roomId, rootId, '👍');
    await waitUntil(() =>
      (world.slack.message(root!.ts)?.reactions ?? []).some((r) => r.name === '+1'),
    );
    await world.matrix.redact(world.roomId, reaction);
    await waitUntil(() => (world.slack.message(root!.ts)?.reactions ?? []).length === 0);

    const doomed = await world.matrix.sendMessage(world.roomId, 'matrix short-lived');
    await world.slack.waitForBridged(1, (m) => m.text === 'matrix short-lived');
    await world.matrix.redact(world.roomId, doomed);
    await waitUntil(
      () =>
        !world.slack.sim
          .messages(world.slack.channelId)
          .some((m) => m.text === 'matrix short-lived'),
    );
  });

  it('uploads Matrix files through the external upload flow', async () => {
    const data = Buffer.from('plain file contents');
    const mxc = await world.matrix.uploadMedia(new Uint8Array(data), 'text/plain', 'notes.txt');
    await world.matrix.sendMessage(world.roomId, {
      msgtype: 'm.file',
      body: 'notes.txt',
      url: mxc,
      info: { mimetype: 'text/plain', size: data.length },
    });
    const [m] = await world.slack.waitForBridged(1, (x) =>
      (x.files ?? []).some((f) => f.name === 'notes.txt'),
    );
    expect(m!.subtype).toBe('file_share');
    expect(m!.text).toContain('Maria Matrix');
    const file = m!.files![0]!;
    expect(file.size).toBe(data.length);
  });

  it('does not loop: bridged messages are not echoed back', async () => {
    await world.matrix.sendMessage(world.roomId, 'no echo please');
    await world.slack.waitForBridged(1, (m) => m.text === 'no echo please');
    // Slack's events of the channel arrive in order: an echo of the copy would come before this.
    await aliceSays('marker after the copy');
    await fromGhost(world.slack.alice.id, (e) => e.content.body === 'marker after the copy');
    const copies = (await world.matrix.messages(world.roomId, { limit: 50 })).chunk.filter(
      (e) =>
        e.sender !== world.matrix.userId && String(e.content.body ?? '').includes('no echo please'),
    );
    expect(copies).toHaveLength(0);
    expect(
      world.slack.sim.messages(world.slack.channelId).filter((m) => m.text === 'no echo please'),
    ).toHaveLength(1);
  });
});
