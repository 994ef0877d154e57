import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BridgeApp } from '../../src/app/bridge-app.js';
import { matrixToUserLink } from '../../src/format/matrix-render.js';
import type { MatrixEvent } from '../harness/index.js';
import {
  createRocketWorld,
  PIXEL,
  startRocketBridge,
  type RcMessage,
  type RocketWorld,
} from './rocketchat-fixture.js';
import { E2E_WAIT_MS } from '../harness/wait.js';

let world: RocketWorld;
let bridge: BridgeApp;

const rel = (e: MatrixEvent): Record<string, unknown> =>
  (e.content['m.relates_to'] ?? {}) as Record<string, unknown>;

async function postAsAlice(msg: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await world.asAlice('chat.sendMessage', {
    message: { rid: world.room._id, msg, ...extra },
  });
  return (res.message as { _id: string })._id;
}

function fromGhost(predicate: (e: MatrixEvent) => boolean): Promise<MatrixEvent> {
  const ghost = world.ghostOf(world.alice._id);
  return world.matrix.waitForEvent(world.roomId, (e) => e.sender === ghost && predicate(e));
}

async function until(
  check: () => boolean | Promise<boolean>,
  timeoutMs = E2E_WAIT_MS,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

const rcMessage = (id: string) =>
  (world.sim.messages(world.room._id) as unknown as RcMessage[]).find((m) => m._id === id);

beforeAll(async () => {
  world = await createRocketWorld();
  bridge = await startRocketBridge(world);
});

afterAll(async () => {
  await bridge?.stop();
  await world?.close();
});

describe('Rocket.Chat → Matrix', () => {
  it('shows a message from the author’s ghost, with name, avatar and formatting', async () => {
    await postAsAlice('Hello *team*, see [docs](https://example.org) and `code` ~gone~');
    const ev = await fromGhost(
      (e) => e.type === 'm.room.message' && String(e.content.body).includes('Hello'),
    );
    expect(ev.content.format).toBe('org.matrix.custom.html');
    expect(ev.content.formatted_body).toContain('<strong>team</strong>');
    expect(ev.content.formatted_body).toContain('<a href="https://example.org">docs</a>');
    expect(ev.content.formatted_body).toContain('<code>code</code>');
    expect(ev.content.formatted_body).toMatch(/<(del|s|strike)>gone<\/(del|s|strike)>/);
    const profile = await world.matrix.getProfile(world.ghostOf(world.alice._id));
    expect(profile.displayname).toBe('Alice Andersson (Rocket.Chat)');
    expect(profile.avatar_url).toMatch(/^mxc:\/\//);
    expect(Buffer.compare(await world.matrix.downloadMedia(profile.avatar_url!), PIXEL)).toBe(0);
  });

  it('turns @all into @room and @user into a pill', async () => {
    await postAsAlice('@all listen up, @alice');
    const ev = await fromGhost((e) => String(e.content.body).includes('listen up'));
    expect(String(ev.content.body)).toContain('@room');
    expect((ev.content['m.mentions'] as { room?: boolean }).room).toBe(true);
    expect(String(ev.content.formatted_body)).toContain(
      matrixToUserLink(world.ghostOf(world.alice._id)),
    );
  });

  it('carries threads, quotes as replies, edits, reactions and deletes', async () => {
    const root = await postAsAlice('thread root');
    const rootEv = await fromGhost((e) => e.content.body === 'thread root');
    await postAsAlice('in the thread', { tmid: root });
    const threadEv = await fromGhost((e) => e.content.body === 'in the thread');
    expect(rel(threadEv)).toMatchObject({ rel_type: 'm.thread', event_id: rootEv.event_id });

    await postAsAlice(`[ ](${world.sim.url}/channel/town-square?msg=${root}) quoting the root`);
    const quoteEv = await fromGhost((e) => String(e.content.body).includes('quoting the root'));
    expect(rel(quoteEv)).toMatchObject({ 'm.in_reply_to': { event_id: rootEv.event_id } });

    await world.asAlice('chat.update', {
      roomId: world.room._id,
      msgId: root,
      text: 'thread root (edited)',
    });
    const editEv = await fromGhost((e) => rel(e).rel_type === 'm.replace');
    expect(rel(editEv).event_id).toBe(rootEv.event_id);
    expect((editEv.content['m.new_content'] as { body: string }).body).toBe('thread root (edited)');

    await world.asAlice('chat.react', { messageId: root, emoji: ':thumbsup:', shouldReact: true });
    const reactEv = await fromGhost((e) => e.type === 'm.reaction');
    expect(rel(reactEv)).toMatchObject({
      rel_type: 'm.annotation',
      event_id: rootEv.event_id,
      key: '👍',
    });
    await world.asAlice('chat.react', { messageId: root, emoji: ':thumbsup:', shouldReact: false });
    await world.matrix.waitForEvent(
      world.roomId,
      (e) => e.type === 'm.room.redaction' && e.redacts === reactEv.event_id,
    );

    const doomed = await postAsAlice('to be deleted');
    const doomedEv = await fromGhost((e) => e.content.body === 'to be deleted');
    await world.asAlice('chat.delete', { roomId: world.room._id, msgId: doomed });
    await world.matrix.waitForEvent(
      world.roomId,
      (e) => e.type === 'm.room.redaction' && e.redacts === doomedEv.event_id,
    );
  });

  it('uploads images to the media repository', async () => {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(PIXEL)], { type: 'image/png' }), 'pixel.png');
    const up = await fetch(`${world.sim.url}/api/v1/rooms.media/${world.room._id}`, {
      method: 'POST',
      headers: { 'X-User-Id': world.alice._id, 'X-Auth-Token': world.alice.token },
      body: form,
    });
    const fileId = ((await up.json()) as { file: { _id: string } }).file._id;
    await world.asAlice(`rooms.mediaConfirm/${world.room._id}/${fileId}`, {});
    const ev = await fromGhost((e) => e.content.msgtype === 'm.image');
    expect(ev.content.body).toBe('pixel.png');
    expect((ev.content.info as { w?: number; h?: number }).w).toBe(1);
    expect(Buffer.compare(await world.matrix.downloadMedia(String(ev.content.url)), PIXEL)).toBe(0);
  });
});

