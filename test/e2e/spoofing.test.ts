/**
 * Spoofed mentions and look-alike names, end to end through Synapse with Mattermost: what a
 * real Matrix client receives (event content, profile, room member name, notifications).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Post } from '@mattermost/types/posts';
import type { BridgeApp } from '../../src/app/bridge-app.js';
import { newUserClient, type MatrixEvent, type TestMatrixClient } from '../harness/index.js';
import { createWorld, startBridge, type MattermostWorld } from './mattermost-fixture.js';

let world: MattermostWorld;
let bridge: BridgeApp;
let bob: TestMatrixClient;

async function postAsAlice(message: string): Promise<void> {
  await world.alice.client.createPost({ channel_id: world.channelId, message } as Post);
}

async function fromAlice(marker: string): Promise<MatrixEvent> {
  const ghost = world.ghostOf(world.alice.id);
  return world.matrix.waitForEvent(
    world.roomId,
    (e) => e.sender === ghost && String(e.content.body).includes(marker),
    60_000,
  );
}

interface Notification {
  event: { event_id: string };
  actions: unknown[];
}

/** Maria's notifications, polled until `eventId` is among them (generous deadline). */
async function notificationsUntil(eventId: string): Promise<Notification[]> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { notifications } = await world.matrix.request<{ notifications: Notification[] }>(
      'GET',
      '/_matrix/client/v3/notifications',
      undefined,
      { limit: 100 },
    );
    if (notifications.some((n) => n.event.event_id === eventId)) return notifications;
    if (Date.now() > deadline) throw new Error(`no notification for ${eventId} within 60 s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const highlights = (n: Notification): boolean =>
  n.actions.some(
    (a) =>
      typeof a === 'object' &&
      a !== null &&
      (a as { set_tweak?: string; value?: unknown }).set_tweak === 'highlight' &&
      (a as { value?: unknown }).value !== false,
  );

beforeAll(async () => {
  world = await createWorld();
  bridge = await startBridge(world);
  // A name with a direction override, a zero-width space and a second line.
  bob = await newUserClient('bob', { displayName: 'Bob\u202E\u200B Matrix\nAdmin' });
  await world.matrix.invite(world.roomId, bob.userId);
  await bob.join(world.roomId);
}, 120_000);

afterAll(async () => {
  await bridge?.stop();
  await world?.close();
});

describe('spoofed mentions and look-alike names through Synapse', () => {
  it('a smuggled matrix.to link notifies nobody and is no pill; a real pill does notify', async () => {
    const maria = world.matrix.userId;
    const smuggled = [
      `[Maria](https://matrix.to/#/${maria}) smuggled-1`,
      `<https://MATRIX.TO/#/${encodeURIComponent(maria)}?via=x> smuggled-2`,
      `https://matrix.to/#/${maria} smuggled-3`,
    ];
    const events: MatrixEvent[] = [];
    for (const [i, message] of smuggled.entries()) {
      await postAsAlice(message);
      events.push(await fromAlice(`smuggled-${i + 1}`));
    }
    for (const ev of events) {
      expect(ev.content['m.mentions'], String(ev.content.body)).toEqual({ user_ids: [] });
      const html = String(ev.content.formatted_body ?? '');
      expect(html).not.toMatch(/<a [^>]*href="[^"]*matrix\.to/i);
    }
    expect(String(events[0]!.content.formatted_body)).toContain(
      `Maria (<code>https://matrix.to/#/${maria}</code>)`,
    );

    // The control: a genuine pill from a Matrix user does notify Maria, with a highlight.
    const real = await bob.sendMessage(world.roomId, {
      msgtype: 'm.text',
      body: 'Maria Matrix: real mention',
      format: 'org.matrix.custom.html',
      formatted_body: `<a href="https://matrix.to/#/${maria}">Maria Matrix</a>: real mention`,
      'm.mentions': { user_ids: [maria] },
    });
    const notifications = await notificationsUntil(real);
    expect(highlights(notifications.find((n) => n.event.event_id === real)!)).toBe(true);
    for (const ev of events) {
      const n = notifications.find((x) => x.event.event_id === ev.event_id);
      expect(n === undefined || !highlights(n), ev.event_id).toBe(true);
    }
  });

  it('the ghost carries the platform in its name, in its profile and in the room', async () => {
    await postAsAlice('name check');
    await fromAlice('name check');
    const ghost = world.ghostOf(world.alice.id);
    const profile = await world.matrix.getProfile(ghost);
    expect(profile.displayname).toBe('Alice Andersson (Mattermost)');
    const member = (await world.matrix.roomState(world.roomId)).find(
      (e) => e.type === 'm.room.member' && e.state_key === ghost,
    );
    expect(member?.content.displayname).toBe('Alice Andersson (Mattermost)');
  });

  it('a Matrix user shows on Mattermost with the Matrix suffix, the name cleaned', async () => {
    await bob.sendMessage(world.roomId, 'from bob');
    const [post] = await world.waitForPosts(1, (p) => p.message === 'from bob', 60_000);
    expect((post as { props?: Record<string, unknown> }).props?.override_username).toBe(
      'Bob Matrix Admin (Matrix)',
    );
  });
});
