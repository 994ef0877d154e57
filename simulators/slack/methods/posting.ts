import type { Json, Sim } from '../context.js';
import { messageJson } from '../render.js';
import type { ChannelRecord, MessageRecord } from '../state.js';

export interface Author {
  /** A human, or the bot user of an app. */
  user?: string;
  /** Set for posts made with a bot token (or by an integration). */
  botId?: string;
}

export interface NewMessage {
  channel: ChannelRecord;
  author: Author;
  text: string;
  blocks?: unknown[];
  threadTs?: string;
  broadcast?: boolean;
  username?: string;
  iconUrl?: string;
  metadata?: MessageRecord['metadata'];
  files?: string[];
  subtype?: string;
}

function channelType(c: ChannelRecord): string {
  return c.isPrivate ? 'group' : 'channel';
}

/** Stores a new message and sends its `message` event. */
export function postMessage(sim: Sim, n: NewMessage): MessageRecord {
  const { state } = sim;
  const bot = n.author.botId ? state.bots.get(n.author.botId) : undefined;
  let subtype = n.subtype;
  if (!subtype && n.threadTs && n.broadcast) subtype = 'thread_broadcast';
  if (!subtype && bot && n.username) subtype = 'bot_message';
  const m: MessageRecord = {
    ts: state.clock.next(),
    channel: n.channel.id,
    teamId: n.channel.teamId,
    user: n.author.user,
    botId: n.author.botId,
    appId: bot?.appId,
    username: n.username,
    iconUrl: n.iconUrl,
    text: n.text,
    blocks: n.blocks,
    subtype,
    threadTs: n.threadTs,
    files: n.files ?? [],
    reactions: new Map(),
    metadata: n.metadata,
    upload: n.files && n.files.length > 0 ? true : undefined,
    deleted: false,
  };
  state.insertMessage(m);
  if (n.threadTs) {
    const root = state.findMessage(n.channel.id, n.threadTs);
    if (root) root.threadTs ??= root.ts;
  }
  sim.events.channelEvent(n.channel.id, {
    ...messageJson(state, m, { channel: true }),
    channel_type: channelType(n.channel),
  });
  return m;
}

/** Replaces a message's text (and blocks) and sends `message_changed`. */
export function editMessage(
  sim: Sim,
  m: MessageRecord,
  editor: string,
  text: string,
  blocks: unknown[] | undefined,
): void {
  const { state } = sim;
  const previous = messageJson(state, m);
  const ts = state.clock.next();
  m.text = text;
  m.blocks = blocks;
  m.edited = { user: editor, ts };
  const channel = state.channels.get(m.channel)!;
  sim.events.channelEvent(m.channel, {
    type: 'message',
    subtype: 'message_changed',
    hidden: true,
    channel: m.channel,
    ts,
    event_ts: ts,
    channel_type: channelType(channel),
    message: messageJson(state, m),
    previous_message: previous,
  });
}

/**
 * Deletes a message and sends `message_deleted`. A thread root with replies stays behind as
 * a tombstone ("This message was deleted."), announced with `message_changed`, as on Slack.
 */
export function deleteMessage(sim: Sim, m: MessageRecord): void {
  const { state } = sim;
  const previous = messageJson(state, m);
  const ts = state.clock.next();
  const channel = state.channels.get(m.channel)!;
  if (m.threadTs === m.ts && state.replies(m.channel, m.ts).length > 0) {
    m.subtype = 'tombstone';
    m.text = 'This message was deleted.';
    m.blocks = undefined;
    m.files = [];
    m.reactions.clear();
    m.user = 'USLACKBOT';
    m.botId = undefined;
    m.username = undefined;
    sim.events.channelEvent(m.channel, {
      type: 'message',
      subtype: 'message_changed',
      hidden: true,
      channel: m.channel,
      ts,
      event_ts: ts,
      channel_type: channelType(channel),
      message: { ...messageJson(state, m), hidden: true },
      previous_message: previous,
    });
    return;
  }
  m.deleted = true;
  sim.events.channelEvent(m.channel, {
    type: 'message',
    subtype: 'message_deleted',
    hidden: true,
    channel: m.channel,
    ts,
    event_ts: ts,
    deleted_ts: m.ts,
    channel_type: channelType(channel),
    previous_message: previous,
  });
}

export function reactionEvent(
  sim: Sim,
  m: MessageRecord,
  user: string,
  name: string,
  added: boolean,
): void {
  const event: Json = {
    type: added ? 'reaction_added' : 'reaction_removed',
    user,
    reaction: name,
    item: { type: 'message', channel: m.channel, ts: m.ts },
    event_ts: sim.state.clock.next(),
  };
  if (m.user) event.item_user = m.user;
  sim.events.channelEvent(m.channel, event, 'reactions');
}

/** Adds a member; over the API this also posts a `channel_join` message. */
export function joinChannel(sim: Sim, c: ChannelRecord, userId: string): void {
  c.members.add(userId);
  postMessage(sim, {
    channel: c,
    author: { user: userId },
    text: `<@${userId}> has joined the channel`,
    subtype: 'channel_join',
  });
  sim.events.channelEvent(
    c.id,
    {
      type: 'member_joined_channel',
      user: userId,
      channel: c.id,
      channel_type: c.isPrivate ? 'G' : 'C',
      team: c.teamId,
      event_ts: sim.state.clock.next(),
    },
    'read',
  );
}
