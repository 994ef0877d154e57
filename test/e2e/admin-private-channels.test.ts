/**
 * Private channels and direct messages through Synapse, on every way in (provisioning API,
 * admin-room commands, CLI): a linker who could not read the channel on Mattermost (the
 * connector has no linked accounts) is refused and audited, an admin may link it, a channel
 * allowed in the config may be linked by any linker, and the pickers show private and direct
 * channels only to those who may link them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAdminCommand, type AdminCommand } from '../../src/cli/admin-commands.js';
import { BridgeError } from '../../src/util/errors.js';
import type { TestMatrixClient } from '../harness/index.js';
import { createAdminWorld, type AdminWorld } from './admin-fixture.js';

let w: AdminWorld;
/** Private channels (type P) and direct/group messages (D, G) the bridge's bot is in. */
const ch = { board: '', board2: '', board3: '', allowed: '', dm: '', group: '' };
const HIDDEN_FROM_LINKER = () => [ch.board, ch.board2, ch.board3, ch.dm, ch.group];

beforeAll(async () => {
  w = await createAdminWorld();
  const teamId = (await w.alice.getChannel(w.channels.townSquare)).team_id;
  const bot = await w.alice.getUserByUsername('bridgebot');
  const carol = w.sim.createUser({ username: 'carol', firstName: 'Carol' });
  for (const name of ['board', 'board2', 'board3', 'allowed'] as const) {
    const c = w.sim.createChannel(teamId, name, { displayName: `Private ${name}`, type: 'P' });
    for (const u of [bot.id, w.aliceId]) w.sim.addToChannel(c.id, u);
    ch[name] = c.id;
  }
  ch.dm = w.sim.createDirectChannel([bot.id, w.aliceId]).id;
  ch.group = w.sim.createDirectChannel([bot.id, w.aliceId, carol.id]).id;
  // The allowed channel exists only now: start the bridge again with it in the config.
  await w.restart({
    admin: {
      ...w.config.admin!,
      private_channels_allowed: [
        { connector: 'mattermost', workspace: 'main', channel: ch.allowed },
      ],
    },
  });
}, 120_000);

afterAll(async () => {
  await w?.close();
});

async function deniedEntries(path: string): Promise<Array<Record<string, unknown>>> {
  const audit = await w.api('GET', '/audit?limit=100&outcome=denied');
  return (audit.body.entries as Array<Record<string, unknown>>).filter(
    (e) => e.path === path && e.action === 'link',
  );
}

describe('provisioning API', () => {
  it('refuses a linker every private and direct channel, and audits each refusal', async () => {
    const room = await w.newRoom();
    for (const channel of HIDDEN_FROM_LINKER()) {
      const res = await w.api('POST', '/links', {
        userId: w.linker.userId,
        body: { room, connector: 'mattermost', workspace: 'main', channel },
      });
      expect(res.status, channel).toBe(403);
      expect(res.body).toMatchObject({ errcode: 'M_FORBIDDEN', code: 'PRIVATE_CHANNEL_DENIED' });
      expect(String(res.body.error)).toMatch(/ask a bridge admin/);
    }
    const denied = await deniedEntries('api');
    expect(denied.map((e) => e.channel).sort()).toEqual(HIDDEN_FROM_LINKER().sort());
    for (const e of denied) {
      expect(e).toMatchObject({ actor: `${w.linker.userId} (via provisioning secret)` });
      expect(String(e.detail)).toMatch(/is a (private channel|direct or group conversation)/);
    }
    expect(w.bridge.directory.portalByRoom(room)).toBeUndefined();
  });

  it('lists private and direct channels to admins only, and config-allowed ones to linkers', async () => {
    const path = '/connectors/mattermost/workspaces/main/channels';
    const asLinker = await w.api('GET', path, { userId: w.linker.userId });
    const linkerSees = (asLinker.body.channels as Array<{ channel: string }>).map((c) => c.channel);
    for (const hidden of HIDDEN_FROM_LINKER()) expect(linkerSees).not.toContain(hidden);
    expect(linkerSees).toEqual(expect.arrayContaining([w.channels.townSquare, ch.allowed]));

    const asAdmin = await w.api('GET', path, { userId: w.admin.userId });
    const adminSees = new Map(
      (asAdmin.body.channels as Array<{ channel: string; visibility: string }>).map((c) => [
        c.channel,
        c.visibility,
      ]),
    );
    expect(adminSees.get(w.channels.townSquare)).toBe('public');
    expect(adminSees.get(ch.board)).toBe('private');
    expect(adminSees.get(ch.dm)).toBe('direct');
    expect(adminSees.get(ch.group)).toBe('direct');
  });

  it('lets an admin link a private channel and a DM, and a linker the config-allowed one', async () => {
    const adminRoom = await w.newRoom(w.admin);
    const board = await w.api('POST', '/links', {
      userId: w.admin.userId,
      body: { room: adminRoom, connector: 'mattermost', workspace: 'main', channel: ch.board },
    });
    expect(board.status).toBe(201);
    const dmRoom = await w.newRoom(w.admin);
    const dm = await w.api('POST', '/links', {
      body: { room: dmRoom, connector: 'mattermost', workspace: 'main', channel: ch.dm },
    });
    expect(dm.status).toBe(201);
    const linkerRoom = await w.newRoom();
    const allowed = await w.api('POST', '/links', {
      userId: w.linker.userId,
      body: { room: linkerRoom, connector: 'mattermost', workspace: 'main', channel: ch.allowed },
    });
    expect(allowed.status).toBe(201);
    const audit = await w.api('GET', '/audit?limit=10&outcome=ok');
    const details = (audit.body.entries as Array<Record<string, unknown>>)
      .filter((e) => e.action === 'link')
      .map((e) => [e.channel, e.detail]);
    expect(details).toEqual(
      expect.arrayContaining([
        [ch.board, 'private channel: linked by a bridge admin'],
        [ch.dm, 'private channel: linked by a bridge admin'],
        [ch.allowed, 'private channel: allowed by admin.private_channels_allowed'],
      ]),
    );
  });
});

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

