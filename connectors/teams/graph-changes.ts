/**
 * What Graph says changed in a conversation, for the catch-up: the messages (roots and
 * replies) changed after a time, and the events of one message inside a catch-up window
 * `(since, upper]`, keyed as live delivery keys them (events.ts).
 */
import type { RemoteEvent } from '../../src/connector/index.js';
import { graphContent } from './content.js';
import type { TeamsDeps } from './deps.js';
import { deleteEvent, editEvent, messageEvent, reactionEvent, type ChangeOf } from './events.js';
import type { GraphMessage } from './graph.js';
import { kindOf } from './ids.js';

/** Changes after `since` and at or before `upper` (ms) belong to a catch-up read. */
export interface Window {
  since: number;
  upper: number;
}

const ms = (iso: string | null | undefined): number | undefined => {
  const t = iso ? Date.parse(iso) : NaN;
  return Number.isNaN(t) ? undefined : t;
};

const inside = (w: Window, t: number | undefined): t is number =>
  t !== undefined && t > w.since && t <= w.upper;

/**
 * Messages (roots and replies) changed after `since`, or undefined when Graph cannot reach
 * the conversation (said in the log).
 */
export async function changedMessages(
  d: TeamsDeps,
  channel: string,
  since: number,
): Promise<GraphMessage[] | undefined> {
  const place = await d.directory.place(channel);
  if (!place) {
    if (kindOf(channel) === 'channel')
      d.log.warn({ channel }, 'catch-up skipped: the channel’s team is unknown to Graph');
    else d.log.debug({ channel }, 'catch-up skipped: no Graph id for this chat yet');
    return undefined;
  }
  const roots = await d.graph.changes(place, since);
  if ('chatId' in place) return roots;
  const out = [...roots];
  for (const root of roots) {
    const replies = await d.graph.replies(place.teamId, channel, root.id);
    out.push(
      ...replies
        .filter((r) => (ms(r.lastModifiedDateTime) ?? 0) > since)
        .map((r) => ({ ...r, replyToId: r.replyToId ?? root.id })),
    );
  }
  return out;
}

/** The creation, edit and deletion of a user's message that fall inside the window. */
export function messageChanges(
  d: TeamsDeps,
  channel: string,
  m: GraphMessage,
  w: Window,
): RemoteEvent[] {
  const userId = m.from?.user?.id;
  if (!userId || (m.messageType && m.messageType !== 'message')) return [];
  if (d.echoes.messages.has(m.id)) return [];
  const at = (ts: number): ChangeOf => ({ workspace: d.workspace, channel, messageId: m.id, ts });
  const [created, edited, deleted] = [m.createdDateTime, m.lastEditedDateTime, m.deletedDateTime];
  const out: RemoteEvent[] = [];
  if (deleted == null && inside(w, ms(created))) {
    const root = kindOf(channel) === 'channel' ? (m.replyToId ?? undefined) : undefined;
    out.push(messageEvent(at(ms(created)!), userId, graphContent(d, m), root));
  }
  // An edit or deletion in the window comes even when the message was created in it too: the
  // message may have crossed live before the bridge went down (its event is then a
  // duplicate), and only the edit or deletion still has to cross.
  const editedAt = ms(edited);
  if (deleted == null && inside(w, editedAt) && !d.echoes.isOwnEdit(m.id, editedAt))
    out.push(editEvent(at(editedAt), userId, graphContent(d, m)));
  const deletedAt = ms(deleted);
  if (inside(w, deletedAt) && !d.echoes.isOwnDelete(m.id)) out.push(deleteEvent(at(deletedAt)));
  return out;
}

/** A message's reaction events, and the snapshot to keep once they are recorded. */
export interface ReactionChanges {
  events: RemoteEvent[];
  commit?: () => Promise<void>;
}

/** When a message last changed (its reactions included), in ms. */
export const changedAt = (m: GraphMessage): number | undefined =>
  ms(m.lastModifiedDateTime) ?? ms(m.createdDateTime);

/**
 * Reactions added (made in the window) and removed (passed on before, gone now) on a user's
 * message last changed inside the window: a message changed later waits for a later read, as
 * its live activities may still be on their way. `commit` records them once recorded.
 */
export async function reactionChanges(
  d: TeamsDeps,
  channel: string,
  m: GraphMessage,
  w: Window,
): Promise<ReactionChanges> {
  const modified = changedAt(m);
  if (!inside(w, modified) || !m.from?.user?.id || m.deletedDateTime != null) return { events: [] };
  const madeAt = new Map<string, number | undefined>();
  const current = (m.reactions ?? []).flatMap((r) => {
    const user = r.user?.user?.id;
    if (!user) return [];
    madeAt.set(`${user}|${r.reactionType}`, ms(r.createdDateTime));
    return [{ user, reaction: r.reactionType }];
  });
  const made = (user: string, type: string) => madeAt.get(`${user}|${type}`);
  const { changes, commit } = await d.reactions.compare(
    { workspace: d.workspace, channel },
    m.id,
    current,
    { isNew: (e) => (made(e.user, e.reaction) ?? 0) > w.since },
  );
  const events = changes
    .filter((c) => !d.echoes.isOwnReaction(m.id, c.user, c.reaction))
    .map((c) => {
      // An add is keyed as its live activity is; a removal by the message's change.
      const ts = c.added ? made(c.user, c.reaction)! : modified;
      const at = { workspace: d.workspace, channel, messageId: m.id, ts };
      return reactionEvent(at, c.user, c.reaction, c.added);
    });
  return { events, commit };
}
