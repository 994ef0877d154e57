import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Post } from '@mattermost/types/posts';
import type { BridgeApp } from '../../src/app/bridge-app.js';
import type { MatrixEvent } from '../harness/index.js';
import { createWorld, startBridge, type MattermostWorld } from './mattermost-fixture.js';
import { E2E_WAIT_MS } from '../harness/wait.js';

let world: MattermostWorld;
let bridge: BridgeApp;

const rel = (e: MatrixEvent): Record<string, unknown> =>
  (e.content['m.relates_to'] ?? {}) as Record<string, unknown>;

async function postAsAlice(message: string, extra: Partial<Post> = {}): Promise<Post> {
  return world.alice.client.createPost({ channel_id: world.channelId, message, ...extra } as Post);
}

async function fromGhost(predicate: (e: MatrixEvent) => boolean): Promise<MatrixEvent> {
  const ghost = world.ghostOf(world.alice.id);
  return world.matrix.waitForEvent(world.roomId, (e) => e.sender === ghost && predicate(e));
}

beforeAll(async () => {
  world = await createWorld();
  bridge = await startBridge(world);
});

afterAll(async () => {
  await bridge?.stop();
  await world?.close();
});

describe('Mattermost → Matrix', () => {
  it('shows a post as the author ghost with name, avatar and formatted body', async () => {
    await postAsAlice('Hello **team**, see [docs](https://example.org) and `code`');
    const ev = await fromGhost(
      (e) => e.type === 'm.room.message' && String(e.content.body).includes('Hello'),
    );
    expect(ev.content.msgtype).toBe('m.text');
    expect(ev.content.format).toBe('org.matrix.custom.html');
    expect(ev.content.formatted_body).toContain('<strong>team</strong>');
    expect(ev.content.formatted_body).toContain('<a href="https://example.org">docs</a>');
    expect(ev.content.formatted_body).toContain('<code>code</code>');
    const profile = await world.matrix.getProfile(world.ghostOf(world.alice.id));
    expect(profile.displayname).toBe('Alice Andersson (Mattermost)');
    expect(profile.avatar_url).toMatch(/^mxc:\/\//);
  });

  it('turns @channel into @room and sanitises HTML-looking text', async () => {
    await postAsAlice('@channel look <script>alert(1)</script>');
    const ev = await fromGhost((e) => String(e.content.body).includes('look'));
    expect(String(ev.content.body)).toContain('@room');
    expect(String(ev.content.formatted_body ?? '')).not.toContain('<script>');
    expect((ev.content['m.mentions'] as { room?: boolean }).room).toBe(true);
  });

  it('carries threads, edits, reactions and deletes', async () => {
    const root = await postAsAlice('thread root');
    const rootEv = await fromGhost((e) => e.content.body === 'thread root');
    await postAsAlice('in the thread', { root_id: root.id } as Partial<Post>);
    const replyEv = await fromGhost((e) => e.content.body === 'in the thread');
    expect(rel(replyEv).rel_type).toBe('m.thread');
    expect(rel(replyEv).event_id).toBe(rootEv.event_id);

    await world.alice.client.patchPost({ id: root.id, message: 'thread root (edited)' });
    const editEv = await fromGhost((e) => rel(e).rel_type === 'm.replace');
    expect(rel(editEv).event_id).toBe(rootEv.event_id);
    expect((editEv.content['m.new_content'] as { body: string }).body).toBe('thread root (edited)');

    await world.alice.client.addReaction(world.alice.id, root.id, 'thumbsup');
    const reactEv = await fromGhost((e) => e.type === 'm.reaction');
    expect(rel(reactEv)).toMatchObject({
      rel_type: 'm.annotation',
      event_id: rootEv.event_id,
      key: '👍',
    });

    await world.alice.client.removeReaction(world.alice.id, root.id, 'thumbsup');
    await world.matrix.waitForEvent(
      world.roomId,
      (e) => e.type === 'm.room.redaction' && e.redacts === reactEv.event_id,
    );

    // Seen in Matrix before it is deleted: once redacted, its body is gone from the timeline.
    const toDelete = await postAsAlice('to be deleted');
    const doomed = await fromGhost((e) => e.content.body === 'to be deleted');
    await world.alice.client.deletePost(toDelete.id);
    await world.matrix.waitForEvent(
      world.roomId,
      (e) => e.type === 'm.room.redaction' && e.redacts === doomed.event_id,
    );
  });

  it('mentions a Mattermost user as a pill to their ghost', async () => {
    await postAsAlice('hi @alice');
    const ev = await fromGhost((e) => String(e.content.body).startsWith('hi '));
    expect(String(ev.content.formatted_body)).toContain(
      `https://matrix.to/#/${world.ghostOf(world.alice.id)}`,
    );
  });

  it('uploads files to the media repository', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
    const form = new FormData();
    form.append('channel_id', world.channelId);
    form.append('files', new Blob([new Uint8Array(png)], { type: 'image/png' }), 'pixel.png');
    const uploaded = await world.alice.client.uploadFile(form);
    await postAsAlice('', { file_ids: [uploaded.file_infos[0]!.id] } as Partial<Post>);
    const ev = await fromGhost((e) => e.content.msgtype === 'm.image');
    expect(ev.content.body).toBe('pixel.png');
    const bytes = await world.matrix.downloadMedia(String(ev.content.url));
    expect(Buffer.compare(bytes, png)).toBe(0);
  });
});

