/**
 * Channel threads: the root of every reply the bridge has seen or sent, so a Matrix reply to
 * a reply lands in the right Teams thread (Teams threads are one level deep). Roots map to
 * themselves and are not stored; replies are kept in memory and written to storage.
 */
import { BoundedMap, type ConnectorStorage } from '../../src/connector/index.js';

export class Threads {
  private readonly roots = new BoundedMap<string, string>(20_000);

  constructor(
    private readonly workspace: string,
    private readonly storage: ConnectorStorage,
  ) {}

  private key(messageId: string): string {
    return `root:${this.workspace}:${messageId}`;
  }

  async remember(messageId: string, rootId: string | undefined): Promise<void> {
    if (!rootId || rootId === messageId || this.roots.get(messageId) === rootId) return;
    this.roots.set(messageId, rootId);
    await this.storage.set(this.key(messageId), rootId);
  }

  /** The thread root of `messageId` (itself when it is a root or unknown). */
  async rootOf(messageId: string): Promise<string> {
    const hit = this.roots.get(messageId);
    if (hit) return hit;
    const stored = await this.storage.get(this.key(messageId));
    if (stored) this.roots.set(messageId, stored);
    return stored || messageId;
  }
}
