/**
 * The media policy end to end: Synapse, the bridge, the Mattermost simulator and a real
 * clamd (started by the test with its own EICAR signature). Refused files do not cross,
 * each sender is told on their own side, clean files cross, and refusals are audited and
 * counted.
 */
import { randomBytes } from 'node:crypto';
import type { Post } from '@mattermost/types/posts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BridgeApp } from '../../src/app/bridge-app.js';
import { EICAR, ELF, TYPED_FILES } from '../fixtures/files.js';
import { startClamd, type RunningClamd } from '../harness/clamd.js';
import type { MatrixEvent } from '../harness/index.js';
import { untilPasses, E2E_WAIT_MS } from '../harness/wait.js';
import { createWorld, startBridge, type MattermostWorld } from './mattermost-fixture.js';

const PNG = TYPED_FILES.find((f) => f.type === 'image/png')?.bytes ?? Buffer.alloc(0);
const secret = randomBytes(24).toString('hex');

let world: MattermostWorld;
let bridge: BridgeApp;
let clamd: RunningClamd;

beforeAll(async () => {
  clamd = await startClamd();
  world = await createWorld();
  world.config.media = {
    allowed_types: ['image/*', 'text/plain', 'application/pdf'],
    scanner: { clamd: { host: clamd.host, port: clamd.port }, timeout_s: 60 },
  };
  world.config.admin = {
    provisioning: {
      enabled: true,
      secret,
      openid: false,
      rate_limit_per_minute: 600,
      session_minutes: 60,
    },
    console: { enabled: false },
    commands: { enabled: false },
    metrics: { enabled: true },
    audit_retention_days: 365,
    removed_config_links: 'unlink',
  };
  bridge = await startBridge(world);
});

afterAll(async () => {
  await bridge?.stop();
  await world?.close();
  await clamd?.stop();
});

const bridgeUrl = (): string => world.slot.url;

async function sendMatrixFile(bytes: Buffer, name: string, mimetype: string): Promise<string> {
  const mxc = await world.matrix.uploadMedia(new Uint8Array(bytes), mimetype, name);
  return world.matrix.sendMessage(world.roomId, {
    msgtype: 'm.file',
    body: name,
    url: mxc,
    info: { mimetype, size: bytes.length },
  });
}

async function postFileAsAlice(bytes: Buffer, name: string, mimetype: string): Promise<Post> {
  const form = new FormData();
  form.append('channel_id', world.channelId);
  form.append('files', new Blob([new Uint8Array(bytes)], { type: mimetype }), name);
  const uploaded = await world.alice.client.uploadFile(form);
  return world.alice.client.createPost({
    channel_id: world.channelId,
    message: '',
    file_ids: [uploaded.file_infos[0]!.id],
  } as Post);
}

const bridgedFileNames = async (): Promise<string[]> => {
  const names: string[] = [];
  for (const p of world.sim.posts(world.channelId).filter((x) => x.user_id === world.bot.id)) {
    if (((p as Post).file_ids?.length ?? 0) === 0) continue;
    const post = await world.alice.client.getPost(p.id);
    names.push(...(post.metadata?.files ?? []).map((f) => f.name));
  }
  return names;
};

const ghostEvents = async (): Promise<MatrixEvent[]> =>
  (await world.matrix.messages(world.roomId, { limit: 100 })).chunk.filter(
    (e) => e.sender === world.ghostOf(world.alice.id),
  );