describe('Matrix → Mattermost', () => {
  it('posts as the bot with the Matrix sender name and avatar override', async () => {
    await world.matrix.sendMessage(world.roomId, {
      msgtype: 'm.text',
      body: 'hello from matrix',
      format: 'org.matrix.custom.html',
      formatted_body: 'hello <em>from</em> <b>matrix</b>',
    });
    const [post] = await world.waitForPosts(1, (p) => p.message.includes('hello'));
    expect(post!.message).toBe('hello _from_ **matrix**');
    expect(post!.props).toMatchObject({
      from_webhook: 'true',
      override_username: 'Maria Matrix (Matrix)',
    });
  });

  it('carries replies as threads, edits, reactions and redactions', async () => {
    const rootId = await world.matrix.sendMessage(world.roomId, 'matrix root');
    const [root] = await world.waitForPosts(1, (p) => p.message === 'matrix root');
    await world.matrix.threadReply(world.roomId, rootId, 'matrix thread reply');
    const [reply] = await world.waitForPosts(1, (p) => p.message === 'matrix thread reply');
    expect(reply!.root_id).toBe(root!.id);

    await world.matrix.edit(world.roomId, rootId, 'matrix root edited');
    await world.waitForPosts(1, (p) => p.message === 'matrix root edited');

    const reaction = await world.matrix.sendReaction(world.roomId, rootId, '👍');
    await waitFor(async () =>
      (await world.alice.client.getReactionsForPost(root!.id)).some(
        (r) => r.emoji_name === '+1' || r.emoji_name === 'thumbsup',
      ),
    );
    await world.matrix.redact(world.roomId, reaction);
    await waitFor(
      async () => (await world.alice.client.getReactionsForPost(root!.id)).length === 0,
    );

    const replyEvent = await world.matrix.sendMessage(world.roomId, 'short-lived');
    await world.waitForPosts(1, (p) => p.message === 'short-lived');
    await world.matrix.redact(world.roomId, replyEvent);
    await waitFor(
      async () => !world.sim.posts(world.channelId).some((p) => p.message === 'short-lived'),
    );
  });

  it('names the sender in the text when the server disables overrides', async () => {
    world.sim.setSettings({ enablePostUsernameOverride: false, enablePostIconOverride: false });
    // The connector re-reads the setting periodically; a restart picks it up at once.
    await bridge.stop();
    bridge = await startBridge(world);
    await world.matrix.sendMessage(world.roomId, 'attributed');
    const [post] = await world.waitForPosts(1, (p) => p.message.includes('attributed'));
    expect(post!.message).toBe('**Maria Matrix (Matrix)**: attributed');
    world.sim.setSettings({ enablePostUsernameOverride: true, enablePostIconOverride: true });
  });

  it('uploads Matrix files to Mattermost', async () => {
    const data = Buffer.from('plain file contents');
    const mxc = await world.matrix.uploadMedia(new Uint8Array(data), 'text/plain', 'notes.txt');
    await world.matrix.sendMessage(world.roomId, {
      msgtype: 'm.file',
      body: 'notes.txt',
      url: mxc,
      info: { mimetype: 'text/plain', size: data.length },
    });
    const [post] = await world.waitForPosts(1, (p) => (p as Post).file_ids?.length === 1);
    const fetched = await world.alice.client.getPost(post!.id);
    expect(fetched.metadata?.files?.[0]?.name).toBe('notes.txt');
    expect(fetched.metadata?.files?.[0]?.size).toBe(data.length);
  });

  it('does not loop: a bridged message is not echoed back', async () => {
    await world.matrix.sendMessage(world.roomId, 'no echo please');
    await world.waitForPosts(1, (p) => p.message.includes('no echo please'));
    // The channel's events arrive in order: an echo of the copy would come before this.
    await postAsAlice('marker after the copy');
    await fromGhost((e) => e.content.body === 'marker after the copy');
    const ghostCopies = (await world.matrix.messages(world.roomId, { limit: 50 })).chunk.filter(
      (e) =>
        e.sender !== world.matrix.userId && String(e.content.body ?? '').includes('no echo please'),
    );
    expect(ghostCopies).toHaveLength(0);
    expect(
      world.sim.posts(world.channelId).filter((p) => p.message.includes('no echo please')),
    ).toHaveLength(1);
  });
});

async function waitFor(check: () => Promise<boolean>, timeoutMs = E2E_WAIT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}
