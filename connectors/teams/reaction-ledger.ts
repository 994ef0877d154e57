/**
 * The reactions the bridge knows to be on each Teams message. Graph only shows a message's
 * current reactions, so catch-up compares them with this record to find the reactions
 * removed while the bridge was not listening. Live reaction activities keep it current.
 */
import type { ConnectorStorage } from '../../src/connector/index.js';

const MAX_PER_MESSAGE = 500;

/** `userId|reactionType` */
export type ReactionEntry = string;

export const entryOf = (userId: string, type: string): ReactionEntry => `${userId}|${type}`;

export function splitEntry(e: ReactionEntry): { userId: string; type: string } {
  const i = e.indexOf('|');
  return { userId: e.slice(0, i), type: e.slice(i + 1) };
}

export class ReactionLedger {
  constructor(
    private readonly workspace: string,
    private readonly storage: ConnectorStorage,
  ) {}

  private key(messageId: string): string {
    return `rx:${this.workspace}:${messageId}`;
  }

  async load(messageId: string): Promise<Set<ReactionEntry>> {
    const raw = await this.storage.get(this.key(messageId));
    if (!raw) return new Set();
    try {
      const list = JSON.parse(raw) as unknown;
      return new Set(
        Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : [],
      );
    } catch {
      return new Set();
    }
  }

  async save(messageId: string, entries: Set<ReactionEntry>): Promise<void> {
    const list = [...entries].slice(0, MAX_PER_MESSAGE);
    await this.storage.set(this.key(messageId), list.length === 0 ? '' : JSON.stringify(list));
  }

  /** A reaction seen live. */
  async note(messageId: string, userId: string, type: string, present: boolean): Promise<void> {
    const entries = await this.load(messageId);
    const entry = entryOf(userId, type);
    if (entries.has(entry) === present) return;
    if (present) entries.add(entry);
    else entries.delete(entry);
    await this.save(messageId, entries);
  }
}
