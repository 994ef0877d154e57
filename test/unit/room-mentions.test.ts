import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { applyRoomMentionPower, mayNotifyRoom } from '../../src/core/delivery/room-mentions.js';
import type { OutboundContent } from '../../src/model/message.js';

describe('mayNotifyRoom', () => {
  const alice = '@alice:hs';
  it('follows notifications.room and the user’s level, with the spec’s defaults', () => {
    expect(mayNotifyRoom({ users: { [alice]: 50 } }, alice)).toBe(true);
    expect(mayNotifyRoom({ users: { [alice]: 49 } }, alice)).toBe(false);
    expect(mayNotifyRoom({ users_default: 50 }, alice)).toBe(true);
    expect(mayNotifyRoom({}, alice)).toBe(false);
    expect(mayNotifyRoom({ notifications: { room: 0 } }, alice)).toBe(true);
    expect(mayNotifyRoom({ notifications: { room: 100 }, users: { [alice]: 99 } }, alice)).toBe(
      false,
    );
    expect(mayNotifyRoom(undefined, alice)).toBe(false);
  });
  it('ignores values that are not integers', () => {
    expect(mayNotifyRoom({ users: { [alice]: '100' } }, alice)).toBe(false);
    expect(mayNotifyRoom({ notifications: { room: 'x' }, users: { [alice]: 50 } }, alice)).toBe(
      true,
    );
  });
});

describe('applyRoomMentionPower', () => {
  const content = (withRoom: boolean): OutboundContent => ({
    text: {
      blocks: [
        {
          type: 'paragraph',
          children: [
            { type: 'text', text: 'hi ' },
            { type: 'bold', children: withRoom ? [{ type: 'room_mention' }] : [] },
          ],
        },
      ],
    },
    attachments: [],
  });
  const deps = (levels: Record<string, unknown> | undefined) => {
    const calls: string[] = [];
    return {
      calls,
      deps: {
        log: pino({ level: 'silent' }),
        gateway: {
          powerLevels: (roomId: string) => {
            calls.push(roomId);
            return Promise.resolve(levels);
          },
        },
      } as never,
    };
  };

  it('reads power levels only for messages with a room mention', async () => {
    const d = deps({});
    const plain = content(false);
    expect(await applyRoomMentionPower(plain, '!r:hs', '@bob:hs', d.deps)).toBe(plain);
    expect(d.calls).toEqual([]);
  });
  it('keeps the mention for a member with the power, plain text otherwise', async () => {
    const allowed = deps({ users: { '@mod:hs': 50 } });
    const mention = content(true);
    expect(await applyRoomMentionPower(mention, '!r:hs', '@mod:hs', allowed.deps)).toBe(mention);
    const out = await applyRoomMentionPower(mention, '!r:hs', '@bob:hs', allowed.deps);
    expect(JSON.stringify(out.text)).not.toContain('room_mention');
    expect(out.text.blocks[0]).toEqual({
      type: 'paragraph',
      children: [
        { type: 'text', text: 'hi ' },
        { type: 'bold', children: [{ type: 'text', text: '@room' }] },
      ],
    });
  });
});
