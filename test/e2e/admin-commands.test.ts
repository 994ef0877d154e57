import type { Post } from '@mattermost/types/posts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestMatrixClient } from '../harness/index.js';
import { createAdminWorld, eventually, type AdminWorld } from './admin-fixture.js';

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
  );
  return dm;
}

/** Sends a command and returns the bot's reply to it. */
async function command(who: TestMatrixClient, dm: string, text: string): Promise<string> {
  const sent = await who.sendMessage(dm, text);
  const reply = await who.waitForEvent(
    dm,
    (e) => e.sender === w.botUserId && e.content.msgtype === 'm.notice',
    { since: sent },
  );
  return String(reply.content.body);
}

beforeAll(async () => {
  w = await createAdminWorld();
});

afterAll(async () => {
  await w?.close();
});

describe('admin-room commands through Synapse', () => {
  it('lets a linker link and unlink a room by DM, with the same checks as the API', async () => {
    const dm = await openDm(w.linker);
    expect(await command(w.linker, dm, '!help')).toContain(
      '!link <connector> <workspace> <channel>',
    );
    const channels = await command(w.linker, dm, '!channels mattermost main');
    expect(channels).toContain(`${w.channels.townSquare}  Agency / Town Square`);

    const room = await w.newRoom();
    const linked = await command(
      w.linker,
      dm,
      `!link mattermost main ${w.channels.townSquare} ${room}`,
    );
    expect(linked).toBe(`Linked ${room} with mattermost channel "Town Square" (main).`);
    await w.alice.createPost({
      channel_id: w.channels.townSquare,
      message: 'via a command link',
    } as Post);
    await w.linker.waitForEvent(room, (e) => e.content.body === 'via a command link');

    expect(await command(w.linker, dm, '!list')).toContain(
      `↔ mattermost main ${w.channels.townSquare} (command)`,
    );
    expect(await command(w.linker, dm, '!status')).toMatch(/mattermost main: connected since/);

    const closed = await w.newRoom(w.linker, false);
    expect(
      await command(w.linker, dm, `!link mattermost main ${w.channels.random} ${closed}`),
    ).toMatch(/^✗ the bridge bot .* cannot join/);
    expect(await command(w.linker, dm, `!link mattermost main nosuchchannel ${room}`)).toMatch(
      /^✗ channel "nosuchchannel" was not found/,
    );

    expect(await command(w.linker, dm, `!unlink mattermost main ${w.channels.townSquare}`)).toBe(
      `Unlinked mattermost main ${w.channels.townSquare} from ${room}.`,
    );
    expect(w.bridge.directory.portalByRoom(room)).toBeUndefined();
  });

  it('refuses a plain user, and audits the refusal', async () => {
    const dm = await openDm(w.plain);
    expect(await command(w.plain, dm, '!help')).not.toContain('!link');
    const room = await w.newRoom(w.plain);
    expect(await command(w.plain, dm, `!link mattermost main ${w.channels.random} ${room}`)).toBe(
      `✗ ${w.plain.userId} may not link (needs the "linker" permission, has "user")`,
    );
    const audit = await w.api('GET', '/audit?limit=1');
    expect((audit.body.entries as unknown[])[0]).toMatchObject({
      actor: w.plain.userId,
      path: 'command',
      action: 'link',
      outcome: 'denied',
    });
  });

  it('declines a DM from a user without permission, and audits it', async () => {
    const dm = await w.outsider.createRoom({ is_direct: true, invite: [w.botUserId] });
    await eventually(async () => {
      const members = await w.outsider.members(dm);
      const bot = members.find((m) => m.state_key === w.botUserId);
      return bot?.content.membership === 'leave' ? true : undefined;
    }, 'the bot to decline the invite');
    const audit = await w.api('GET', '/audit?limit=1&outcome=denied');
    expect((audit.body.entries as unknown[])[0]).toMatchObject({
      actor: w.outsider.userId,
      path: 'command',
      action: 'open_admin_room',
    });
  });
});
