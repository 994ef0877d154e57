/** One write at a time per channel, order kept through waits and failures. */
import { describe, expect, it } from 'vitest';
import { ChannelSerializer } from '../../../src/connector/channel-serializer.js';

/** A promise the test settles by hand. */
function gate(): { promise: Promise<void>; open: () => void; fail: (e: Error) => void } {
  let open!: () => void;
  let fail!: (e: Error) => void;
  const promise = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  return { promise, open, fail };
}

describe('ChannelSerializer', () => {
  it('runs writes to one channel one after another, in order', async () => {
    const s = new ChannelSerializer();
    const log: string[] = [];
    const first = gate();
    const a = s.run('c1', async () => {
      log.push('a start');
      await first.promise;
      log.push('a end');
    });
    const b = s.run('c1', async () => void log.push('b'));
    await Promise.resolve();
    expect(log).toEqual(['a start']);
    first.open();
    await Promise.all([a, b]);
    expect(log).toEqual(['a start', 'a end', 'b']);
  });

  it('does not hold one channel behind another', async () => {
    const s = new ChannelSerializer();
    const blocked = gate();
    const slow = s.run('c1', () => blocked.promise);
    await expect(s.run('c2', async () => 'other')).resolves.toBe('other');
    blocked.open();
    await slow;
  });

  it('hands a failure to its own caller and still runs the next write', async () => {
    const s = new ChannelSerializer();
    const first = gate();
    const failing = s.run('c1', () => first.promise);
    const next = s.run('c1', async () => 'next');
    first.fail(new Error('refused'));
    await expect(failing).rejects.toThrow('refused');
    await expect(next).resolves.toBe('next');
  });

  it('forgets idle channels', async () => {
    const s = new ChannelSerializer();
    await Promise.all([s.run('c1', async () => 1), s.run('c2', async () => 2)]);
    await new Promise((r) => setImmediate(r));
    expect(s.busyChannels).toBe(0);
  });
});
