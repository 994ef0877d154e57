import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectorWorld, rest, type Running } from './world.js';

let t: Awaited<ReturnType<typeof connectorWorld>>;
let r: Running;

beforeAll(async () => {
  t = await connectorWorld();
  r = await t.start();
  await t.connected(r);
});
afterAll(async () => {
  await t?.close();
});

describe('Rocket.Chat → bridge', () => {
  it('reads formatting, user mentions and @all', async () => {
    const id = await t.post(t.w.alice, '*hi* @bob and @all');
    const ev = await t.message(r, id);
    expect(ev.content.text.blocks).toEqual([
      {
        type: 'paragraph',
        children: [
          { type: 'bold', children: [{ type: 'text', text: 'hi' }] },
          { type: 'text', text: ' ' },
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
          { type: 'room_mention' },
        ],
      },
    ]);
  });

  it('reads a quote as a reply and tmid as the thread root', async () => {
    const original = await t.post(t.w.bob, 'original');
    const link = `${t.w.sim.url}/channel/general?msg=${original}`;
    const reply = await t.post(t.w.alice, `[ ](${link}) the answer`);
    const ev = await t.message(r, reply);
    expect(ev.replyTo).toBe(original);
    expect(ev.content.text.blocks).toEqual([
      { type: 'paragraph', children: [{ type: 'text', text: 'the answer' }] },
    ]);
    const inThread = await t.post(t.w.alice, 'threaded', { tmid: original });
    expect((await t.message(r, inThread)).threadRoot).toBe(original);
    // The root's reply count changed; that is not news.
    await t.settled(r);
    expect(
      r.ctx.events.filter((e) => 'messageId' in e && e.messageId === original).map((e) => e.kind),
    ).toEqual(['message']);
  });

  it('reads image metadata and downloads files with the bot credentials', async () => {
    const png = Buffer.from(
      '89504e470d0a1a0a0000000d49484452000000040000000508060000009de1c4a0',
      'hex',
    );
    const api = rest(t.w.sim, t.w.alice);
    const up = (await api.upload(t.w.room._id, 'shot.png', png, 'image/png')).body.file as {
      _id: string;
    };
    const id = (
      (await api.post(`rooms.mediaConfirm/${t.w.room._id}/${up._id}`, { msg: 'look' })).body
        .message as { _id: string }
    )._id;
    const ev = await t.message(r, id);
    expect(ev.content.attachments).toEqual([
      {
        fileId: `/file-upload/${up._id}/shot.png`,
        kind: 'image',
        name: 'shot.png',
        mimetype: 'image/png',
        size: png.length,
        width: 4,
        height: 5,
      },
    ]);
    const got = await r.connector.downloadFile!(
      { workspace: 'main', channel: t.w.room._id },
      ev.content.attachments[0]!.fileId,
    );
    expect(got.data.equals(png)).toBe(true);
    await expect(
      r.connector.downloadFile!(
        { workspace: 'main', channel: t.w.room._id },
        'https://elsewhere.example/x',
      ),
    ).rejects.toThrow(/not a Rocket.Chat upload/);
  });

  it('turns reaction changes into add/remove events, by user, and ignores the bot’s own', async () => {
    const id = await t.post(t.w.alice, 'react here');
    await t.message(r, id);
    await rest(t.w.sim, t.w.bob).post('chat.react', { messageId: id, emoji: 'thumbsup' });
    await rest(t.w.sim, t.w.bot).post('chat.react', { messageId: id, emoji: 'tada' });
    await rest(t.w.sim, t.w.alice).post('chat.react', { messageId: id, emoji: 'thumbsup' });
    await rest(t.w.sim, t.w.bob).post('chat.react', { messageId: id, emoji: 'thumbsup' });
    const events = await t
      .eventFor(r, 'reaction_remove', id)
      .then(() =>
        r.ctx.events.filter(
          (e) => (e.kind === 'reaction' || e.kind === 'reaction_remove') && e.messageId === id,
        ),
      );
    expect(
      events.map((e) => [e.kind, 'key' in e ? e.key : '', 'sender' in e ? e.sender.userId : '']),
    ).toEqual([
      ['reaction', '👍', t.w.bob._id],
      ['reaction', '👍', t.w.alice._id],
      ['reaction_remove', '👍', t.w.bob._id],
    ]);
    expect(new Set(events.map((e) => e.eventKey)).size).toBe(3);
  });

  it('emits edits once per change and deletions; ignores the bot’s own messages', async () => {
    const id = await t.post(t.w.alice, 'v1');
    await t.message(r, id);
    await rest(t.w.sim, t.w.alice).post('chat.update', {
      roomId: t.w.room._id,
      msgId: id,
      text: 'v2',
    });
    const edit = await t.eventFor(r, 'edit', id);
    expect(edit.content.text.blocks).toEqual([
      { type: 'paragraph', children: [{ type: 'text', text: 'v2' }] },
    ]);
    await rest(t.w.sim, t.w.alice).post('chat.delete', { roomId: t.w.room._id, msgId: id });
    await t.eventFor(r, 'delete', id);
    const own = await t.post(t.w.bot, 'from the bot');
    await t.settled(r);
    expect(r.ctx.events.some((e) => 'messageId' in e && e.messageId === own)).toBe(false);
  });

  it('survives malformed frames and unknown message types, and keeps delivering', async () => {
    const rid = t.w.room._id;
    const frames = [
      'not json at all',
      '[1,2,3]',
      JSON.stringify({ msg: 'something-new' }),
      JSON.stringify({
        msg: 'changed',
        collection: 'stream-room-messages',
        fields: { eventName: rid },
      }),
      JSON.stringify({
        msg: 'changed',
        collection: 'stream-room-messages',
        fields: { eventName: rid, args: [{ hello: 'world' }] },
      }),
      JSON.stringify({
        msg: 'changed',
        collection: 'stream-room-messages',
        fields: {
          eventName: rid,
          args: [
            {
              _id: 'Sys1',
              rid,
              t: 'uj',
              msg: 'bob',
              ts: { $date: Date.now() },
              u: { _id: t.w.bob._id, username: 'bob' },
            },
          ],
        },
      }),
      JSON.stringify({
        msg: 'changed',
        collection: 'stream-notify-room',
        fields: { eventName: `${rid}/deleteMessage`, args: [{ _id: 42 }] },
      }),
      JSON.stringify({ msg: 'nosub', id: 'unknown-sub' }),
      JSON.stringify({ msg: 'error', reason: 'just testing' }),
    ];
    for (const f of frames) t.w.sim.sendRawFrame(f);
    const id = await t.post(t.w.alice, 'still here');
    await t.message(r, id);
    expect(r.ctx.events.some((e) => 'messageId' in e && e.messageId === 'Sys1')).toBe(false);
    expect(r.ctx.lastState('main')?.status).toBe('connected');
  });
});
