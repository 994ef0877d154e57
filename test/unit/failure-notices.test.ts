/**
 * Failure notices in a room: a burst is one notice (edited to count), and no notice shows an
 * internal id, an error code, a platform's own error text or a stack trace.
 */
import { describe, expect, it } from 'vitest';
import { RemoteApiError } from '../../src/connector/errors.js';
import type { RemoteEvent } from '../../src/connector/events.js';
import type { TargetFailure } from '../../src/core/delivery/delivery.js';
import { ConnectorRegistry } from '../../src/core/delivery/deps.js';
import {
  failureReport,
  FailureNotices,
  type NoticeTiming,
} from '../../src/core/delivery/failure-notices.js';
import type { InboxPayload } from '../../src/core/inbox-payload.js';
import { classifyFailure } from '../../src/core/retry.js';
import { plainText } from '../../src/model/message.js';
import { BridgeError } from '../../src/util/errors.js';
import { silentLogger } from '../../src/util/logger.js';

const ROOM = '!portal:example.org';
const CHANNEL_ID = 'hxq9tbyn3jyx8gm8qqhtwb7cwa';
const TARGET = `chat/agency-a/${CHANNEL_ID}`;
const TIMING: NoticeTiming = { burstGapMs: 5_000, maxBurstMs: 60_000, editDelayMs: 30 };

const connectors = new ConnectorRegistry();
connectors.add({
  id: 'chat',
  displayName: 'ChatTool',
  connector: undefined as never,
  capabilities: undefined as never,
});

interface Sent {
  roomId: string;
  content: Record<string, unknown>;
  txn: string;
}

function notices(now: () => number = Date.now, failFirst = false) {
  const sent: Sent[] = [];
  let calls = 0;
  const n = new FailureNotices(
    (roomId, content, txn) => {
      calls += 1;
      if (failFirst && calls === 1) return Promise.reject(new Error('homeserver down'));
      sent.push({ roomId, content, txn });
      return Promise.resolve(`$notice${sent.length}`);
    },
    'salt',
    silentLogger(),
    TIMING,
    now,
  );
  return { n, sent };
}

const matrixText = (i: number, body = `message number ${i}`): InboxPayload => ({
  kind: 'matrix',
  event: {
    event_id: `$event${i}:example.org`,
    room_id: ROOM,
    sender: '@alice:example.org',
    type: 'm.room.message',
    origin_server_ts: Date.UTC(2026, 11, 7, 10, 42),
    content: { msgtype: 'm.text', body },
  },
});

const failure = (err: unknown, target = TARGET): TargetFailure => ({
  target,
  ...classifyFailure(err),
});

const bodyOf = (s: Sent): string => {
  const fresh = s.content['m.new_content'] as { body?: string } | undefined;
  return fresh?.body ?? String(s.content.body);
};
const isEdit = (s: Sent): boolean =>
  (s.content['m.relates_to'] as { rel_type?: string } | undefined)?.rel_type === 'm.replace';

describe('a burst of failures', () => {
  it('is one notice, edited once to count them all', async () => {
    const { n, sent } = notices();
    const err = RemoteApiError.fromStatus(400, 'api.post.create_post.app_error');
    for (let i = 1; i <= 25; i++) {
      await n.report(failureReport(i, matrixText(i), ROOM, [failure(err)], connectors));
    }
    await n.flush();
    expect(sent.filter((s) => !isEdit(s))).toHaveLength(1);
    expect(sent.filter(isEdit)).toHaveLength(1);
    const [first] = sent;
    expect(first!.content['m.relates_to']).toEqual({
      'm.in_reply_to': { event_id: '$event1:example.org' },
    });
    const final = bodyOf(sent.at(-1)!);
    expect(final).toContain('Could not deliver 25 messages');
    expect(final).toContain('“message number 1”');
    expect(final).toContain('“message number 25”');
    expect(final).toContain('25 to ChatTool (agency-a): ChatTool refused it');
    expect((sent.at(-1)!.content['m.relates_to'] as { event_id: string }).event_id).toBe(
      '$notice1',
    );
  });

  it('starts a new notice after a quiet gap, and per room', async () => {
    let now = 1_000_000;
    const { n, sent } = notices(() => now);
    const err = RemoteApiError.fromStatus(403, 'forbidden');
    await n.report(failureReport(1, matrixText(1), ROOM, [failure(err)], connectors));
    await n.report(
      failureReport(2, matrixText(2), '!other:example.org', [failure(err)], connectors),
    );
    now += TIMING.burstGapMs + 1;
    await n.report(failureReport(3, matrixText(3), ROOM, [failure(err)], connectors));
    expect(sent.filter((s) => !isEdit(s)).map((s) => s.roomId)).toEqual([
      ROOM,
      '!other:example.org',
      ROOM,
    ]);
  });

  it('is still told when the first notice could not be sent', async () => {
    const { n, sent } = notices(Date.now, true);
    const err = RemoteApiError.fromStatus(500, 'boom');
    for (let i = 1; i <= 3; i++) {
      await n.report(failureReport(i, matrixText(i), ROOM, [failure(err)], connectors));
    }
    await n.flush();
    expect(sent).toHaveLength(1);
    expect(isEdit(sent[0]!)).toBe(false);
    expect(bodyOf(sent[0]!)).toContain('Could not deliver 3 messages');
  });
});

