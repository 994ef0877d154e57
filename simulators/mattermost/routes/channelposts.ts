import { invalidParam } from '../errors.js';
import { isValidId } from '../ids.js';
import { requireRead } from '../permissions.js';
import { postsPage, postsSince, renderList } from '../postlist.js';
import { json, type Ctx, type Reply, type Route } from '../context.js';
import { channelOr404, pageParams } from './channels.js';

/**
 * `GET /channels/{id}/posts`: `since` (all changes after a time, deleted posts included) wins over
 * `after`, then `before`, then plain pages; newest first, `per_page` at most 200.
 */
function getChannelPosts(ctx: Ctx): Reply {
  const channel = channelOr404(ctx, ctx.param('channel_id'));
  requireRead(ctx.state, ctx.user, channel);
  const q = ctx.query;
  const sinceRaw = q.get('since');
  let since = 0;
  if (sinceRaw !== null && sinceRaw !== '') {
    if (!/^-?\d+$/.test(sinceRaw)) throw invalidParam('since');
    since = Number(sinceRaw);
  }
  if (since > 0) return json(renderList(ctx.state, postsSince(ctx.state, channel.id, since)));
  const after = q.get('after') ?? '';
  const before = q.get('before') ?? '';
  if (after && !isValidId(after)) throw invalidParam('after');
  if (before && !isValidId(before)) throw invalidParam('before');
  const { page, perPage } = pageParams(ctx);
  const result = postsPage(ctx.state, channel.id, {
    page,
    perPage,
    ...(after ? { after } : before ? { before } : {}),
  });
  return json(renderList(ctx.state, result));
}

export const channelPostRoutes: Route[] = [
  { method: 'GET', path: '/channels/{channel_id}/posts', handler: getChannelPosts },
];
