import type { Post } from '@mattermost/types/posts';
import {
  type ChannelRef,
  isOwnMention,
  type OutboundMessage,
  ownMentionNames,
  splitText,
  withEmoteActor,
} from '../../src/connector/index.js';
import { renderMattermostMarkdown } from './format/index.js';
import type { MattermostApi } from './api.js';
import { CONNECTOR_ID } from './inbound.js';

export const MAX_POST_LENGTH = 16383;
const MAX_FILES_PER_POST = 5;

export interface OutboundOptions {
  workspace: string;
  /** true: name and avatar through override props; false: name written in the message. */
  useOverrides: boolean;
  usernameOf(userId: string): Promise<string | undefined>;
}

/** Mattermost text for a message: Markdown, native @mentions for users of this server. */
export async function renderText(message: OutboundMessage, opts: OutboundOptions): Promise<string> {
  const own = isOwnMention(CONNECTOR_ID, opts.workspace);
  const usernameFor = await ownMentionNames(message.content.text, own, opts.usernameOf);
  const body = message.content.emote
    ? withEmoteActor(message.content.text, message.sender.displayName)
    : message.content.text;
  let text = renderMattermostMarkdown(body, { usernameFor });
  if (message.content.emote) return text;
  if (!opts.useOverrides && text !== '')
    text = `**${escapeName(message.sender.displayName)}**: ${text}`;
  else if (!opts.useOverrides) text = `**${escapeName(message.sender.displayName)}**:`;
  return text;
}

function escapeName(name: string): string {
  return name.replace(/([*_~`[\]\\@])/g, '\\$1');
}

export function identityProps(
  message: OutboundMessage,
  useOverrides: boolean,
): Record<string, unknown> {
  const props: Record<string, unknown> = { matrix_sender: message.sender.userId };
  if (useOverrides) {
    props.from_webhook = 'true';
    props.override_username = message.sender.displayName;
    if (message.sender.avatarUrl) props.override_icon_url = message.sender.avatarUrl;
  }
  return props;
}

/** The id to use as root_id: Mattermost threads are one level deep. */
export async function threadRootFor(message: OutboundMessage, api: MattermostApi): Promise<string> {
  const target = message.threadRoot ?? message.replyTo;
  if (!target) return '';
  const post = await api.getPost(target).catch(() => undefined);
  return post?.root_id || target;
}

/** Uploads files and creates the post(s) for a message; returns their ids in order. */
export async function createPosts(
  api: MattermostApi,
  ref: ChannelRef,
  message: OutboundMessage,
  opts: OutboundOptions,
): Promise<string[]> {
  const text = await renderText(message, opts);
  const chunks = text === '' ? [] : splitText(text, MAX_POST_LENGTH);
  const fileIds: string[] = [];
  for (const att of message.content.attachments) {
    const form = new FormData();
    form.append('channel_id', ref.channel);
    form.append(
      'files',
      new Blob([new Uint8Array(att.data)], { type: att.mimetype ?? 'application/octet-stream' }),
      att.name,
    );
    const res = await api.uploadFile(form);
    for (const info of res.file_infos) fileIds.push(info.id);
  }
  const fileGroups: string[][] = [];
  for (let i = 0; i < fileIds.length; i += MAX_FILES_PER_POST)
    fileGroups.push(fileIds.slice(i, i + MAX_FILES_PER_POST));
  const posts: Array<{ message: string; file_ids: string[] }> = chunks.map((c) => ({
    message: c,
    file_ids: [],
  }));
  // Files ride on the last text post, extra groups get posts of their own.
  for (const [i, group] of fileGroups.entries()) {
    const post = i === 0 ? posts[posts.length - 1] : undefined;
    if (post) post.file_ids = group;
    else
      posts.push({
        message: opts.useOverrides ? '' : `**${escapeName(message.sender.displayName)}**:`,
        file_ids: group,
      });
  }
  const rootId = await threadRootFor(message, api);
  const ids: string[] = [];
  for (const [i, p] of posts.entries()) {
    const created = await api.createPost({
      channel_id: ref.channel,
      message: p.message,
      file_ids: p.file_ids,
      root_id: rootId,
      props: identityProps(message, opts.useOverrides),
      pending_post_id: `${message.idempotencyKey}:${i}`,
    } as unknown as Post);
    ids.push(created.id);
  }
  return ids;
}
