import {
  attachmentKindOf,
  type Block,
  type DeleteEvent,
  type EditEvent,
  type InboundContent,
  type MessageEvent,
  type ReactionEvent,
  type RemoteAttachment,
  type RemoteSender,
} from '../../src/connector/index.js';
import type { Directory } from './directory.js';
import {
  idsInMrkdwn,
  parseMrkdwn,
  parseRichText,
  richTextBlocks,
  slackReactions,
} from './format/index.js';
import { eventKeys, isTs, toRemoteUser, tsToMs } from './ids.js';
import { isSlackFileId } from './files.js';
import { isObject, type SlackEvent, type SlackFile, type SlackMessage } from './types.js';

/** Message subtypes that are conversation (everything else is channel housekeeping). */
export const CONTENT_SUBTYPES = new Set([
  undefined,
  'bot_message',
  'thread_broadcast',
  'file_share',
  'me_message',
]);

function toAttachment(f: SlackFile): RemoteAttachment | undefined {
  // Tombstones (deleted files) and external files have no bytes to fetch.
  if (!f.id || f.mode === 'tombstone' || f.mode === 'hidden_by_limit' || f.mode === 'external') {
    return undefined;
  }
  // The id is all the connector keeps: the event's url_private fields are never fetched.
  const refused = isSlackFileId(f.id) ? undefined : 'the file id is not a Slack file id';
  return {
    fileId: refused ? '' : f.id,
    ...(refused && { refused }),
    kind: attachmentKindOf(f.mimetype),
    name: (f.name || f.title || 'file').slice(0, 255),
    mimetype: f.mimetype || undefined,
    size: typeof f.size === 'number' ? f.size : undefined,
    width: f.original_w || undefined,
    height: f.original_h || undefined,
  };
}

/** User and channel ids inside rich_text elements. */
function idsInBlocks(
  blocks: unknown,
  ids: { users: Set<string>; channels: Set<string> },
  depth = 0,
) {
  if (depth > 6 || !Array.isArray(blocks)) return;
  for (const el of blocks) {
    if (!isObject(el)) continue;
    if (el.type === 'user' && typeof el.user_id === 'string') ids.users.add(el.user_id);
    if (el.type === 'channel' && typeof el.channel_id === 'string') ids.channels.add(el.channel_id);
    idsInBlocks(el.elements, ids, depth + 1);
  }
}

/** A message's text (rich_text blocks when present, else mrkdwn), files and kind. */
export async function messageContent(
  msg: SlackMessage,
  directory: Directory,
): Promise<InboundContent> {
  const rich = richTextBlocks(msg.blocks);
  const text = typeof msg.text === 'string' ? msg.text : '';
  const legacy = (msg.attachments ?? []).filter(isObject);
  const found = { users: new Set<string>(), channels: new Set<string>() };
  idsInBlocks(rich, found);
  const fromText = idsInMrkdwn(
    [text, ...legacy.map((a) => `${a.pretext ?? ''} ${a.text ?? ''}`)].join('\n'),
  );
  fromText.users.forEach((u) => found.users.add(u));
  fromText.channels.forEach((c) => found.channels.add(c));
  const resolver = await directory.resolver({
    users: [...found.users],
    channels: [...found.channels],
  });

  const blocks: Block[] =
    rich.length > 0 ? parseRichText(rich, resolver).blocks : parseMrkdwn(text, resolver).blocks;
  // Legacy attachments (integrations) carry their content outside `text`.
  for (const a of legacy) {
    const body = [a.pretext, a.title, a.text ?? (a.pretext || a.title ? undefined : a.fallback)]
      .filter((s): s is string => typeof s === 'string' && s !== '')
      .join('\n');
    const parsed = parseMrkdwn(body, resolver).blocks;
    if (parsed.length > 0) blocks.push({ type: 'quote', children: parsed });
  }
  return {
    text: { blocks },
    attachments: (msg.files ?? []).flatMap((f) => (isObject(f) ? (toAttachment(f) ?? []) : [])),
    emote: msg.subtype === 'me_message' || undefined,
    notice: msg.bot_id !== undefined || msg.subtype === 'bot_message' || undefined,
  };
}

/** Who wrote a message: a person, the bot user of an app, or an integration's bot. */
export function senderOf(msg: SlackMessage): RemoteSender | undefined {
  const displayName =
    typeof msg.username === 'string' && msg.username !== '' ? msg.username : undefined;
  if (typeof msg.user === 'string' && msg.user !== '')
    return { userId: toRemoteUser(msg.user), displayName };
  if (typeof msg.bot_id === 'string' && msg.bot_id !== '') {
    return { userId: toRemoteUser(msg.bot_id), displayName: displayName ?? msg.bot_profile?.name };
  }
  return undefined;
}

export function threadRootOf(msg: SlackMessage): string | undefined {
  return isTs(msg.thread_ts) && msg.thread_ts !== msg.ts ? msg.thread_ts : undefined;
}

export async function toMessageEvent(
  msg: SlackMessage,
  channel: string,
  workspace: string,
  directory: Directory,
): Promise<MessageEvent | undefined> {
  const sender = senderOf(msg);
  if (!sender) return undefined;
  return {
    kind: 'message',
    workspace,
    channel,
    eventKey: eventKeys.message(channel, msg.ts),
    ts: tsToMs(msg.ts),
    messageId: msg.ts,
    sender,
    content: await messageContent(msg, directory),
    threadRoot: threadRootOf(msg),
  };
}

export async function toEditEvent(
  msg: SlackMessage,
  channel: string,
  workspace: string,
  directory: Directory,
): Promise<EditEvent | undefined> {
  const sender = senderOf(msg);
  if (!sender || !msg.edited || !isTs(msg.edited.ts)) return undefined;
  return {
    kind: 'edit',
    workspace,
    channel,
    eventKey: eventKeys.edit(channel, msg.ts, msg.edited.ts),
    ts: tsToMs(msg.edited.ts),
    messageId: msg.ts,
    sender,
    content: await messageContent(msg, directory),
  };
}

export function toDeleteEvent(
  channel: string,
  deletedTs: string,
  eventTs: string,
  workspace: string,
): DeleteEvent {
  return {
    kind: 'delete',
    workspace,
    channel,
    eventKey: eventKeys.delete(channel, deletedTs),
    ts: tsToMs(eventTs),
    messageId: deletedTs,
  };
}

/** reaction_added / reaction_removed on a message; undefined for other items or bad shapes. */
export function toReactionEvent(event: SlackEvent, workspace: string): ReactionEvent | undefined {
  const item = event.item;
  if (!isObject(item) || item.type !== 'message') return undefined;
  const { channel, ts } = item;
  const user = event.user;
  const name = event.reaction;
  const eventTs = event.event_ts;
  if (
    typeof channel !== 'string' ||
    !isTs(ts) ||
    typeof user !== 'string' ||
    typeof name !== 'string'
  ) {
    return undefined;
  }
  if (name.length > 100 || !isTs(eventTs)) return undefined;
  const added = event.type === 'reaction_added';
  return {
    kind: added ? 'reaction' : 'reaction_remove',
    workspace,
    channel,
    eventKey: eventKeys.reaction(added, channel, ts, user, name, eventTs),
    ts: tsToMs(eventTs),
    messageId: ts,
    sender: { userId: toRemoteUser(user) },
    key: slackReactions.toKey(name),
  };
}
