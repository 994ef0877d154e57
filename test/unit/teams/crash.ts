/** A Teams connector process killed right after a post, and the instance that takes over. */
import { expect } from 'vitest';
import type { OutboundMessage } from '../../../src/connector/contract.js';
import type { TeamsTestWorld } from './world.js';

/** A store whose process dies right after a post, before the post's id is written. */
export class DiesBeforeRecording extends Map<string, string> {
  /** Off while the constructor copies what the running bridge had stored. */
  private armed?: boolean;

  constructor(entries: Iterable<[string, string]>) {
    super(entries);
    this.armed = true;
  }

  override set(key: string, value: string): this {
    if (this.armed && value.startsWith('sent:'))
      throw new Error('killed before the delivery was recorded');
    return super.set(key, value);
  }
}

/**
 * The first attempt of `message` in a process that dies after posting it; then the same
 * delivery by a fresh instance on what the first had stored. Returns the retry's ids.
 */
export async function crashThenRetry(
  world: TeamsTestWorld,
  channel: string,
  message: OutboundMessage,
): Promise<string[]> {
  const ref = { workspace: 'contoso', channel };
  // What the running bridge had stored (conversation references, linked accounts), as a restarted one has it.
  const store = new DiesBeforeRecording(world.ctx.store);
  const first = await world.start(world.config, store);
  await expect(first.connector.sendMessage(ref, message)).rejects.toThrow(/killed/);
  await first.connector.stop();
  const next = await world.start(world.config, new Map(store));
  const ids = (await next.connector.sendMessage(ref, message)).messageIds;
  await next.connector.stop();
  return ids;
}
