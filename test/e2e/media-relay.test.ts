/**
 * The media policy between platforms: a portal linking Mattermost and Rocket.Chat, where
 * Rocket.Chat takes only PDFs from other platforms. A picture from Mattermost reaches Matrix
 * but not Rocket.Chat (a note stands in its place there), its sender is told in Mattermost,
 * and a PDF crosses everywhere.
 */
import type { Post } from '@mattermost/types/posts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BridgeApp } from '../../src/app/bridge-app.js';
import { TYPED_FILES } from '../fixtures/files.js';
import { E2E_WAIT_MS, waitFor } from '../harness/wait.js';
import {
  createRocketWorld,
  startRocketBridge,
  type MattermostSide,
  type RocketWorld,
} from './rocketchat-fixture.js';

const PNG = TYPED_FILES.find((f) => f.type === 'image/png')?.bytes ?? Buffer.alloc(0);
const PDF = TYPED_FILES.find((f) => f.type === 'application/pdf')?.bytes ?? Buffer.alloc(0);

let world: RocketWorld;
let mm: MattermostSide;
let bridge: BridgeApp;

beforeAll(async () => {
  world = await createRocketWorld({ withMattermost: true });
  mm = world.mattermost!;
  world.config.media = {
    allowed_types: ['image/*', 'application/pdf'],
    connectors: { rocketchat: { between_platforms: { allowed_types: ['application/pdf'] } } },
  };
  bridge = await startRocketBridge(world);
});

afterAll(async () => {
  await bridge?.stop();
  await world?.close();
});

async function postFileAsCarol(bytes: Buffer, name: string, mimetype: string): Promise<Post> {
  const form = new FormData();
  form.append('channel_id', mm.channelId);
  form.append('files', new Blob([new Uint8Array(bytes)], { type: mimetype }), name);
  const uploaded = await mm.carol.client.uploadFile(form);
  return mm.carol.client.createPost({
    channel_id: mm.channelId,
    message: `sending ${name}`,
    file_ids: [uploaded.file_infos[0]!.id],
  } as Post);
}

describe('media policy between platforms', () => {
  it('keeps a picture from Rocket.Chat, tells the Mattermost sender, still shows it on Matrix', async () => {
    const post = await postFileAsCarol(PNG, 'pixel.png', 'image/png');
    const [relayed] = await world.waitForBotMessages(1, (m) => m.msg.includes('sending pixel.png'));
    expect(relayed!.msg).toContain('(file “pixel.png” was not bridged: files of type image/png');
    expect(relayed!.file).toBeUndefined();
    const notice = await waitFor(
      () =>
        mm.sim
          .posts(mm.channelId)
          .find((p) => p.user_id === mm.bot.id && p.message.includes('not delivered')),
      { what: 'the notice to the Mattermost sender', timeoutMs: E2E_WAIT_MS },
    );
    expect((notice as Post).root_id).toBe(post.id);
    expect(notice.message).toContain('“pixel.png” to Rocket.Chat: files of type image/png');
    await world.matrix.waitForEvent(
      world.roomId,
      (e) => e.content.msgtype === 'm.image' && e.content.body === 'pixel.png',
    );
  });

  it('lets a PDF cross to Rocket.Chat', async () => {
    await postFileAsCarol(PDF, 'minutes.pdf', 'application/pdf');
    const [relayed] = await world.waitForBotMessages(1, (m) => m.file?.name === 'minutes.pdf');
    expect(relayed!.msg).not.toContain('not bridged');
  });
});
