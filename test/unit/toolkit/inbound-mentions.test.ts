/** Mentions read from platform text: only users found become mentions, matched without case. */
import { describe, expect, it } from 'vitest';
import { remoteMention, usernameMentions } from '../../../src/connector/inbound-mentions.js';

const found = new Map([['alice', { id: 'u1', name: 'Alice A.' }]]);
const m = usernameMentions('chatx', 'main', found, (u) => u.name);

describe('usernameMentions', () => {
  it('resolves a found user, whatever the case of the name written', () => {
    for (const name of ['alice', 'Alice', 'ALICE']) {
      expect(m.resolveUser(name)).toEqual(remoteMention('chatx', 'main', 'u1'));
      expect(m.userDisplayName(name)).toBe('Alice A.');
    }
  });

  it.each(['bob', '', 'alice ', '__proto__', 'constructor', 'toString', 'al ice'])(
    'leaves %j unresolved',
    (name) => {
      expect(m.resolveUser(name)).toBeUndefined();
      expect(m.userDisplayName(name)).toBeUndefined();
    },
  );

  it('names the connector and workspace the users were found in', () => {
    expect(usernameMentions('chaty', 'other', found, (u) => u.name).resolveUser('alice')).toEqual({
      kind: 'remote',
      connector: 'chaty',
      workspace: 'other',
      userId: 'u1',
    });
  });
});
