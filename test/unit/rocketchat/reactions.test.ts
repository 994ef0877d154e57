import { describe, expect, it } from 'vitest';
import { normalizeReactions } from '../../../connectors/rocketchat/reactions.js';
import { eventKeys, messageIdFor } from '../../../connectors/rocketchat/ids.js';

describe('reaction maps', () => {
  it('normalises the wire map: bad names and users dropped, usernames sorted and unique', () => {
    expect(
      normalizeReactions({
        ':thumbsup:': { usernames: ['bob', 'alice', 'bob'] },
        ':smile:': { usernames: [] },
        'no colons': { usernames: ['alice'] },
        ':tada:': { usernames: ['ok', 5, 'bad name'] },
        ':heart:': 'nope',
      }),
    ).toEqual({ ':thumbsup:': ['alice', 'bob'], ':tada:': ['ok'] });
    expect(normalizeReactions(null)).toEqual({});
    expect(normalizeReactions([1, 2])).toEqual({});
  });
});

describe('ids and keys', () => {
  it('derives a stable 17-character message id per idempotency key and part', () => {
    const a = messageIdFor('inbox-1:rocketchat', 0);
    expect(a).toMatch(/^[23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz]{17}$/);
    expect(messageIdFor('inbox-1:rocketchat', 0)).toBe(a);
    expect(messageIdFor('inbox-1:rocketchat', 1)).not.toBe(a);
    expect(messageIdFor('inbox-2:rocketchat', 0)).not.toBe(a);
  });

  it('builds event keys that differ per change and repeat for the same change', () => {
    expect(eventKeys.message('M1')).toBe('msg:M1');
    expect(eventKeys.edit('M1', 5)).not.toBe(eventKeys.edit('M1', 6));
    expect(eventKeys.reaction(true, 'M1', ':x:', 'bob', 7)).toBe(
      eventKeys.reaction(true, 'M1', ':x:', 'bob', 7),
    );
    expect(eventKeys.reaction(true, 'M1', ':x:', 'bob', 7)).not.toBe(
      eventKeys.reaction(false, 'M1', ':x:', 'bob', 7),
    );
  });
});
