import { describe, expect, it } from 'vitest';
import {
  algorithmOf,
  channelList,
  channelTurnedEncryptedNotice,
  encryptedMessageReminder,
  encryptionSignal,
  roomTurnedEncryptedNotice,
} from '../../src/core/encryption.js';

const MEGOLM = 'm.megolm.v1.aes-sha2';

describe('which events show that a portal room is encrypted', () => {
  const turnedOn: Array<[string, Record<string, unknown>]> = [
    [
      'the usual content',
      { type: 'm.room.encryption', state_key: '', content: { algorithm: MEGOLM } },
    ],
    [
      'an unknown algorithm',
      { type: 'm.room.encryption', state_key: '', content: { algorithm: 'x.future' } },
    ],
    ['redacted (empty) content', { type: 'm.room.encryption', state_key: '', content: {} }],
    ['no content at all', { type: 'm.room.encryption', state_key: '' }],
    [
      'content that is not an object',
      { type: 'm.room.encryption', state_key: '', content: 'megolm' },
    ],
    [
      'a non-string algorithm',
      { type: 'm.room.encryption', state_key: '', content: { algorithm: 7 } },
    ],
  ];
  it.each(turnedOn)('m.room.encryption with %s turns encryption on', (_, event) => {
    expect(encryptionSignal(event as never)?.kind).toBe('turned_on');
  });

  const encrypted: Array<[string, Record<string, unknown>]> = [
    [
      'megolm ciphertext',
      { type: 'm.room.encrypted', content: { algorithm: MEGOLM, ciphertext: 'AwgA' } },
    ],
    ['no algorithm', { type: 'm.room.encrypted', content: { ciphertext: 'AwgA' } }],
    ['null content', { type: 'm.room.encrypted', content: null }],
  ];
  it.each(encrypted)('m.room.encrypted with %s is an encrypted message', (_, event) => {
    expect(encryptionSignal(event as never)?.kind).toBe('encrypted_message');
  });

  const nothing: Array<[string, Record<string, unknown>]> = [
    [
      'm.room.encryption without a state key (a timeline event)',
      { type: 'm.room.encryption', content: { algorithm: MEGOLM } },
    ],
    [
      'm.room.encryption with state key " "',
      { type: 'm.room.encryption', state_key: ' ', content: { algorithm: MEGOLM } },
    ],
    [
      'm.room.encryption with a user as state key',
      { type: 'm.room.encryption', state_key: '@eve:example.org', content: { algorithm: MEGOLM } },
    ],
    [
      'm.room.encryption with a non-string state key',
      { type: 'm.room.encryption', state_key: 0, content: { algorithm: MEGOLM } },
    ],
    [
      'm.room.encrypted sent as state',
      { type: 'm.room.encrypted', state_key: '', content: { algorithm: MEGOLM } },
    ],
    [
      'a look-alike type (upper case)',
      { type: 'M.ROOM.ENCRYPTION', state_key: '', content: { algorithm: MEGOLM } },
    ],
    [
      'a look-alike type (suffix)',
      { type: 'm.room.encryption.x', state_key: '', content: { algorithm: MEGOLM } },
    ],
    [
      'a look-alike type (trailing space)',
      { type: 'm.room.encrypted ', content: { algorithm: MEGOLM } },
    ],
    [
      'an ordinary message',
      { type: 'm.room.message', content: { msgtype: 'm.text', body: 'm.room.encryption' } },
    ],
  ];
  it.each(nothing)('%s shows nothing', (_, event) => {
    expect(encryptionSignal(event as never)).toBeUndefined();
  });
});

describe('the algorithm kept for logs and the database', () => {
  const cases: Array<[string, unknown, string]> = [
    ['megolm', { algorithm: MEGOLM }, MEGOLM],
    ['missing', {}, 'unknown'],
    ['a number', { algorithm: 1 }, 'unknown'],
    ['an object', { algorithm: { toString: 'x' } }, 'unknown'],
    ['null content', null, 'unknown'],
    ['empty', { algorithm: '' }, 'unknown'],
    ['only control characters', { algorithm: '\u0000\n\r\u001b' }, 'unknown'],
    [
      'a forged log line',
      { algorithm: 'x\n{"level":60,"msg":"forged"}' },
      'x{"level":60,"msg":"forged"}',
    ],
    ['terminal escapes', { algorithm: '\u001b[31mred\u001b[0m' }, '[31mred[0m'],
    ['line and paragraph separators', { algorithm: 'a\u2028b\u2029c' }, 'abc'],
    ['surrounding spaces', { algorithm: '  megolm  ' }, 'megolm'],
  ];
  it.each(cases)('%s', (_, content, expected) => {
    expect(algorithmOf(content)).toBe(expected);
  });

  it('is bounded however long the claim', () => {
    const kept = algorithmOf({ algorithm: 'a'.repeat(1_000_000) });
    expect(kept.length).toBeLessThanOrEqual(101);
    expect(kept.endsWith('…')).toBe(true);
  });
});

describe('what people are told', () => {
  const channels = ['Mattermost channel abc (main)', 'Slack channel C1 (corp)'];

  it('names every linked channel', () => {
    expect(channelList([])).toBe('the linked channels');
    expect(channelList(['A'])).toBe('A');
    expect(channelList(['A', 'B', 'C'])).toBe('A, B and C');
  });

  it('tells the Matrix room what happened, what stops, and what to do', () => {
    const text = roomTurnedEncryptedNotice('@maria:example.org', channels);
    expect(text).toContain('@maria:example.org turned on end-to-end encryption');
    expect(text).toContain('no longer reach Mattermost channel abc (main) and Slack channel C1');
    expect(text).toContain('create a new room without encryption');
    expect(text).toMatch(/!unlink and !link/);
  });

  it('tells each platform channel that Matrix messages no longer cross, and what to do', () => {
    const text = channelTurnedEncryptedNotice();
    expect(text).toContain('messages from Matrix can no longer cross');
    expect(text).toContain('new Matrix room without encryption');
  });

  it('reminds a sender, saying how often', () => {
    const text = encryptedMessageReminder('@maria:example.org', channels);
    expect(text).toMatch(/^🔒 @maria:example.org: the bridge cannot read encrypted messages/);
    expect(text).toContain('at most once every 60 minutes');
  });
});
