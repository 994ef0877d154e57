/**
 * The order in which the core records a catch-up page: by when each thing happened (a
 * message at its creation, an edit at its edit), whatever order the platform listed them in;
 * equal times keep the connector's order.
 */
import { describe, expect, it } from 'vitest';
import type { RemoteEvent } from '../../../src/connector/events.js';
import { replayOrder } from '../../../src/connector/replay-order.js';
import { emptyText } from '../../../src/model/message.js';

const base = { workspace: 'w', channel: 'c', sender: { userId: 'u' } };
const content = { text: emptyText(), attachments: [] };
const msg = (id: string, ts: number): RemoteEvent => ({
  ...base,
  kind: 'message',
  eventKey: `msg:${id}`,
  ts,
  messageId: id,
  content,
});
const edit = (id: string, ts: number): RemoteEvent => ({
  ...base,
  kind: 'edit',
  eventKey: `edit:${id}:${ts}`,
  ts,
  messageId: id,
  content,
});
const del = (id: string, ts: number): RemoteEvent => ({
  ...base,
  kind: 'delete',
  eventKey: `del:${id}`,
  ts,
  messageId: id,
});

describe('catch-up replay order', () => {
  it.each([
    {
      name: 'a message edited after newer ones comes at its creation, its edit at the edit',
      in: [msg('B', 2), msg('C', 3), msg('A', 1), edit('A', 9)],
      out: ['msg:A', 'msg:B', 'msg:C', 'edit:A:9'],
    },
    {
      name: 'equal times keep the order the connector gave',
      in: [msg('y', 5), msg('x', 5), edit('y', 5)],
      out: ['msg:y', 'msg:x', 'edit:y:5'],
    },
    {
      name: 'deletions at their time, after what happened before them',
      in: [del('q', 8), msg('A', 1), del('p', 4), msg('B', 3)],
      out: ['msg:A', 'msg:B', 'del:p', 'del:q'],
    },
    { name: 'nothing happened', in: [], out: [] },
  ])('$name', (c) => {
    const input = [...c.in];
    expect(replayOrder(c.in).map((e) => e.eventKey)).toEqual(c.out);
    expect(c.in).toEqual(input); // the page itself is left as it was
  });
});
