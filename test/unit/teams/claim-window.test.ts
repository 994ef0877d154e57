/**
 * A catch-up read must not record, before a live activity of its conversation, anything that
 * happened after that activity — also when the activity began while Graph was being read
 * (its hold did not exist when the read's window was first computed). The live activity has
 * claimed its own change and waits for the catch-up; a page that left that change out but
 * kept what came after it recorded those first: a later message before it (reordered), its
 * edit before it (the edit lost on an unknown message), its deletion before it (the message
 * left standing).
 */
import { describe, expect, it } from 'vitest';
import { ReactionTracker } from '../../../src/connector/index.js';
import { silentLogger } from '../../../src/util/logger.js';
import type { TeamsDeps } from '../../../connectors/teams/deps.js';
import { Echoes } from '../../../connectors/teams/echoes.js';
import type { GraphMessage } from '../../../connectors/teams/graph.js';
import { GraphCatchUp } from '../../../connectors/teams/history.js';
import { memoryReactions } from '../../contract/fake-context.js';

const CHANNEL = '19:claims@thread.tacv2';
const ALICE = '00000000-0000-4000-8000-00000000a11c';
const T0 = Date.now() - 60_000;
const iso = (offset: number): string => new Date(T0 + offset).toISOString();

function message(id: string, created: number, extra: Partial<GraphMessage> = {}): GraphMessage {
  return {
    id,
    messageType: 'message',
    createdDateTime: iso(created),
    lastModifiedDateTime: iso(created),
    from: { user: { id: ALICE } },
    body: { contentType: 'html', content: `<p>${id}</p>` },
    ...extra,
  };
}

/** A Graph read that answers when the test says so. */
function pendingRead(): { read: Promise<GraphMessage[]>; answer(m: GraphMessage[]): void } {
  let answer!: (m: GraphMessage[]) => void;
  const read = new Promise<GraphMessage[]>((resolve) => (answer = resolve));
  return { read, answer };
}

function catchUpWith(graphRead: Promise<GraphMessage[]>): { catchup: GraphCatchUp; d: TeamsDeps } {
  const d = {
    workspace: 'contoso',
    connectorId: 'teams',
    config: { catchup: { settle_seconds: 0 }, graph_url: 'https://graph.invalid/v1.0' },
    log: silentLogger(),
    directory: { place: async (channel: string) => ({ channel, teamId: 'team-1' }) },
    graph: { changes: () => graphRead, replies: async () => [] },
    echoes: new Echoes(),
    reactions: new ReactionTracker(memoryReactions(new Map())),
    threads: { remember: async () => undefined },
  } as unknown as TeamsDeps;
  return { catchup: new GraphCatchUp(d, () => undefined), d };
}

/** The live message activity of `first`, at 1000, as Inbound handles it: held, its key claimed. */
const LIVE_AT = 1000;
const earlier = message('100', 500);

const LATER_CHANGES: Array<{ what: string; messages: GraphMessage[] }> = [
  { what: 'a later message', messages: [message('1', LIVE_AT), message('2', 2000)] },
  {
    what: 'its edit',
    messages: [
      message('1', LIVE_AT, { lastEditedDateTime: iso(3000), lastModifiedDateTime: iso(3000) }),
    ],
  },
  {
    what: 'its deletion',
    messages: [
      message('1', LIVE_AT, { deletedDateTime: iso(3000), lastModifiedDateTime: iso(3000) }),
    ],
  },
  {
    what: 'a reaction to it',
    messages: [
      message('1', LIVE_AT, {
        lastModifiedDateTime: iso(3000),
        reactions: [
          { reactionType: 'like', createdDateTime: iso(3000), user: { user: { id: ALICE } } },
        ],
      }),
    ],
  },
  {
    what: 'a later reply',
    messages: [message('1', LIVE_AT), message('3', 2500, { replyToId: '1' })],
  },
];

describe('a Teams catch-up page claimed while a live activity began', () => {
  for (const { what, messages } of LATER_CHANGES) {
    it(`does not record ${what} before the live activity`, async () => {
      const graph = pendingRead();
      const { catchup, d } = catchUpWith(graph.read);
      const link = { workspace: 'contoso', channel: CHANNEL, linkedAt: T0 };
      const page = catchup.fetchSince(link, undefined);
      // Graph is being read: the live activity of message 1 begins (held, its key claimed).
      await Promise.resolve();
      catchup.live.hold(CHANNEL, T0 + LIVE_AT);
      d.echoes.emitted.add('msg:1');
      graph.answer([earlier, ...messages]);

      const { events, nextCursor } = await page;
      // What came before the live activity is recorded; nothing from it on.
      expect(events.map((e) => e.eventKey)).toEqual(['msg:100']);
      expect(Number(nextCursor)).toBe(T0 + LIVE_AT - 1);
    });
  }

  it('claims what it records, so a live activity beginning after it leaves that to the page', async () => {
    const graph = pendingRead();
    const { catchup, d } = catchUpWith(graph.read);
    const page = catchup.fetchSince({ workspace: 'contoso', channel: CHANNEL, linkedAt: T0 }, '');
    graph.answer([earlier, message('1', LIVE_AT)]);
    const { events } = await page;
    expect(events.map((e) => e.eventKey)).toEqual(['msg:100', 'msg:1']);
    expect(d.echoes.emitted.has('msg:1')).toBe(true);
  });
});
