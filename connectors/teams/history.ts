/**
 * Catch-up through Graph, driven by the core (`fetchMessagesSince`): what happened in a linked
 * conversation after its cursor (or its link time) — messages, replies, edits, deletions and
 * reactions — with the keys live delivery uses, so activities lost while the bridge was down
 * or unreachable are recovered exactly once. Teams drops activities now and then, so every
 * linked conversation is read again each `catchup.interval_seconds` (`round`).
 *
 * Changes younger than `settle_seconds` are left to live delivery (Graph may not show them
 * yet, and their activities may be on the way): the cursor never passes that point. Two reads
 * go further without moving the cursor there, up to a "cover" time: the first ones after a
 * start (up to when the bridge began accepting activities, so what Teams could not deliver
 * meanwhile comes before newer live activities, which wait for their conversation's
 * catch-up), and the one after a live activity the bridge refused (`owe`: up to that
 * activity, so it comes complete and before anything newer). A read also stops short of the
 * live activities being handled when its page is claimed (`live`): a change after one of
 * them is not recorded before it.
 */
import {
  errorMessage,
  isTransient,
  type LinkedChannel,
  type MessagesPage,
  type RemoteEvent,
} from '../../src/connector/index.js';
import type { TeamsDeps } from './deps.js';
import {
  changedAt,
  changedMessages,
  messageChanges,
  reactionChanges,
  type ReactionChanges,
  type Window,
} from './graph-changes.js';
import type { GraphMessage } from './graph.js';
import { LiveHolds } from './live-holds.js';

/** A conversation's cursor is a time (ms); without one, its link time. */
function sinceOf(link: LinkedChannel, cursor: string | undefined): number {
  const stored = Number(cursor);
  return Number.isFinite(stored) && stored > 0 ? stored : link.linkedAt;
}

export class GraphCatchUp {
  /** When the bridge began accepting activities: the first reads cover up to it. */
  acceptedAt = 0;
  /** Per conversation: up to when a refused live activity still has to come from Graph. */
  private readonly owed = new Map<string, number>();
  /** Per conversation: up to when this process recorded what Graph showed (a cover is done). */
  private readonly covered = new Map<string, number>();
  /** Live activities being handled: a read stops short of them. */
  readonly live = new LiveHolds();
  /** Per conversation: the event keys of a page the core is recording (claimed in `emitted`). */
  private readonly claims = new Map<string, string[]>();
  /** The first failure of a read since the current round began. */
  private failure: unknown;

  constructor(
    private readonly d: TeamsDeps,
    /** Told when a read that live activities wait for fails and is retried. */
    private readonly retrying: (err: unknown) => void,
  ) {}

  /**
   * Has the core catch up every linked conversation (planned before this returns, so live
   * activities wait for it); rejects with the first read that failed.
   */
  async round(): Promise<void> {
    this.failure = undefined;
    await this.d.ctx.catchUp(this.d.workspace);
    const failure = this.failure;
    this.failure = undefined;
    if (failure !== undefined) throw failure;
  }

  /**
   * A live activity of `channel` at `at` could not be recorded (Graph failed while reading
   * its files, say): the conversation is caught up to `at` from Graph, and its next live
   * activity waits for that, so what was refused comes complete and before anything newer.
   */
  owe(channel: string, at: number): void {
    this.owed.set(channel, Math.max(this.owed.get(channel) ?? 0, at));
    this.d.ctx
      .catchUp(this.d.workspace, [channel])
      .catch((err: unknown) =>
        this.d.log.warn(
          { channel, err: errorMessage(err) },
          'could not read the linked channels to catch up on a refused activity (is the database reachable?); the next pass recovers it',
        ),
      );
  }

