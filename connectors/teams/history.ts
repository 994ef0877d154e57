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
 * after them at the next pass. The same holds after a live activity the bridge had to
 * refuse (`owe`).
 */
import {
  isTransient,
  type LinkedChannel,
  type ReactionChange,
  type RemoteEvent,
} from '../../src/connector/index.js';
import { graphContent } from './content.js';
import type { TeamsDeps } from './deps.js';
import { emitOnce } from './emit-once.js';
import { teamsReactionToKey } from './format/index.js';
import type { GraphMessage } from './graph.js';
import { kindOf } from './ids.js';
import type { KeyedLock } from './locks.js';

const ms = (iso: string | null | undefined): number | undefined => {
  const t = iso ? Date.parse(iso) : NaN;
  return Number.isNaN(t) ? undefined : t;
};

export class CatchUp {
  /** Per conversation: up to when this process has emitted everything Graph showed. */
  private readonly covered = new Map<string, number>();
  private readonly covering = new Map<string, Promise<void>>();
  /** Per conversation: up to when a refused live activity still has to be emitted from Graph. */
  private readonly owed = new Map<string, number>();

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
   * A live activity of `channel` at `at` could not be emitted (Graph failed while reading
   * its files, say): the next live activity there first has everything up to `at` emitted
   * from Graph, so what was refused arrives complete and before anything newer.
   */
  owe(channel: string, at: number): void {
    this.owed.set(channel, Math.max(this.owed.get(channel) ?? 0, at));
  }

  /** Up to when a conversation must be covered before its next live activity (0: nothing owed). */
  owedUntil(channel: string): number {
    return this.owed.get(channel) ?? 0;
  }

  /**
   * Makes sure everything in `link`'s conversation up to `until` has been emitted (once per
   * conversation and process; concurrent callers share a pass). The window is not settled
   * and the cursor stays where it is, so the regular passes still go over that time once it
   * has settled (what they find again is not emitted twice). A failure that may pass is
   * thrown: the live activity waiting on it is refused too and recovered in order later. A
   * refusal (Graph will not show the conversation) lets live delivery go on.
   */
  async cover(link: LinkedChannel, until: number): Promise<void> {
    while ((this.covered.get(link.channel) ?? 0) < until) {
      let pass = this.covering.get(link.channel);
      if (!pass) {
        pass = this.coverPass(link, until).finally(() => this.covering.delete(link.channel));
        this.covering.set(link.channel, pass);
      }
      await pass;
    }
  }

  private async coverPass(link: LinkedChannel, until: number): Promise<void> {
    try {
      await this.conversation(link, { upper: until, persist: false });
    } catch (err) {
      if (isTransient(err)) throw err;
      this.d.log.warn(
        { workspace: this.d.workspace, channel: link.channel, err: (err as Error).message },
        'could not catch up before a live activity; order may differ this once',
      );
    }
    this.noteCovered(link.channel, until);
  }

  private noteCovered(channel: string, upTo: number): void {
    this.covered.set(channel, Math.max(this.covered.get(channel) ?? 0, upTo));
    if ((this.owed.get(channel) ?? Infinity) <= upTo) this.owed.delete(channel);
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
      const commits: Array<() => Promise<void>> = [];
      for (const m of messages) {
        events.push(...this.events(link.channel, m, since, upper));
        events.push(...(await this.reactions(link.channel, m, since, upper, commits)));
      }
      events.sort((a, b) => a.ts - b.ts);
      for (const e of events) await emitOnce(this.d, e);
      for (const commit of commits) await commit();
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
    // An edit or deletion in the window is emitted even when the message was created in it
    // too: the message may have crossed live before the bridge went down (its event is then
    // a duplicate), and only the edit or deletion still has to cross.
    if (
      !own &&
      deleted === undefined &&
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
    if (!own && inWindow(deleted) && !this.d.echoes.isOwnDelete(m.id)) {
      out.push({ ...base, kind: 'delete', eventKey: `del:${m.id}`, ts: deleted, messageId: m.id });
    }
    return out;
  }

  /**
   * Reactions added (created in the window) and removed (passed on before, gone now) on a
   * message last changed inside the window; a message changed later waits for the next pass.
   * `commits` records them once they are emitted.
   */
  private async reactions(
    channel: string,
    m: GraphMessage,
    since: number,
    upper: number,
    commits: Array<() => Promise<void>>,
  ): Promise<RemoteEvent[]> {
    const modified = ms(m.lastModifiedDateTime) ?? ms(m.createdDateTime);
    if (modified === undefined || modified <= since || modified > upper) return [];
    if (!m.from?.user?.id || m.deletedDateTime != null) return [];
    const madeAt = new Map<string, number | undefined>();
    const current = (m.reactions ?? []).flatMap((r) => {
      const user = r.user?.user?.id;
      if (!user) return [];
      madeAt.set(`${user}|${r.reactionType}`, ms(r.createdDateTime));
      return [{ user, reaction: r.reactionType }];
    });
    const { changes, commit } = await this.d.reactions.compare(
      { workspace: this.d.workspace, channel },
      m.id,
      current,
      {
        isNew: (e) => (madeAt.get(`${e.user}|${e.reaction}`) ?? 0) > since,
      },
    );
    commits.push(commit);
    return changes
      .filter((c) => !this.d.echoes.isOwnReaction(m.id, c.user, c.reaction))
      .map((c) =>
        this.reactionEvent(
          channel,
          m.id,
          c,
          c.added ? madeAt.get(`${c.user}|${c.reaction}`)! : modified,
        ),
      );
  }

  /** Keyed as the live activity would be for an add; by the message's change for a removal. */
  private reactionEvent(
    channel: string,
    messageId: string,
    c: ReactionChange,
    at: number,
  ): RemoteEvent {
    return {
      workspace: this.d.workspace,
      channel,
      messageId,
      kind: c.added ? 'reaction' : 'reaction_remove',
      eventKey: `${c.added ? 'react' : 'unreact'}:${messageId}:${c.user}:${c.reaction}:${at}`,
      ts: at,
      sender: { userId: c.user },
      key: teamsReactionToKey(c.reaction),
    };
  }
}
