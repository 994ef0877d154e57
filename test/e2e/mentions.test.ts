/**
 * People on a platform cannot pick a Matrix user from their client's mention list; they write
 * `@Display Name` or `@localpart`. Each connector's messages must reach a Matrix client as a
 * real mention of that Matrix member (pill and `m.mentions`), and an e-mail address or a name
 * nobody in the room has must stay text.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BridgedWorld } from '../../bench/lib/world.js';
import type { BridgeApp } from '../../src/app/bridge-app.js';
import { matrixToUserLink } from '../../src/format/index.js';
import { E2E_WAIT_MS, waitFor } from '../harness/wait.js';
import { connectorsUnderTest, faultWorld } from './fault/fixture.js';
import { roomHistory, warmUp } from './fault/stream.js';

describe.each(connectorsUnderTest)('$id', (adapter) => {
  let world: BridgedWorld;
  let bridge: BridgeApp | undefined;
  beforeAll(async () => {
    world = await faultWorld(adapter);
    bridge = await world.startBridge();
    await warmUp(world, 'menw');
  });
  afterAll(async () => {
    await bridge?.stop();
    await world?.close();
  });

  it('an @name of a Matrix member becomes a mention of them; an e-mail address does not', async () => {
    const { roomId, channel } = world.portals[0]!;
    const maria = world.matrix.userId;
    const localpart = maria.slice(1, maria.indexOf(':'));
    await world.platform.post(channel, 'men-1 @maria matrix can you check?');
    await world.platform.post(channel, `men-2 thanks @${localpart}!`);
    await world.platform.post(channel, `men-3 write to ${localpart}@example.org or @nobody`);
    const got = await waitFor(
      async () => {
        const events = (await roomHistory(world, roomId)).filter((e) =>
          String(e.content.body ?? '').startsWith('men-'),
        );
        return events.length >= 3 ? events : undefined;
      },
      { what: 'the three posts in Matrix', timeoutMs: E2E_WAIT_MS * 2, intervalMs: 300 },
    );
    const [first, second, third] = got.map((e) => e.content);
    for (const content of [first!, second!]) {
      expect(content['m.mentions']).toEqual({ user_ids: [maria] });
      expect(String(content.formatted_body)).toContain(`href="${matrixToUserLink(maria)}"`);
      expect(String(content.formatted_body)).toContain('Maria Matrix');
    }
    expect(third!['m.mentions']).toEqual({ user_ids: [] });
    expect(String(third!.body)).toContain(`${localpart}@example.org or @nobody`);
  });
});
