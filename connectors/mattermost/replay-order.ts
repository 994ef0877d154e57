import type { Post } from '@mattermost/types/posts';

/**
 * One thing a catch-up replays: a post's creation (its message), or its latest state (its
 * deletion, or its edit and reactions).
 */
export interface ReplayStep {
  kind: 'created' | 'changed';
  post: Post;
}

/**
 * The order in which a channel's catch-up replays one answer of `posts?since=`.
 *
 * The server lists posts by their last change (`update_at`), and an edit, a reaction or a
 * deletion moves a post's `update_at` to when it happened. Replaying posts in that order put
 * a post created while the bridge was away, and then edited or reacted to, after newer posts.
 * So each post is replayed twice on one timeline: its creation at `create_at`, its latest
 * change at `update_at` (never earlier, so after its own message).
 */
export interface ReplayPlan {
  /** Creations and changes by time; a creation before a change at the same time; then by id. */
  steps: ReplayStep[];
  /**
   * Where the channel's cursor may move once the whole answer is recorded: its newest
   * `update_at` (never behind `since`). Moving it step by step would skip, after a crash,
   * the posts that creation order put after one changed later.
   */
  cursor: number;
}

function timeOf(step: ReplayStep): number {
  return step.kind === 'created' ? step.post.create_at : step.post.update_at;
}

function byTime(a: ReplayStep, b: ReplayStep): number {
  const creationFirst = (s: ReplayStep) => (s.kind === 'created' ? 0 : 1);
  return (
    timeOf(a) - timeOf(b) ||
    creationFirst(a) - creationFirst(b) ||
    (a.post.id === b.post.id ? 0 : a.post.id < b.post.id ? -1 : 1)
  );
}

/** Orders one `posts?since=` answer for replay and says where the cursor goes after it. */
export function planReplay(posts: Post[], since: number): ReplayPlan {
  // Created after the cursor and still there: not yet bridged (or dropped by key if it was).
  const created = posts.filter((p) => p.create_at > since && p.delete_at === 0);
  const steps: ReplayStep[] = [
    ...created.map((post) => ({ kind: 'created' as const, post })),
    ...posts.map((post) => ({ kind: 'changed' as const, post })),
  ].sort(byTime);
  const cursor = posts.reduce((newest, p) => Math.max(newest, p.update_at), since);
  return { steps, cursor };
}
