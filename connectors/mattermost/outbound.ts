import type { Post } from '@mattermost/types/posts';
import {
  type ChannelRef,
  forEachInline,
  type FormattedText,
  type Inline,
  type MentionTarget,
  type OutboundMessage,
  splitText,
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
  const usernames = new Map<string, string>();
  const own = (t: MentionTarget): t is Extract<MentionTarget, { kind: 'remote' }> =>
    t.kind === 'remote' && t.connector === CONNECTOR_ID && t.workspace === opts.workspace;
  const wanted = new Set<string>();
  forEachInline(message.content.text.blocks, (n) => {
    if (n.type === 'mention' && own(n.target)) wanted.add(n.target.userId);
  });
  for (const id of wanted) {
    const name = await opts.usernameOf(id);
    if (name) usernames.set(id, name);
  }
  const body = message.content.emote
    ? withActor(message.content.text, message.sender.displayName)
    : message.content.text;
  let text = renderMattermostMarkdown(body, {
    usernameFor: (t) => (own(t) ? usernames.get(t.userId) : undefined),
  });
  if (message.content.emote) return text;
  if (!opts.useOverrides && text !== '')
    text = `**${escapeName(message.sender.displayName)}**: ${text}`;
  else if (!opts.useOverrides) text = `**${escapeName(message.sender.displayName)}**:`;
  return text;
}

/** An emote as Matrix clients show it: the actor's name in italics, then the action. */
function withActor(text: FormattedText, name: string): FormattedText {
  const actor: Inline = { type: 'italic', children: [{ type: 'text', text: name }] };
  const [first, ...rest] = text.blocks;
  if (first?.type === 'paragraph') {
    return {
      blocks: [
        { ...first, children: [actor, { type: 'text', text: ' ' }, ...first.children] },
        ...rest,
      ],
    };
  }
  return { blocks: [{ type: 'paragraph', children: [actor] }, ...text.blocks] };
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
