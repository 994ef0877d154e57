import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestMatrixClient } from '../harness/index.js';
import { createAdminWorld, eventually, type AdminWorld } from './admin-fixture.js';

const MEGOLM = { algorithm: 'm.megolm.v1.aes-sha2', rotation_period_ms: 604800000 };
const ROOM_NOTICE = 'turned on end-to-end encryption in this room';
const CHANNEL_NOTICE = 'messages from Matrix can no longer cross to this channel';
const REMINDER = 'the bridge cannot read encrypted messages, so yours here do not reach';
const WAIT_MS = 60_000;

let w: AdminWorld;

/** Opens a DM with the bridge bot as `who`; resolves once the bot has greeted. */
async function openDm(who: TestMatrixClient): Promise<string> {
  const dm = await who.createRoom({
    is_direct: true,
    preset: 'trusted_private_chat',
    invite: [w.botUserId],
  });
  await who.waitForEvent(
    dm,
    (e) => e.sender === w.botUserId && String(e.content.body).startsWith('Hello!'),
    WAIT_MS,
  );
  return dm;
}

/** Sends a command and returns the bot's reply to it. */
async function command(who: TestMatrixClient, dm: string, text: string): Promise<string> {
  const sent = await who.sendMessage(dm, text);
  const reply = await who.waitForEvent(
    dm,
    (e) => e.sender === w.botUserId && e.content.msgtype === 'm.notice',
    { since: sent, timeoutMs: WAIT_MS },
  );
  return String(reply.content.body);
}

/** The bot's notices in a room whose body contains `text`, as the homeserver has them. */
async function botNotices(room: string, text: string): Promise<number> {
  const { chunk } = await w.linker.messages(room, { limit: 200 });
  return chunk.filter((e) => e.sender === w.botUserId && String(e.content.body).includes(text))
    .length;
}

const channelPosts = (text: string): number =>
  w.sim.posts(w.channels.townSquare).filter((p) => p.message.includes(text)).length;

/** A plain message from Matrix, seen on Mattermost: everything sent before it was processed. */
async function roundTrip(room: string, text: string): Promise<void> {
  await w.linker.sendMessage(room, text);
  await eventually(
    async () => (channelPosts(text) > 0 ? true : undefined),
    `"${text}" on Mattermost`,
    WAIT_MS,
  );
}

beforeAll(async () => {
  w = await createAdminWorld({ persistent: true });
}, 120_000);

afterAll(async () => {
  await w?.close();
});

describe('an encrypted room cannot be linked', () => {
  it('is refused through the provisioning API and !link, saying what to do', async () => {
    const room = await w.newRoom();
    await w.linker.sendState(room, 'm.room.encryption', '', MEGOLM);

    const res = await w.api('POST', '/links', {
      userId: w.linker.userId,
      body: { room, connector: 'mattermost', workspace: 'main', channel: w.channels.random },
    });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ errcode: 'M_BAD_STATE', code: 'ROOM_ENCRYPTED' });
    expect(String(res.body.error)).toContain('create a room without encryption');

    const dm = await openDm(w.linker);
    const reply = await command(w.linker, dm, `!link mattermost main ${w.channels.random} ${room}`);
    expect(reply).toMatch(/^✗ .* uses end-to-end encryption, which the bridge cannot read/);
    expect(w.bridge.directory.portalByRoom(room)).toBeUndefined();
  }, 180_000);
});

describe('a linked room that turns encrypted', () => {
  it('is announced once on both sides, shown in the status, and not again after a restart', async () => {
    const room = await w.newRoom();
    const linked = await w.api('POST', '/links', {
      body: { room, connector: 'mattermost', workspace: 'main', channel: w.channels.townSquare },
    });
    expect(linked.status).toBe(201);
    await roundTrip(room, 'before encryption');

    await w.linker.sendState(room, 'm.room.encryption', '', MEGOLM);
    const notice = await w.linker.waitForEvent(
      room,
      (e) => e.sender === w.botUserId && String(e.content.body).includes(ROOM_NOTICE),
      WAIT_MS,
    );
    expect(notice.content.msgtype).toBe('m.notice');
    expect(String(notice.content.body)).toContain('create a new room without encryption');
    await eventually(
      async () => (channelPosts(CHANNEL_NOTICE) > 0 ? true : undefined),
      'the notice on Mattermost',
      WAIT_MS,
    );

    // Encrypted messages are not a silent drop: one reminder per sender and period.
    await w.linker.sendEvent(room, 'm.room.encrypted', { ...MEGOLM, ciphertext: 'AwgA1' });
    await w.linker.sendEvent(room, 'm.room.encrypted', { ...MEGOLM, ciphertext: 'AwgA2' });
    const reminder = await w.linker.waitForEvent(
      room,
      (e) => e.sender === w.botUserId && String(e.content.body).includes(REMINDER),
      WAIT_MS,
    );
    expect(reminder.content['m.mentions']).toEqual({ user_ids: [w.linker.userId] });
    await roundTrip(room, 'plain after the encrypted ones');
    expect(await botNotices(room, REMINDER)).toBe(1);

    const portals = await w.api('GET', '/portals');
    const portal = (portals.body.portals as Array<Record<string, unknown>>).find(
      (p) => p.room_id === room,
    );
    expect(portal?.encrypted_at).toEqual(expect.any(Number));
    const ready = (await (await fetch(`${w.bridgeUrl}/ready`)).json()) as Record<string, unknown>;
    expect(ready.encrypted_portals).toEqual([
      expect.objectContaining({ room_id: room, encrypted_at: portal?.encrypted_at }),
    ]);
    const dm = await openDm(w.admin);
    expect(await command(w.admin, dm, '!status')).toContain(`  ${room} `);
    expect(await command(w.admin, dm, '!list')).toContain(`${room} 🔒 encrypted since`);

    await w.restart();
    await roundTrip(room, 'after the restart');
    expect(channelPosts(CHANNEL_NOTICE)).toBe(1);
    expect(await botNotices(room, ROOM_NOTICE)).toBe(1);
    expect(await botNotices(room, REMINDER)).toBe(1);
  }, 300_000);
});
