import { describe, expect, it } from 'vitest';
import { ACTION_LEVELS, atLeast, Permissions, serverOf } from '../../../src/admin/permissions.js';
import { bridgePower } from '../../../src/admin/room-power.js';

describe('Permissions', () => {
  const p = new Permissions({
    '@boss:agency.example': 'admin',
    '@mallory:agency.example': 'none',
    'Agency.Example': 'linker',
    '*': 'user',
  });

  it('takes the user id over the domain over *', () => {
    expect(p.levelOf('@boss:agency.example')).toBe('admin');
    expect(p.levelOf('@mallory:agency.example')).toBe('none');
    expect(p.levelOf('@anna:agency.example')).toBe('linker');
    expect(p.levelOf('@anna:AGENCY.example')).toBe('linker');
    expect(p.levelOf('@anna:other.example')).toBe('user');
  });

  it('compares user ids exactly', () => {
    expect(p.levelOf('@Boss:agency.example')).toBe('linker');
  });

  it('gives nothing without an entry or *', () => {
    const none = new Permissions({ 'agency.example': 'admin' });
    expect(none.levelOf('@x:elsewhere.example')).toBe('none');
    expect(new Permissions().levelOf('@x:agency.example')).toBe('none');
    expect(none.allows('@x:elsewhere.example', 'whoami')).toBe(true);
    expect(none.allows('@x:elsewhere.example', 'list_portals')).toBe(false);
  });

  it('orders the levels user < linker < admin for the actions', () => {
    const levels = new Permissions({ '@u:a': 'user', '@l:a': 'linker', '@a:a': 'admin' });
    const can = (who: string) =>
      (Object.keys(ACTION_LEVELS) as Array<keyof typeof ACTION_LEVELS>).filter((a) =>
        levels.allows(who, a),
      );
    expect(can('@u:a')).toEqual([
      'whoami',
      'help',
      'list_portals',
      'connection_states',
      'list_connectors',
      'account_link',
    ]);
    expect(can('@l:a')).toEqual([
      ...can('@u:a'),
      'recent_failures',
      'list_channels',
      'link',
      'unlink',
    ]);
    expect(can('@a:a')).toEqual([...can('@l:a'), 'audit_list', 'retire', 'erase_user']);
    expect(atLeast('admin', 'linker')).toBe(true);
    expect(atLeast('user', 'linker')).toBe(false);
  });

  it('reads the server of a user id, with a port', () => {
    expect(serverOf('@a:example.org:8448')).toBe('example.org:8448');
    expect(serverOf('not-a-user')).toBeUndefined();
  });
});

describe('bridgePower', () => {
  const create = { sender: '@creator:x', content: { room_version: '11' } };

  it('needs m.bridge when the room sets it, else state_default', () => {
    const levels = { users: { '@a:x': 60 }, state_default: 50, events: { 'm.bridge': 75 } };
    expect(bridgePower('@a:x', levels, create)).toEqual({
      allowed: false,
      userLevel: 60,
      required: 75,
    });
    expect(bridgePower('@a:x', { ...levels, events: {} }, create).allowed).toBe(true);
  });

  it('uses users_default for users not listed', () => {
    expect(bridgePower('@b:x', { users_default: 50, state_default: 50 }, create).allowed).toBe(
      true,
    );
    expect(bridgePower('@b:x', { state_default: 50 }, create).allowed).toBe(false);
  });

  it('follows the spec when there are no power levels: creator 100, others 0', () => {
    expect(bridgePower('@creator:x', undefined, create).allowed).toBe(true);
    expect(bridgePower('@b:x', undefined, create).allowed).toBe(false);
  });

  it('gives creators of version 12 rooms unlimited power, other creators none extra', () => {
    const v12 = {
      sender: '@creator:x',
      content: { room_version: '12', additional_creators: ['@co:x'] },
    };
    expect(bridgePower('@co:x', { users: {} }, v12).allowed).toBe(true);
    expect(bridgePower('@creator:x', { users: {} }, create).allowed).toBe(false);
  });
});
