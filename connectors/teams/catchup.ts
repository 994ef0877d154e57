/**
 * Catch-up through Graph: what happened in each linked conversation after its cursor (or
 * the link time) and more than `settle_seconds` ago — messages, replies, edits, deletions
 * and reactions — emitted in time order with the same keys live delivery uses, so
 * activities lost while the bridge was down or unreachable are recovered exactly once.
 * The cursor moves only after a conversation's whole window has been emitted.
 *
 * After a start, a conversation is also caught up once up to the moment the bridge began
 * accepting activities before its first live activity is emitted (`cover`): a message Teams
 * could not deliver while the bridge was away is then emitted before newer live ones, not
 * after them at the next pass.
 */
import type { LinkedChannel } from '../../src/connector/contract.js';
import type { RemoteEvent } from '../../src/connector/events.js';
import { graphContent } from './content.js';
import type { TeamsDeps } from './deps.js';
import { teamsReactionToKey } from './format/index.js';
import type { GraphMessage } from './graph.js';
import { kindOf } from './ids.js';
import { emitOnce } from './inbound.js';
import { entryOf, splitEntry } from './reaction-ledger.js';
import type { KeyedLock } from './locks.js';

const ms = (iso: string | null | undefined): number | undefined => {
  const t = iso ? Date.parse(iso) : NaN;
  return Number.isNaN(t) ? undefined : t;
};

export class CatchUp {
  /** Per conversation: up to when this process has emitted everything Graph showed. */
  private readonly covered = new Map<string, number>();
  private readonly covering = new Map<string, Promise<void>>();

  constructor(
    private readonly d: TeamsDeps,
    private readonly locks: KeyedLock,
  ) {}

  /** The conversation's cursor in the core's table (ms), or its link time. */
  private async cursor(link: LinkedChannel): Promise<number> {
    const stored = Number(await this.d.ctx.cursors.get(link));
    return Number.isFinite(stored) && stored > 0 ? stored : link.linkedAt;
  }

  /** One pass over every linked conversation of the workspace; throws the first failure after trying all. */
  async run(): Promise<void> {
    const links = (await this.d.ctx.linkedChannels()).filter(
      (c) => c.workspace === this.d.workspace,
    );
    let failure: unknown;
    for (const link of links) {
      try {
        await this.conversation(link);
      } catch (err) {
        failure ??= err;
        this.d.log.warn(
          { workspace: this.d.workspace, channel: link.channel, err: (err as Error).message },
          'catch-up failed',
        );
      }
    }
    if (failure) throw failure;
  }

  /**
   * Makes sure everything in `link`'s conversation up to `until` has been emitted (once per
   * conversation and process; concurrent callers share the pass). The window is not settled
   * and the cursor stays where it is, so the regular passes still go over that time once it
   * has settled (what they find again is not emitted twice). If Graph fails, live delivery
   * goes on — nothing is lost, the regular passes recover it — and order is best effort.
   */
  async cover(link: LinkedChannel, until: number): Promise<void> {
    if ((this.covered.get(link.channel) ?? 0) >= until) return;
    let pass = this.covering.get(link.channel);
    if (!pass) {
      pass = this.conversation(link, { upper: until, persist: false })
        .catch((err: unknown) =>
          this.d.log.warn(
            { workspace: this.d.workspace, channel: link.channel, err: (err as Error).message },
            'could not catch up before the first live activity; order may differ this once',
          ),
        )
        .finally(() => {
          this.noteCovered(link.channel, until);
          this.covering.delete(link.channel);
        });
      this.covering.set(link.channel, pass);
    }
    await pass;
  }

  private noteCovered(channel: string, upTo: number): void {
    this.covered.set(channel, Math.max(this.covered.get(channel) ?? 0, upTo));
  }

  private async conversation(
    link: LinkedChannel,
    o: { upper?: number; persist?: boolean } = {},
  ): Promise<void> {
    const since = await this.cursor(link);
    const upper = o.upper ?? Date.now() - this.d.config.catchup.settle_seconds * 1000;
    // The cursor says everything up to it was emitted (by this process or an earlier one).
    this.noteCovered(link.channel, since);
    if (upper <= since) return;
    const messages = await this.fetch(link.channel, since);
    if (messages === undefined) return;
    await this.locks.run(link.channel, async () => {
      const events: RemoteEvent[] = [];
      const ledgers: Array<() => Promise<void>> = [];
      for (const m of messages) {
        events.push(...this.events(link.channel, m, since, upper));
        events.push(...(await this.reactions(link.channel, m, since, upper, ledgers)));
      }
      events.sort((a, b) => a.ts - b.ts);
      for (const e of events) await emitOnce(this.d, e);
      for (const save of ledgers) await save();
    });
    this.noteCovered(link.channel, upper);
    for (const m of messages) if (m.replyToId) await this.d.threads.remember(m.id, m.replyToId);
    if (o.persist === false) return;
    this.d.ctx.cursors.advance(link, String(upper));
  }