/** Failures whose raw text carries what members must not see. */
const HOSTILE: Array<[string, unknown]> = [
  [
    'platform error id',
    RemoteApiError.fromStatus(400, 'api.post.create_post.channel_not_found.app_error'),
  ],
  [
    'remote ids in the message',
    RemoteApiError.fromStatus(404, `channel ${CHANNEL_ID} post p4k1xyz not found`),
  ],
  [
    'stack trace',
    Object.assign(new Error('socket hang up'), {
      stack: 'Error: x\n    at Object.<anonymous> (/srv/bridge/dist/a.js:1:2)',
    }),
  ],
  [
    'homeserver errcode',
    { statusCode: 403, errcode: 'M_FORBIDDEN', body: { error: `user not in ${ROOM}` } },
  ],
  [
    'bridge error with an internal code',
    new BridgeError('BAD_MXC', 'not a valid mxc URI: mxc://x/SECRETMEDIAID'),
  ],
  ['rate limit exhausted', RemoteApiError.fromStatus(429, 'rate_limited: retry in 30', 30_000)],
  ['network', new Error('connect ECONNREFUSED 10.0.0.7:8065')],
  ['too large', RemoteApiError.fromStatus(413, 'RequestEntityTooLarge: 104857600')],
  ['unauthorised', RemoteApiError.fromStatus(401, 'invalid_auth token=xoxb-123')],
];
const NEVER = [
  CHANNEL_ID,
  'p4k1xyz',
  'api.',
  'app_error',
  'M_FORBIDDEN',
  'BAD_MXC',
  'SECRETMEDIAID',
  'ECONNREFUSED',
  '10.0.0.7',
  '/srv/bridge',
  '<anonymous>',
  'a.js:1:2',
  'xoxb',
  '$event',
  'inbox',
  ROOM,
  'RequestEntityTooLarge',
  'rate_limited',
];

const REMOTE_POST: RemoteEvent = {
  kind: 'message',
  eventKey: 'post:p4k1xyz:created',
  workspace: 'agency-a',
  channel: CHANNEL_ID,
  ts: Date.UTC(2026, 11, 7, 9, 5),
  messageId: 'p4k1xyz',
  sender: { userId: 'u7yyy' },
  content: { text: plainText('from the platform side'), attachments: [] },
};

describe('notice wording', () => {
  const payloads: Array<[string, InboxPayload, string]> = [
    [
      'Matrix message',
      matrixText(7, 'Lunch at noon? Bring the draft for the review please'),
      '“Lunch at noon? Bring the draft for the r…”',
    ],
    [
      'platform message',
      { kind: 'remote', connector: 'chat', event: REMOTE_POST },
      '“from the platform side” from ChatTool',
    ],
  ];
  const cases = HOSTILE.flatMap(([name, err]) =>
    payloads.map(([kind, payload, quote]) => ({ name, err, kind, payload, quote })),
  );

  it.each(cases)('$name ($kind): says what and where, shows no internals', async (c) => {
    const { n, sent } = notices();
    const target = c.payload.kind === 'remote' ? 'matrix' : TARGET;
    await n.report(failureReport(4242, c.payload, ROOM, [failure(c.err, target)], connectors));
    const text = bodyOf(sent[0]!);
    expect(text).toContain(c.quote);
    expect(text).toMatch(/\d\d:\d\d UTC/);
    expect(text).toContain(target === 'matrix' ? 'To Matrix' : 'To ChatTool (agency-a)');
    for (const bad of NEVER) expect(text, bad).not.toContain(bad);
    expect(text).not.toContain('4242');
  });

  it('keeps the bridge’s own member-facing refusals, without a side', async () => {
    const { n, sent } = notices();
    const err = new BridgeError(
      'MESSAGE_TOO_LONG',
      'message is 50 characters, over the bridge limit of 40 (bridge.max_text_length); send it in shorter parts',
    );
    await n.report(failureReport(1, matrixText(1), ROOM, [failure(err, '*')], connectors));
    expect(bodyOf(sent[0]!)).toContain('• Message is 50 characters, over the bridge limit of 40');
  });
});
