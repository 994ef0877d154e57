import { AppError, invalidParam, invalidUrlParam, notFound, permissionError } from '../errors.js';
import { channelEvent } from '../events.js';
import { isValidId } from '../ids.js';
import { canReadChannel, isChannelMemberOrAdmin } from '../permissions.js';
import { renderReaction } from '../render.js';
import { isObject, json, statusOk, type Ctx, type Reply, type Route } from '../context.js';
import type { StoredPost, StoredReaction } from '../state.js';

const EMOJI_RE = /^[a-zA-Z0-9\-+_]+$/;
const EMOJI_MAX = 64;
const UNIQUE_EMOJI_LIMIT = 50; // ServiceSettings.UniqueEmojiReactionLimitPerPost default

/** `SessionHasPermissionToChannelByPost`: unknown posts fail the permission check (403). */
function postForPermission(ctx: Ctx, postId: string, write: boolean): StoredPost {
  const post = ctx.state.posts.get(postId);
  const channel = post && ctx.state.channels.get(post.channel_id);
  if (!post || !channel) throw permissionError();
  const ok = write
    ? isChannelMemberOrAdmin(ctx.state, ctx.user, channel.id)
    : canReadChannel(ctx.state, ctx.user, channel);
  if (!ok) throw permissionError();
  return post;
}

function publish(ctx: Ctx, event: string, r: StoredReaction): void {
  ctx.sim.hub.publish(
    channelEvent(event, r.channel_id, { reaction: JSON.stringify(renderReaction(r)) }),
  );
}

/** `POST /reactions`: the server answers 200 (the API reference says 201). */
async function saveReaction(ctx: Ctx): Promise<Reply> {
  const body = await ctx.readJson('reaction');
  if (!isObject(body)) throw invalidParam('reaction');
  const { user_id: userId, post_id: postId, emoji_name: emoji } = body;
  if (
    typeof userId !== 'string' ||
    typeof postId !== 'string' ||
    typeof emoji !== 'string' ||
    !isValidId(userId) ||
    !isValidId(postId) ||
    emoji === '' ||
    emoji.length > EMOJI_MAX
  ) {
    throw new AppError(
      400,
      'api.reaction.save_reaction.invalid.app_error',
      'Reaction is not valid: user_id, post_id and emoji_name are required.',
    );
  }
  if (userId !== ctx.user.profile.id) {
    throw new AppError(
      403,
      'api.reaction.save_reaction.user_id.app_error',
      'You cannot save reaction for the other user.',
    );
  }
  const post = postForPermission(ctx, postId, true);
  if (post.delete_at !== 0) throw notFound.post();
  if (!EMOJI_RE.test(emoji)) {
    throw new AppError(400, 'model.reaction.is_valid.emoji_name.app_error', 'Invalid emoji name.');
  }
  const { state } = ctx;
  let list = state.reactions.get(postId);
  if (!list) state.reactions.set(postId, (list = []));
  const now = state.clock.now();
  let reaction = list.find((r) => r.user_id === userId && r.emoji_name === emoji);
  if (reaction) {
    reaction.update_at = now;
  } else {
    if (
      !list.some((r) => r.emoji_name === emoji) &&
      new Set(list.map((r) => r.emoji_name)).size >= UNIQUE_EMOJI_LIMIT
    ) {
      throw new AppError(
        400,
        'app.reaction.save.save.too_many_reactions',
        'Reaction limit has been reached for this post.',
      );
    }
    reaction = {
      user_id: userId,
      post_id: postId,
      emoji_name: emoji,
      create_at: now,
      update_at: now,
      delete_at: 0,
      remote_id: '',
      channel_id: post.channel_id,
    };
    list.push(reaction);
  }
  post.has_reactions = true;
  post.update_at = now;
  publish(ctx, 'reaction_added', reaction);
  return json(renderReaction(reaction));
}

function deleteReaction(ctx: Ctx): Reply {
  const userId = ctx.param('user_id');
  const emoji = ctx.param('emoji_name');
  if (!EMOJI_RE.test(emoji) || emoji.length > EMOJI_MAX) throw invalidUrlParam('emoji_name');
  const post = postForPermission(ctx, ctx.param('post_id'), true);
  if (userId !== ctx.user.profile.id && !ctx.user.isAdmin) throw permissionError();
  if (post.delete_at !== 0) throw notFound.post();
  const { state } = ctx;
  const list = state.reactions.get(post.id) ?? [];
  const i = list.findIndex((r) => r.user_id === userId && r.emoji_name === emoji);
  if (i >= 0) {
    const [removed] = list.splice(i, 1) as [StoredReaction];
    const now = state.clock.now();
    removed.update_at = now;
    removed.delete_at = now;
    post.has_reactions = list.length > 0;
    post.update_at = now;
    publish(ctx, 'reaction_removed', removed);
  }
  return statusOk();
}

function getReactions(ctx: Ctx): Reply {
  const post = postForPermission(ctx, ctx.param('post_id'), false);
  return json(ctx.state.liveReactions(post.id).map(renderReaction));
}

export const reactionRoutes: Route[] = [
  { method: 'POST', path: '/reactions', handler: saveReaction },
  {
    method: 'DELETE',
    path: '/users/{user_id}/posts/{post_id}/reactions/{emoji_name}',
    handler: deleteReaction,
  },
  { method: 'GET', path: '/posts/{post_id}/reactions', handler: getReactions },
];
