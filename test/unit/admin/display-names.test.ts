import { describe, expect, it } from 'vitest';
import { channelOfKey, keyOfChannel, NameCache } from '../../../src/admin/display-names.js';

describe('names for the console, cached', () => {
  it('looks each name up once while it is fresh, then again after it expired', async () => {
    let now = 0;
    const asked: string[] = [];
    const cache = new NameCache(
      async (k) => {
        asked.push(k);
        return `name of ${k}`;
      },
      () => now,
    );
    for (let refresh = 0; refresh < 5; refresh += 1) {
      const names = await cache.names(['!a', '!b', '!a']);
      expect(names.get('!a')).toBe('name of !a');
      expect(names.get('!b')).toBe('name of !b');
    }
    expect(asked).toEqual(['!a', '!b']);
    now += 10 * 60_000;
    await cache.names(['!a']);
    expect(asked).toEqual(['!a', '!b', '!a']);
  });

  it('answers without a name when a lookup fails or is slow, and fills it in later', async () => {
    let release: (name: string) => void = () => undefined;
    const slow = new Promise<string>((resolve) => (release = resolve));
    const failed: string[] = [];
    const cache = new NameCache(
      (k) => (k === 'slow' ? slow : Promise.reject(new Error('unreadable'))),
      Date.now,
      20,
      (k, err) => failed.push(`${k}: ${(err as Error).message}`),
    );
    const first = await cache.names(['slow', 'broken']);
    expect(first.get('slow')).toBeUndefined();
    expect(first.get('broken')).toBeUndefined();
    expect(failed).toEqual(['broken: unreadable']);
    release('Slow room');
    await expect.poll(async () => (await cache.names(['slow'])).get('slow')).toBe('Slow room');
  });

  it('keys channels so that no id can collide with another', () => {
    const hostile = [
      { connector: 'c', workspace: 'a/b', channel: 'x' },
      { connector: 'c', workspace: 'a', channel: 'b/x' },
      { connector: 'c', workspace: 'a","b', channel: 'x' },
      { connector: 'c', workspace: 'a', channel: '","b x' },
    ];
    const keys = hostile.map(keyOfChannel);
    expect(new Set(keys).size).toBe(hostile.length);
    for (const [i, k] of keys.entries()) expect(channelOfKey(k)).toEqual(hostile[i]);
  });
});
