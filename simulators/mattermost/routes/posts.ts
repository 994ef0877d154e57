import type { PostType } from '@mattermost/types/posts';
import { AppError, invalidParam, notFound, permissionError } from '../errors.js';
import { isValidId } from '../ids.js';
import {
  canReadChannel,
  isChannelMemberOrAdmin,
  requirePostOwnerOrAdmin,
  requireRead,
} from '../permissions.js';
import {
  attachFiles,
  insertPost,
  parseHashtags,
  publishDeleted,
  publishEdited,
} from '../posting.js';
import { renderList, threadOf } from '../postlist.js';
import { renderPost } from '../render.js';
import { isObject, json, statusOk, type Ctx, type Reply, type Route } from '../context.js';
import type { StoredPost } from '../state.js';

export const MAX_POST_SIZE = 16383;
const MAX_FILE_IDS_RUNES = 300;
const PENDING_POST_IDS_MAX = 25_000; // PendingPostIDsCacheSize
const MAX_PROPS_RUNES = 800_000;

function runes(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

export function checkMessage(message: unknown): string {
  if (typeof message !== 'string') throw invalidParam('message');
  const length = runes(message);
  if (length > MAX_POST_SIZE) {
    throw new AppError(
      400,
      'model.post.is_valid.message_length.app_error',
      `Message property length ${length} exceeds the maximum limit of ${MAX_POST_SIZE} characters.`,
    );
  }
  return message;
}

function checkFileIds(v: unknown): string[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw invalidParam('file_ids');
  if (runes(JSON.stringify(v)) > MAX_FILE_IDS_RUNES) {
    throw new AppError(
      400,
      'model.post.is_valid.file_ids.app_error',
      'Invalid file ids. file_ids is too long.',
    );
  }
  return v as string[];
}

function checkProps(v: unknown): Record<string, unknown> {
  if (!isObject(v)) throw invalidParam('props');
  if (runes(JSON.stringify(v)) > MAX_PROPS_RUNES) {
    throw new AppError(
      400,
      'model.post.is_valid.props.app_error',
      'Invalid props. props is too long.',
    );
  }
  return v;
}

export function livePostOr404(ctx: Ctx, postId: string): StoredPost {
  const post = ctx.state.posts.get(postId);
  if (!post || post.delete_at !== 0) throw notFound.post();
  return post;
}

function rootError(): AppError {
  return new AppError(400, 'api.post.create_post.root_id.app_error', 'Invalid RootId parameter.');
}

async function createPost(ctx: Ctx): Promise<Reply> {
  const body = await ctx.readJson('post');
  if (!isObject(body)) throw invalidParam('post');
  const { state } = ctx;
  const user = ctx.user;
  const channelId = typeof body.channel_id === 'string' ? body.channel_id : '';
  // The server checks create_post before anything else: an unknown channel is a 403 too.
  if (!state.channels.has(channelId) || !isChannelMemberOrAdmin(state, user, channelId)) {
    throw permissionError();
  }
  const message = checkMessage(body.message ?? '');
  const rootId = body.root_id ?? '';
  if (typeof rootId !== 'string' || (rootId !== '' && !isValidId(rootId)))
    throw invalidParam('root_id');
  const fileIds = checkFileIds(body.file_ids ?? []);
  const props = checkProps(body.props ?? {});
  const type = body.type ?? '';
  if (typeof type !== 'string' || (type !== '' && !type.startsWith('custom_'))) {
    throw new AppError(400, 'model.post.is_valid.type.app_error', 'Invalid type.');
  }
  const pending = typeof body.pending_post_id === 'string' ? body.pending_post_id : '';
  const now = Date.now();
  if (pending) {
    const seen = state.pendingPostIds.get(pending);
    if (seen && seen.expires > now) {
      if (seen.postId === '') {
        throw new AppError(
          500,
          'api.post.deduplicate_create_post.pending',
          'Post rejected as a duplicate: the first copy is still being created.',
        );
      }
      const earlier = state.posts.get(seen.postId);
      const channel = earlier && state.channels.get(earlier.channel_id);
      if (earlier && earlier.delete_at === 0 && channel && canReadChannel(state, user, channel)) {
        return json(renderPost(state, earlier), 201);
      }
    }
  }
  if (rootId) {
    const root = state.posts.get(rootId);
    if (!root || root.delete_at !== 0 || root.root_id !== '') throw rootError();
    if (root.channel_id !== channelId) {
      throw new AppError(
        500,
        'api.post.create_post.channel_root_id.app_error',
        'Invalid ChannelId for RootId parameter.',
      );
    }
  }
  const setOnline = ctx.query.get('set_online') !== 'false';
  const post = insertPost(
    ctx.sim,
    {
      channelId,
      userId: user.profile.id,
      message,
      rootId,
      fileIds,
      props,
      type: type as PostType,
      pendingPostId: pending,
    },
    setOnline,
  );
  if (pending)
    if (state.pendingPostIds.size >= PENDING_POST_IDS_MAX) {
      for (const [k, v] of state.pendingPostIds)
        if (v.expires <= now) state.pendingPostIds.delete(k);
    }
  state.pendingPostIds.set(pending, {
    postId: post.id,
    expires: now + ctx.sim.config.pendingPostIdTtlMs,
  });
  return json(renderPost(state, post), 201);
}

function getPost(ctx: Ctx): Reply {
  const post = livePostOr404(ctx, ctx.param('post_id'));
  const channel = ctx.state.channels.get(post.channel_id);
  if (!channel) throw notFound.post();
  requireRead(ctx.state, ctx.user, channel);
  return json(renderPost(ctx.state, post));
}

async function patchPost(ctx: Ctx): Promise<Reply> {
  const post = livePostOr404(ctx, ctx.param('post_id'));
  const body = await ctx.readJson('post');
  if (!isObject(body)) throw invalidParam('post');
  requirePostOwnerOrAdmin(ctx.state, ctx.user, post);
  if (post.type.startsWith('system_')) {
    throw new AppError(
      400,
      'api.post.update_post.system_message.app_error',
      'Unable to update system message.',
    );
  }
  const message = body.message === undefined ? undefined : checkMessage(body.message);
  const props = body.props === undefined ? undefined : checkProps(body.props);
  const fileIds = body.file_ids === undefined ? undefined : checkFileIds(body.file_ids);
  if (body.is_pinned !== undefined && typeof body.is_pinned !== 'boolean')
    throw invalidParam('is_pinned');
  const now = ctx.state.clock.now();
  if (message !== undefined && message !== post.message) {
    post.message = message;
    post.hashtags = parseHashtags(message);
    post.edit_at = now;
  }
  if (props !== undefined) post.props = { ...props };
  if (fileIds !== undefined) post.file_ids = attachFiles(ctx.sim, post, fileIds);
  if (typeof body.is_pinned === 'boolean') post.is_pinned = body.is_pinned;
  post.update_at = now;
  publishEdited(ctx.sim, post);
  return json(renderPost(ctx.state, post));
}

function deletePost(ctx: Ctx): Reply {
  const post = livePostOr404(ctx, ctx.param('post_id'));
  const { state } = ctx;
  requirePostOwnerOrAdmin(state, ctx.user, post);
  const now = state.clock.now();
  // Like the store's `WHERE Id = ? OR RootId = ?`: a root takes its replies with it.
  const doomed = [post, ...(post.root_id ? [] : state.liveReplies(post.id))];
  for (const p of doomed) {
    p.delete_at = now;
    p.update_at = now;
    p.props = { ...p.props, deleteBy: ctx.user.profile.id };
    for (const fileId of p.file_ids) {
      const f = state.files.get(fileId);
      if (f) f.info.delete_at = now;
    }
  }
  publishDeleted(ctx.sim, post);
  return statusOk();
}

function getThread(ctx: Ctx): Reply {
  const post = livePostOr404(ctx, ctx.param('post_id'));
  const root = post.root_id ? livePostOr404(ctx, post.root_id) : post;
  const channel = ctx.state.channels.get(root.channel_id);
  if (!channel) throw notFound.post();
  requireRead(ctx.state, ctx.user, channel);
  const q = ctx.query;
  let fromCreateAt = Number.parseInt(q.get('fromCreateAt') ?? '0', 10) || 0;
  const fromPost = q.get('fromPost');
  if (!fromCreateAt && fromPost) fromCreateAt = ctx.state.posts.get(fromPost)?.create_at ?? 0;
  const perPage =
    q.get('fetchAll') === 'true' ? 0 : Number.parseInt(q.get('perPage') ?? '0', 10) || 0;
  const direction = q.get('direction') === 'up' ? 'up' : 'down';
  return json(
    renderList(ctx.state, threadOf(ctx.state, root, { perPage, fromCreateAt, direction })),
  );
}

export const postRoutes: Route[] = [
  { method: 'POST', path: '/posts', handler: createPost },
  { method: 'GET', path: '/posts/{post_id}', handler: getPost },
  { method: 'PUT', path: '/posts/{post_id}/patch', handler: patchPost },
  { method: 'DELETE', path: '/posts/{post_id}', handler: deletePost },
  { method: 'GET', path: '/posts/{post_id}/thread', handler: getThread },
];
