import type { Knex } from 'knex';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  applyDeclaredPortals,
  type DeclaredPortalsDeps,
} from '../../../src/admin/portals-setup.js';
import type { PortalConfig } from '../../../src/config/index.js';
import { silentLogger } from '../../../src/util/logger.js';
import { adminWorld, openTestDb, type AdminWorld } from './world.js';

const A = '!a:example.org';
const B = '!b:example.org';
const link = (channel: string) => ({ connector: 'chat-x', workspace: 'main', channel });

let db: Knex;
let w: AdminWorld;

function deps(removedLinks: 'unlink' | 'keep' = 'unlink'): DeclaredPortalsDeps {
  return {
    directory: w.directory,
    links: w.links,
    audit: w.audit,
    resolveAlias: async (alias) => {
      if (alias === '#a:example.org') return A;
      throw new Error('M_NOT_FOUND');
    },
    roomEncryption: async () => 'plain',
    removedLinks,
    log: silentLogger(),
  };
}

function linksNow() {
  return w.directory.portals().flatMap((p) =>
    w.directory.linksOf(p.id).map((l) => ({
      room: p.roomId,
      name: p.name,
      channel: l.channel,
      source: l.source,
      createdBy: l.createdBy,
    })),
  );
}

beforeAll(async () => {
  db = await openTestDb();
}, 60_000);

afterAll(async () => {
  await db?.destroy();
});

beforeEach(async () => {
  w = await adminWorld(db, {});
});

describe('declared portals (mapping as code)', () => {
  const file: PortalConfig[] = [
    { room: '#a:example.org', name: 'Agency A', links: [link('c1'), link('c2')] },
    { room: B, links: [link('c3')] },
  ];

  it('creates the listed links, marked as made by the file, and audits them', async () => {
    const summary = await applyDeclaredPortals(file, deps());
    expect(summary).toMatchObject({ created: 3, removed: 0, failed: 0 });
    expect(linksNow()).toEqual([
      { room: A, name: 'Agency A', channel: 'c1', source: 'config', createdBy: 'config-file' },
      { room: A, name: 'Agency A', channel: 'c2', source: 'config', createdBy: 'config-file' },
      { room: B, name: null, channel: 'c3', source: 'config', createdBy: 'config-file' },
    ]);
    const entries = await w.audit.list({ limit: 10 });
    expect(entries).toHaveLength(3);
    expect(entries[0]).toMatchObject({ actor: 'config-file', path: 'config', action: 'link' });
  });

  it('changes nothing when run again', async () => {
    await applyDeclaredPortals(file, deps());
    const before = linksNow();
    const summary = await applyDeclaredPortals(file, deps());
    expect(summary).toEqual({
      created: 0,
      adopted: 0,
      moved: 0,
      removed: 0,
      released: 0,
      failed: 0,
    });
    expect(linksNow()).toEqual(before);
    expect(await w.audit.list({ limit: 10 })).toHaveLength(3);
  });

  it('adopts a hand-made link to the same room and moves one from another room', async () => {
    await w.links.link(A, link('c1'), 'api', '@lena:example.org');
    await w.links.link(B, link('c2'), 'command', '@lena:example.org');
    await w.directory.load();
    const summary = await applyDeclaredPortals(file, deps());
    expect(summary).toMatchObject({ created: 1, adopted: 1, moved: 1 });
    expect(linksNow().map((l) => [l.room, l.channel, l.source])).toEqual([
      [A, 'c1', 'config'],
      [A, 'c2', 'config'],
      [B, 'c3', 'config'],
    ]);
    const actions = (await w.audit.list({ limit: 10 })).map((e) => e.action).sort();
    expect(actions).toEqual(['adopt', 'link', 'move']);
  });

  it('unlinks what the file made and no longer lists, never hand-made links', async () => {
    await applyDeclaredPortals(file, deps());
    await w.links.link(B, link('c9'), 'api', '@lena:example.org');
    await w.directory.load();
    const summary = await applyDeclaredPortals([file[0]!], deps());
    expect(summary.removed).toBe(1);
    expect(linksNow().map((l) => [l.room, l.channel, l.source])).toEqual([
      [A, 'c1', 'config'],
      [A, 'c2', 'config'],
      [B, 'c9', 'api'],
    ]);
    expect((await w.audit.list({ limit: 1 }))[0]).toMatchObject({
      action: 'unlink',
      channel: 'c3',
      detail: 'no longer in the config file',
    });
  });

  it('with removed_config_links: keep, hands such links over to manual management', async () => {
    await applyDeclaredPortals(file, deps());
    const summary = await applyDeclaredPortals([file[0]!], deps('keep'));
    expect(summary.released).toBe(1);
    expect(linksNow().find((l) => l.channel === 'c3')).toMatchObject({ room: B, source: 'api' });
    expect((await w.audit.list({ limit: 1 }))[0]).toMatchObject({ action: 'release' });
  });

  it('leaves the links of a room whose alias does not resolve as they are', async () => {
    await applyDeclaredPortals(file, deps());
    const broken = { ...deps(), resolveAlias: () => Promise.reject(new Error('M_NOT_FOUND')) };
    const summary = await applyDeclaredPortals(file, broken);
    expect(summary).toMatchObject({ failed: 2, removed: 0 });
    expect(linksNow()).toHaveLength(3);
  });

  it('updates the portal name from the file', async () => {
    await applyDeclaredPortals(file, deps());
    await applyDeclaredPortals([{ ...file[0]!, name: 'Agency A (renamed)' }, file[1]!], deps());
    await w.directory.load();
    expect(w.directory.portalByRoom(A)?.name).toBe('Agency A (renamed)');
  });
});
