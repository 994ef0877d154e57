import { describe, expect, it, vi } from 'vitest';
import pino from 'pino';
import type { DeliveryDeps } from '../../../src/core/delivery/deps.js';
import { textContent } from '../../../src/core/delivery/matrix-content.js';
import { platformText } from '../../../src/core/delivery/platform-text.js';
import { GhostIdCodec } from '../../../src/core/ids.js';
import { PortalMembers } from '../../../src/core/portal-members.js';
import type { FormattedText } from '../../../src/model/message.js';

const codec = new GhostIdCodec('_b_', 'hs.example');
const BOT = '@_b_bot:hs.example';
const ALICE = '@alice:hs.example';
const sameSideGhost = codec.encode({ connector: 'slack', workspace: 'w', userId: 'U2' });
const otherGhost = codec.encode({ connector: 'mattermost', workspace: 'm', userId: 'carl1' });
const roomMembers = [
  { userId: BOT, displayName: 'Bridge' },
  { userId: ALICE, displayName: 'Alice Andersson' },
  { userId: sameSideGhost, displayName: 'Bob' },
  { userId: otherGhost, displayName: 'Carl' },
];
const origin = { connector: 'slack', workspace: 'w', roomId: '!r:hs.example' };
const plain = (text: string): FormattedText => ({
  blocks: [{ type: 'paragraph', children: [{ type: 'text', text }] }],
});

function depsWith(of: (roomId: string) => Promise<typeof roomMembers>): DeliveryDeps {
  return { codec, gateway: { botUserId: BOT }, members: { of } } as unknown as DeliveryDeps;
}

async function mentionsIn(text: string): Promise<unknown> {
  const deps = depsWith(() => Promise.resolve(roomMembers));
  const out = textContent(
    { text: await platformText(plain(text), origin, deps), attachments: [] },
    deps,
  );
  return out?.['m.mentions'];
}

describe('platformText: who a platform message may name', () => {
  it('a Matrix member named by display name or localpart is mentioned', async () => {
    expect(await mentionsIn('@alice andersson please')).toEqual({ user_ids: [ALICE] });
    expect(await mentionsIn('@Alice please')).toEqual({ user_ids: [ALICE] });
  });

  it('never the bridge bot, nor ghosts of the sender’s own workspace', async () => {
    expect(await mentionsIn('@Bridge @bob hi')).toEqual({ user_ids: [] });
  });

  it('a ghost of another platform becomes a remote mention (its platform renders it)', async () => {
    const deps = depsWith(() => Promise.resolve(roomMembers));
    const text = await platformText(plain('hi @carl'), origin, deps);
    expect(JSON.stringify(text)).toContain(
      '{"kind":"remote","connector":"mattermost","workspace":"m","userId":"carl1"}',
    );
    expect(textContent({ text, attachments: [] }, deps)?.['m.mentions']).toEqual({
      user_ids: [otherGhost],
    });
  });

  it('does not ask for the room members when no @ is in the text', async () => {
    const of = vi.fn(() => Promise.resolve(roomMembers));
    await platformText(plain('hello there'), origin, depsWith(of));
    expect(of).not.toHaveBeenCalled();
  });
});

describe('PortalMembers', () => {
  const log = pino({ level: 'silent' });

  it('keeps a room’s list a few minutes, and forgets it on a membership change', async () => {
    let now = 0;
    const load = vi.fn((roomId: string) => Promise.resolve([{ userId: `@a:${roomId}` }]));
    const members = new PortalMembers(load, log, () => now);
    await members.of('r1');
    await members.of('r1');
    expect(load).toHaveBeenCalledTimes(1);
    members.forget('r1');
    await members.of('r1');
    expect(load).toHaveBeenCalledTimes(2);
    now += 6 * 60_000;
    await members.of('r1');
    expect(load).toHaveBeenCalledTimes(3);
  });

  it('answers an empty list when the homeserver cannot say, and asks again next time', async () => {
    const load = vi
      .fn<(roomId: string) => Promise<{ userId: string }[]>>()
      .mockRejectedValueOnce(new Error('M_FORBIDDEN'))
      .mockResolvedValue([{ userId: '@a:hs' }]);
    const members = new PortalMembers(load, log);
    expect(await members.of('r1')).toEqual([]);
    expect(await members.of('r1')).toEqual([{ userId: '@a:hs' }]);
  });
});
