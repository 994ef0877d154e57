/**
 * HTML, script and Markdown injection in messages and display names, both ways. A Matrix
 * client must be handed only HTML the spec allows (checked independently of the bridge's
 * own sanitiser); the platform must receive nothing its renderer would run, load or use to
 * notify a whole channel on behalf of someone not allowed to.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformUser } from '../../../bench/adapters/index.js';
import type { BridgedWorld } from '../../../bench/lib/world.js';
import type { BridgeApp } from '../../../src/app/bridge-app.js';
import { newUserClient, type TestMatrixClient } from '../../harness/index.js';
import { connectorsUnderTest, faultWorld } from '../fault/fixture.js';
import { roomHistory, warmUp } from '../fault/stream.js';
import { unsafeMatrixHtml } from './matrix-html.js';

const HOSTILE = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<svg/onload=alert(1)>',
  '<a href="javascript:alert(1)">a</a>',
  '<a href=" JaVaScRiPt:alert(1)">b</a>',
  '<iframe src="https://evil.example"></iframe>',
  '<b onclick="alert(1)" style="x">bold</b>',
  '<img src="https://evil.example/track.png">',
  '<a href="data:text/html;base64,PHNjcmlwdD4=">d</a>',
  '[click](javascript:alert(1))',
  '![x](javascript:alert(1))',
  '[x](data:text/html;base64,PHNjcmlwdD4=)',
  '<javascript:alert(1)>',
  '[x](vbscript:msgbox)',
  '&lt;script&gt;alert(1)&lt;/script&gt;',
  '`<script>` in code',
  '<details open ontoggle=alert(1)>',
  '"><script>alert(1)</script>',
  '</a></span><script>alert(1)</script>',
];
const HOSTILE_NAME = '<img src=x onerror=alert(1)>[n](javascript:alert(1)) "><b>Eve</b> @channel';

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 90_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

describe.each(connectorsUnderTest)('$id', (adapter) => {
  let world: BridgedWorld;
  let bridge: BridgeApp | undefined;
  let bob: TestMatrixClient;
  let eve: PlatformUser;
  beforeAll(async () => {
    world = await faultWorld(adapter);
    bridge = await world.startBridge();
    await warmUp(world, 'injw');
    // bob: an ordinary member of the portal room (power level 0) with a hostile name.
    bob = await newUserClient('bob', { displayName: HOSTILE_NAME });
    await world.matrix.invite(world.portals[0]!.roomId, bob.userId);
    await bob.join(world.portals[0]!.roomId);
    eve = await world.platform.addUser(HOSTILE_NAME);
  });
  afterAll(async () => {
    await bridge?.stop();
    await world?.close();
  });

  it('hands Matrix clients only spec-allowed HTML from hostile platform messages and names', async () => {
    const { roomId, channel } = world.portals[0]!;
    for (const [i, h] of HOSTILE.entries()) await world.platform.post(channel, `inj-pf-${i} ${h}`);
    await eve.post(channel, `inj-eve ${HOSTILE[0]}`);
    await world.platform.post(channel, `inj-mention ${eve.mention} look`);
    const fromGhosts = await until('every hostile post in Matrix', async () => {
      const events = (await roomHistory(world, roomId)).filter(
        (e) => e.type === 'm.room.message' && String(e.content.body ?? '').startsWith('inj-'),
      );
      return events.length >= HOSTILE.length + 2 ? events : undefined;
    });
    const unsafe = fromGhosts.flatMap((e) =>
      typeof e.content.formatted_body === 'string'
        ? unsafeMatrixHtml(e.content.formatted_body).map(
            (p) => `${String(e.content.body).slice(0, 30)}: ${p}`,
          )
        : [],
    );
    expect(unsafe).toEqual([]);
    // The hostile name is a plain-text display name; where the bridge writes it into HTML
    // (the mention pill above), the check above covers it.
    const eveGhost = fromGhosts.find((e) => String(e.content.body).startsWith('inj-eve'));
    expect(eveGhost).toBeDefined();
    const profile = await world.matrix.getProfile(eveGhost!.sender);
    expect(profile.displayname).toBeTruthy();
  });

  it('sends the platform no active markup from hostile Matrix messages and names', async () => {
    const { roomId, channel } = world.portals[0]!;
    for (const [i, h] of HOSTILE.entries()) {
      await world.matrix.sendMessage(roomId, {
        msgtype: 'm.text',
        body: `inj-mxh-${i} ${h}`,
        format: 'org.matrix.custom.html',
        formatted_body: `inj-mxh-${i} ${h}`,
      });
      await world.matrix.sendMessage(roomId, `inj-mxp-${i} ${h}`);
    }
    await bob.sendMessage(roomId, `inj-bob ${HOSTILE[1]}`);
    const bridged = await until('every hostile Matrix message on the platform', async () => {
      const all = (await world.platform.bridgedMessages(channel)).filter((m) =>
        m.text.startsWith('inj-'),
      );
      return all.length >= HOSTILE.length * 2 + 1 ? all : undefined;
    });
    const risky = bridged.flatMap((m) =>
      adapter.markupRisks(m.text).active.map((r) => `${m.text.slice(0, 30)}: ${r}`),
    );
    expect(risky).toEqual([]);
    // bob's name travels as the author's name, never as part of the message text.
    const bobs = bridged.find((m) => m.text.startsWith('inj-bob'));
    expect(adapter.markupRisks(bobs!.text)).toEqual({ active: [], roomPings: [] });
  });

  // Teams bots cannot mention a whole channel or team: there is nothing to pass on.
  it.skipIf(adapter.roomPings === false)(
    'passes on a room mention from a Matrix user allowed to notify the room',
    async () => {
      const { roomId, channel } = world.portals[0]!;
      await world.matrix.sendMessage(roomId, 'inj-admin-room @room please read');
      const text = await until('the admin room mention', async () =>
        (await world.platform.bridgedTexts(channel)).find((t) => t.startsWith('inj-admin-room')),
      );
      expect(adapter.markupRisks(text).roomPings.length).toBe(1);
    },
  );

  // F6 (fixed): Matrix lets only users with the room's `notifications.room` power level (50
  // by default) notify everyone; the bridge passes anyone else's "@room" on as plain text.
  let bobRoomMention = '';
  it('carries a room mention from a Matrix user without that power', async () => {
    const { roomId, channel } = world.portals[0]!;
    await bob.sendMessage(roomId, 'inj-bob-room @room please read');
    bobRoomMention = await until('bob\u2019s room mention', async () =>
      (await world.platform.bridgedTexts(channel)).find((t) => t.startsWith('inj-bob-room')),
    );
  });
  it('F6: ...but not as a ping of the whole channel', () => {
    expect(bobRoomMention).not.toBe('');
    expect(adapter.markupRisks(bobRoomMention).roomPings).toEqual([]);
  });
});
