/**
 * Emoji through a real Synapse and the Mattermost connector: emoji newer than the old
 * hand-written table cross both ways, skin tones included, and a Matrix reaction Mattermost
 * has no emoji for is told to the sender in the room instead of being dropped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Post } from '@mattermost/types/posts';
import type { BridgeApp } from '../../src/app/bridge-app.js';
import type { MatrixEvent } from '../harness/index.js';
import { E2E_WAIT_MS, waitFor } from '../harness/wait.js';
import { createWorld, startBridge, type MattermostWorld } from './mattermost-fixture.js';

let world: MattermostWorld;
let bridge: BridgeApp;

const rel = (e: MatrixEvent): Record<string, unknown> =>
  (e.content['m.relates_to'] ?? {}) as Record<string, unknown>;

beforeAll(async () => {
  world = await createWorld();
  bridge = await startBridge(world);
});

afterAll(async () => {
  await bridge?.stop();
  await world?.close();
});

async function reactionNames(postId: string): Promise<string[]> {
  return (await world.alice.client.getReactionsForPost(postId)).map((r) => r.emoji_name);
}

describe('emoji between Matrix and Mattermost', () => {
  it('carries new emoji and skin tones from Matrix, and tells the sender what cannot cross', async () => {
    const rootId = await world.matrix.sendMessage(world.roomId, 'react to me');
    const [root] = await world.waitForPosts(1, (p) => p.message === 'react to me');
    await world.matrix.sendReaction(world.roomId, rootId, '🫠');
    await world.matrix.sendReaction(world.roomId, rootId, '👍🏽');
    const lol = await world.matrix.sendReaction(world.roomId, rootId, 'lol');
    await waitFor(
      async () => {
        const names = await reactionNames(root!.id);
        return names.includes('melting_face') && names.includes('+1_medium_skin_tone');
      },
      { what: 'the reactions on Mattermost', timeoutMs: E2E_WAIT_MS },
    );

    const notice = await world.matrix.waitForEvent(
      world.roomId,
      (e) =>
        e.sender === world.botUserId &&
        e.content.msgtype === 'm.notice' &&
        String(e.content.body).includes('reaction “lol”'),
      E2E_WAIT_MS,
    );
    expect((rel(notice)['m.in_reply_to'] as { event_id?: string }).event_id).toBe(lol);
    expect(String(notice.content.body)).toContain(
      'Mattermost has no emoji for the reaction “lol”, so it is not shown there; react with a standard emoji instead',
    );
    expect(await reactionNames(root!.id)).toHaveLength(2);
  });

  it('carries new emoji and skin tones from Mattermost', async () => {
    const post = await world.alice.client.createPost({
      channel_id: world.channelId,
      message: 'react here',
    } as Post);
    const ghost = world.ghostOf(world.alice.id);
    const postEv = await world.matrix.waitForEvent(
      world.roomId,
      (e) => e.sender === ghost && e.content.body === 'react here',
    );
    for (const name of ['face_holding_back_tears', 'technologist_light_skin_tone', 'goat'])
      await world.alice.client.addReaction(world.alice.id, post.id, name);
    for (const key of ['🥹', '🧑🏻\u200D💻', '🐐']) {
      const ev = await world.matrix.waitForEvent(
        world.roomId,
        (e) => e.sender === ghost && e.type === 'm.reaction' && rel(e).key === key,
      );
      expect(rel(ev).event_id).toBe(postEv.event_id);
    }
  });
});
