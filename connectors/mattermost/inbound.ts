import type { Post } from '@mattermost/types/posts';
import type { FileInfo } from '@mattermost/types/files';
import type { UserProfile } from '@mattermost/types/users';
import {
  attachmentKindOf,
  type DeleteEvent,
  type EditEvent,
  type InboundContent,
  type MessageEvent,
  type RemoteAttachment,
  usernameMentions,
} from '../../src/connector/index.js';
import { extractMentionCandidates, parseMattermostMarkdown } from './format/index.js';
import type { MattermostApi } from './api.js';
import { refusalOf } from './files.js';

export const CONNECTOR_ID = 'mattermost';

export function displayNameOf(u: UserProfile): string {
  const full = [u.first_name, u.last_name].filter(Boolean).join(' ').trim();
  return u.nickname?.trim() || full || u.username;
}

function toAttachment(post: Post, f: FileInfo): RemoteAttachment {
  const refused = refusalOf(post, f);
  return {
    fileId: refused ? '' : f.id,
    ...(refused && { refused }),
    kind: attachmentKindOf(f.mime_type),
    name: f.name,
    mimetype: f.mime_type || undefined,
    size: f.size,
    width: f.width || undefined,
    height: f.height || undefined,
  };
}

/** Turns a post's Markdown, mentions and files into the common model. */
export async function postContent(
  post: Post,
  workspace: string,
  api: MattermostApi,
): Promise<InboundContent> {
  const candidates = extractMentionCandidates(post.message ?? '');
  const users = new Map<string, UserProfile>();
  if (candidates.length > 0) {
    const found = await api.getProfilesByUsernames(candidates).catch(() => [] as UserProfile[]);
    for (const u of found) users.set(u.username.toLowerCase(), u);
  }
  const text = parseMattermostMarkdown(
    post.message ?? '',
    usernameMentions(CONNECTOR_ID, workspace, users, displayNameOf),
  );
  let files = post.metadata?.files ?? [];
  if (files.length === 0 && (post.file_ids?.length ?? 0) > 0) {
    files = await api.getFileInfosForPost(post.id);
  }
  return {
    text,
    attachments: files.map((f) => toAttachment(post, f)),
    emote: post.type === ('me' as Post['type']),
  };
}

function senderOf(post: Post): { userId: string; displayName?: string } {
  const override = post.props?.override_username;
  return { userId: post.user_id, displayName: typeof override === 'string' ? override : undefined };
}

export async function messageEvent(
  post: Post,
  workspace: string,
  api: MattermostApi,
): Promise<MessageEvent> {
  return {
    kind: 'message',
    workspace,
    channel: post.channel_id,
    eventKey: `post:${post.id}`,
    ts: post.create_at,
    messageId: post.id,
    sender: senderOf(post),
    content: await postContent(post, workspace, api),
    threadRoot: post.root_id || undefined,
  };
}

export async function editEvent(
  post: Post,
  workspace: string,
  api: MattermostApi,
): Promise<EditEvent> {
  return {
    kind: 'edit',
    workspace,
    channel: post.channel_id,
    eventKey: `edit:${post.id}:${post.edit_at || post.update_at}`,
    ts: post.edit_at || post.update_at,
    messageId: post.id,
    sender: senderOf(post),
    content: await postContent(post, workspace, api),
  };
}

export function deleteEvent(post: Post, workspace: string): DeleteEvent {
  return {
    kind: 'delete',
    workspace,
    channel: post.channel_id,
    eventKey: `delete:${post.id}`,
    ts: post.delete_at || Date.now(),
    messageId: post.id,
  };
}

/** System posts (joins, header changes…) are not conversation. */
export function isSystemPost(post: Post): boolean {
  return typeof post.type === 'string' && post.type.startsWith('system_');
}
