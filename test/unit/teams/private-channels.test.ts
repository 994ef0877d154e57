import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Knex } from 'knex';
import type { Actor } from '../../../src/admin/actor.js';
import { AdminError } from '../../../src/admin/errors.js';
import { AdminOperations } from '../../../src/admin/operations.js';
import { Permissions } from '../../../src/admin/permissions.js';
import { capabilitiesOf } from '../../../src/connector/capabilities.js';
import { ConnectionStates } from '../../../src/core/connection-states.js';
import { ConnectorRegistry } from '../../../src/core/delivery/deps.js';
import { PortalDirectory } from '../../../src/core/portal-directory.js';
import { AdminQueries } from '../../../src/store/admin-queries.js';
import { AuditStore } from '../../../src/store/audit-store.js';
import { createStores } from '../../../src/store/index.js';
import { LinkAdminStore } from '../../../src/store/link-admin-store.js';
import { silentLogger } from '../../../src/util/logger.js';
import { trustingFetch } from '../../simulators/teams/helpers.js';
import { FakeMatrix, powerLevels } from '../admin/fakes.js';
import { openTestDb } from '../admin/world.js';
import { messageEventFor, teamsWorld, type TeamsTestWorld } from './world.js';

let w: TeamsTestWorld;
const MARIA = '@maria:example.org'; // links Alice's account
const BEN = '@ben:example.org'; // links Bob's account
const NOBODY = '@nobody:example.org'; // links nothing
const contoso = (channel: string) => ({ workspace: 'contoso', channel });
let privateAlice: string;
let sharedBob: string;
let carolChat: string;

/** What a browser does with the sign-in URL: Microsoft signs the user in, then redirects to the bridge. */
async function link(matrixUserId: string, loginHint: string): Promise<void> {
  const authorize = new URL(await w.connector.beginAccountLink('contoso', matrixUserId));
  authorize.searchParams.set('login_hint', loginHint);
  const res = await trustingFetch(w.sim)(authorize, { redirect: 'manual' });
  expect(res.status).toBe(302);
  expect((await fetch(res.headers.get('location')!)).status).toBe(200);
}

beforeAll(async () => {
  w = await teamsWorld();
  const carol = w.sim.createUser(w.tenant, { displayName: 'Carol', upn: 'carol@contoso.example' });
  w.sim.control.addTeamMember(w.teamId, carol.id);
  privateAlice = w.sim.control.createChannel(w.teamId, 'Board', {
    membershipType: 'private',
    members: [w.alice.id],
  });
  sharedBob = w.sim.control.createChannel(w.teamId, 'Partners', {
    membershipType: 'shared',
    members: [w.bob.id],
  });
  carolChat = w.sim.control.createChat(w.tenant, [carol.id, w.bob.id], 'Carol and Bob');
  w.sim.control.installBot(w.app.appId, carolChat);
  // The bot learns its one-to-one chat (and the chat's Graph id) when Alice writes in it.
  await messageEventFor(w.ctx, w.sim.control.post(w.alice.id, w.personalId, 'hello bot'));
  await link(MARIA, w.alice.upn);
  await link(BEN, w.bob.id);
}, 90_000);
afterAll(() => w?.close());

describe('Teams: who can read a conversation', () => {
  it('reports standard channels public, private and shared channels private, chats direct', async () => {
    const visibility = async (channel: string) =>
      (await w.connector.getChatInfo(contoso(channel))).visibility;
    expect(await visibility(w.channelId)).toBe('public');
    expect(await visibility(privateAlice)).toBe('private');
    expect(await visibility(sharedBob)).toBe('private');
    expect(await visibility(w.chatId)).toBe('direct');
    expect(await visibility(w.personalId)).toBe('direct');
  });

  it('marks each listed conversation', async () => {
    const listed = new Map(
      (await w.connector.listChannels('contoso')).map((c) => [c.channel, c.visibility]),
    );
    expect(listed.get(w.channelId)).toBe('public');
    expect(listed.get(privateAlice)).toBe('private');
    expect(listed.get(sharedBob)).toBe('private');
    expect(listed.get(w.personalId)).toBe('direct');
  });
});

