import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSimWorld, errorOf, rawCall, type SimWorld } from './helpers.js';
import { loadSlackSpec } from './spec.js';

const spec = loadSlackSpec();
let w: SimWorld;

beforeEach(async () => {
  w = await createSimWorld();
});
afterEach(async () => {
  await w.sim.close();
});

describe('external file upload', () => {
  it('takes files from WebClient.filesUploadV2 (multipart) into a file_share message', async () => {
    const data = Buffer.from('%PDF-1.4 a report\n');
    const res = await w.alice.client.filesUploadV2({
      channel_id: w.channelId,
      file: data,
      filename: 'report.pdf',
      initial_comment: 'the *report*',
    });
    const uploaded = (res.files as Array<{ files?: Array<{ id: string }> }>)[0]!.files![0]!;
    const msg = w.sim.messages(w.channelId).at(-1)!;
    expect(msg).toMatchObject({ subtype: 'file_share', text: 'the *report*', user: w.alice.id });
    expect(msg.files?.map((f) => f.name)).toEqual(['report.pdf']);
    const info = await rawCall(w.sim, 'files.info', w.app.botToken, { file: uploaded.id });
    spec.check(spec.definition('objs_file'), (info.body as { file: unknown }).file, 'file');
    const file = (info.body as { file: Record<string, unknown> }).file;
    expect(file).toMatchObject({
      name: 'report.pdf',
      mimetype: 'application/pdf',
      size: data.length,
    });
    expect(
      (file.shares as { public: Record<string, Array<{ ts: string }>> }).public[w.channelId]![0]!
        .ts,
    ).toBe(msg.ts);
  });

  it('takes raw bytes, threads the share, and serves url_private only with a token', async () => {
    const bytes = Buffer.from('plain notes');
    const root = await w.alice.client.chat.postMessage({ channel: w.channelId, text: 'root' });
    const { upload_url, file_id } = await w.bot.files.getUploadURLExternal({
      filename: 'notes.txt',
      length: bytes.length,
    });
    const put = await fetch(upload_url!, { method: 'POST', body: bytes });
    expect(put.status).toBe(200);
    const done = await w.bot.files.completeUploadExternal({
      files: [{ id: file_id!, title: 'Notes' }],
      channel_id: w.channelId,
      thread_ts: root.ts!,
      initial_comment: 'here',
    });
    const f = done.files![0]! as { url_private_download: string; title: string };
    expect(f.title).toBe('Notes');
    const share = w.sim.messages(w.channelId).at(-1)!;
    expect(share).toMatchObject({ thread_ts: root.ts, bot_id: w.app.botId, subtype: 'file_share' });

    const anonymous = await fetch(f.url_private_download);
    expect(anonymous.headers.get('content-type')).toMatch(/^text\/html/);
    const authed = await fetch(f.url_private_download, {
      headers: { authorization: `Bearer ${w.alice.token}` },
    });
    expect(authed.headers.get('content-type')).toBe('text/plain');
    expect(Buffer.from(await authed.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('refuses completing a file whose bytes never arrived, or twice', async () => {
    const { file_id, upload_url } = await w.bot.files.getUploadURLExternal({
      filename: 'x.bin',
      length: 3,
    });
    expect(await errorOf(w.bot.files.completeUploadExternal({ files: [{ id: file_id! }] }))).toBe(
      'file_not_found',
    );
    await fetch(upload_url!, { method: 'POST', body: Buffer.from('abc') });
    await w.bot.files.completeUploadExternal({ files: [{ id: file_id! }] });
    expect(await errorOf(w.bot.files.completeUploadExternal({ files: [{ id: file_id! }] }))).toBe(
      'file_not_found',
    );
    // Not shared anywhere and not Alice's: invisible to her.
    expect(await errorOf(w.alice.client.files.info({ file: file_id! }))).toBe('file_not_found');
  });
});