describe('Matrix → Rocket.Chat', () => {
  it('posts as the bot with the Matrix name and avatar (message-impersonate)', async () => {
    await world.matrix.sendMessage(world.roomId, {
      msgtype: 'm.text',
      body: 'hello from matrix',
      format: 'org.matrix.custom.html',
      formatted_body: 'hello <em>from</em> <b>matrix</b>',
    });
    const [m] = await world.waitForBotMessages(1, (x) => x.msg.includes('hello'));
    expect(m!.msg).toBe('hello _from_ *matrix*');
    expect(m!.alias).toBe('Maria Matrix (Matrix)');
    expect(m!.avatar).toMatch(/^https?:\/\//);
    const avatar = await fetch(m!.avatar!);
    expect(avatar.status).toBe(200);
    expect(Buffer.compare(Buffer.from(await avatar.arrayBuffer()), PIXEL)).toBe(0);
  });

  it('mentions Rocket.Chat users natively and @room as @all', async () => {
    const pill = `<a href="https://matrix.to/#/${world.ghostOf(world.alice._id)}">Alice Andersson</a>`;
    await world.matrix.sendMessage(world.roomId, {
      msgtype: 'm.text',
      body: 'Alice Andersson: ping @room',
      format: 'org.matrix.custom.html',
      formatted_body: `${pill}: ping @room`,
      'm.mentions': { user_ids: [world.ghostOf(world.alice._id)], room: true },
    });
    const [m] = await world.waitForBotMessages(1, (x) => x.msg.includes('ping'));
    expect(m!.msg).toBe('@alice: ping @all');
  });

  it('carries threads, replies, edits, reactions and redactions', async () => {
    const rootId = await world.matrix.sendMessage(world.roomId, 'matrix root');
    const [root] = await world.waitForBotMessages(1, (m) => m.msg === 'matrix root');
    await world.matrix.threadReply(world.roomId, rootId, 'matrix thread reply');
    const [reply] = await world.waitForBotMessages(1, (m) => m.msg === 'matrix thread reply');
    expect(reply!.tmid).toBe(root!._id);

    await world.matrix.reply(world.roomId, rootId, 'a plain reply');
    const [quoted] = await world.waitForBotMessages(1, (m) => m.msg.endsWith('a plain reply'));
    expect(quoted!.msg).toContain(`?msg=${root!._id}`);
    expect(quoted!.attachments?.[0]).toMatchObject({ text: 'matrix root' });

    await world.matrix.edit(world.roomId, rootId, 'matrix root edited');
    await until(() => rcMessage(root!._id)?.msg === 'matrix root edited');

    const reaction = await world.matrix.sendReaction(world.roomId, rootId, '👍');
    await until(
      () =>
        rcMessage(root!._id)?.reactions?.[':thumbsup:']?.usernames.includes('bridgebot') === true,
    );
    await world.matrix.redact(world.roomId, reaction);
    await until(() => rcMessage(root!._id)?.reactions === undefined);

    const shortLived = await world.matrix.sendMessage(world.roomId, 'short-lived');
    const [gone] = await world.waitForBotMessages(1, (m) => m.msg === 'short-lived');
    await world.matrix.redact(world.roomId, shortLived);
    await until(() => rcMessage(gone!._id) === undefined);
  });

  it('uploads Matrix files with rooms.media + rooms.mediaConfirm', async () => {
    const data = Buffer.from('plain file contents');
    const mxc = await world.matrix.uploadMedia(new Uint8Array(data), 'text/plain', 'notes.txt');
    await world.matrix.sendMessage(world.roomId, {
      msgtype: 'm.file',
      body: 'notes.txt',
      url: mxc,
      info: { mimetype: 'text/plain', size: data.length },
    });
    const [m] = await world.waitForBotMessages(1, (x) => x.file?.name === 'notes.txt');
    expect(m!.file).toMatchObject({ size: data.length, type: 'text/plain' });
    expect(m!.alias).toBe('Maria Matrix (Matrix)');
  });

  it('does not loop: a bridged message is not echoed back', async () => {
    await world.matrix.sendMessage(world.roomId, 'no echo please');
    await world.waitForBotMessages(1, (m) => m.msg.includes('no echo please'));
    // The room's events arrive in order: an echo of the copy would come before this.
    await postAsAlice('marker after the copy');
    await fromGhost((e) => e.content.body === 'marker after the copy');
    const copies = (await world.matrix.messages(world.roomId, { limit: 50 })).chunk.filter(
      (e) =>
        e.sender !== world.matrix.userId && String(e.content.body ?? '').includes('no echo please'),
    );
    expect(copies).toHaveLength(0);
  });
});

describe('resilience', () => {
  it('honours 429 (X-RateLimit-Reset) without loss, duplicates or reordering', async () => {
    world.sim.injectFailures({
      status: 429,
      count: 2,
      retryAfterMs: 1200,
      pathPattern: /chat\.sendMessage$/,
    });
    await world.matrix.sendMessage(world.roomId, 'limited one');
    await world.matrix.sendMessage(world.roomId, 'limited two');
    const got = await world.waitForBotMessages(2, (m) => m.msg.startsWith('limited'));
    expect(got.map((m) => m.msg)).toEqual(['limited one', 'limited two']);
    expect(
      world.sim
        .requestLog()
        .filter((e) => e.path === '/api/v1/chat.sendMessage' && e.status === 429),
    ).toHaveLength(2);
  });

  it('reconnects after the server drops the realtime connection and catches up', async () => {
    world.sim.dropWebSockets();
    await postAsAlice('said during the drop');
    await fromGhost((e) => e.content.body === 'said during the drop');
    world.sim.sendRawFrame('{{ not json');
    await postAsAlice('after garbage');
    await fromGhost((e) => e.content.body === 'after garbage');
  });
});

// Last: it restarts the bridge (a fresh in-memory database), which the tests above do not expect.
describe('identity without message-impersonate', () => {
  it('names the sender in the text when the bot lacks message-impersonate', async () => {
    world.sim.revokePermission('message-impersonate', 'bot');
    try {
      // The connector re-reads permissions periodically; a restart picks the change up at once.
      await bridge.stop();
      bridge = await startRocketBridge(world);
      await world.matrix.sendMessage(world.roomId, 'attributed');
      const [m] = await world.waitForBotMessages(1, (x) => x.msg.includes('attributed'));
      expect(m!.msg).toBe('*Maria Matrix (Matrix)*: attributed');
      expect(m!.alias).toBeUndefined();
      const state = bridge.states
        .all()
        .find((x) => x.connector === 'rocketchat' && x.workspace === 'main');
      expect(state).toMatchObject({
        status: 'connected',
        error: expect.stringMatching(/message-impersonate/),
      });
    } finally {
      world.sim.grantPermission('message-impersonate', 'bot');
    }
  });
});
