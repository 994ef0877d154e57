import type { Post } from '@mattermost/types/posts';
import type { Reaction } from '@mattermost/types/reactions';
import type { ConnectorStorage } from '../../src/connector/index.js';

export interface ReactionRef {
  userId: string;
  emojiName: string;
}

const SEP = '\u0000';
const MAX_PER_POST = 500;

/**
 * The reactions on each post that have been bridged, so a resync after an outage can tell
 * which reactions were added and which were removed while the bridge was not listening.
 */
export class ReactionLedger {
  constructor(
    private readonly storage: ConnectorStorage,
    private readonly workspace: string,
  ) {}

  /** What changed on `post` since the ledger last saw it; records the post's current set. */
  async reconcile(
    post: Post,
    ignoreUser: string,
  ): Promise<{ added: Reaction[]; removed: ReactionRef[] }> {
    const current = (post.metadata?.reactions ?? []).filter((r) => r.user_id !== ignoreUser);
    const known = await this.load(post.id);
    if (known.size === 0 && current.length === 0) return { added: [], removed: [] };
    const now = new Set(current.map((r) => keyOf({ userId: r.user_id, emojiName: r.emoji_name })));
    const added = current.filter(
      (r) => !known.has(keyOf({ userId: r.user_id, emojiName: r.emoji_name })),
    );
    const removed = [...known].filter((k) => !now.has(k)).map(refOf);
    if (added.length > 0 || removed.length > 0) await this.save(post.id, now);
    return { added, removed };
  }

  /** A reaction seen live. */
  async note(postId: string, ref: ReactionRef, present: boolean): Promise<void> {
    const known = await this.load(postId);
    const k = keyOf(ref);
    if (present === known.has(k)) return;
    if (present) known.add(k);
    else known.delete(k);
    await this.save(postId, known);
  }

  private key(postId: string): string {
    return `reactions:${this.workspace}:${postId}`;
  }

  private async load(postId: string): Promise<Set<string>> {
    const raw = await this.storage.get(this.key(postId));
    if (!raw) return new Set();
    try {
      const list = JSON.parse(raw) as unknown;
      return new Set(Array.isArray(list) ? list.filter((x) => typeof x === 'string') : []);
    } catch {
      return new Set();
    }
  }

  private async save(postId: string, set: Set<string>): Promise<void> {
    await this.storage.set(this.key(postId), JSON.stringify([...set].slice(0, MAX_PER_POST)));
  }
}

const keyOf = (r: ReactionRef) => `${r.userId}${SEP}${r.emojiName}`;

function refOf(key: string): ReactionRef {
  const i = key.indexOf(SEP);
  return { userId: key.slice(0, i), emojiName: key.slice(i + 1) };
}
