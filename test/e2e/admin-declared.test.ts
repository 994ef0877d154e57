import type { Post } from '@mattermost/types/posts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdminWorld, eventually, type AdminWorld } from './admin-fixture.js';

let w: AdminWorld;

beforeAll(async () => {
  w = await createAdminWorld({ persistent: true });
});

afterAll(async () => {
  await w?.close();
});

type Link = { channel: string; source: string; created_by: string };
type Portal = { room_id: string; name: string | null; links: Link[] };

async function portals(): Promise<Portal[]> {
  return (await w.api('GET', '/portals')).body.portals as Portal[];
}

describe('portals in the config file (mapping as code) through Synapse', () => {
  it('creates declared links at start, protects them, and unlinks them once removed from the file', async () => {
    const room = await w.newRoom();
    const declared = [
      {
        room,
        name: 'Declared',
        links: [{ connector: 'mattermost', workspace: 'main', channel: w.channels.townSquare }],
      },
    ];
    // A hand-made link that the file does not mention: never touched by the file.
    const manual = await w.newRoom();
    await w.api('POST', '/links', {
      body: {
        room: manual,
        connector: 'mattermost',
        workspace: 'main',
        channel: w.channels.random,
      },
    });

    await w.restart({ portals: declared });
    expect(await portals()).toEqual(
      expect.arrayContaining([
        {
          room_id: room,
          name: 'Declared',
          room_name: expect.stringMatching(/^admin-e2e-/) as unknown,
          links: [
            expect.objectContaining({
              channel: w.channels.townSquare,
              source: 'config',
              created_by: 'config-file',
            }),
          ],
          encrypted_at: null,
        },
      ]),
    );
    // The bot joined the declared room and bridges it.
    await w.linker.waitForEvent(
      room,
      (e) => e.type === 'm.room.member' && e.state_key === w.botUserId,
    );

    const refused = await w.api('DELETE', `/links/mattermost/main/${w.channels.townSquare}`);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('LINK_DECLARED');

    // Same file again: nothing changes, nothing new in the audit log.
    const before = ((await w.api('GET', '/audit?limit=50')).body.entries as unknown[]).length;
    await w.restart({ portals: declared });
    expect(((await w.api('GET', '/audit?limit=50')).body.entries as unknown[]).length).toBe(before);

    // Removed from the file: unlinked at the next start, audited; the manual link stays.
    await w.restart({ portals: [] });
    const now = await portals();
    expect(now.map((p) => p.room_id)).toEqual([manual]);
    const audit = (await w.api('GET', '/audit?limit=1')).body.entries as Array<
      Record<string, unknown>
    >;
    expect(audit[0]).toMatchObject({
      actor: 'config-file',
      path: 'config',
      action: 'unlink',
      channel: w.channels.townSquare,
      detail: 'no longer in the config file',
    });
  });
});

describe('reloading the config (SIGHUP) through Synapse', () => {
  it('applies new portals and permissions without a restart, audited, and bridges at once', async () => {
    const room = await w.newRoom();
    const channels = '/connectors/mattermost/workspaces/main/channels';
    const plain = w.plain.userId;
    expect((await w.api('GET', channels, { userId: plain })).status).toBe(403);

    const summary = await w.bridge.reload({
      ...w.config,
      ...reloadedParts(room, plain),
      bridge: { ...w.config.bridge, max_file_size: w.config.bridge.max_file_size + 1 },
    });
    expect(summary).toEqual({
      permissions: [`+${plain} linker`],
      portals: expect.objectContaining({ created: 1, failed: 0 }) as unknown,
      needRestart: ['bridge.max_file_size'],
    });

    // The new permission holds at once, on the same running bridge.
    expect((await w.api('GET', channels, { userId: plain })).status).toBe(200);
    // The new portal is joined and bridges both ways.
    await w.linker.waitForEvent(
      room,
      (e) => e.type === 'm.room.member' && e.state_key === w.botUserId,
    );
    await w.alice.createPost({
      channel_id: w.channels.townSquare,
      message: 'after reload',
    } as Post);
    await w.linker.waitForEvent(
      room,
      (e) => e.sender === w.ghostOf(w.aliceId) && e.content.body === 'after reload',
    );
    await w.linker.sendMessage(room, 'reloaded and back');
    await eventually(
      async () =>
        w.sim.posts(w.channels.townSquare).some((p) => p.message.includes('reloaded and back')) ||
        undefined,
      'the Matrix message on Mattermost',
    );

    const audit = (await w.api('GET', '/audit?limit=50')).body.entries as Array<
      Record<string, unknown>
    >;
    expect(audit).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          actor: 'config-file',
          path: 'config',
          action: 'permissions',
          detail: `+${plain} linker`,
        }),
        expect.objectContaining({
          actor: 'config-file',
          action: 'link',
          room_id: room,
          channel: w.channels.townSquare,
        }),
      ]),
    );

    // The same file again changes nothing and writes nothing. (Town Square was unlinked by
    // the test above when the file dropped it, so here it is a new link.)
    const before = audit.length;
    const again = await w.bridge.reload({ ...w.config, ...reloadedParts(room, plain) });
    expect(again.permissions).toEqual([]);
    expect(again.portals).toMatchObject({ created: 0, moved: 0, removed: 0 });
    expect(((await w.api('GET', '/audit?limit=50')).body.entries as unknown[]).length).toBe(before);
  });
});

describe('a scoped permission through the API and Synapse', () => {
  it('shows and acts only within its scope, and says so', async () => {
    const plain = w.plain.userId;
    const room = await w.newRoom(w.plain);
    // The world's one workspace is `main`; this person may act only in another one.
    await w.bridge.reload({
      ...w.config,
      permissions: {
        ...w.config.permissions,
        [plain]: { level: 'linker', scope: ['mattermost/other'] },
      },
    });
    const me = await w.api('GET', '/whoami', { userId: plain });
    expect(me.body).toMatchObject({ level: 'linker', scope: ['mattermost/other'] });
    // Portals exist (the tests above made some), but none in scope.
    expect(((await w.api('GET', '/portals')).body.portals as unknown[]).length).toBeGreaterThan(0);
    expect((await w.api('GET', '/portals', { userId: plain })).body.portals).toEqual([]);
    expect((await w.api('GET', '/connectors', { userId: plain })).body.connectors).toEqual([]);
    const link = { room, connector: 'mattermost', workspace: 'main', channel: w.channels.hidden };
    const refused = await w.api('POST', '/links', { body: link, userId: plain });
    expect(refused.status).toBe(403);
    expect(String(refused.body.error)).toContain('their permission covers only mattermost/other');
    const audit = (await w.api('GET', '/audit?limit=5')).body.entries as Array<
      Record<string, unknown>
    >;
    expect(audit[0]).toMatchObject({
      actor: `${plain} (via provisioning secret)`,
      action: 'link',
      outcome: 'denied',
      detail: 'outside the scope mattermost/other',
    });
    // Nothing was linked, and the bot did not join the room.
    expect(w.bridge.directory.portalByRoom(room)).toBeUndefined();
  });
});

function reloadedParts(room: string, plain: string) {
  return {
    portals: [
      {
        room,
        name: 'Reloaded',
        links: [{ connector: 'mattermost', workspace: 'main', channel: w.channels.townSquare }],
      },
    ],
    permissions: { ...w.config.permissions, [plain]: 'linker' as const },
  };
}