  /** One read of the core's catch-up of `link`: every change Graph shows in the window. */
  async fetchSince(link: LinkedChannel, cursor: string | undefined): Promise<MessagesPage> {
    this.releaseClaims(link.channel);
    const since = sinceOf(link, cursor);
    const settled = Date.now() - this.d.config.catchup.settle_seconds * 1000;
    const cover = Math.max(this.acceptedAt, this.owed.get(link.channel) ?? 0);
    const covering = cover > Math.max(since, this.covered.get(link.channel) ?? 0);
    const upper = Math.min(Math.max(settled, cover), this.live.limit(link.channel));
    const unread = { nextCursor: String(since), hasMore: false, events: [] };
    if (upper <= since) return unread;
    try {
      const messages = await changedMessages(this.d, link.channel, since);
      // Not readable through Graph yet (no chat id): the cursor waits until it is.
      if (!messages) return this.coverEnded(link.channel, cover, unread);
      // A message a linked user is posting right now is an echo once Graph has answered.
      await this.d.echoes.settled(link.channel);
      return await this.changes(link.channel, messages, { since, upper }, settled);
    } catch (err) {
      // A cover is awaited by live activities: a failure that may pass is retried by the core.
      if (covering && isTransient(err)) {
        this.retrying(err);
        throw err;
      }
      this.failed(link.channel, err, covering);
      return covering ? this.coverEnded(link.channel, cover, unread) : unread;
    }
  }

  /** A read that ends without Graph's messages: the live activities waiting on it go on. */
  private coverEnded(channel: string, cover: number, page: MessagesPage): MessagesPage {
    this.noteCovered(channel, cover);
    return page;
  }

  private noteCovered(channel: string, upTo: number): void {
    this.covered.set(channel, Math.max(this.covered.get(channel) ?? 0, upTo));
    if ((this.owed.get(channel) ?? Infinity) <= upTo) this.owed.delete(channel);
  }

  /**
   * The page of `messages`: their changes in the window not emitted yet, and what to keep
   * once they are recorded. The window ends where it must when the page is claimed, not when
   * the read began: a live activity that began during the reads narrows it to before itself
   * (else a later change, or its message's edit or deletion, would be recorded first while it
   * waits for this catch-up). Nothing awaits between that narrowing and the claim, so a live
   * activity that begins after it finds the claimed keys and leaves them to this page.
   */
  private async changes(
    channel: string,
    messages: GraphMessage[],
    read: Window,
    settled: number,
  ): Promise<MessagesPage> {
    const reactions: ReactionChanges[] = [];
    for (const m of messages) reactions.push(await reactionChanges(this.d, channel, m, read));
    const window = { since: read.since, upper: Math.min(read.upper, this.live.limit(channel)) };
    const events: RemoteEvent[] = [];
    const commits: Array<() => Promise<void>> = [];
    messages.forEach((m, i) => {
      events.push(...messageChanges(this.d, channel, m, window));
      const found = reactions[i]!;
      // A message changed after the window keeps its reactions (and snapshot) for a later read.
      if ((changedAt(m) ?? Infinity) > window.upper) return;
      events.push(...found.events);
      if (found.commit) commits.push(found.commit);
    });
    const fresh = this.claim(channel, events);
    const recorded = async (): Promise<void> => {
      for (const commit of commits) await commit();
      for (const m of messages) if (m.replyToId) await this.d.threads.remember(m.id, m.replyToId);
      this.claims.delete(channel);
      this.noteCovered(channel, window.upper);
    };
    const nextCursor = String(Math.max(read.since, Math.min(settled, window.upper)));
    return { events: fresh, recorded, nextCursor, hasMore: false };
  }

  /**
   * Leaves out what this process emitted already (live, or by an earlier read) and claims the
   * rest, so a live activity of the same change that waits for this read is not recorded too.
   */
  private claim(channel: string, events: RemoteEvent[]): RemoteEvent[] {
    const fresh = events.filter((e) => !this.d.echoes.emitted.has(e.eventKey));
    for (const e of fresh) this.d.echoes.emitted.add(e.eventKey);
    this.claims.set(
      channel,
      fresh.map((e) => e.eventKey),
    );
    return fresh;
  }

  /** A page whose recording did not finish gives its claims back: the next read has them again. */
  private releaseClaims(channel: string): void {
    for (const key of this.claims.get(channel) ?? []) this.d.echoes.emitted.delete(key);
    this.claims.delete(channel);
  }

  /** A read that failed: the cursor stays, and the round reports it (the state says retrying). */
  private failed(channel: string, err: unknown, covering: boolean): void {
    this.failure ??= err;
    this.d.log.warn(
      { channel, err: errorMessage(err) },
      covering
        ? 'could not catch up before a live activity; order may differ this once'
        : 'catch-up failed; the next pass tries again',
    );
  }
}