async function audit(): Promise<Array<Record<string, string>>> {
  const res = await fetch(`${bridgeUrl()}/_bridge/admin/v1/audit?limit=100`, {
    headers: { authorization: `Bearer ${secret}` },
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { entries: Array<Record<string, string>> }).entries;
}

describe('media policy with a real clamd', () => {
  it('keeps an EICAR file from Matrix off Mattermost and tells the Matrix sender', async () => {
    const eventId = await sendMatrixFile(EICAR, 'invoice.txt', 'text/plain');
    const notice = await world.matrix.waitForEvent(
      world.roomId,
      (e) =>
        e.sender === world.botUserId &&
        e.content.msgtype === 'm.notice' &&
        String(e.content.body).includes('virus scanner found'),
    );
    expect(notice.content['m.relates_to']).toEqual({ 'm.in_reply_to': { event_id: eventId } });
    expect(String(notice.content.body)).toContain('Eicar-Test-Signature');
    // A clean file sent after it crosses; the refused one, which would have come first, never.
    await sendMatrixFile(Buffer.from('agenda: budget\n'), 'agenda.txt', 'text/plain');
    await world.waitForPosts(1, (p) => ((p as Post).file_ids?.length ?? 0) > 0);
    expect(await bridgedFileNames()).toEqual(['agenda.txt']);
  });

  it('refuses a file type the allow-list lacks, judged by its bytes, from Matrix', async () => {
    await sendMatrixFile(ELF, 'holiday.png', 'image/png');
    await world.matrix.waitForEvent(
      world.roomId,
      (e) =>
        e.sender === world.botUserId && String(e.content.body).includes('application/x-executable'),
    );
    expect(await bridgedFileNames()).not.toContain('holiday.png');
  });

  it('keeps EICAR and a disguised binary from Mattermost off Matrix and tells the Mattermost sender', async () => {
    const eicarPost = await postFileAsAlice(EICAR, 'eicar.txt', 'text/plain');
    const elfPost = await postFileAsAlice(ELF, 'cat.png', 'image/png');
    const notices = await world.waitForPosts(
      2,
      (p) => p.message.includes('not delivered') && p.message.includes('to Matrix'),
    );
    expect(notices.map((p) => (p as Post).root_id).sort()).toEqual(
      [eicarPost.id, elfPost.id].sort(),
    );
    const text = notices.map((p) => p.message).join('\n');
    expect(text).toContain('virus scanner found Eicar-Test-Signature');
    expect(text).toContain('files of type application/x-executable');
    // On Matrix: a note in place of each file, and no file.
    await untilPasses(
      async () => {
        const events = await ghostEvents();
        const notes = events.filter((e) => String(e.content.body).includes('was not bridged'));
        expect(notes).toHaveLength(2);
      },
      { what: 'the notes in place of the refused files', timeoutMs: E2E_WAIT_MS },
    );
    const files = (await ghostEvents()).filter((e) => e.content.url !== undefined);
    expect(files).toHaveLength(0);
  });

  it('lets a clean allowed file from Mattermost cross', async () => {
    await postFileAsAlice(PNG, 'pixel.png', 'image/png');
    const image = await world.matrix.waitForEvent(
      world.roomId,
      (e) => e.sender === world.ghostOf(world.alice.id) && e.content.msgtype === 'm.image',
    );
    const bytes = await world.matrix.downloadMedia(String(image.content.url));
    expect(Buffer.compare(bytes, PNG)).toBe(0);
  });

  it('audits every refusal and counts it, with the scanner up', async () => {
    const refusals = (await audit()).filter((e) => e.action === 'media_refused');
    const details = refusals.map((e) => e.detail ?? '');
    expect(refusals.every((e) => e.path === 'delivery' && e.outcome === 'denied')).toBe(true);
    expect(details.filter((d) => d.includes('reason=infected'))).toHaveLength(2);
    expect(details.filter((d) => d.includes('reason=type_not_allowed'))).toHaveLength(2);
    expect(refusals.map((e) => e.actor)).toContain(world.matrix.userId);
    expect(refusals.map((e) => e.actor)).toContain(`mattermost/main/${world.alice.id}`);
    expect(details.join(' ')).not.toMatch(/eicar\.txt|cat\.png|invoice|holiday/);
    const metrics = await (await fetch(`${bridgeUrl()}/metrics`)).text();
    expect(metrics).toMatch(
      /^bridge_media_refused_total\{reason="infected",direction="to_platform"\} 1$/m,
    );
    expect(metrics).toMatch(
      /^bridge_media_refused_total\{reason="infected",direction="to_matrix"\} 1$/m,
    );
    expect(metrics).toMatch(/^bridge_media_scanner_up\{scanner="clamd"\} 1$/m);
  });

  it('refuses files while the scanner is down (fail_closed), loudly and counted', async () => {
    await clamd.stop();
    await sendMatrixFile(Buffer.from('minutes\n'), 'minutes.txt', 'text/plain');
    // Within a minute of the earlier refusals: the room's failure notice is edited to add it.
    await world.matrix.waitForEvent(
      world.roomId,
      (e) =>
        e.sender === world.botUserId &&
        String(e.content.body).includes('virus scanner could not check the file'),
    );
    expect(await bridgedFileNames()).not.toContain('minutes.txt');
    const metrics = await (await fetch(`${bridgeUrl()}/metrics`)).text();
    expect(metrics).toMatch(/^bridge_media_scanner_up\{scanner="clamd"\} 0$/m);
    expect(metrics).toMatch(
      /^bridge_media_refused_total\{reason="scanner_unavailable",direction="to_platform"\} 1$/m,
    );
    const details = (await audit()).map((e) => e.detail ?? '');
    expect(details.some((d) => /reason=scanner_unavailable .*scanner=unreachable/.test(d))).toBe(
      true,
    );
  });
});
