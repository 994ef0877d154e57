/**
 * Reaction snapshots. Some platforms say only what a message's reactions are now (on every
 * change, or only when a connector catches up after an outage), not what
 * was added or removed. The core remembers, per platform message, which reactions the
 * connector has passed on (`ConnectorContext.reactions`, the `reaction_snapshots` table); a
 * snapshot is compared with that memory and comes out as reactions added and removed.
 *
 * Every change carries a generation: how many times this person has put this reaction on this
 * message. A connector builds its event keys from it (or from a platform version), so a new
 * change gets a new key, and the same change seen again (the same snapshot twice, or again
 * after a crash before it was recorded) gets the same key, which the core processes once.
 */
import type { ChannelRef } from './events.js';

/** One person's reaction, in the platform's own terms. */
export interface ReactionEntry {
  /** The reacting user as the platform's snapshot names them (an id, or a username). */
  user: string;
  /** The platform's own name for the reaction (e.g. `thumbsup`, `:+1:`, `like`). */
  reaction: string;
}

export interface KnownReaction extends ReactionEntry {
  generation: number;
  /** False once its removal was passed on; kept so the next add gets a new generation. */
  present: boolean;
}

export interface ReactionChange extends ReactionEntry {
  added: boolean;
  /** The generation of the add, and of the removal that undoes it. */
  generation: number;
}

/** The core's memory of passed-on reactions for one connector; survives restarts. */
export interface ReactionMemory {
  /** Every reaction recorded on the message (present or removed since); empty when none. */
  load(ref: ChannelRef, messageId: string): Promise<KnownReaction[]>;
  /** `load` for many messages of one channel at once (a resync re-reading recent history). */
  loadMany(ref: ChannelRef, messageIds: readonly string[]): Promise<Map<string, KnownReaction[]>>;
  /** Records these reactions' state, leaving the message's other reactions as they are. */
  save(ref: ChannelRef, messageId: string, reactions: KnownReaction[]): Promise<void>;
}

export interface SnapshotOptions {
  /**
   * Whether a reaction not passed on yet is news; one that is not (e.g. made before the
   * channel was linked) is neither passed on nor remembered. Default: every reaction is news.
   */
  isNew?: (entry: ReactionEntry) => boolean;
  /** What `recall` gave for this message, to spare a read per message; read when absent. */
  known?: readonly KnownReaction[];
}

const entryKey = (e: ReactionEntry): string => `${e.user}\u0000${e.reaction}`;

const byEntry = (a: ReactionEntry, b: ReactionEntry): number =>
  a.reaction === b.reaction
    ? compareStrings(a.user, b.user)
    : compareStrings(a.reaction, b.reaction);

const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * What changed from `known` to `current`: removals first (a swap of one emoji for another then
 * reads naturally), each list in a stable order.
 */
export function diffReactionSnapshot(
  known: readonly KnownReaction[],
  current: readonly ReactionEntry[],
  options: SnapshotOptions = {},
): ReactionChange[] {
  const knownByKey = new Map(known.map((k) => [entryKey(k), k]));
  const now = new Map(current.map((e) => [entryKey(e), e]));
  const removed = known
    .filter((k) => k.present && !now.has(entryKey(k)))
    .map((k) => change(k, false, k.generation));
  const added: ReactionChange[] = [];
  for (const [key, e] of now) {
    const before = knownByKey.get(key);
    if (before?.present) continue;
    if (options.isNew && !options.isNew(e)) continue;
    added.push(change(e, true, (before?.generation ?? 0) + 1));
  }
  return [...removed.sort(byEntry), ...added.sort(byEntry)];
}

function change(e: ReactionEntry, added: boolean, generation: number): ReactionChange {
  return { user: e.user, reaction: e.reaction, added, generation };
}

/** What the memory records once `changes` are passed on. */
export function recordOf(changes: readonly ReactionChange[]): KnownReaction[] {
  return changes.map((c) => ({
    user: c.user,
    reaction: c.reaction,
    generation: c.generation,
    present: c.added,
  }));
}

/**
 * Snapshot in, changes out, on the core's memory. Connectors with reaction events also `note`
 * each live one, so a later snapshot does not pass it on again.
 */
export class ReactionTracker {
  constructor(private readonly memory: ReactionMemory) {}

  /**
   * Compares the message's reactions now with what was passed on, calls `emit` for each
   * change in order (awaiting it: it records the event durably, or decides to skip it), and
   * then records them. A crash before the record replays the same changes, same generations.
   */
  async snapshot(
    ref: ChannelRef,
    messageId: string,
    current: readonly ReactionEntry[],
    emit: (change: ReactionChange) => Promise<void>,
    options?: SnapshotOptions,
  ): Promise<ReactionChange[]> {
    const { changes, commit } = await this.compare(ref, messageId, current, options);
    for (const c of changes) await emit(c);
    await commit();
    return changes;
  }

  /**
   * The changes without emitting them, for a caller that orders events of many messages
   * first: `commit` records them, to be called once they are emitted.
   */
  async compare(
    ref: ChannelRef,
    messageId: string,
    current: readonly ReactionEntry[],
    options?: SnapshotOptions,
  ): Promise<{ changes: ReactionChange[]; commit: () => Promise<void> }> {
    const known = options?.known ?? (await this.memory.load(ref, messageId));
    const changes = diffReactionSnapshot(known, current, options);
    return { changes, commit: () => this.memory.save(ref, messageId, recordOf(changes)) };
  }

  /** The memory of many messages of a channel in one read, for `snapshot`'s `known`. */
  recall(ref: ChannelRef, messageIds: readonly string[]): Promise<Map<string, KnownReaction[]>> {
    return this.memory.loadMany(ref, messageIds);
  }

  /** A reaction added or removed live, after its event was emitted; resolves to its generation. */
  async note(
    ref: ChannelRef,
    messageId: string,
    entry: ReactionEntry,
    present: boolean,
  ): Promise<number> {
    const known = (await this.memory.load(ref, messageId)).find(
      (k) => entryKey(k) === entryKey(entry),
    );
    const generation = known?.generation ?? 0;
    if ((known?.present ?? false) === present) return generation;
    const next = present ? generation + 1 : generation;
    await this.memory.save(ref, messageId, [
      { user: entry.user, reaction: entry.reaction, generation: next, present },
    ]);
    return next;
  }
}
