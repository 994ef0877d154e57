/**
 * The notice a person gets when retention removed their linked platform account: in their
 * admin room when they have one, else in a direct-message room the bot opens (and keeps as
 * their admin room); a link without a known owner, or a notice that fails, is logged at warn
 * and never stops the others.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { PrunedLinkNotices } from '../../src/admin/pruned-link-notices.js';

function world(rooms: Record<string, string> = {}, failFor = '') {
  const notices: Array<{ room: string; text: string }> = [];
  const created: string[] = [];
  const lines: Array<Record<string, unknown>> = [];
  const owners = new Map(Object.entries(rooms));
  const notifier = new PrunedLinkNotices({
    rooms: {
      roomOf: async (user) => [...owners].find(([, u]) => u === user)?.[0],
      add: async (room, user) => void owners.set(room, user),
    },
    matrix: {
      createDirectRoom: async (user) => {
        created.push(user);
        return `!dm-${created.length}:x`;
      },
      notice: async (room, text) => {
        if (room === failFor) throw new Error('M_FORBIDDEN');
        notices.push({ room, text });
      },
    },
    connectorName: (id) => (id === 'chat' ? 'Chat X' : id),
    days: 90,
    log: pino({ level: 'warn' }, { write: (l: string) => lines.push(JSON.parse(l)) }),
  });
  return { notifier, notices, created, lines, owners };
}

const link = (user: string, workspace = 'agency-a') => ({
  connector: 'chat',
  owner: { matrixUserId: user, workspace },
});

describe('notices for account links removed by retention', () => {
  it('goes to the admin room the owner has', async () => {
    const w = world({ '!admin:x': '@maria:x' });
    await w.notifier.tell([link('@maria:x')]);
    expect(w.created).toEqual([]);
    expect(w.notices).toHaveLength(1);
    expect(w.notices[0]?.room).toBe('!admin:x');
    expect(w.notices[0]?.text).toBe(
      'Your linked Chat X account (workspace agency-a) was not used for 90 days, so the bridge ' +
        'removed it and its sign-in (retention.account_links_days). Your messages now reach ' +
        'Chat X through the bridge bot again. To post as yourself, link it again: ' +
        '!login chat agency-a',
    );
  });

  it('opens a direct-message room for an owner without one, and keeps it as theirs', async () => {
    const w = world();
    await w.notifier.tell([link('@bob:x'), link('@bob:x', 'agency-b')]);
    expect(w.created).toEqual(['@bob:x']);
    expect(w.notices.map((n) => n.room)).toEqual(['!dm-1:x', '!dm-1:x']);
    expect(w.owners.get('!dm-1:x')).toBe('@bob:x');
  });

  it('logs a link without a known owner and a failed notice, and tells the rest', async () => {
    const w = world({ '!broken:x': '@eve:x' }, '!broken:x');
    await w.notifier.tell([{ connector: 'chat' }, link('@eve:x'), link('@maria:x')]);
    expect(w.notices.map((n) => n.room)).toEqual(['!dm-1:x']);
    expect(w.lines.map((l) => [l.level, l.msg])).toEqual([
      [40, 'removed a linked account whose owner the connector cannot name; nobody was told'],
      [40, 'could not tell a person that their linked account was removed'],
    ]);
    expect(JSON.stringify(w.lines)).not.toContain('token');
  });
});
