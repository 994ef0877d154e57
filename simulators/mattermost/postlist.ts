import type { PostList } from '@mattermost/types/posts';
import { renderPost } from './render.js';
import type { SimState, StoredPost } from './state.js';

export interface ListResult {
  /** The page, in the answer's order (newest first). */
  order: StoredPost[];
  /** Posts sent along without being in `order` (the roots of replies on the page). */
  extra: StoredPost[];
  next: string;
  prev: string;
  hasNext?: boolean;
}

const SINCE_LIMIT = 1000;

export function renderList(state: SimState, r: ListResult): PostList {
  const posts: PostList['posts'] = {};
  for (const p of [...r.order, ...r.extra]) posts[p.id] = renderPost(state, p);
  const out: Record<string, unknown> = {
    order: r.order.map((p) => p.id),
    posts,
    next_post_id: r.next,
    prev_post_id: r.prev,
  };
  if (r.hasNext !== undefined) out.has_next = r.hasNext;
  out.first_inaccessible_post_time = 0;
  return out as unknown as PostList;
}

function newestFirst(a: StoredPost, b: StoredPost): number {
  return b.create_at - a.create_at;
}

/** Roots of the replies in `page` that are not on the page themselves. */
function parentsOf(state: SimState, page: StoredPost[], includeDeleted: boolean): StoredPost[] {
  const onPage = new Set(page.map((p) => p.id));
  const out = new Map<string, StoredPost>();
  for (const p of page) {
    if (!p.root_id || onPage.has(p.root_id)) continue;
    const root = state.posts.get(p.root_id);
    if (root && (includeDeleted || root.delete_at === 0)) out.set(root.id, root);
  }
  return [...out.values()];
}

/** `?since=`: every post changed after `since` (deleted ones included), up to 1000, no cursors. */
export function postsSince(state: SimState, channelId: string, since: number): ListResult {
  const changed = state
    .allPosts(channelId)
    .filter((p) => p.update_at > since)
    .slice(0, SINCE_LIMIT);
  const extra = parentsOf(state, changed, true);
  return { order: [...changed, ...extra].sort(newestFirst), extra: [], next: '', prev: '' };
}

function idAfter(live: StoredPost[], createAt: number): string {
  return live.find((p) => p.create_at > createAt)?.id ?? '';
}

function idBefore(live: StoredPost[], createAt: number): string {
  for (let i = live.length - 1; i >= 0; i--) {
    const p = live[i] as StoredPost;
    if (p.create_at < createAt) return p.id;
  }
  return '';
}

export interface PageQuery {
  page: number;
  perPage: number;
  before?: string;
  after?: string;
}

/** Pages of live posts, with the server's cursor rules (`AddCursorIdsForPostList`). */
export function postsPage(state: SimState, channelId: string, q: PageQuery): ListResult {
  const live = state.livePosts(channelId); // oldest first
  const offset = q.page * q.perPage;
  let order: StoredPost[];
  let next: string | undefined;
  let prev: string | undefined;
  if (q.after || q.before) {
    const pivot = state.posts.get((q.after || q.before) as string);
    if (!pivot || pivot.channel_id !== channelId) {
      order = [];
    } else if (q.after) {
      order = live.filter((p) => p.create_at > pivot.create_at).slice(offset, offset + q.perPage);
      order.reverse();
      if (q.page === 0) prev = q.after;
      if (order.length < q.perPage) next = '';
    } else {
      const older = live.filter((p) => p.create_at < pivot.create_at).reverse();
      order = older.slice(offset, offset + q.perPage);
      if (q.page === 0) next = q.before;
      if (order.length < q.perPage) prev = '';
    }
  } else {
    order = [...live].reverse().slice(offset, offset + q.perPage);
  }
  const first = order[0];
  const last = order.at(-1);
  next ??= first ? idAfter(live, first.create_at) : '';
  prev ??= last ? idBefore(live, last.create_at) : '';
  return { order, extra: parentsOf(state, order, false), next, prev };
}

export interface ThreadQuery {
  perPage: number;
  fromCreateAt: number;
  direction: 'up' | 'down';
}

/** A root and its live replies; `perPage` > 0 pages the replies from `fromCreateAt`. */
export function threadOf(state: SimState, root: StoredPost, q: ThreadQuery): ListResult {
  let replies = state.liveReplies(root.id);
  let hasNext = false;
  if (q.direction === 'up') {
    replies = replies.filter((p) => !q.fromCreateAt || p.create_at < q.fromCreateAt).reverse();
  } else {
    replies = replies.filter((p) => p.create_at > q.fromCreateAt);
  }
  if (q.perPage > 0 && replies.length > q.perPage) {
    hasNext = true;
    replies = replies.slice(0, q.perPage);
  }
  const order = [root, ...replies].sort(newestFirst);
  return { order, extra: [], next: '', prev: '', hasNext };
}
