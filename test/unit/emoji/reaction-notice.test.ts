/**
 * A Matrix reaction a platform cannot show is told to the room (not dropped quietly): the
 * failure is permanent, loud, and worded for members, with the key cleaned of anything that
 * could hide or reorder the notice's text.
 */
import { describe, expect, it } from 'vitest';
import { ReactionUnavailableError, reactionKeyText } from '../../../src/connector/index.js';
import { ConnectorRegistry } from '../../../src/core/delivery/deps.js';
import { failureReport, FailureNotices } from '../../../src/core/delivery/failure-notices.js';
import type { InboxPayload } from '../../../src/core/inbox-payload.js';
import { classifyFailure } from '../../../src/core/retry.js';
import { silentLogger } from '../../../src/util/logger.js';
import { HOSTILE_KEYS, INVISIBLE_OR_REORDERING } from './hostile-keys.js';

const ROOM = '!portal:example.org';
const connectors = new ConnectorRegistry();
connectors.add({
  id: 'slack',
  displayName: 'Slack',
  connector: undefined as never,
  capabilities: undefined as never,
});

const reaction = (key: string): InboxPayload => ({
  kind: 'matrix',
  event: {
    event_id: '$reaction:example.org',
    room_id: ROOM,
    sender: '@maria:example.org',
    type: 'm.reaction',
    origin_server_ts: Date.UTC(2026, 11, 7, 10, 42),
    content: { 'm.relates_to': { rel_type: 'm.annotation', event_id: '$m:example.org', key } },
  },
});

/** The notice the room gets when Slack cannot show the reaction `key`. */
async function noticeFor(key: string): Promise<string> {
  const bodies: string[] = [];
  const notices = new FailureNotices(
    (_room, content) => {
      bodies.push(String(content.body));
      return Promise.resolve('$notice');
    },
    'salt',
    silentLogger(),
  );
  const failure = classifyFailure(new ReactionUnavailableError('Slack', key));
  const target = 'slack/agency-a/C0123';
  await notices.report(failureReport(1, reaction(key), ROOM, [{ target, ...failure }], connectors));
  return bodies[0]!;
}

describe('a reaction the platform has no emoji for', () => {
  it('fails for good, loudly, with words for members', () => {
    const info = classifyFailure(new ReactionUnavailableError('Slack', 'lol'));
    expect(info).toMatchObject({ retryable: false, code: 'REACTION_UNAVAILABLE' });
    expect(info.quiet).toBeFalsy();
  });

  it('is told in the room: which reaction, where, and what to do', async () => {
    const body = await noticeFor('lol');
    expect(body).toContain('Could not deliver the reaction “lol” (10:42 UTC).');
    expect(body).toContain('To Slack (agency-a): Slack has no emoji for the reaction “lol”');
    expect(body).toContain('react with a standard emoji instead');
  });

  it.each(HOSTILE_KEYS.map((k) => [JSON.stringify(k).slice(0, 40), k]))(
    'quotes the key %s without hidden or reordering characters, bounded',
    async (_label, key) => {
      const body = await noticeFor(key);
      const lines = body.split('\n');
      expect(lines).toHaveLength(2);
      for (const line of lines) expect(line).not.toMatch(INVISIBLE_OR_REORDERING);
      expect(body.length).toBeLessThan(400);
      const text = reactionKeyText(key);
      expect([...text].length).toBeLessThanOrEqual(27);
    },
  );

  it('shows an emoji as itself', () => {
    expect(reactionKeyText('🫪')).toBe('🫪');
    expect(reactionKeyText('🧑\u200D🩰')).toBe('🧑\u200D🩰');
    expect(reactionKeyText('lol')).toBe('“lol”');
  });
});
