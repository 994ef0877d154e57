import type { Knex } from 'knex';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../../src/admin/actor.js';
import { runCommand } from '../../../src/admin/commands.js';
import { AdminOperations } from '../../../src/admin/operations.js';
import { Permissions } from '../../../src/admin/permissions.js';
import {
  channelAccess,
  refusalMessage,
  type Membership,
} from '../../../src/admin/private-channel-policy.js';
import type { ChannelVisibility, Connector } from '../../../src/connector/contract.js';
import { AdminQueries } from '../../../src/store/admin-queries.js';
import { silentLogger } from '../../../src/util/logger.js';
import { fakeConnector, powerLevels } from './fakes.js';
import { adminWorld, openTestDb, refused, type AdminWorld } from './world.js';

const ROOM = '!room:example.org';
const ADMIN = '@ada:example.org';
/** Linkers: a member of every private channel through a linked account, a linked non-member, one without a linked account. */
const MEMBER = '@mia:agency.example';
const STRANGER = '@sven:agency.example';
const UNLINKED = '@una:agency.example';
/** A linker whose membership check fails on the platform. */
const BROKEN = '@bob:agency.example';

const CHANNELS: Record<string, { name: string; visibility?: ChannelVisibility }> = {
  pub: { name: 'Town Square', visibility: 'public' },
  priv: { name: 'Board', visibility: 'private' },
  dm: { name: 'Direct message alice', visibility: 'direct' },
  mystery: { name: 'Unknown kind' },
  allowed: { name: 'Allowed private', visibility: 'private' },
};
const PRIVATE_IDS = ['priv', 'dm', 'mystery', 'allowed'];

/** A connector whose channels have the visibilities above and that answers membership. */
function privacyConnector(withMembership = true): Connector {
  const base = fakeConnector(
    Object.fromEntries(Object.entries(CHANNELS).map(([k, v]) => [k, v.name])),
  );
  const connector: Connector = {
    ...base,
    getChatInfo: async (ref) => ({ ...CHANNELS[ref.channel]! }),
    listChannels: async (workspace) =>
      Object.entries(CHANNELS).map(([channel, c]) => ({ workspace, channel, ...c })),
  };
  if (withMembership) {
    connector.isChannelMember = async (_ref, userId) => {
      if (userId === BROKEN) throw new Error('platform down');
      if (userId === MEMBER) return true;
      if (userId === STRANGER) return false;
      return undefined;
    };
  }
  return connector;
}

const as = (userId: string, path: Actor['path'] = 'api'): Actor => ({
  userId,
  viaSecret: false,
  path,
});
const forUser = (userId: string): Actor => ({ userId, viaSecret: true, path: 'cli' });
const automation: Actor = { viaSecret: true, path: 'cli' };
const key = (channel: string) => ({ connector: 'chat-x', workspace: 'main', channel });

let db: Knex;
let w: AdminWorld;
let ops: AdminOperations;

async function world(connector: Connector): Promise<void> {
  w = await adminWorld(db, { 'agency.example': 'linker', [ADMIN]: 'admin' }, connector);
  ops = new AdminOperations({
    directory: w.directory,
    links: w.links,
    encryption: w.stores.encryption,
    audit: w.audit,
    queries: new AdminQueries(db),
    connectors: w.connectors,
    connectorConfig: { 'chat-x': { workspaces: { main: {} } } },
    states: w.states,
    matrix: w.matrix,
    permissions: new Permissions({ 'agency.example': 'linker', [ADMIN]: 'admin' }),
    privateChannelsAllowed: [key('allowed')],
    log: silentLogger(),
  });
  const everyone = [ADMIN, MEMBER, STRANGER, UNLINKED, BROKEN];
  w.matrix.addRoom(ROOM, {
    create: { sender: ADMIN, content: { room_version: '11' } },
    powerLevels: powerLevels(Object.fromEntries(everyone.map((u) => [u, 100]))),
    joinable: true,
  });
}

beforeAll(async () => {
  db = await openTestDb();
}, 60_000);
afterAll(async () => {
  await db?.destroy();
});

