/**
 * `planReplay`: one `posts?since=` answer on one timeline (`+id` a creation, `~id` a change),
 * and the cursor after it.
 */
import type { Post } from '@mattermost/types/posts';
import { describe, expect, it } from 'vitest';
import { planReplay } from '../../../connectors/mattermost/replay-order.js';

const post = (id: string, create_at: number, update_at: number, delete_at = 0): Post =>
  ({ id, create_at, update_at, delete_at, edit_at: 0, channel_id: 'c' }) as Post;

describe('planReplay', () => {
  it.each([
    {
      name: 'a post changed after newer ones stays in its creation place',
      posts: [post('c', 30, 30), post('a', 10, 50), post('b', 20, 40)],
      steps: ['+a', '+b', '+c', '~c', '~b', '~a'],
      cursor: 50,
    },
    {
      name: 'the same creation time is ordered by id',
      posts: [post('y', 10, 10), post('x', 10, 10)],
      steps: ['+x', '+y', '~x', '~y'],
      cursor: 10,
    },
    {
      name: 'an older post changed after the cursor is a change only, at its time',
      posts: [post('new', 20, 20), post('old', 1, 15)],
      steps: ['~old', '+new', '~new'],
      cursor: 20,
    },
    {
      name: 'a post created and deleted while away is a deletion only',
      posts: [post('gone', 20, 30, 30), post('kept', 25, 25)],
      steps: ['+kept', '~kept', '~gone'],
      cursor: 30,
    },
    {
      name: 'a thread root listed with its reply never moves the cursor back',
      posts: [post('reply', 8, 8), post('root', 1, 2)],
      steps: ['~root', '+reply', '~reply'],
      cursor: 8,
    },
    {
      name: 'nothing listed leaves the cursor where it was',
      posts: [],
      steps: [],
      cursor: 5,
    },
  ])('$name', ({ posts, steps, cursor }) => {
    const plan = planReplay(posts, 5);
    expect(plan.steps.map((s) => `${s.kind === 'created' ? '+' : '~'}${s.post.id}`)).toEqual(steps);
    expect(plan.cursor).toBe(cursor);
  });
});