async function command(who: TestMatrixClient, dm: string, text: string): Promise<string> {
  const sent = await who.sendMessage(dm, text);
  const reply = await who.waitForEvent(
    dm,
    (e) => e.sender === w.botUserId && e.content.msgtype === 'm.notice',
    { since: sent },
  );
  return String(reply.content.body);
}

describe('admin-room commands', () => {
  it('refuses a linker, audits it, hides the channels from their !channels', async () => {
    const dm = await openDm(w.linker);
    const room = await w.newRoom();
    for (const channel of [ch.board3, ch.group]) {
      expect(await command(w.linker, dm, `!link mattermost main ${channel} ${room}`)).toMatch(
        /^✗ Mattermost channel mattermost\/main\/\S+ is a (private channel|direct or group conversation): .*ask a bridge admin/,
      );
    }
    expect((await deniedEntries('command')).map((e) => e.channel)).toEqual(
      expect.arrayContaining([ch.board3, ch.group]),
    );
    const listing = await command(w.linker, dm, '!channels mattermost main');
    expect(listing).toContain(`${ch.allowed}  Agency / Private allowed [private]`);
    for (const hidden of HIDDEN_FROM_LINKER()) expect(listing).not.toContain(hidden);
  });

  it('lets an admin see and link them', async () => {
    const dm = await openDm(w.admin);
    const listing = await command(w.admin, dm, '!channels mattermost main');
    expect(listing).toContain(`${ch.board3}  Agency / Private board3 [private]`);
    expect(listing).toMatch(new RegExp(`${ch.group}  Group message .* \\[direct\\]`));
    const room = await w.newRoom(w.admin);
    expect(await command(w.admin, dm, `!link mattermost main ${ch.group} ${room}`)).toMatch(
      /^Linked /,
    );
  });
});

async function cli(command: AdminCommand, ...args: string[]): Promise<string> {
  let out = '';
  const code = await runAdminCommand(command, args, w.config, { out: (t) => (out += t) });
  expect(code).toBe(0);
  return out;
}

describe('CLI', () => {
  it('refuses a linker (--as), audited with path cli, and hides the channels from them', async () => {
    const room = await w.newRoom();
    for (const channel of [ch.board2, ch.dm]) {
      const err = await cli(
        'link',
        room,
        'mattermost',
        'main',
        channel,
        '--as',
        w.linker.userId,
      ).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(BridgeError);
      expect((err as BridgeError).code).toBe('PRIVATE_CHANNEL_DENIED');
    }
    expect((await deniedEntries('cli')).map((e) => e.channel)).toEqual(
      expect.arrayContaining([ch.board2, ch.dm]),
    );
    const listing = await cli('channels', 'mattermost', 'main', '--as', w.linker.userId);
    for (const hidden of HIDDEN_FROM_LINKER()) expect(listing).not.toContain(hidden);
    expect(listing).toContain(ch.allowed);
  });

  it('shows them to the secret holder and lets it link them', async () => {
    const listing = await cli('channels', 'mattermost', 'main');
    expect(listing).toContain(`${ch.board2}  Agency / Private board2  [private]`);
    expect(listing).toContain(ch.dm);
    const room = await w.newRoom();
    expect(await cli('link', room, 'mattermost', 'main', ch.board2)).toMatch(/^linked /);
  });
});