describe('the private-channel rule', () => {
  const never = async (): Promise<Membership> => {
    throw new Error('membership must not be asked');
  };

  it('grants public channels, admins and config-allowed channels without asking the platform', async () => {
    expect(
      await channelAccess({
        visibility: 'public',
        level: 'linker',
        configAllowed: false,
        membership: never,
      }),
    ).toEqual({ granted: true, grant: 'public' });
    for (const visibility of ['private', 'direct', undefined] as const) {
      expect(
        await channelAccess({
          visibility,
          level: 'admin',
          configAllowed: false,
          membership: never,
        }),
      ).toEqual({ granted: true, grant: 'admin' });
      expect(
        await channelAccess({
          visibility,
          level: 'linker',
          configAllowed: true,
          membership: never,
        }),
      ).toEqual({ granted: true, grant: 'config' });
    }
  });

  it.each(['private', 'direct', undefined] as const)(
    'grants a %s channel to a member only',
    async (visibility) => {
      const ask = (m: Membership) => () => Promise.resolve(m);
      const q = { visibility, level: 'linker' as const, configAllowed: false };
      expect(await channelAccess({ ...q, membership: ask('member') })).toEqual({
        granted: true,
        grant: 'member',
      });
      for (const m of ['not_member', 'no_account', 'unsupported', 'error'] as const) {
        expect(await channelAccess({ ...q, membership: ask(m) })).toEqual({
          granted: false,
          membership: m,
        });
      }
    },
  );

  it('says what is wrong and a different next step for each reason', () => {
    const subject = (visibility: ChannelVisibility | undefined) => ({
      channel: 'chat-x/main/priv',
      platform: 'Chat X',
      connector: 'chat-x',
      workspace: 'main',
      visibility,
    });
    const steps = (['not_member', 'no_account', 'unsupported', 'error'] as const).map((m) =>
      refusalMessage(subject('private'), m),
    );
    expect(new Set(steps).size).toBe(4);
    for (const s of steps)
      expect(s).toMatch(
        /^Chat X channel chat-x\/main\/priv is a private channel: only its members/,
      );
    expect(steps[1]).toContain('!login chat-x main');
    expect(steps[2]).toContain('admin.private_channels_allowed');
    expect(refusalMessage(subject('direct'), 'no_account')).toContain(
      'is a direct or group conversation',
    );
    expect(refusalMessage(subject(undefined), 'no_account')).toContain('counts as private');
  });
});

describe('linking private and direct channels', () => {
  beforeEach(() => world(privacyConnector()));

  // Every hostile variant: who asks, through which way in, which private kind of channel.
  const refusals: Array<[string, Actor, string, RegExp]> = [];
  for (const channel of ['priv', 'dm', 'mystery']) {
    refusals.push(
      [`a linked non-member via the API (${channel})`, as(STRANGER), channel, /not a member of it/],
      [
        `a linker without a linked account via the console (${channel})`,
        as(UNLINKED, 'console'),
        channel,
        /!login chat-x main/,
      ],
      [`a linker via a command (${channel})`, as(UNLINKED, 'command'), channel, /!login/],
      [
        `the secret acting for a non-member via the CLI (${channel})`,
        forUser(STRANGER),
        channel,
        /not a member/,
      ],
      [
        `a linker whose membership cannot be checked (${channel})`,
        as(BROKEN),
        channel,
        /could not be checked/,
      ],
    );
  }

  it.each(refusals)(
    'refuses %s, audits it and leaves nothing behind',
    async (_, actor, channel, why) => {
      const err = await refused(ops.link(actor, { room: ROOM, ...key(channel) }));
      expect(err.code).toBe('PRIVATE_CHANNEL_DENIED');
      expect(err.status).toBe(403);
      expect(err.errcode).toBe('M_FORBIDDEN');
      expect(err.message).toMatch(why);
      expect(err.message).toContain(`chat-x/main/${channel}`);
      const [entry] = await w.audit.list({ limit: 1 });
      expect(entry).toMatchObject({
        action: 'link',
        outcome: 'denied',
        path: actor.path,
        connector: 'chat-x',
        workspace: 'main',
        channel,
        detail: err.message,
      });
      expect(w.directory.linkFor(key(channel))).toBeUndefined();
      expect(w.matrix.joined.has(ROOM)).toBe(false);
      expect(w.matrix.notices).toEqual([]);
    },
  );

  const grants: Array<[string, Actor, string, string]> = [
    ['an admin, a private channel', as(ADMIN), 'priv', 'linked by a bridge admin'],
    ['an admin, a direct message', as(ADMIN, 'command'), 'dm', 'linked by a bridge admin'],
    ['an admin, a channel of unknown kind', as(ADMIN), 'mystery', 'linked by a bridge admin'],
    ['trusted automation', automation, 'dm', 'linked by a bridge admin'],
    [
      'a member through a linked account',
      as(MEMBER),
      'priv',
      'member through their linked account',
    ],
    [
      'a member, a direct message',
      as(MEMBER, 'console'),
      'dm',
      'member through their linked account',
    ],
    [
      'a non-member, a config-allowed channel',
      as(STRANGER),
      'allowed',
      'admin.private_channels_allowed',
    ],
    [
      'a linker without an account, a config-allowed channel',
      forUser(UNLINKED),
      'allowed',
      'admin.private_channels_allowed',
    ],
  ];

  it.each(grants)('lets %s link, and audits how it was allowed', async (_, actor, channel, how) => {
    const result = await ops.link(actor, { room: ROOM, ...key(channel) });
    expect(result.existed).toBe(false);
    expect(w.directory.linkFor(key(channel))).toBeDefined();
    const [entry] = await w.audit.list({ limit: 1 });
    expect(entry).toMatchObject({ action: 'link', outcome: 'ok', channel });
    expect(entry?.detail).toContain(how);
  });

  it('lets any linker link a public channel, without a private-channel note', async () => {
    await ops.link(as(UNLINKED), { room: ROOM, ...key('pub') });
    const [entry] = await w.audit.list({ limit: 1 });
    expect(entry).toMatchObject({ action: 'link', outcome: 'ok', channel: 'pub' });
    expect(entry?.detail).toBeUndefined();
  });

  it('answers the command with the refusal and what to do', async () => {
    const reply = await runCommand(ops, as(UNLINKED, 'command'), `!link chat-x main priv ${ROOM}`);
    expect(reply).toMatch(/^✗ Chat X channel chat-x\/main\/priv is a private channel/);
    expect(reply).toContain('!login chat-x main');
  });
});