  /** Messages (roots and replies) changed after `since`, or undefined when Graph cannot reach the conversation. */
  private async fetch(channel: string, since: number): Promise<GraphMessage[] | undefined> {
    if (kindOf(channel) === 'channel') {
      const teamId = await this.d.directory.teamOf(channel);
      if (!teamId) {
        this.d.log.warn(
          { workspace: this.d.workspace, channel },
          'catch-up skipped: the channel’s team is unknown to Graph',
        );
        return undefined;
      }
      const roots = await this.d.graph.channelChanges(teamId, channel, since);
      const out = [...roots];
      for (const root of roots) {
        const replies = await this.d.graph.replies(teamId, channel, root.id);
        out.push(
          ...replies
            .filter((r) => (ms(r.lastModifiedDateTime) ?? 0) > since)
            .map((r) => ({ ...r, replyToId: r.replyToId ?? root.id })),
        );
      }
      return out;
    }
    const chatId = await this.d.directory.graphChatId(channel);
    if (!chatId) {
      this.d.log.debug(
        { workspace: this.d.workspace, channel },
        'catch-up skipped: no Graph id for this chat yet',
      );
      return undefined;
    }
    return this.d.graph.chatChanges(chatId, since);
  }

  /** The changes of one message inside (since, upper]. */
  private events(channel: string, m: GraphMessage, since: number, upper: number): RemoteEvent[] {
    const userId = m.from?.user?.id;
    if (!userId || (m.messageType && m.messageType !== 'message')) return [];
    const inWindow = (t: number | undefined): t is number =>
      t !== undefined && t > since && t <= upper;
    const base = { workspace: this.d.workspace, channel };
    const created = ms(m.createdDateTime);
    const edited = ms(m.lastEditedDateTime);
    const deleted = ms(m.deletedDateTime);
    const own = this.d.echoes.messages.has(m.id);
    const out: RemoteEvent[] = [];
    if (!own && deleted === undefined && inWindow(created)) {
      const threadRoot = kindOf(channel) === 'channel' ? (m.replyToId ?? undefined) : undefined;
      out.push({
        ...base,
        kind: 'message',
        eventKey: `msg:${m.id}`,
        ts: created,
        messageId: m.id,
        sender: { userId },
        content: graphContent(this.d, m),
        threadRoot,
      });
    }
    if (
      !own &&
      deleted === undefined &&
      !inWindow(created) &&
      inWindow(edited) &&
      !this.d.echoes.isOwnEdit(m.id, edited)
    ) {
      out.push({
        ...base,
        kind: 'edit',
        eventKey: `edit:${m.id}:${edited}`,
        ts: edited,
        messageId: m.id,
        sender: { userId },
        content: graphContent(this.d, m),
      });
    }
    if (!own && !inWindow(created) && inWindow(deleted) && !this.d.echoes.isOwnDelete(m.id)) {
      out.push({ ...base, kind: 'delete', eventKey: `del:${m.id}`, ts: deleted, messageId: m.id });
    }
    return out;
  }

  /**
   * Reactions added (created in the window) and removed (known to the ledger, gone now) on a
   * message last changed inside the window; a message changed later waits for the next pass.
   */
  private async reactions(
    channel: string,
    m: GraphMessage,
    since: number,
    upper: number,
    saves: Array<() => Promise<void>>,
  ): Promise<RemoteEvent[]> {
    const modified = ms(m.lastModifiedDateTime) ?? ms(m.createdDateTime);
    if (modified === undefined || modified > upper || !m.from?.user?.id) return [];
    const known = await this.d.reactions.load(m.id);
    const current = new Map<string, { userId: string; type: string; at?: number }>();
    if (m.deletedDateTime == null) {
      for (const r of m.reactions ?? []) {
        const userId = r.user?.user?.id;
        if (userId)
          current.set(entryOf(userId, r.reactionType), {
            userId,
            type: r.reactionType,
            at: ms(r.createdDateTime),
          });
      }
    }
    const base = { workspace: this.d.workspace, channel, messageId: m.id };
    const out: RemoteEvent[] = [];
    for (const [entry, r] of current) {
      if (
        known.has(entry) ||
        r.at === undefined ||
        r.at <= since ||
        this.d.echoes.isOwnReaction(m.id, r.userId, r.type)
      )
        continue;
      out.push({
        ...base,
        kind: 'reaction',
        eventKey: `react:${m.id}:${r.userId}:${r.type}:${r.at}`,
        ts: r.at,
        sender: { userId: r.userId },
        key: teamsReactionToKey(r.type),
      });
    }
    if (modified > since && m.deletedDateTime == null) {
      for (const entry of known) {
        if (current.has(entry)) continue;
        const { userId, type } = splitEntry(entry);
        if (this.d.echoes.isOwnReaction(m.id, userId, type)) continue;
        out.push({
          ...base,
          kind: 'reaction_remove',
          eventKey: `unreact:${m.id}:${userId}:${type}:${modified}`,
          ts: modified,
          sender: { userId },
          key: teamsReactionToKey(type),
        });
      }
    }
    const next = new Set(current.keys());
    if (next.size !== known.size || [...next].some((e) => !known.has(e)))
      saves.push(() => this.d.reactions.save(m.id, next));
    return out;
  }
}
