import { describe, expect, it } from 'vitest';
import { planReplay } from '../../../connectors/rocketchat/replay-order.js';
import type { Change } from '../../../connectors/rocketchat/sync.js';
import type { WireMessage } from '../../../connectors/rocketchat/types.js';

const iso = (ms: number) => new Date(ms).toISOString();
const updated = (id: string, createdMs: number, updatedMs: number): Change => ({
  kind: 'updated',
  time: updatedMs,
  message: { _id: id, ts: iso(createdMs), _updatedAt: iso(updatedMs) } as WireMessage,
});
const deleted = (id: string, at: number): Change => ({ kind: 'deleted', time: at, id });
const ids = (changes: readonly Change[]) =>
  changes.map((c) => (c.kind === 'updated' ? c.message._id : `-${c.id}`));

describe('Rocket.Chat catch-up replay order', () => {
  it.each([
    {
      name: 'a message edited after newer ones comes at its creation',
      in: [updated('B', 2, 2), updated('C', 3, 3), updated('A', 1, 9)],
      out: ['A', 'B', 'C'],
      cursor: 9,
    },
    {
      name: 'ties in creation time are broken by id',
      in: [updated('y', 5, 6), updated('x', 5, 7)],
      out: ['x', 'y'],
      cursor: 7,
    },
    {
      name: 'deletions come after every message, oldest first',
      in: [deleted('q', 8), updated('A', 1, 2), deleted('p', 4), updated('B', 3, 3)],
      out: ['A', 'B', '-p', '-q'],
      cursor: 8,
    },
    { name: 'nothing changed', in: [], out: [], cursor: undefined },
  ])('$name', (c) => {
    const plan = planReplay(c.in);
    expect(ids([...plan.updated, ...plan.deleted])).toEqual(c.out);
    expect(plan.cursor).toBe(c.cursor);
  });
});