describe('channel pickers', () => {
  beforeEach(() => world(privacyConnector()));

  const visible: Array<[string, Actor, string[]]> = [
    ['an admin', as(ADMIN), Object.keys(CHANNELS)],
    ['trusted automation', automation, Object.keys(CHANNELS)],
    ['a member', as(MEMBER), Object.keys(CHANNELS)],
    ['a linked non-member', as(STRANGER), ['pub', 'allowed']],
    ['a linker without an account', as(UNLINKED), ['pub', 'allowed']],
    ['the secret acting for a non-member', forUser(STRANGER), ['pub', 'allowed']],
    ['a linker whose membership cannot be checked', as(BROKEN), ['pub', 'allowed']],
  ];

  it.each(visible)('list to %s only what they may link', async (_, actor, ids) => {
    const listed = await ops.listChannels(actor, 'chat-x', 'main');
    expect(listed.map((c) => c.channel).sort()).toEqual([...ids].sort());
    for (const c of listed) expect(c.visibility).toBe(CHANNELS[c.channel]!.visibility);
  });

  it('!channels hides them too and marks the private ones it shows', async () => {
    const hidden = (await runCommand(ops, as(UNLINKED, 'command'), '!channels chat-x main'))!;
    expect(hidden).toContain('pub  Town Square');
    expect(hidden).not.toMatch(/\bpriv\b|\bdm\b|mystery/);
    const shown = (await runCommand(ops, as(ADMIN, 'command'), '!channels chat-x main'))!;
    expect(shown).toContain('priv  Board [private]');
    expect(shown).toContain('dm  Direct message alice [direct]');
  });
});

describe('a connector that cannot check membership', () => {
  beforeEach(() => world(privacyConnector(false)));

  it('refuses linkers, pointing at admins and the config, and hides the channels from them', async () => {
    for (const user of [MEMBER, STRANGER]) {
      const err = await refused(ops.link(as(user), { room: ROOM, ...key('priv') }));
      expect(err.code).toBe('PRIVATE_CHANNEL_DENIED');
      expect(err.message).toContain('cannot tell the bridge who its members are');
    }
    expect(
      (await ops.listChannels(as(MEMBER), 'chat-x', 'main')).map((c) => c.channel).sort(),
    ).toEqual(['allowed', 'pub']);
    expect((await ops.link(as(ADMIN), { room: ROOM, ...key('priv') })).existed).toBe(false);
  });
});

it('covers every private channel of the table', () => {
  expect(
    Object.keys(CHANNELS)
      .filter((c) => CHANNELS[c]!.visibility !== 'public')
      .sort(),
  ).toEqual([...PRIVATE_IDS].sort());
});