describe('Teams: membership through the linked account', () => {
  const cases: Array<[string, string, () => string, boolean | undefined]> = [
    ['Alice, her private channel', MARIA, () => privateAlice, true],
    ['Bob, Alice’s private channel', BEN, () => privateAlice, false],
    ['Bob, his shared channel', BEN, () => sharedBob, true],
    ['Alice, Bob’s shared channel', MARIA, () => sharedBob, false],
    ['Alice, a standard channel of her team', MARIA, () => w.channelId, true],
    ['Alice, her group chat', MARIA, () => w.chatId, true],
    ['Alice, a chat she is not in', MARIA, () => carolChat, false],
    ['Bob, the chat with Carol', BEN, () => carolChat, true],
    ['Alice, her one-to-one chat with the bot', MARIA, () => w.personalId, true],
    ['Bob, Alice’s one-to-one chat with the bot', BEN, () => w.personalId, false],
    ['a Matrix user without a linked account', NOBODY, () => privateAlice, undefined],
  ];

  it.each(cases)('%s', async (_, matrixUser, channel, expected) => {
    expect(await w.connector.isChannelMember(contoso(channel()), matrixUser)).toBe(expected);
  });
});

describe('Teams: administration lets members link their private channels', () => {
  const ROOM = '!room:example.org';
  let db: Knex;
  let ops: AdminOperations;
  let audit: AuditStore;
  const linker = (userId: string): Actor => ({ userId, viaSecret: false, path: 'api' });

  beforeAll(async () => {
    db = await openTestDb();
    const stores = createStores(db);
    const directory = new PortalDirectory(stores.portals);
    await directory.load();
    const matrix = new FakeMatrix();
    const members = [MARIA, BEN, NOBODY];
    matrix.addRoom(ROOM, {
      create: { sender: MARIA, content: { room_version: '11' } },
      powerLevels: powerLevels(Object.fromEntries(members.map((u) => [u, 100]))),
      joinable: true,
    });
    const connectors = new ConnectorRegistry();
    connectors.add({
      id: 'teams',
      displayName: 'Microsoft Teams',
      connector: w.connector,
      capabilities: capabilitiesOf(w.connector),
    });
    const states = new ConnectionStates();
    states.set('teams', 'contoso', { status: 'connected' });
    audit = new AuditStore(db);
    ops = new AdminOperations({
      directory,
      links: new LinkAdminStore(db),
      encryption: createStores(db).encryption,
      audit,
      queries: new AdminQueries(db),
      connectors,
      connectorConfig: { teams: { workspaces: { contoso: {} } } },
      states,
      matrix,
      permissions: new Permissions({ 'example.org': 'linker' }),
      log: silentLogger(),
    });
  }, 60_000);
  afterAll(() => db?.destroy());

  const link = (who: string, channel: string) =>
    ops.link(linker(who), { room: ROOM, connector: 'teams', workspace: 'contoso', channel });

  it('refuses a non-member and a user without a linked account, and audits both', async () => {
    for (const [who, why] of [
      [BEN, /not a member of it/],
      [NOBODY, /!login teams contoso/],
    ] as const) {
      const err = await link(who, privateAlice).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(AdminError);
      expect((err as AdminError).code).toBe('PRIVATE_CHANNEL_DENIED');
      expect((err as AdminError).message).toMatch(why);
      const [entry] = await audit.list({ limit: 1 });
      expect(entry).toMatchObject({ actor: who, action: 'link', outcome: 'denied' });
    }
  });

  it('lists the private channel to its member only', async () => {
    const seen = async (who: string) =>
      (await ops.listChannels(linker(who), 'teams', 'contoso')).map((c) => c.channel);
    expect(await seen(MARIA)).toContain(privateAlice);
    expect(await seen(MARIA)).not.toContain(sharedBob);
    expect(await seen(BEN)).toContain(sharedBob);
    expect(await seen(BEN)).not.toContain(privateAlice);
    expect(await seen(NOBODY)).toContain(w.channelId);
    expect(await seen(NOBODY)).not.toContain(privateAlice);
  });

  it('lets the member link it, audited as a member', async () => {
    expect((await link(MARIA, privateAlice)).existed).toBe(false);
    const [entry] = await audit.list({ limit: 1 });
    expect(entry).toMatchObject({ actor: MARIA, action: 'link', outcome: 'ok' });
    expect(entry?.detail).toContain('member through their linked account');
  });
});
