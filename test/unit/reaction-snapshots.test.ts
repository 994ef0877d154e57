/**
 * The toolkit's reaction snapshots: a platform's whole reaction set of a message in, the
 * reactions added and removed since what was passed on out; the same snapshot again (also
 * after a restart, or after a crash before it was recorded) gives nothing new or the same
 * changes with the same generations.
 */
import { describe, expect, it } from 'vitest';
import {
  diffReactionSnapshot,
  ReactionTracker,
  type KnownReaction,
  type ReactionChange,
  type ReactionEntry,
} from '../../src/connector/index.js';
import { memoryReactions } from '../contract/fake-context.js';

const REF = { workspace: 'w', channel: 'c' };
const e = (user: string, reaction: string): ReactionEntry => ({ user, reaction });
const known = (user: string, reaction: string, generation: number, present = true) => ({
  user,
  reaction,
  generation,
  present,
});
const add = (user: string, reaction: string, generation = 1): ReactionChange => ({
  user,
  reaction,
  added: true,
  generation,
});
const remove = (user: string, reaction: string, generation = 1): ReactionChange => ({
  ...add(user, reaction, generation),
  added: false,
});

describe('diffReactionSnapshot', () => {
  const cases: Array<[string, KnownReaction[], ReactionEntry[], ReactionChange[]]> = [
    ['unknown message, no reactions', [], [], []],
    [
      'unknown message, reactions: all added',
      [],
      [e('bob', 'x'), e('al', 'x')],
      [add('al', 'x'), add('bob', 'x')],
    ],
    ['an add', [known('al', 'x', 1)], [e('al', 'x'), e('al', 'y')], [add('al', 'y')]],
    [
      'a remove',
      [known('al', 'x', 1), known('al', 'y', 2)],
      [e('al', 'x')],
      [remove('al', 'y', 2)],
    ],
    ['the same snapshot twice', [known('al', 'x', 1)], [e('al', 'x')], []],
    ['a duplicate entry counts once', [], [e('al', 'x'), e('al', 'x')], [add('al', 'x')]],
    [
      'two users, same key: only the one who left',
      [known('al', 'x', 1), known('bob', 'x', 1)],
      [e('bob', 'x')],
      [remove('al', 'x')],
    ],
    [
      'two users, same key: the second one joins',
      [known('al', 'x', 1)],
      [e('al', 'x'), e('bob', 'x')],
      [add('bob', 'x')],
    ],
    [
      'added again after a removal: next generation',
      [known('al', 'x', 3, false)],
      [e('al', 'x')],
      [add('al', 'x', 4)],
    ],
    ['a removed one stays removed', [known('al', 'x', 3, false)], [], []],
    [
      'a swap: removal first',
      [known('al', 'y', 1)],
      [e('al', 'x')],
      [remove('al', 'y'), add('al', 'x')],
    ],
  ];
  it.each(cases)('%s', (_label, before, now, changes) => {
    expect(diffReactionSnapshot(before, now)).toEqual(changes);
  });

  it('leaves out reactions that are no news, without forgetting known ones', () => {
    const isNew = (r: ReactionEntry) => r.user !== 'old';
    expect(
      diffReactionSnapshot([known('old', 'y', 1)], [e('old', 'x'), e('al', 'x')], { isNew }),
    ).toEqual([remove('old', 'y'), add('al', 'x')]);
  });
});

describe('ReactionTracker', () => {
  const track = async (t: ReactionTracker, id: string, now: ReactionEntry[]) => {
    const emitted: ReactionChange[] = [];
    await t.snapshot(REF, id, now, async (c) => void emitted.push(c));
    return emitted;
  };

  it('passes each change on once, also after a restart', async () => {
    const store = new Map<string, string>();
    const first = new ReactionTracker(memoryReactions(store));
    expect(await track(first, 'm1', [e('al', 'x')])).toEqual([add('al', 'x')]);
    expect(await track(first, 'm1', [e('al', 'x')])).toEqual([]);
    const restarted = new ReactionTracker(memoryReactions(store));
    expect(await track(restarted, 'm1', [e('al', 'x')])).toEqual([]);
    expect(await track(restarted, 'm1', [])).toEqual([remove('al', 'x')]);
    expect(await track(restarted, 'm1', [e('al', 'x')])).toEqual([add('al', 'x', 2)]);
    expect(await track(restarted, 'other', [e('al', 'x')])).toEqual([add('al', 'x')]);
  });

  it('gives the same changes again when a crash came before they were recorded', async () => {
    const store = new Map<string, string>();
    const t = new ReactionTracker(memoryReactions(store));
    await track(t, 'm1', [e('al', 'x')]);
    const crashed = await t.compare(REF, 'm1', [e('bob', 'x')]);
    const again = await new ReactionTracker(memoryReactions(store)).compare(REF, 'm1', [
      e('bob', 'x'),
    ]);
    expect(again.changes).toEqual(crashed.changes);
    expect(again.changes).toEqual([remove('al', 'x'), add('bob', 'x')]);
    await again.commit();
    expect(await track(t, 'm1', [e('bob', 'x')])).toEqual([]);
  });

  it('does not record a change whose emit failed, so it comes again', async () => {
    const t = new ReactionTracker(memoryReactions(new Map()));
    const failing = t.snapshot(REF, 'm1', [e('al', 'x')], () =>
      Promise.reject(new Error('inbox down')),
    );
    await expect(failing).rejects.toThrow('inbox down');
    expect(await track(t, 'm1', [e('al', 'x')])).toEqual([add('al', 'x')]);
  });

  it('keeps live reactions in step, so a snapshot does not repeat them', async () => {
    const t = new ReactionTracker(memoryReactions(new Map()));
    expect(await t.note(REF, 'm1', e('al', 'x'), true)).toBe(1);
    expect(await t.note(REF, 'm1', e('al', 'x'), true)).toBe(1);
    expect(await track(t, 'm1', [e('al', 'x')])).toEqual([]);
    expect(await t.note(REF, 'm1', e('al', 'x'), false)).toBe(1);
    expect(await track(t, 'm1', [])).toEqual([]);
    expect(await track(t, 'm1', [e('al', 'x')])).toEqual([add('al', 'x', 2)]);
    // A removal seen live for a reaction never passed on records nothing.
    expect(await t.note(REF, 'unknown', e('al', 'x'), false)).toBe(0);
    expect(await track(t, 'unknown', [])).toEqual([]);
  });

  it('keeps channels and messages apart', async () => {
    const t = new ReactionTracker(memoryReactions(new Map()));
    await track(t, 'm1', [e('al', 'x')]);
    const elsewhere: ReactionChange[] = [];
    await t.snapshot({ ...REF, channel: 'd' }, 'm1', [], async (c) => void elsewhere.push(c));
    expect(elsewhere).toEqual([]);
    expect(await track(t, 'm2', [])).toEqual([]);
  });
});
